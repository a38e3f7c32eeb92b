import type { SizeBand } from '../../db/schema.ts';
import { formatDate } from '../../kernel/dates.ts';
import { penceToDecimal } from '../../kernel/money.ts';
import { asArray } from '../../web/forms.ts';
import { escapeHtml } from '../../web/html.ts';
import { type Column, type TableModel, toGovukTable } from '../../web/table.ts';
import { beneficiaryGroups, labelFor, serviceAreas, sizeBands } from '../place/codelists.ts';
import { legalFormLabel } from './legal-forms.ts';
import type { Memberships } from './memberships.ts';
import { type OrganisationPermission, permissionWords } from './rules.ts';
import type { OrganisationProfile, OrganisationService, SearchCriteria } from './service.ts';

// What the directory's pages show: searches read from and written to query strings, paging, labels, the columns
// of the download and the values of the edit form.

export type Query = Record<string, string | string[] | undefined>;
const sizeBandCodes = sizeBands.map((b) => b.code) as string[];

/** The search a query string asks for. */
export function criteriaFrom(query: Query): SearchCriteria {
  const text = String([query.q ?? ''].flat()[0] ?? '')
    .trim()
    .slice(0, 200);
  return {
    text: text || undefined,
    wards: asArray(query.ward),
    serviceAreas: asArray(query.area),
    beneficiaryGroups: asArray(query.group),
    sizeBands: asArray(query.size).filter((s) => sizeBandCodes.includes(s)) as SizeBand[],
    includeRemoved: asArray(query.include).includes('removed'),
  };
}

