import type { QueuedEmail } from '../../../kernel/mutation.ts';

// The texts of the e-mails assessment sends.

type Opportunity = { slug: string; title: string };

export const panelMemberAdded = (baseUrl: string, to: string, o: Opportunity): QueuedEmail => ({
  to,
  kind: 'panel.member_added',
  subject: `You are on the assessment panel for ${o.title}`,
  body: `You have been added to the panel that assesses applications to "${o.title}".\n\nBefore you score, declare any interests: ${baseUrl}/opportunities/${o.slug}/panel`,
});

export const panelMemberRemoved = (to: string, o: Opportunity): QueuedEmail => ({
  to,
  kind: 'panel.member_removed',
  subject: `You are no longer on the assessment panel for ${o.title}`,
  body: `You have been removed from the panel that assesses applications to "${o.title}". Your declaration of interests and any scores you gave have been removed with you.`,
});

export const applicationDecided = (
  baseUrl: string,
  to: string,
  o: Opportunity,
  a: { reference: string },
  outcome: 'successful' | 'unsuccessful',
  feedback: string,
): QueuedEmail => ({
  to,
  kind: 'application.decided',
  subject: `${o.title}: your application ${a.reference} was ${outcome}`,
  body: `The council has decided on your application ${a.reference} to "${o.title}": ${outcome}.\n\nFeedback from the panel:\n\n${feedback}\n\n${baseUrl}/applications/${a.reference}`,
});
