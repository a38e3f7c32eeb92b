import { formatDate } from '../../../kernel/dates.ts';
import { formatMoney, penceToDecimal } from '../../../kernel/money.ts';
import { escapeHtml } from '../../../web/html.ts';
import type { TableModel } from '../../../web/table.ts';
import { barChart, lineChart } from './charts.ts';
import type { SpendMeasureService, SpendSummary } from './service.ts';

// From the service's figures to what people read: tables (which also download as CSV), charts, and the API's JSON.
// CSV and JSON carry plain decimal pounds ("1234.56"); pages show "£1,234.56".

/** "£1,234.56": pages; the CSV and JSON carry "1234.56". */
export const money = (pence: number): string => formatMoney(pence);
/** "£1,235": charts, where pence are noise. */
export const moneyWhole = (pence: number): string => formatMoney(pence, { whole: true });
export function percent(value: string | null): string {
  return value === null ? 'No figure' : `${value}%`;
}

export const tableNames = ['years', 'neighbours', 'quarters', 'service-areas', 'size-bands', 'recipients'] as const;
export type TableName = (typeof tableNames)[number];

type Years = SpendSummary['years'][number];
type Neighbour = SpendSummary['neighbours'][number] & { isCouncil?: boolean };
type Quarter = SpendSummary['quarters'][number];
type Area = SpendSummary['serviceAreas'][number];
type Band = SpendSummary['sizeBands'][number];
type Recipient = SpendSummary['topRecipients'][number];

function moneyColumn<Row>(header: string, get: (row: Row) => number) {
  return {
    header,
    numeric: true,
    value: (row: Row) => penceToDecimal(get(row)),
    html: (row: Row) => escapeHtml(money(get(row))),
  };
}

