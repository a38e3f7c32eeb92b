// The words of every application e-mail, kept together so they read as one voice. Plain text only.

type Mail = { subject: string; body: string; kind: string };

type Partnership = {
  name: string;
  organisation: string;
  reference: string;
  leadName: string;
  opportunityTitle: string;
};

/** To a partner's members: confirm its part (again, when the lead changed its role or share). */
export function confirmPart(o: Partnership & { link: string; again: boolean }): Mail {
  return {
    kind: 'application_partner_confirmation',
    subject: o.again
      ? `Please confirm again: ${o.organisation}’s part in application ${o.reference}`
      : `Please confirm ${o.organisation}’s part in application ${o.reference}`,
    body: [
      `Hello ${o.name},`,
      '',
      o.again
        ? `${o.leadName} changed ${o.organisation}’s role or share in its application to "${o.opportunityTitle}", so it needs confirming again.`
        : `${o.leadName} has named ${o.organisation} as a partner in its application to "${o.opportunityTitle}".`,
      'Any member of your organisation can read the application and confirm or decline its part:',
      o.link,
    ].join('\n'),
  };
}

/** To a partner's members, once the lead has taken it out. */
export function partnerRemoved(o: Partnership): Mail {
  return {
    kind: 'application_partner_removed',
    subject: `${o.organisation} is no longer a partner in application ${o.reference}`,
    body: [
      `Hello ${o.name},`,
      '',
      `${o.leadName} has taken ${o.organisation} out of its application to "${o.opportunityTitle}". There is nothing more for you to confirm.`,
    ].join('\n'),
  };
}

/** To the lead's members, when a partner declines its part. */
export function partnerDeclined(o: Partnership & { link: string }): Mail {
  return {
    kind: 'application_partner_declined',
    subject: `${o.organisation} declined to be a partner in application ${o.reference}`,
    body: [
      `Hello ${o.name},`,
      '',
      `${o.organisation} has declined to be a partner in ${o.leadName}’s application to "${o.opportunityTitle}", so it has been taken out of the application.`,
      'Check the partners and their shares before you submit:',
      o.link,
    ].join('\n'),
  };
}

/** To the members of every organisation in the application, once submitted. */
export function submitted(o: {
  name: string;
  reference: string;
  leadName: string;
  title: string;
  opportunityTitle: string;
  when: string;
  amount: string;
  link: string;
}): Mail {
  return {
    kind: 'application_submitted',
    subject: `Application ${o.reference} submitted`,
    body: [
      `Hello ${o.name},`,
      '',
      `${o.leadName}’s application "${o.title}" to "${o.opportunityTitle}" was submitted on ${o.when}.`,
      `Amount requested: ${o.amount}.`,
      'You can read it, as submitted, here:',
      o.link,
    ].join('\n'),
  };
}
