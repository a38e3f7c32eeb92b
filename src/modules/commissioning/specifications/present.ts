import type { SpecificationStatus } from '../../../db/schema.ts';
import { formatDate, formatDateTime } from '../../../kernel/dates.ts';
import { escapeHtml } from '../../../web/html.ts';
import { type TableModel, toGovukTable } from '../../../web/table.ts';
import { workshopRoles } from './forms.ts';
import { directions, frequencies, type StoredIndicator } from './framework.ts';
import type { FrameworkChange } from './rules.ts';
import { sectionHints, sectionKeys, sectionLabels } from './sections.ts';

// The words and page models of specifications: status labels, confirmations and the tables on their pages.

export const statusLabels: Record<SpecificationStatus, string> = {
  draft: 'Draft',
  in_review: 'With co-producers',
  signed_off: 'Signed off',
  published: 'Published',
};

/** What every specification page's template reads. */
export const common = {
  sectionKeys,
  sectionLabels,
  sectionHints,
  statusLabels,
  directions,
  frequencies,
  workshopRoles,
};

/** The confirmation after a change to the outcomes framework, saying when it made a version and reset sign-offs. */
export function frameworkMessage(done: string, change: FrameworkChange) {
  if (change.version === null) return done;
  if (change.signOffsReset > 0) {
    return `${done}. This is version ${change.version}: sign-offs were reset, so every co-producer needs to sign off version ${change.version}`;
  }
  return `${done}. This is version ${change.version}, for the co-producers to sign off`;
}

export const versionSavedMessage = (saved: { number: number; signOffsReset: number }) =>
  saved.signOffsReset > 0
    ? `Version ${saved.number} saved. Sign-offs were reset: every co-producer needs to sign off the new version`
    : `Version ${saved.number} saved`;

const link = (href: string, text: string) => `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/** These tables sit under a heading that says what they are, so their captions are for screen readers only. */
const withHiddenCaption = <Row>(table: TableModel<Row>) => toGovukTable({ ...table, captionHidden: true });

export const listTable = (
  rows: {
    slug: string;
    title: string;
    need_slug: string;
    need_title: string;
    status: SpecificationStatus;
    updated_at: Date;
  }[],
) =>
  withHiddenCaption({
    caption: 'Specifications',
    columns: [
      { header: 'Specification', value: (r) => r.title, html: (r) => link(`/specifications/${r.slug}`, r.title) },
      {
        header: 'Needs assessment',
        value: (r) => r.need_title,
        html: (r) => link(`/needs/${r.need_slug}`, r.need_title),
      },
      { header: 'Status', value: (r) => statusLabels[r.status] },
      { header: 'Last changed', value: (r) => formatDate(r.updated_at) },
    ],
    rows,
  });

export const coproducersTable = (
  people: { name: string; role_label: string; signedOffCurrent: boolean; signed_off_at: Date | null }[],
  versionNumber: number,
) =>
  withHiddenCaption({
    caption: 'Co-producers and their sign-off',
    columns: [
      { header: 'Name', value: (p) => p.name },
      { header: 'Taking part as', value: (p) => p.role_label },
      {
        header: `Version ${versionNumber}`,
        value: (p) =>
          p.signedOffCurrent && p.signed_off_at
            ? `Signed off ${formatDateTime(p.signed_off_at)}`
            : 'Not signed off yet',
      },
    ],
    rows: people,
  });

export const versionsTable = (
  slug: string,
  versions: { number: number; created_at: Date; author_name: string | null; note: string }[],
) =>
  withHiddenCaption({
    caption: 'Versions of the specification',
    columns: [
      { header: 'Version', value: (v) => `Version ${v.number}${v === versions[0] ? ' (current)' : ''}` },
      {
        header: 'Saved',
        value: (v) => `${formatDateTime(v.created_at)}${v.author_name ? ` by ${v.author_name}` : ''}`,
      },
      { header: 'What changed', value: (v) => v.note },
      {
        header: 'Compare',
        value: (v) => (v.number > 1 ? `Changes from version ${v.number - 1}` : 'First version'),
        html: (v) =>
          v.number > 1
            ? `<a class="govuk-link" href="/specifications/${escapeHtml(slug)}/versions/${v.number - 1}/compare/${v.number}">Changes from version ${v.number - 1}<span class="govuk-visually-hidden"> to version ${v.number}</span></a>`
            : 'First version',
      },
    ],
    rows: versions,
  });

/** An indicator's answers as its change form shows them. */
export const indicatorValues = (
  i: StoredIndicator & { disaggregated_by_ward: boolean; disaggregated_by_group: boolean },
) => ({
  name: i.name,
  unit: i.unit,
  baseline: i.baseline ?? '',
  target: i.target ?? '',
  direction: i.direction ?? '',
  frequency: i.frequency ?? '',
  data_source: i.data_source ?? '',
  disaggregated_by_ward: i.disaggregated_by_ward ? 'yes' : 'no',
  disaggregated_by_group: i.disaggregated_by_group ? 'yes' : 'no',
});