// Long: one declaration per table, each a list of columns.
export function tables(s: SpendSummary) {
  const comparison: Neighbour[] = s.current
    ? [
        {
          orgId: s.council.orgId,
          name: s.council.name,
          source: 'spend',
          financialYear: s.current.financialYear,
          share: s.current.share,
          sharePercent: s.current.sharePercent,
          sourceText: 'Its own spend data',
          sourceUrl: null,
          isDemo: s.current.isDemo,
          isCouncil: true,
        },
        ...s.neighbours,
      ]
    : s.neighbours;
  const years: TableModel<Years> = {
    caption: 'VCS share of spend by financial year',
    compact: true,
    columns: [
      { header: 'Financial year', value: (r) => r.financialYear },
      { header: 'Payments', numeric: true, value: (r) => r.payments },
      moneyColumn('All spend', (r) => r.totalPence),
      moneyColumn('Spend counted (denominator)', (r) => r.denominatorPence),
      moneyColumn('Spend with the VCS', (r) => r.vcsPence),
      { header: 'VCS share (%)', numeric: true, value: (r) => r.sharePercent ?? '' },
      moneyColumn('Still uncertain', (r) => r.uncertainPence),
      moneyColumn('Redacted', (r) => r.redactedPence),
      moneyColumn('Public bodies', (r) => r.publicBodyPence),
    ],
    rows: s.years,
  };
  const neighbours: TableModel<Neighbour> = {
    caption: 'VCS share: the council and its neighbours',
    columns: [
      {
        header: 'Council',
        value: (r) => r.name,
        html: (r) => (r.isCouncil ? `<strong>${escapeHtml(r.name)}</strong>` : escapeHtml(r.name)),
      },
      { header: 'Financial year', value: (r) => r.financialYear ?? '' },
      {
        header: 'VCS share (%)',
        numeric: true,
        value: (r) => r.sharePercent ?? '',
        html: (r) => percent(r.sharePercent),
      },
      {
        header: 'Source',
        value: (r) => [r.sourceText ?? 'No figure yet', r.sourceUrl ?? ''].filter(Boolean).join(' '),
        html: (r) => {
          const text = escapeHtml(r.sourceText ?? 'No spend data or published figure yet');
          const linked =
            r.sourceUrl && /^(https?:\/\/|\/)/.test(r.sourceUrl)
              ? `<a class="govuk-link" href="${escapeHtml(r.sourceUrl)}">${text}</a>`
              : text;
          return r.isDemo ? `${linked} <strong class="govuk-tag govuk-tag--yellow">Demo</strong>` : linked;
        },
      },
    ],
    rows: comparison,
  };
  const quarters: TableModel<Quarter> = {
    caption: 'VCS share by quarter',
    columns: [
      { header: 'Quarter', value: (r) => r.label },
      moneyColumn('Spend counted', (r) => r.denominatorPence),
      moneyColumn('Spend with the VCS', (r) => r.vcsPence),
      { header: 'VCS share (%)', numeric: true, value: (r) => r.sharePercent ?? '' },
      moneyColumn('Still uncertain', (r) => r.uncertainPence),
    ],
    rows: s.quarters,
  };
  const serviceAreas: TableModel<Area> = {
    caption: `VCS share by service area, ${s.financialYear ?? ''}`.trim(),
    columns: [
      { header: 'Service area', value: (r) => r.department },
      moneyColumn('Spend counted', (r) => r.denominatorPence),
      moneyColumn('Spend with the VCS', (r) => r.vcsPence),
      { header: 'VCS share (%)', numeric: true, value: (r) => r.sharePercent ?? '' },
    ],
    rows: s.serviceAreas,
  };
  const sizeBands: TableModel<Band> = {
    caption: `Spend with the VCS by size of organisation, ${s.financialYear ?? ''}`.trim(),
    columns: [
      { header: 'Size (annual income)', value: (r) => r.label },
      { header: 'Organisations paid', numeric: true, value: (r) => r.organisations },
      moneyColumn('Spend with the VCS', (r) => r.vcsPence),
      { header: 'Share of VCS spend (%)', numeric: true, value: (r) => r.percentOfVcs },
      { header: 'Share of all spend counted (%)', numeric: true, value: (r) => r.percentOfDenominator ?? '' },
    ],
    rows: s.sizeBands,
  };
  const recipients: TableModel<Recipient> = {
    caption: `The VCS organisations paid most, ${s.financialYear ?? ''}`.trim(),
    columns: [
      {
        header: 'Organisation',
        value: (r) => r.name,
        html: (r) =>
          r.slug
            ? `<a class="govuk-link" href="/organisations/${encodeURIComponent(r.slug)}">${escapeHtml(r.name)}</a>`
            : escapeHtml(r.name),
      },
      { header: 'Size', value: (r) => r.sizeBandLabel },
      { header: 'Payments', numeric: true, value: (r) => r.payments },
      moneyColumn('Amount', (r) => r.vcsPence),
    ],
    rows: s.topRecipients,
  };
  return {
    years,
    neighbours,
    quarters,
    'service-areas': serviceAreas,
    'size-bands': sizeBands,
    recipients,
  } satisfies Record<TableName, unknown>;
}

