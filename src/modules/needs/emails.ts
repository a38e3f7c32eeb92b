// The words of the needs e-mails. Plain text only.

type Mail = { subject: string; body: string; kind: string };

export type ToldResponse = { body: string; response: string | null; title: string; slug: string };

/** "You said, we did": every response a contributor has not yet been told about, in one e-mail. */
export function digestMessage(o: { serviceName: string; baseUrl: string; name: string; rows: ToldResponse[] }): Mail {
  const parts = [`Dear ${o.name},`, '', 'You said, we did. Here is what has been done about what you told us.', ''];
  for (const r of o.rows) {
    const said = r.body.length > 300 ? `${r.body.slice(0, 297)}…` : r.body;
    parts.push(`${r.title}`, `You said: ${said}`, `We did: ${r.response ?? ''}`, `${o.baseUrl}/needs/${r.slug}`, '');
  }
  parts.push('You get this e-mail at most once a day, when there is something new.');
  return {
    kind: 'needs_digest',
    subject:
      o.rows.length === 1
        ? `${o.serviceName}: a response to what you said`
        : `${o.serviceName}: ${o.rows.length} responses to what you said`,
    body: parts.join('\n'),
  };
}
