import type { ClassificationList, NewOrganisation, Role } from '../../db/schema.ts';
import type { Actor } from '../../kernel/actor.ts';
import type { Issue } from '../../kernel/result.ts';
import { codelists } from '../place/codelists.ts';
import type { PlaceConfig } from '../place/config.ts';

// Who may do what with an organisation, and what a change of profile is: pure rules, no database.

/** The infrastructure body verifies organisations, decides claims and may edit any profile. */
export const STAFF_WHO_VERIFY: readonly Role[] = ['officer', 'admin'];
/** People join organisations with a personal account; staff accounts do not. */
export const JOINING_ROLES: readonly Role[] = ['resident', 'vcs_member'];

export const verifies = (actor: Actor) => STAFF_WHO_VERIFY.includes(actor.role);

/**
 * What an organisation's administrator may let a member do for it. Administrators hold every one; a member holds
 * those granted. Applications, returns, bids and agreements each add theirs here.
 */
export const ORGANISATION_PERMISSIONS = ['start-applications'] as const;
export type OrganisationPermission = (typeof ORGANISATION_PERMISSIONS)[number];

export const permissionWords: Record<OrganisationPermission, { label: string; hint: string; refused: string }> = {
  'start-applications': {
    label: 'Start applications for funding',
    hint: 'Apply for the organisation to an open opportunity. Every member can then help write the application.',
    refused: 'start applications for',
  },
};

export const isOrganisationPermission = (value: string): value is OrganisationPermission =>
  (ORGANISATION_PERMISSIONS as readonly string[]).includes(value);

/** Whether someone with this approved role and these grants holds a permission. */
export const holds = (
  role: 'member' | 'admin' | null,
  granted: readonly string[],
  permission: OrganisationPermission,
): boolean => role === 'admin' || (role === 'member' && granted.includes(permission));

export type MembershipState = { role: 'member' | 'admin'; status: 'pending' | 'approved' | 'refused' };

export type Permissions = {
  canEdit: boolean;
  canVerify: boolean;
  canManageMembers: boolean;
  canJoin: boolean;
  canClaim: boolean;
  membership: MembershipState | null;
};

export const NO_PERMISSIONS: Permissions = {
  canEdit: false,
  canVerify: false,
  canManageMembers: false,
  canJoin: false,
  canClaim: false,
  membership: null,
};

/** What a person may do with an organisation, given their membership of it (if any). */
export function permissionsFor(
  actor: Actor,
  membership: MembershipState | null | undefined,
  organisation: { status: string; listed: boolean; approvedAdmins: number },
): Permissions {
  const staff = verifies(actor);
  const orgAdmin = membership?.status === 'approved' && membership.role === 'admin';
  const open = !membership || membership.status === 'refused';
  const active = organisation.status === 'active' && organisation.listed;
  const joins = JOINING_ROLES.includes(actor.role);
  return {
    canEdit: staff || orgAdmin,
    canVerify: staff,
    canManageMembers: staff || orgAdmin,
    canJoin: active && open && joins,
    canClaim: active && open && organisation.approvedAdmins === 0 && joins,
    membership: membership ? { role: membership.role, status: membership.status } : null,
  };
}

/** The fields of an organisation a register or a person can set. */
export type OrganisationRecord = {
  name: string;
  legalForm?: string | null;
  description?: string;
  whoItHelps?: string;
  latestIncomePence?: number | null;
  incomePeriodEnd?: string | null;
  registeredOn?: string | null;
  removedOn?: string | null;
  status?: 'active' | 'removed';
  address?: string | null;
  postcode?: string | null;
  website?: string | null;
  email?: string | null;
  phone?: string | null;
  listed?: boolean;
  isDemo?: boolean;
};

const columns: [keyof OrganisationRecord, string][] = [
  ['legalForm', 'legal_form'],
  ['description', 'description'],
  ['whoItHelps', 'who_it_helps'],
  ['latestIncomePence', 'latest_income_pence'],
  ['incomePeriodEnd', 'income_period_end'],
  ['registeredOn', 'registered_on'],
  ['removedOn', 'removed_on'],
  ['status', 'status'],
  ['address', 'address'],
  ['postcode', 'postcode'],
  ['website', 'website'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['listed', 'listed'],
  ['isDemo', 'is_demo'],
];

/** The columns a record sets (undefined leaves a column alone). */
export function recordToRow(record: Partial<OrganisationRecord>): Omit<NewOrganisation, 'slug' | 'name'> {
  const row: Record<string, unknown> = {};
  for (const [from, to] of columns) if (record[from] !== undefined) row[to] = record[from];
  return row as Omit<NewOrganisation, 'slug' | 'name'>;
}

/** Codes that are not in the place's wards or the codelists. */
export function unknownCodes(
  place: PlaceConfig,
  input: { wards: string[]; serviceAreas: string[]; beneficiaryGroups: string[]; waysOfWorking?: string[] },
): Issue[] {
  const issues: Issue[] = [];
  const wardCodes = new Set(place.wardCodes.map((w) => w.code));
  if (input.wards.some((w) => !wardCodes.has(w)))
    issues.push({ field: 'wards', message: 'Select wards from the list' });
  const check = (field: string, list: ClassificationList, codes: string[] | undefined) => {
    const known = new Set(codelists[list].map((c) => c.code));
    if (codes?.some((c) => !known.has(c))) issues.push({ field, message: 'Select from the list' });
  };
  check('serviceAreas', 'service_area', input.serviceAreas);
  check('beneficiaryGroups', 'beneficiary_group', input.beneficiaryGroups);
  check('waysOfWorking', 'way_of_working', input.waysOfWorking);
  return issues;
}

/** The year end to keep: a register's exact one when the person leaves the year as it was, else 31 December. */
export function incomePeriodEndFor(year: string | null, before: string | null): string | null {
  if (!year) return null;
  return before?.startsWith(year) === true ? before : `${year}-12-31`;
}

/** What changed between two sets of fields, for the audit log. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if ((old ?? null) !== (value ?? null)) changed[key] = { from: old, to: value };
  }
  return changed;
}

/**
 * An organisation's classification codes, each in the list the Charity Commission's numbering puts it in (1xx what
 * it does, 2xx who it helps, 3xx how it works), whatever list it was stored under, in the codelists' order. A code
 * no list knows is left out: a page never shows a bare number.
 */
export function classified(rows: readonly { list: ClassificationList; code: string }[]) {
  const codes = new Set(rows.map((r) => r.code.trim().replace(/^0+(?=\d)/, '')));
  const inList = (list: ClassificationList) => codelists[list].map((c) => c.code).filter((code) => codes.has(code));
  return {
    serviceAreas: inList('service_area'),
    beneficiaryGroups: inList('beneficiary_group'),
    waysOfWorking: inList('way_of_working'),
  };
}