export function charts(s: SpendSummary) {
  const bench = s.benchmark;
  const benchLabel = bench ? `Neighbours’ ${bench.method}: ${bench.sharePercent}%` : '';
  const comparisonBars = [
    ...(s.current
      ? [
          {
            label: s.council.name,
            value: Number(s.current.sharePercent ?? 0),
            highlight: true,
            text: s.current.sharePercent,
          },
        ]
      : []),
    ...s.neighbours
      .filter((n) => n.sharePercent !== null)
      .map((n) => ({ label: n.name, value: Number(n.sharePercent), highlight: false, text: n.sharePercent })),
  ].map((b) => ({ label: b.label, value: b.value, highlight: b.highlight, valueText: percent(b.text) }));
  const comparison =
    s.council.isPlace && comparisonBars.length > 1
      ? barChart({
          id: 'chart-neighbours',
          title: `VCS share of spend: ${s.council.name} and its neighbours`,
          description: `${s.council.name}: ${percent(s.current?.sharePercent ?? null)}. ${s.neighbours
            .filter((n) => n.sharePercent !== null)
            .map((n) => `${n.name}: ${n.sharePercent}%`)
            .join('; ')}.${bench ? ` ${benchLabel}.` : ''} The table below gives the figures and their sources.`,
          bars: comparisonBars,
          reference: bench ? { value: Number(bench.sharePercent), label: benchLabel } : null,
        })
      : null;
  const trend =
    s.quarters.length > 0
      ? lineChart({
          id: 'chart-trend',
          title: `VCS share of spend by quarter, ${s.council.name}`,
          description: `From ${s.quarters[0]!.label} (${percent(s.quarters[0]!.sharePercent)}) to ${s.quarters.at(-1)!.label} (${percent(
            s.quarters.at(-1)!.sharePercent,
          )}).${bench ? ` The dashed line is the target: ${benchLabel}.` : ''} The table below gives every quarter.`,
          points: s.quarters.map((q) => ({
            label: q.shortLabel,
            value: q.sharePercent === null ? null : Number(q.sharePercent),
          })),
          target: bench ? { value: Number(bench.sharePercent), label: `Target: ${benchLabel}` } : null,
        })
      : null;
  const topAreas = s.serviceAreas.slice(0, 10);
  const areas =
    topAreas.length > 0
      ? barChart({
          id: 'chart-areas',
          title: `VCS share by service area, ${s.financialYear}`,
          description: `${topAreas.map((a) => `${a.department}: ${percent(a.sharePercent)}`).join('; ')}. The table below gives the amounts.`,
          bars: topAreas.map((a) => ({
            label: a.department,
            value: Number(a.sharePercent ?? 0),
            valueText: percent(a.sharePercent),
          })),
        })
      : null;
  const bands =
    s.current && s.current.vcsPence > 0
      ? barChart({
          id: 'chart-bands',
          title: `Spend with the VCS by size of organisation, ${s.financialYear}`,
          description: `${s.sizeBands.map((b) => `${b.label}: ${moneyWhole(b.vcsPence)}`).join('; ')}. The table below gives the shares.`,
          bars: s.sizeBands.map((b) => ({
            label: b.label.replace(/ \(.*\)$/, ''),
            value: b.vcsPence / 100,
            valueText: moneyWhole(b.vcsPence),
          })),
          labelWidth: 150,
        })
      : null;
  return { comparison, trend, areas, bands };
}

/** The summary as the API gives it: money as decimal strings in pounds, shares as decimal strings. */
// Long: a declaration of the API's fields.
export function toJson(s: SpendSummary) {
  const pounds = penceToDecimal;
  return {
    council: s.council,
    financialYear: s.financialYear,
    demonstrationData: s.isDemo,
    denominator: { excludes: s.exclude, description: s.denominatorText },
    totals: s.current
      ? {
          payments: s.current.payments,
          allSpend: pounds(s.current.totalPence),
          denominator: pounds(s.current.denominatorPence),
          vcs: pounds(s.current.vcsPence),
          share: s.current.share,
          sharePercent: s.current.sharePercent,
          uncertain: pounds(s.current.uncertainPence),
          redacted: pounds(s.current.redactedPence),
          publicBodies: pounds(s.current.publicBodyPence),
        }
      : null,
    perResident: s.perResident
      ? {
          population: s.perResident.population,
          vcs: s.perResident.vcsPounds,
          denominator: s.perResident.denominatorPounds,
        }
      : null,
    years: s.years.map((y) => ({
      financialYear: y.financialYear,
      payments: y.payments,
      allSpend: pounds(y.totalPence),
      denominator: pounds(y.denominatorPence),
      vcs: pounds(y.vcsPence),
      share: y.share,
      uncertain: pounds(y.uncertainPence),
    })),
    quarters: s.quarters.map((q) => ({
      financialYear: q.financialYear,
      quarter: q.quarter,
      label: q.label,
      denominator: pounds(q.denominatorPence),
      vcs: pounds(q.vcsPence),
      share: q.share,
      uncertain: pounds(q.uncertainPence),
    })),
    serviceAreas: s.serviceAreas.map((a) => ({
      serviceArea: a.department,
      denominator: pounds(a.denominatorPence),
      vcs: pounds(a.vcsPence),
      share: a.share,
    })),
    sizeBands: s.sizeBands.map((b) => ({
      sizeBand: b.band,
      label: b.label,
      organisations: b.organisations,
      vcs: pounds(b.vcsPence),
      percentOfVcs: b.percentOfVcs,
      percentOfDenominator: b.percentOfDenominator,
    })),
    topRecipients: s.topRecipients.map((r) => ({
      name: r.name,
      organisationId: r.organisationId,
      url: r.slug ? `/organisations/${r.slug}` : null,
      sizeBand: r.sizeBand,
      payments: r.payments,
      amount: pounds(r.vcsPence),
    })),
    neighbours: s.neighbours.map((n) => ({
      council: n.orgId,
      name: n.name,
      source: n.source,
      financialYear: n.financialYear,
      share: n.share,
      sourceText: n.sourceText,
      sourceUrl: n.sourceUrl,
      demonstrationData: n.isDemo,
    })),
    benchmark: s.benchmark
      ? {
          method: s.benchmark.method,
          neighbours: s.benchmark.neighbours,
          share: s.benchmark.share,
          median: s.benchmark.median,
          mean: s.benchmark.mean,
          gapPoints: s.benchmark.gapPoints,
          gapAmount: s.benchmark.gapPence === null ? null : pounds(s.benchmark.gapPence),
        }
      : null,
  };
}

