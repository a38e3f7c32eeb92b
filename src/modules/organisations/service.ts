import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { Actor } from '../../kernel/actor.ts';
import { createMutate } from '../../kernel/mutation.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { OutboxService } from '../outbox/service.ts';
import type { PlaceConfig } from '../place/config.ts';
import { createGrants } from './grants.ts';
import { createMemberships } from './memberships.ts';
import { createProfileChanges } from './profile-changes.ts';
import * as profiles from './queries/profiles.ts';
import * as search from './queries/search.ts';
import { classified, NO_PERMISSIONS, type Permissions, permissionsFor } from './rules.ts';
import { createDirectoryWrites } from './writes.ts';

export type { NewGroupInput, ProfileInput } from './profile-changes.ts';
export type { SearchCriteria } from './queries/search.ts';
export type { OrganisationPermission, OrganisationRecord, Permissions } from './rules.ts';

export type OrganisationDeps = {
  db: Database;
  audit: AuditService;
  outbox: OutboxService;
  place: PlaceConfig;
  config: Config;
  accounts: Pick<AccountService, 'getAccount' | 'promoteToVcsMember'>;
};

// The directory of organisations: finding them, their profiles, who acts for them and the infrastructure body's
// check. SQL in queries/, rules in rules.ts, e-mails in emails.ts; memberships and profile changes in their files.
export function createOrganisationService({ db, audit, outbox, place, config, accounts }: OrganisationDeps) {
  const mutate = createMutate({ db, audit, outbox });
  const writes = createDirectoryWrites({ db, place });
  const memberships = createMemberships({ db, mutate, place, config, accounts });
  const base = config.baseUrl.replace(/\/$/, '');
  const pageUrl = (slug: string) => `${base}/organisations/${slug}`;
  const changes = createProfileChanges({ mutate, place, writes, memberships, pageUrl });
  const grants = createGrants({ db, mutate, memberships });

  function withDetails({ classifications, ...row }: search.SearchRow) {
    const { serviceAreas, beneficiaryGroups } = classified(classifications);
    return { ...row, serviceAreas, beneficiaryGroups };
  }

  async function find(criteria: search.SearchCriteria, { page, pageSize = 20 }: { page: number; pageSize?: number }) {
    // One query gives the page and the total; only a page past the end needs the count on its own.
    let current = Math.max(1, page);
    const pageAt = (n: number) => search.searchPage(db, criteria, { limit: pageSize, offset: (n - 1) * pageSize });
    let rows = await pageAt(current);
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && current > 1) {
      total = await search.countMatching(db, criteria);
      current = Math.max(1, Math.ceil(total / pageSize));
      rows = total ? await pageAt(current) : [];
    }
    return {
      total,
      page: current,
      pageCount: Math.max(1, Math.ceil(total / pageSize)),
      pageSize,
      rows: rows.map(withDetails),
    };
  }

  /** Every match, a batch at a time, for downloads that must not hold the whole directory in memory. */
  async function* searchAll(criteria: search.SearchCriteria, batchSize = 500) {
    for (let offset = 0; ; offset += batchSize) {
      const rows = await search.searchPage(db, criteria, { limit: batchSize, offset });
      if (rows.length === 0) return;
      yield rows.map(withDetails);
      if (rows.length < batchSize) return;
    }
  }

  async function get(slug: string) {
    const organisation = await profiles.bySlug(db, slug);
    if (!organisation) return undefined;
    const parts = await profiles.profileParts(db, organisation.id);
    return {
      ...organisation,
      otherNames: parts.names,
      identifiers: parts.identifiers.map((i) => i.identifier),
      wards: parts.wards,
      ...classified(parts.classifications),
      approvedAdmins: parts.approvedAdmins,
      claimed: parts.approvedAdmins > 0,
    };
  }

  async function permissions(
    actor: Actor | null,
    organisation: { id: string; status: string; listed: boolean },
  ): Promise<Permissions> {
    if (!actor) return NO_PERMISSIONS;
    const membership = await memberships.of(organisation.id, actor.id);
    const { approvedAdmins } = await profiles.profileParts(db, organisation.id);
    return permissionsFor(actor, membership, {
      status: organisation.status,
      listed: organisation.listed,
      approvedAdmins,
    });
  }

  return {
    /** The full address of an organisation's page, for downloads and open data. */
    pageUrl,
    ...writes,
    search: find,
    searchAll,
    get,
    getById: (id: string, trx: Database = db) => profiles.byId(trx, id),
    permissions,
    ...changes,
    memberships,
    /** What each member may do for an organisation, as its administrators grant it. */
    grants,
    /** Whether this person may do this for the organisation (its administrators, and members granted it). */
    may: grants.may,
    /** A refusal saying what the person may not do for the organisation and whom to ask, or null when they may. */
    refusalUnless: grants.refusalUnless,
    /** Whether this person is an approved member of the organisation (of any organisation, when null). */
    isApprovedMember: memberships.isApprovedMember,
    verificationQueue: () => profiles.verificationQueue(db),
    openReferralPage: (page: { limit: number; offset: number }) => search.openReferralPage(db, page),
    /** How many organisations the public directory lists. */
    listedCount: () => search.listedCount(db),
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
export type OrganisationProfile = NonNullable<Awaited<ReturnType<OrganisationService['get']>>>;
