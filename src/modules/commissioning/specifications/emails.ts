// The words of the specification e-mails. Plain text only.

type Mail = { subject: string; body: string; kind: string };

export function invitationMessage(o: { name: string; title: string; roleLabel: string; link: string }): Mail {
  return {
    kind: 'specification_invitation',
    subject: `You are invited to co-produce "${o.title}"`,
    body: [
      `Hello ${o.name},`,
      '',
      `You have been invited to co-produce the specification "${o.title}" as ${o.roleLabel}.`,
      'You can read it, comment on each section and sign it off when you are happy with it:',
      o.link,
    ].join('\n'),
  };
}