/** The query string for the same search, so pages and the download keep the filters. */
export function queryString(c: SearchCriteria, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (c.text) params.append('q', c.text);
  for (const w of c.wards ?? []) params.append('ward', w);
  for (const a of c.serviceAreas ?? []) params.append('area', a);
  for (const g of c.beneficiaryGroups ?? []) params.append('group', g);
  for (const s of c.sizeBands ?? []) params.append('size', s);
  if (c.includeRemoved) params.append('include', 'removed');
  for (const [k, v] of Object.entries(extra)) params.append(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function pagination(c: SearchCriteria, page: number, pageCount: number) {
  if (pageCount <= 1) return null;
  const href = (n: number) => `/organisations${queryString(c, n > 1 ? { page: String(n) } : {})}`;
  const items: { number?: number; href?: string; current?: boolean; ellipsis?: boolean }[] = [];
  for (let n = 1; n <= pageCount; n++) {
    if (n === 1 || n === pageCount || Math.abs(n - page) <= 1)
      items.push({ number: n, href: href(n), current: n === page });
    else if (items.at(-1)?.ellipsis !== true) items.push({ ellipsis: true });
  }
  return {
    items,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pageCount ? { href: href(page + 1) } : undefined,
  };
}

export const sizeBandLabel = (code: string | null) => (code ? labelFor(sizeBands, code) : '');

type DirectoryRow = Awaited<ReturnType<OrganisationService['search']>>['rows'][number];

/** The columns of the directory's download. */
export function directoryColumns(pageUrl: (slug: string) => string): Column<DirectoryRow>[] {
  return [
    { header: 'Name', value: (r) => r.name },
    { header: 'Identifiers', value: (r) => r.identifiers.join('; ') },
    { header: 'Legal form', value: (r) => legalFormLabel(r.legal_form) },
    { header: 'Size band', value: (r) => sizeBandLabel(r.size_band) },
    {
      header: 'Latest income (£)',
      value: (r) => (r.latest_income_pence == null ? '' : penceToDecimal(r.latest_income_pence)),
    },
    { header: 'Income year', value: (r) => r.income_period_end?.slice(0, 4) ?? '' },
    { header: 'Wards', value: (r) => r.wards.map((w) => w.name).join('; ') },
    { header: 'Service areas', value: (r) => r.serviceAreas.map((c) => labelFor(serviceAreas, c)).join('; ') },
    { header: 'Who it helps', value: (r) => r.beneficiaryGroups.map((c) => labelFor(beneficiaryGroups, c)).join('; ') },
    { header: 'Website', value: (r) => r.website ?? '' },
    { header: 'Email', value: (r) => (r.publish_email ? (r.email ?? '') : '') },
    { header: 'Phone', value: (r) => (r.publish_phone ? (r.phone ?? '') : '') },
    { header: 'Verified', value: (r) => (r.verified_at ? 'Yes' : 'No') },
    { header: 'Status', value: (r) => (r.status === 'removed' ? 'Removed' : 'Active') },
    { header: 'Page', value: (r) => pageUrl(r.slug) },
  ];
}

export function codeItems(list: { code: string; label: string }[], selected: string[] | undefined) {
  return list.map((c) => ({ value: c.code, text: c.label, checked: (selected ?? []).includes(c.code) }));
}

/** The edit form's values for a profile as it is. */
export function profileValues(org: OrganisationProfile) {
  return {
    name: org.name,
    otherNames: org.otherNames.map((n) => n.name).join('\n'),
    legalForm: org.legal_form ?? '',
    description: org.description,
    whoItHelps: org.who_it_helps,
    latestIncome: org.latest_income_pence == null ? '' : penceToDecimal(org.latest_income_pence).replace(/\.00$/, ''),
    incomeYear: org.income_period_end?.slice(0, 4) ?? '',
    wards: org.wards.map((w) => w.code),
    serviceAreas: org.serviceAreas,
    beneficiaryGroups: org.beneficiaryGroups,
    waysOfWorking: org.waysOfWorking,
    identifiers: org.identifiers.join('\n'),
    website: org.website ?? '',
    email: org.email ?? '',
    phone: org.phone ?? '',
    address: org.address ?? '',
    postcode: org.postcode ?? '',
    publishEmail: org.publish_email ? ['yes'] : [],
    publishPhone: org.publish_phone ? ['yes'] : [],
    publishAddress: org.publish_address ? ['yes'] : [],
  };
}

/** A table whose caption is for screen readers only: the heading above it says the same. */
const withHiddenCaption = <Row>(model: TableModel<Row>) => toGovukTable({ ...model, captionHidden: true });

const link = (href: string, text: string) => `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
const day = (value: Date | string | null | undefined) => (value ? formatDate(value) : '');

type QueueRow = Awaited<ReturnType<OrganisationService['verificationQueue']>>[number];

/** The organisations waiting for a check, with why each is there. */
export function verificationTable(queue: QueueRow[]) {
  const why = (o: QueueRow) => [
    o.pending_claims > 0 ? 'Claim waiting for a decision' : o.claimed_at ? 'Claimed' : '',
    o.profile_updated_at ? `Profile edited ${day(o.profile_updated_at)}` : '',
  ];
  return withHiddenCaption<QueueRow>({
    caption: 'Organisations waiting for a check',
    columns: [
      { header: 'Organisation', value: (o) => o.name, html: (o) => link(`/organisations/${o.slug}`, o.name) },
      {
        header: 'Why it is here',
        value: (o) => why(o).filter(Boolean).join('. '),
        html: (o) => {
          const [claim, edited] = why(o);
          const claimHtml =
            o.pending_claims > 0 ? link(`/organisations/${o.slug}/members`, claim!) : escapeHtml(claim!);
          return `${claim ? `${claimHtml}<br>` : ''}${escapeHtml(edited!)}`;
        },
      },
      { header: 'Waiting since', value: (o) => day(o.waiting_since) },
    ],
    rows: queue,
  });
}

type MemberRow = Awaited<ReturnType<Memberships['list']>>[number];

/** The approved members of an organisation. */
/** The approved members, what each may do for the organisation and, for its managers, a link to change that. */
export function membersTable(
  members: MemberRow[],
  organisationSlug: string,
  grants: Map<string, OrganisationPermission[]>,
) {
  const can = (m: MemberRow) =>
    m.role === 'admin'
      ? 'Everything, as an administrator'
      : (grants.get(m.user_id) ?? []).map((p) => permissionWords[p].label).join('; ') || 'Be a member';
  return withHiddenCaption<MemberRow>({
    caption: 'Members',
    columns: [
      {
        header: 'Person',
        value: (m) => `${m.name} ${m.email}`,
        html: (m) => `${escapeHtml(m.name)}<br><span class="govuk-body-s">${escapeHtml(m.email)}</span>`,
      },
      { header: 'Role', value: (m) => (m.role === 'admin' ? 'Administrator' : 'Member') },
      { header: 'Can', value: can },
      {
        header: 'Approved',
        value: (m) => `${day(m.decided_at)}${m.decided_by_name ? ` by ${m.decided_by_name}` : ''}`,
      },
      {
        header: 'Change',
        headerHtml: '<span class="govuk-visually-hidden">Change</span>',
        value: () => '',
        html: (m) =>
          m.role === 'admin'
            ? ''
            : `<a class="govuk-link" href="/organisations/${escapeHtml(organisationSlug)}/members/${escapeHtml(m.user_id)}/permissions">Change<span class="govuk-visually-hidden"> what ${escapeHtml(m.name)} can do</span></a>`,
      },
    ],
    rows: members,
  });
}