const DEMO_TAG = ' <strong class="govuk-tag govuk-tag--yellow">Demo</strong>';
const demoTag = (isDemo: boolean | null | undefined) => (isDemo ? DEMO_TAG : '');

type CouncilRow = Awaited<ReturnType<SpendMeasureService['councils']>>[number];

/** Every council with spend or a published figure, linked to its page. */
export function councilsTable(rows: CouncilRow[]): TableModel<CouncilRow> {
  const role = (c: CouncilRow) => (c.isPlace ? 'This place' : c.isNeighbour ? 'Neighbour' : 'Other council');
  const period = (c: CouncilRow) =>
    c.firstDate && c.lastDate
      ? `${formatDate(c.firstDate)} to ${formatDate(c.lastDate)}`
      : c.published
        ? 'Published figure only'
        : 'No data yet';
  return {
    caption: 'Councils',
    rows,
    columns: [
      {
        header: 'Council',
        value: (c) => c.name,
        html: (c) =>
          `<a class="govuk-link" href="${c.isPlace ? '/spend' : `/spend/councils/${escapeHtml(c.orgId)}`}">${escapeHtml(c.name)}</a>${demoTag(c.isDemo)}`,
      },
      { header: 'Role', value: role },
      { header: 'Payments imported', numeric: true, value: (c) => c.payments.toLocaleString('en-GB') },
      { header: 'Period', value: period },
    ],
  };
}

type PublishedRow = Awaited<ReturnType<SpendMeasureService['listPublished']>>[number];

/** The neighbours' published VCS shares entered by staff, with where each was published. */
export function publishedTable(rows: PublishedRow[]): TableModel<PublishedRow> {
  return {
    caption: 'Published VCS figures',
    captionHidden: true,
    rows,
    columns: [
      { header: 'Council', value: (f) => f.council_name },
      { header: 'Financial year', value: (f) => f.financial_year },
      { header: 'VCS share', numeric: true, value: (f) => `${f.share_percent}%` },
      {
        header: 'Source',
        value: (f) => f.source,
        html: (f) =>
          `${f.source_url ? `<a class="govuk-link" href="${escapeHtml(f.source_url)}">${escapeHtml(f.source)}</a>` : escapeHtml(f.source)}${demoTag(f.is_demo)}`,
      },
      { header: 'Entered', value: (f) => formatDate(f.entered_at) },
    ],
  };
}
