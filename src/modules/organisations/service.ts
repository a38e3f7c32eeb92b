import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { ClassificationList } from '../../db/schema.ts';
import type { Actor } from '../../kernel/actor.ts';
import { createMutate } from '../../kernel/mutation.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { OutboxService } from '../outbox/service.ts';
import type { PlaceConfig } from '../place/config.ts';
import { createMemberships } from './memberships.ts';
import { createProfileChanges } from './profile-changes.ts';
import * as profiles from './queries/profiles.ts';
import * as search from './queries/search.ts';
import { NO_PERMISSIONS, type Permissions, permissionsFor } from './rules.ts';
import { createDirectoryWrites } from './writes.ts';

export type { NewGroupInput, ProfileInput } from './profile-changes.ts';
export type { SearchCriteria } from './queries/search.ts';
export type { OrganisationRecord, Permissions } from './rules.ts';

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
  const changes = createProfileChanges({ mutate, place, writes, memberships });

  function withDetails(row: search.SearchRow, details: search.RowDetails) {
    const classifications = details.classifications.get(row.id) ?? [];
    return {
      ...row,
      identifiers: details.identifiers.get(row.id) ?? [],
      wards: details.wards.get(row.id) ?? [],
      serviceAreas: classifications.filter((c) => c.list === 'service_area').map((c) => c.code),
      beneficiaryGroups: classifications.filter((c) => c.list === 'beneficiary_group').map((c) => c.code),
    };
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
    const details = await search.detailsFor(
      db,
      rows.map((r) => r.id),
    );
    return {
      total,
      page: current,
      pageCount: Math.max(1, Math.ceil(total / pageSize)),
      pageSize,
      rows: rows.map((r) => withDetails(r, details)),
    };
  }

  /** Every match, a batch at a time, for downloads that must not hold the whole directory in memory. */
  async function* searchAll(criteria: search.SearchCriteria, batchSize = 500) {
    for (let offset = 0; ; offset += batchSize) {
      const rows = await search.searchPage(db, criteria, { limit: batchSize, offset });
      if (rows.length === 0) return;
      const details = await search.detailsFor(
        db,
        rows.map((r) => r.id),
      );
      yield rows.map((r) => withDetails(r, details));
      if (rows.length < batchSize) return;
    }
  }

  async function get(slug: string) {
    const organisation = await profiles.bySlug(db, slug);
    if (!organisation) return undefined;
    const parts = await profiles.profileParts(db, organisation.id);
    const codes = (list: ClassificationList) => parts.classifications.filter((c) => c.list === list).map((c) => c.code);
    return {
      ...organisation,
      otherNames: parts.names,
      identifiers: parts.identifiers.map((i) => i.identifier),
      wards: parts.wards,
      serviceAreas: codes('service_area'),
      beneficiaryGroups: codes('beneficiary_group'),
      waysOfWorking: codes('way_of_working'),
      approvedAdmins: parts.approvedAdmins,
      claimed: parts.approvedAdmins > 0,
    };
  }

  async function permissions(actor: Actor | null, organisation: { id: string; status: string }): Promise<Permissions> {
    if (!actor) return NO_PERMISSIONS;
    const membership = await memberships.of(organisation.id, actor.id);
    const { approvedAdmins } = await profiles.profileParts(db, organisation.id);
    return permissionsFor(actor, membership, { status: organisation.status, approvedAdmins });
  }

  const base = config.baseUrl.replace(/\/$/, '');
  return {
    /** The full address of an organisation's page, for downloads and open data. */
    pageUrl: (slug: string) => `${base}/organisations/${slug}`,
    ...writes,
    search: find,
    searchAll,
    get,
    getById: (id: string, trx: Database = db) => profiles.byId(trx, id),
    permissions,
    ...changes,
    memberships,
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
