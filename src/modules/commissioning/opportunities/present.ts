import type { OpportunityRoute, OpportunityStatus } from '../../../db/schema.ts';
import { formatDate, formatDateTime } from '../../../kernel/dates.ts';
import { formatMoney, penceToDecimal } from '../../../kernel/money.ts';
import { escapeHtml } from '../../../web/html.ts';
import { toGovukTable } from '../../../web/table.ts';
import { labelFor, serviceAreas } from '../../place/codelists.ts';
import { opportunityPhase, opportunityStatusLabels } from './lifecycle.ts';

// What pages say about opportunities: the words for routes and states, money and times as people read them, and
// rows shaped for lists and pages. Rules live in lifecycle.ts and rules.ts.

export const statusLabels = opportunityStatusLabels;

export const routes: { code: OpportunityRoute; label: string; hint: string }[] = [
  { code: 'grant', label: 'Grant', hint: 'Funding given for the outcomes, under a grant agreement.' },
  {
    code: 'light_touch_contract',
    label: 'Contract under the light-touch regime',
    hint: 'A contract for social and other specific services, under the light-touch rules of the Procurement Act 2023.',
  },
  {
    code: 'partnership_agreement',
    label: 'Partnership or alliance agreement',
    hint: 'Organisations agree to work together, and with the council, on shared outcomes.',
  },
];
export const routeLabel = (code: string) => routes.find((r) => r.code === code)?.label ?? code;

export const serviceAreaLabel = (code: string | null) => (code ? labelFor(serviceAreas, code) : null);

/** Money in sentences: whole pounds without pence ("£120,000"), and pence when there are some ("£10.50"). */
export const moneyText = (pence: number) => formatMoney(pence, { whole: pence % 100 === 0 });

/**
 * A moment in London time as GOV.UK writes it: "14 January 2027 at 12pm", "3 March 2027 at 5:30pm", "at midnight".
 * Built on the kernel's 24-hour clock.
 */
export function plainDateTime(at: Date | string): string {
  const [hour, minute] = londonClock(at).split(':').map(Number) as [number, number];
  const mm = String(minute).padStart(2, '0');
  const time =
    hour === 0 && minute === 0
      ? 'midnight'
      : `${hour % 12 === 0 ? 12 : hour % 12}${minute === 0 ? '' : `:${mm}`}${hour < 12 ? 'am' : 'pm'}`;
  return `${formatDate(at)} at ${time}`;
}

/** The time of day in London on the 24-hour clock, "17:30": the kernel's short form, without its day. */
export function londonClock(at: Date | string): string {
  const text = formatDateTime(at); // "14 Jan 2027, 17:30"
  return text.slice(text.lastIndexOf(' ') + 1);
}

/** Pence as a value for a form field: 1250050 → "12500.50", 1250000 → "12500". */
export function penceToField(pence: number | null | undefined): string {
  if (pence == null) return '';
  return penceToDecimal(pence).replace(/\.00$/, '');
}

/** The phase and its words, as every page shows an opportunity's state. */
export function withPhase<T extends { status: OpportunityStatus; closes_at: Date | string }>(o: T, now: Date) {
  const phase = opportunityPhase(o, now);
  return { phase, effectiveStatus: phase, statusLabel: opportunityStatusLabels[phase] };
}

const link = (href: string, text: string) => `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/** The staff list of drafts, for `govukTable`. */
export function draftsTable(
  rows: { slug: string; title: string; total_value_pence: number; closes_at: Date; updated_at: Date }[],
  total: number,
) {
  type Row = (typeof rows)[number];
  return toGovukTable<Row>({
    caption: `${total.toLocaleString('en-GB')} ${total === 1 ? 'draft' : 'drafts'}`,
    columns: [
      { header: 'Opportunity', value: (r) => r.title, html: (r) => link(`/opportunities/${r.slug}`, r.title) },
      { header: 'Total value', value: (r) => formatMoney(r.total_value_pence, { whole: true }), numeric: true },
      { header: 'Closing date', value: (r) => formatDateTime(r.closes_at) },
      { header: 'Last changed', value: (r) => formatDateTime(r.updated_at) },
    ],
    rows,
  });
}

/** How bids will be assessed, on the opportunity's page, for `govukTable`. */
export function criteriaTable(criteria: { title: string; description: string; weight: number; max_score: number }[]) {
  type Row = (typeof criteria)[number];
  const described = (c: Row) =>
    `${escapeHtml(c.title)}${c.description ? `<br><span class="govuk-body-s">${escapeHtml(c.description)}</span>` : ''}`;
  return toGovukTable<Row>({
    captionHidden: true,
    caption: 'Assessment criteria and their weights',
    columns: [
      { header: 'Criterion', value: (c) => c.title, html: described },
      { header: 'Weight', value: (c) => `${c.weight}%`, numeric: true },
      { header: 'Scored out of', value: (c) => c.max_score, numeric: true },
    ],
    rows: criteria,
  });
}

type Reach = {
  lots: {
    number: number;
    yearlyPence: number;
    /** Whether the yearly value is of the largest single award rather than of the whole lot. */
    perAward?: boolean;
    bands: { label: string; eligible: number; withinReach: boolean }[];
  }[];
};

/** For each lot, who could bid by size band and whether it is within their reach, for `govukTable`. */
export const reachTables = (reach: Reach) =>
  reach.lots.map((lot) => ({
    ...toGovukTable<Reach['lots'][number]['bands'][number]>({
      caption: `Lot ${lot.number}: who could bid (${formatMoney(lot.yearlyPence, { whole: true })} a year${lot.perAward ? ' for the largest award one application can get' : ''})`,
      columns: [
        { header: 'Size of organisation', value: (b) => b.label },
        { header: 'Local organisations', value: (b) => b.eligible.toLocaleString('en-GB'), numeric: true },
        { header: 'Within reach', value: (b) => (b.withinReach ? 'Yes' : 'No') },
      ],
      rows: lot.bands,
    }),
    captionClasses: 'govuk-table__caption--s',
    firstCellIsHeader: true,
  }));
