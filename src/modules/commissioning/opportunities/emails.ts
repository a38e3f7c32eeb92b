// The words of every opportunity e-mail, kept together so they read as one voice. Plain text only.

type Mail = { subject: string; body: string; kind: string };

/** To each person of an application still waiting on an opportunity that has been cancelled. */
export function cancelledToApplicant(o: {
  name: string;
  title: string;
  when: string;
  reason: string;
  reference: string;
  applicationLink: string;
  link: string;
}): Mail {
  return {
    kind: 'opportunity.cancelled',
    subject: `"${o.title}" has been cancelled: your application ${o.reference}`,
    body: [
      `Hello ${o.name},`,
      '',
      `The council cancelled the opportunity "${o.title}" on ${o.when}. The reason given:`,
      '',
      o.reason,
      '',
      `Your application ${o.reference} will not be assessed, and it can no longer be changed or submitted. You can still read it:`,
      o.applicationLink,
      '',
      `The opportunity's page says why it was cancelled: ${o.link}`,
    ].join('\n'),
  };
}

/** To each person who asked a clarification question about an opportunity that has been cancelled. */
export function cancelledToAsker(o: { name: string; title: string; when: string; reason: string; link: string }): Mail {
  return {
    kind: 'opportunity.cancelled',
    subject: `"${o.title}" has been cancelled`,
    body: [
      `Hello ${o.name},`,
      '',
      `You asked a question about "${o.title}". The council cancelled this opportunity on ${o.when}. The reason given:`,
      '',
      o.reason,
      '',
      `Applications to it are no longer accepted. Its page says why it was cancelled: ${o.link}`,
    ].join('\n'),
  };
}

/** To the person who asked, once their clarification question has an answer. */
export function clarificationAnswered(o: {
  name: string | null;
  title: string;
  question: string;
  answer: string;
  link: string;
}): Mail {
  return {
    kind: 'clarification_answered',
    subject: `Your question about "${o.title}" has been answered`,
    body: [
      `Hello ${o.name ?? ''},`.replace(' ,', ','),
      '',
      `You asked: ${o.question}`,
      '',
      `The answer: ${o.answer}`,
      '',
      'Questions and answers are shown to every organisation that may bid, without saying who asked:',
      o.link,
    ].join('\n'),
  };
}
