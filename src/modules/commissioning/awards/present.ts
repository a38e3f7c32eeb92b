import { financialYear, formatDate } from '../../../kernel/dates.ts';
import { formatFigure } from '../../../kernel/figures.ts';
import { formatMoney } from '../../../kernel/money.ts';
import { escapeHtml } from '../../../web/html.ts';
import { type TableModel, toGovukTable } from '../../../web/table.ts';
import { labelFor, serviceAreas } from '../../place/codelists.ts';
import { routeLabel } from '../opportunities/present.ts';
import type { AwardListRow } from './queries.ts';
import { type AwardKind, frequencyLabels, levelLabels } from './rules.ts';

// The words and figures the award pages show for each row.

export const kindLabels: Record<AwardKind, string> = { grant_agreement: 'Grant agreement', contract: 'Contract' };
const statusLabels: Record<string, string> = { active: 'Active', ended: 'Ended', cancelled: 'Cancelled' };

/** An award as lists and pages show it: amounts as numbers of pence, and each code with its words. */
export const presentAward = (r: AwardListRow) => ({
  ...r,
  value_pence: Number(r.value_pence),
  kindLabel: kindLabels[r.kind],
  statusLabel: statusLabels[r.status] ?? r.status,
  routeLabel: routeLabel(r.route),
  serviceAreaLabel: r.service_area ? labelFor(serviceAreas, r.service_area) : null,
  financialYear: financialYear(r.awarded_at),
  levelLabel: levelLabels[r.monitoring_level],
  frequencyLabel: frequencyLabels[r.monitoring_frequency],
});

type Shown = ReturnType<typeof presentAward>;

/** The table's caption is for screen readers: the heading above already says what the table is. */
const hiddenCaption = <Row>(table: TableModel<Row>) => toGovukTable({ ...table, captionHidden: true });

/** The public register's table: each award with its recipient, route, value and period. */
export const registerTable = (rows: Shown[]) =>
  hiddenCaption<Shown>({
    caption: 'Awards',
    columns: [
      {
        header: 'Award',
        value: (a) => a.title,
        html: (a) =>
          `<a class="govuk-link" href="/awards/${escapeHtml(a.slug)}">${escapeHtml(a.title)}</a><br><span class="govuk-body-s">${escapeHtml(a.serviceAreaLabel ?? '')}${a.serviceAreaLabel ? ', ' : ''}awarded ${formatDate(a.awarded_at)}</span>`,
      },
      {
        header: 'Recipient',
        value: (a) => `${a.lead_name}${a.application_kind === 'partnership' ? ' and partners' : ''}`,
      },
      { header: 'Route', value: (a) => a.routeLabel },
      { header: 'Value', value: (a) => formatMoney(a.value_pence, { whole: true }), numeric: true },
      { header: 'Period', value: (a) => `${formatDate(a.starts_on)} to ${formatDate(a.ends_on)}` },
    ],
    rows,
  });

type Recipient = { name: string; slug: string | null; is_lead: boolean; role: string; share_pence: number };

/** Who receives an award: each organisation, the lead marked, with its role and share. */
export const recipientsTable = (partners: Recipient[]) =>
  hiddenCaption<Recipient>({
    caption: 'Recipients, their roles and shares',
    columns: [
      {
        header: 'Organisation',
        value: (p) => p.name,
        html: (p) =>
          `${p.slug ? `<a class="govuk-link" href="/organisations/${escapeHtml(p.slug)}">${escapeHtml(p.name)}</a>` : escapeHtml(p.name)}${p.is_lead ? ' (lead)' : ''}`,
      },
      { header: 'Role', value: (p) => p.role },
      { header: 'Share', value: (p) => formatMoney(p.share_pence), numeric: true },
    ],
    rows: partners,
  });

type Target = {
  outcome_title: string;
  indicator_name: string;
  unit: string;
  baseline: string | number | null;
  specification_target: string | number | null;
  target: string | number | null;
};

/** An award's outcome targets beside the baseline and target its specification set. */
export const targetsTable = (targets: Target[]) =>
  hiddenCaption<Target>({
    caption: "Outcome targets beside the specification's indicators",
    columns: [
      {
        header: 'Outcome and indicator',
        value: (t) => `${t.outcome_title}: ${t.indicator_name} (${t.unit})`,
        html: (t) =>
          `${escapeHtml(t.outcome_title)}<br><span class="govuk-body-s">${escapeHtml(t.indicator_name)} (${escapeHtml(t.unit)})</span>`,
      },
      { header: 'Baseline', value: (t) => formatFigure(t.baseline), numeric: true },
      { header: 'Specification target', value: (t) => formatFigure(t.specification_target), numeric: true },
      { header: 'Award target', value: (t) => formatFigure(t.target), numeric: true },
    ],
    rows: targets,
  });
