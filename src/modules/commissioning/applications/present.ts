import { formatDate, formatDateTime } from '../../../kernel/dates.ts';
import { formatMoney } from '../../../kernel/money.ts';
import { escapeHtml, tag } from '../../../web/html.ts';
import { toGovukTable } from '../../../web/table.ts';

// What application pages show in tables, as models for `govukTable`.

const link = (href: string, text: string) => `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/** The reference as a link, with the title under it when there is one. */
const referenceCell = (a: { reference: string; title: string }) =>
  `${link(`/applications/${a.reference}`, a.reference)}${a.title ? `<br>${escapeHtml(a.title)}` : ''}`;

type DashboardRow = {
  reference: string;
  title: string;
  opportunity_slug: string;
  opportunity_title: string;
  lead_name: string;
  statusLabel: string;
  updated_at: Date;
};

/** The applications of a person's organisations, on their dashboard. */
export const dashboardTable = (rows: DashboardRow[]) =>
  toGovukTable<DashboardRow>({
    caption: 'Applications of your organisations',
    columns: [
      { header: 'Application', value: (a) => a.reference, html: referenceCell },
      {
        header: 'Opportunity',
        value: (a) => a.opportunity_title,
        html: (a) => link(`/opportunities/${a.opportunity_slug}`, a.opportunity_title),
      },
      { header: 'Lead', value: (a) => a.lead_name },
      { header: 'Status', value: (a) => a.statusLabel },
      { header: 'Last changed', value: (a) => formatDate(a.updated_at) },
    ],
    rows,
  });

type ReceivedRow = {
  reference: string;
  title: string;
  lead_name: string;
  lot_number: number | null;
  lot_title: string | null;
  kind: 'single' | 'partnership';
  requested_pence: number | null;
  submitted_at: Date | null;
  statusLabel: string;
  /** Why this person may see only that it exists (a conflict of interest), or null. */
  conflict: string | null;
};

/**
 * The applications submitted to an opportunity, for staff, with what they ask for in all. One the viewer is kept
 * from by a conflict shows its reference and lead, marked, without a link or what it asks for.
 */
export function receivedTable(rows: ReceivedRow[], totalRequested: number, hidden = 0) {
  const count = `${rows.length} submitted application${rows.length === 1 ? '' : 's'}`;
  const leftOut = hidden ? ' or those you declared an interest in' : '';
  return {
    ...toGovukTable<ReceivedRow>({
      caption: `${count}, asking for ${formatMoney(totalRequested)} in all (not counting withdrawn ones${leftOut})`,
      columns: [
        {
          header: 'Application',
          value: (r) => r.reference,
          html: (r) =>
            r.conflict
              ? `${escapeHtml(r.reference)}<br>${tag(r.conflict, 'grey')}`
              : `${referenceCell({ ...r, title: '' })}<br>${escapeHtml(r.title)}`,
        },
        { header: 'Lead organisation', value: (r) => r.lead_name },
        { header: 'Lot', value: (r) => (r.lot_number ? `Lot ${r.lot_number}: ${r.lot_title}` : '') },
        {
          header: 'Kind',
          value: (r) => (r.conflict ? '' : r.kind === 'partnership' ? 'Partnership' : 'Single organisation'),
        },
        {
          header: 'Requested',
          value: (r) => (r.requested_pence == null ? '' : formatMoney(r.requested_pence)),
          numeric: true,
        },
        { header: 'Submitted', value: (r) => (r.submitted_at ? formatDateTime(r.submitted_at) : '') },
        { header: 'Status', value: (r) => r.statusLabel },
      ],
      rows,
    }),
    captionClasses: 'govuk-table__caption--s',
  };
}
