import { formatDate } from '../../../kernel/dates.ts';
import { formatMoney } from '../../../kernel/money.ts';
import { plainDateTime } from './present.ts';

// An Atom 1.0 feed (RFC 4287) of published opportunities, for feed readers and other services to follow.

const escapeXml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 does not allow at all.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

type FeedRow = {
  slug: string;
  ocid: string;
  title: string;
  summary: string;
  routeLabel: string;
  statusLabel: string;
  total_value_pence: number;
  closes_at: Date;
  published_at: Date | null;
  updated_at: Date;
  status: string;
  cancelled_at: Date | null;
  cancellation_reason: string | null;
};

/** When an entry last changed for its readers: published, or cancelled since. */
const entryUpdated = (r: FeedRow) => new Date(r.cancelled_at ?? r.published_at ?? r.updated_at);

export function atomFeed({ baseUrl, title, rows }: { baseUrl: string; title: string; rows: FeedRow[] }): string {
  const self = `${baseUrl}/opportunities.atom`;
  const updated = rows.reduce((latest, r) => Math.max(latest, entryUpdated(r).getTime()), 0);
  const entries = rows.map((r) => {
    const link = `${baseUrl}/opportunities/${r.slug}`;
    const published = new Date(r.published_at ?? r.updated_at).toISOString();
    const cancelled = r.status === 'cancelled';
    // A cancelled entry stays in the feed, so that readers who saw it learn that it was cancelled, and why.
    const notice =
      cancelled && r.cancelled_at
        ? `Cancelled on ${formatDate(r.cancelled_at)}: ${(r.cancellation_reason ?? '').replace(/[.\s]+$/, '')}. `
        : '';
    const summary = `${notice}${r.summary} (${r.routeLabel}, ${formatMoney(r.total_value_pence, { whole: true })}, ${r.statusLabel.toLowerCase()}, ${cancelled ? 'was to close' : 'closes'} ${plainDateTime(r.closes_at)})`;
    return [
      '  <entry>',
      // The OCDS ocid is unique and never changes, so it makes a stable entry id.
      `    <id>urn:ocds:${escapeXml(r.ocid)}</id>`,
      `    <title type="text">${escapeXml(cancelled ? `Cancelled: ${r.title}` : r.title)}</title>`,
      `    <updated>${entryUpdated(r).toISOString()}</updated>`,
      `    <published>${published}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      `    <summary type="text">${escapeXml(summary)}</summary>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(self)}</id>`,
    `  <title type="text">${escapeXml(title)}</title>`,
    `  <updated>${(updated ? new Date(updated) : new Date()).toISOString()}</updated>`,
    `  <author><name>${escapeXml(title)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(`${baseUrl}/opportunities`)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
