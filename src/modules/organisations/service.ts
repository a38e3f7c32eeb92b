import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { ClassificationList, NewOrganisation, Role } from '../../db/schema.ts';
import type { AuditService } from '../audit/service.ts';
import type { OutboxService } from '../outbox/service.ts';
import { codelists } from '../place/codelists.ts';
import type { PlaceConfig } from '../place/config.ts';
import { parseIdentifier, schemeOf } from './identifiers.ts';
import * as q from './queries.ts';
import { slugFor } from './slugs.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
/** A refusal the web layer turns into a page: 403 not allowed, 404 not found, 409 not in this state. */
export type Refusal = { ok: false; status: 400 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

const STAFF_WHO_VERIFY: readonly Role[] = ['officer', 'admin'];
const JOINING_ROLES: readonly Role[] = ['resident', 'vcs_member'];

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

export type ProfileInput = {
  name: string;
  otherNames: string[];
  legalForm: string | null;
  description: string;
  whoItHelps: string;
  latestIncomePence: number | null;
  incomeYear: string | null;
  wards: string[];
  serviceAreas: string[];
  beneficiaryGroups: string[];
  waysOfWorking: string[];
  identifiers: string[];
  website: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  publishEmail: boolean;
  publishPhone: boolean;
  publishAddress: boolean;
};

export type NewGroupInput = {
  name: string;
  description: string;
  wards: string[];
  serviceAreas: string[];
  beneficiaryGroups: string[];
  website: string | null;
  email: string | null;
  phone: string | null;
  publishEmail: boolean;
  publishPhone: boolean;
};

export type Permissions = {
  canEdit: boolean;
  canVerify: boolean;
  canManageMembers: boolean;
  canJoin: boolean;
  canClaim: boolean;
  membership: { role: 'member' | 'admin'; status: 'pending' | 'approved' | 'refused' } | null;
};

function recordToRow(record: OrganisationRecord): Omit<NewOrganisation, 'slug' | 'name'> {
  const row: Record<string, unknown> = {};
  const map: [keyof OrganisationRecord, string][] = [
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
  for (const [from, to] of map) if (record[from] !== undefined) row[to] = record[from];
  return row as Omit<NewOrganisation, 'slug' | 'name'>;
}

export function createOrganisationService({
  db,
  audit,
  outbox,
  place,
  config,
}: {
  db: Database;
  audit: AuditService;
  outbox: OutboxService;
  place: PlaceConfig;
  config: Config;
}) {
  const link = (path: string) => `${config.baseUrl.replace(/\/$/, '')}${path}`;

  async function loadById(id: string, trx: Database = db) {
    return trx.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function isStaffOrOrgAdmin(actor: Actor, organisationId: string, trx: Database = db) {
    if (STAFF_WHO_VERIFY.includes(actor.role)) return true;
    const m = await q.membershipOf(trx, organisationId, actor.id);
    return m?.status === 'approved' && m.role === 'admin';
  }

  // ---- Building blocks, shared with register imports (which run their own transactions). ----

  const blocks = {
    /** A free web address for a name. */
    async uniqueSlug(name: string, trx: Database = db): Promise<string> {
      return slugFor(name, async (slug) =>
        Boolean(await trx.selectFrom('organisation').select('id').where('slug', '=', slug).executeTakeFirst()),
      );
    },

    /** Which organisation holds each identifier (canonical forms only). */
    async findByIdentifiers(identifiers: string[], trx: Database = db): Promise<Map<string, string>> {
      if (identifiers.length === 0) return new Map();
      const rows = await trx
        .selectFrom('organisation_identifier')
        .select(['identifier', 'organisation_id'])
        .where('identifier', 'in', identifiers)
        .execute();
      return new Map(rows.map((r) => [r.identifier, r.organisation_id]));
    },

    /** Add an organisation; the caller audits with its own action (an import audits once per file). */
    async insert(
      record: OrganisationRecord,
      options: { source: string; createdBy?: string | null },
      trx: Database = db,
    ): Promise<{ id: string; slug: string }> {
      const slug = await blocks.uniqueSlug(record.name, trx);
      return trx
        .insertInto('organisation')
        .values({
          ...recordToRow(record),
          name: record.name,
          slug,
          source: options.source,
          created_by: options.createdBy ?? null,
        })
        .returning(['id', 'slug'])
        .executeTakeFirstOrThrow();
    },

    /** Change the given fields only (undefined leaves a field alone). Does not count as a person's edit. */
    async patch(id: string, record: Partial<OrganisationRecord>, trx: Database = db): Promise<void> {
      const row = { ...recordToRow(record as OrganisationRecord), ...(record.name ? { name: record.name } : {}) };
      await trx
        .updateTable('organisation')
        .set({ ...row, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Give an organisation identifiers. Each is normalised; ones it already holds are skipped; ones held by
     * another organisation are returned as clashes and not moved; ones that are not identifiers are returned too.
     */
    async addIdentifiers(
      organisationId: string,
      identifiers: string[],
      trx: Database = db,
    ): Promise<{ added: string[]; clashes: { identifier: string; organisationId: string }[]; invalid: string[] }> {
      const result = {
        added: [] as string[],
        clashes: [] as { identifier: string; organisationId: string }[],
        invalid: [] as string[],
      };
      const canonical: string[] = [];
      for (const raw of identifiers) {
        const parsed = parseIdentifier(raw);
        if (parsed.ok) canonical.push(parsed.identifier);
        else result.invalid.push(raw);
      }
      const held = await blocks.findByIdentifiers(canonical, trx);
      for (const identifier of new Set(canonical)) {
        const holder = held.get(identifier);
        if (holder === organisationId) continue;
        if (holder) {
          result.clashes.push({ identifier, organisationId: holder });
          continue;
        }
        await trx
          .insertInto('organisation_identifier')
          .values({ identifier, organisation_id: organisationId, scheme: schemeOf(identifier) })
          .execute();
        result.added.push(identifier);
      }
      return result;
    },

    /** Add other names (the organisation's own name is never repeated). */
    async addNames(
      organisationId: string,
      names: string[],
      kind: 'alternative' | 'previous' | 'working' = 'alternative',
      trx: Database = db,
    ): Promise<void> {
      const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
      if (unique.length === 0) return;
      await trx
        .insertInto('organisation_name')
        .values(unique.map((name) => ({ organisation_id: organisationId, name, kind })))
        .onConflict((oc) => oc.columns(['organisation_id', 'name']).doNothing())
        .execute();
    },

    /** Replace one classification list (unknown codes are dropped). */
    async setClassifications(
      organisationId: string,
      list: ClassificationList,
      codes: string[],
      trx: Database = db,
    ): Promise<void> {
      const known = new Set(codelists[list].map((c) => c.code));
      const keep = [...new Set(codes)].filter((c) => known.has(c));
      await trx
        .deleteFrom('organisation_classification')
        .where('organisation_id', '=', organisationId)
        .where('list', '=', list)
        .execute();
      if (keep.length) {
        await trx
          .insertInto('organisation_classification')
          .values(keep.map((code) => ({ organisation_id: organisationId, list, code })))
          .execute();
      }
    },

    /** Replace the wards an organisation works in (unknown ward codes are dropped). */
    async setWards(organisationId: string, wardCodes: string[], trx: Database = db): Promise<void> {
      const known = new Set(place.wardCodes.map((w) => w.code));
      const keep = [...new Set(wardCodes)].filter((c) => known.has(c));
      await trx.deleteFrom('organisation_ward').where('organisation_id', '=', organisationId).execute();
      if (keep.length) {
        await trx
          .insertInto('organisation_ward')
          .values(keep.map((ward_code) => ({ organisation_id: organisationId, ward_code })))
          .execute();
      }
    },

    similarNames: (name: string, limit?: number) => q.similarNames(db, name, limit),
  };

  // ---- Reading. ----

  async function search(criteria: q.SearchCriteria, { page, pageSize = 20 }: { page: number; pageSize?: number }) {
    // One query gives the page and the total; only a page past the end needs the count on its own.
    let current = Math.max(1, page);
    let rows = await q.searchPage(db, criteria, { limit: pageSize, offset: (current - 1) * pageSize });
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && current > 1) {
      total = await q.countMatching(db, criteria);
      current = Math.max(1, Math.ceil(total / pageSize));
      rows = total ? await q.searchPage(db, criteria, { limit: pageSize, offset: (current - 1) * pageSize }) : [];
    }
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const details = await q.detailsFor(
      db,
      rows.map((r) => r.id),
    );
    return {
      total,
      page: current,
      pageCount,
      pageSize,
      rows: rows.map((r) => withDetails(r, details)),
    };
  }

  function withDetails(row: q.SearchRow, details: q.RowDetails) {
    const classifications = details.classifications.get(row.id) ?? [];
    return {
      ...row,
      identifiers: details.identifiers.get(row.id) ?? [],
      wards: details.wards.get(row.id) ?? [],
      serviceAreas: classifications.filter((c) => c.list === 'service_area').map((c) => c.code),
      beneficiaryGroups: classifications.filter((c) => c.list === 'beneficiary_group').map((c) => c.code),
    };
  }

  /** Every match, a batch at a time, for downloads that must not hold the whole directory in memory. */
  async function* searchAll(criteria: q.SearchCriteria, batchSize = 500) {
    for (let offset = 0; ; offset += batchSize) {
      const rows = await q.searchPage(db, criteria, { limit: batchSize, offset });
      if (rows.length === 0) return;
      const details = await q.detailsFor(
        db,
        rows.map((r) => r.id),
      );
      yield rows.map((r) => withDetails(r, details));
      if (rows.length < batchSize) return;
    }
  }

  async function get(slug: string) {
    const organisation = await q.bySlug(db, slug);
    if (!organisation) return undefined;
    const parts = await q.profileParts(db, organisation.id);
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
    if (!actor) {
      return {
        canEdit: false,
        canVerify: false,
        canManageMembers: false,
        canJoin: false,
        canClaim: false,
        membership: null,
      };
    }
    const m = await q.membershipOf(db, organisation.id, actor.id);
    const staff = STAFF_WHO_VERIFY.includes(actor.role);
    const orgAdmin = m?.status === 'approved' && m.role === 'admin';
    const open = !m || m.status === 'refused';
    const active = organisation.status === 'active';
    const { approvedAdmins } = await q.profileParts(db, organisation.id);
    return {
      canEdit: staff || orgAdmin,
      canVerify: staff,
      canManageMembers: staff || orgAdmin,
      canJoin: active && open && JOINING_ROLES.includes(actor.role),
      canClaim: active && open && approvedAdmins === 0 && JOINING_ROLES.includes(actor.role),
      membership: m ? { role: m.role, status: m.status } : null,
    };
  }

  // ---- Changing a profile. ----

  async function checkIdentifiers(organisationId: string | null, identifiers: string[], trx: Database) {
    const issues: Issue[] = [];
    const canonical: string[] = [];
    for (const raw of identifiers) {
      const parsed = parseIdentifier(raw);
      if (!parsed.ok) issues.push({ field: 'identifiers', message: `${raw}: ${parsed.message}` });
      else canonical.push(parsed.identifier);
    }
    const held = await blocks.findByIdentifiers(canonical, trx);
    for (const identifier of canonical) {
      const holder = held.get(identifier);
      if (holder && holder !== organisationId) {
        const other = await loadById(holder, trx);
        issues.push({
          field: 'identifiers',
          message: `${identifier} already belongs to ${other?.name ?? 'another organisation'}. If they are the same organisation, contact ${place.infrastructureBody.name}`,
        });
      }
    }
    return { issues, canonical: [...new Set(canonical)] };
  }

  function unknownCodes(input: {
    wards: string[];
    serviceAreas: string[];
    beneficiaryGroups: string[];
    waysOfWorking?: string[];
  }): Issue[] {
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

  async function update(actor: Actor, organisationId: string, input: ProfileInput): Promise<Done | Refusal> {
    return db.transaction().execute(async (trx) => {
      const before = await loadById(organisationId, trx);
      if (!before) return { ok: false, status: 404, message: 'There is no such organisation.' } as const;
      if (!(await isStaffOrOrgAdmin(actor, organisationId, trx))) {
        return {
          ok: false,
          status: 403,
          message: 'Only the organisation’s administrators and the infrastructure body can edit this profile.',
        } as const;
      }
      const { issues, canonical } = await checkIdentifiers(organisationId, input.identifiers, trx);
      issues.push(...unknownCodes(input));
      if (issues.length) return { ok: false, status: 400, message: 'The profile has problems', issues } as const;

      // Keep a register's exact year end when the person leaves the year as it was.
      let incomePeriodEnd: string | null = null;
      if (input.incomeYear) {
        incomePeriodEnd =
          before.income_period_end?.startsWith(input.incomeYear) === true
            ? before.income_period_end
            : `${input.incomeYear}-12-31`;
      }
      const fields = {
        name: input.name,
        legal_form: input.legalForm,
        description: input.description,
        who_it_helps: input.whoItHelps,
        latest_income_pence: input.latestIncomePence,
        income_period_end: incomePeriodEnd,
        website: input.website,
        email: input.email,
        phone: input.phone,
        address: input.address,
        postcode: input.postcode,
        publish_email: input.publishEmail,
        publish_phone: input.publishPhone,
        publish_address: input.publishAddress,
      };
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(fields)) {
        const old = before[key as keyof typeof before];
        if ((old ?? null) !== (value ?? null)) changed[key] = { from: old, to: value };
      }
      await trx
        .updateTable('organisation')
        .set({ ...fields, updated_at: new Date(), profile_updated_at: new Date(), profile_updated_by: actor.id })
        .where('id', '=', organisationId)
        .execute();

      const parts = await q.profileParts(trx, organisationId);
      const otherNames = input.otherNames.filter((n) => n !== input.name);
      const oldNames = parts.names.map((n) => n.name);
      const removedNames = oldNames.filter((n) => !otherNames.includes(n));
      if (removedNames.length) {
        await trx
          .deleteFrom('organisation_name')
          .where('organisation_id', '=', organisationId)
          .where('name', 'in', removedNames)
          .execute();
      }
      await blocks.addNames(organisationId, otherNames, 'alternative', trx);
      if (removedNames.length || otherNames.some((n) => !oldNames.includes(n))) {
        changed.otherNames = { from: oldNames, to: otherNames };
      }

      const oldIdentifiers = parts.identifiers.map((i) => i.identifier);
      const droppedIdentifiers = oldIdentifiers.filter((i) => !canonical.includes(i));
      if (droppedIdentifiers.length) {
        await trx.deleteFrom('organisation_identifier').where('identifier', 'in', droppedIdentifiers).execute();
      }
      await blocks.addIdentifiers(organisationId, canonical, trx);
      if (droppedIdentifiers.length || canonical.some((i) => !oldIdentifiers.includes(i))) {
        changed.identifiers = { from: oldIdentifiers, to: canonical };
      }

      const oldWards = parts.wards.map((w) => w.code);
      await blocks.setWards(organisationId, input.wards, trx);
      if (oldWards.join() !== [...input.wards].sort(byWardOrder).join())
        changed.wards = { from: oldWards, to: input.wards };
      for (const [list, codes, key] of [
        ['service_area', input.serviceAreas, 'serviceAreas'],
        ['beneficiary_group', input.beneficiaryGroups, 'beneficiaryGroups'],
        ['way_of_working', input.waysOfWorking, 'waysOfWorking'],
      ] as const) {
        const old = parts.classifications.filter((c) => c.list === list).map((c) => c.code);
        await blocks.setClassifications(organisationId, list, codes, trx);
        if (old.join() !== [...codes].sort().join()) changed[key] = { from: old, to: codes };
      }

      await audit.record(
        {
          userId: actor.id,
          action: 'organisation.update',
          entityType: 'organisation',
          entityId: organisationId,
          // A verified profile stays verified; the check can see what changed since.
          detail: { changed, verified: before.verified_at !== null },
        },
        trx,
      );
      return { ok: true } as const;
    });
  }

  function byWardOrder(a: string, b: string) {
    const order = place.wardCodes.map((w) => w.code);
    return order.indexOf(a) - order.indexOf(b);
  }

  /** List an unregistered community group. A VCS member who adds it becomes its administrator. */
  async function createGroup(
    actor: Actor,
    input: NewGroupInput,
  ): Promise<Done<{ id: string; slug: string }> | Refusal> {
    const issues = unknownCodes(input);
    if (issues.length) return { ok: false, status: 400, message: 'The group has problems', issues };
    return db.transaction().execute(async (trx) => {
      const { id, slug } = await blocks.insert(
        {
          name: input.name,
          legalForm: 'community_group',
          description: input.description,
          website: input.website,
          email: input.email,
          phone: input.phone,
        },
        { source: 'user', createdBy: actor.id },
        trx,
      );
      await trx
        .updateTable('organisation')
        .set({
          publish_email: input.publishEmail,
          publish_phone: input.publishPhone,
          profile_updated_at: new Date(),
          profile_updated_by: actor.id,
        })
        .where('id', '=', id)
        .execute();
      await blocks.setWards(id, input.wards, trx);
      await blocks.setClassifications(id, 'service_area', input.serviceAreas, trx);
      await blocks.setClassifications(id, 'beneficiary_group', input.beneficiaryGroups, trx);
      if (actor.role === 'vcs_member') {
        await trx
          .insertInto('membership')
          .values({
            user_id: actor.id,
            organisation_id: id,
            role: 'admin',
            status: 'approved',
            decided_at: new Date(),
            decided_by: actor.id,
          })
          .execute();
      }
      await audit.record(
        {
          userId: actor.id,
          action: 'organisation.create',
          entityType: 'organisation',
          entityId: id,
          detail: { ...input, slug, creatorIsAdmin: actor.role === 'vcs_member' },
        },
        trx,
      );
      return { ok: true, id, slug } as const;
    });
  }

  // ---- Memberships. ----

  const memberships = {
    list: (organisationId: string) => q.membershipsOf(db, organisationId),

    /** Ask to join (member) or claim the organisation (admin, which only staff may approve). */
    async request(
      actor: Actor,
      organisationId: string,
      kind: 'join' | 'claim',
      message: string,
    ): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const org = await loadById(organisationId, trx);
        if (org?.status !== 'active') {
          return { ok: false, status: 404, message: 'There is no such organisation.' } as const;
        }
        if (!JOINING_ROLES.includes(actor.role)) {
          return {
            ok: false,
            status: 403,
            message: 'Staff accounts cannot join organisations. Use a personal account.',
          } as const;
        }
        const existing = await q.membershipOf(trx, organisationId, actor.id);
        if (existing?.status === 'approved') {
          return { ok: false, status: 409, message: `You are already a member of ${org.name}.` } as const;
        }
        if (existing?.status === 'pending') {
          return {
            ok: false,
            status: 409,
            message: `You have already asked to join ${org.name}. You will get an email when it is decided.`,
          } as const;
        }
        const parts = await q.profileParts(trx, organisationId);
        if (kind === 'claim' && parts.approvedAdmins > 0) {
          return {
            ok: false,
            status: 409,
            message: `${org.name} already has an administrator. Ask to join it instead.`,
          } as const;
        }
        const values = {
          role: kind === 'claim' ? ('admin' as const) : ('member' as const),
          status: 'pending' as const,
          message,
          requested_at: new Date(),
          decided_at: null,
          decided_by: null,
        };
        await trx
          .insertInto('membership')
          .values({ user_id: actor.id, organisation_id: organisationId, ...values })
          .onConflict((oc) => oc.columns(['user_id', 'organisation_id']).doUpdateSet(values))
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: kind === 'claim' ? 'membership.claim' : 'membership.request',
            entityType: 'organisation',
            entityId: organisationId,
            detail: { userId: actor.id, message },
          },
          trx,
        );
        const requester = await trx
          .selectFrom('app_user')
          .select(['name', 'email'])
          .where('id', '=', actor.id)
          .executeTakeFirstOrThrow();
        const membersPage = link(`/organisations/${org.slug}/members`);
        const said = message ? `\n\nThey wrote:\n${message}` : '';
        // A claim needs the infrastructure body; a request to join goes to the organisation's administrators.
        const recipients = kind === 'claim' ? [place.contactEmail] : await q.approvedAdminEmails(trx, organisationId);
        for (const to of recipients) {
          await outbox.queue(
            {
              to,
              kind: kind === 'claim' ? 'organisation.claim' : 'membership.request',
              subject:
                kind === 'claim'
                  ? `${requester.name} has claimed ${org.name}`
                  : `${requester.name} has asked to join ${org.name}`,
              body:
                kind === 'claim'
                  ? `${requester.name} (${requester.email}) says they run ${org.name} and has asked to manage its profile.${said}\n\nCheck the claim and approve or refuse it: ${membersPage}`
                  : `${requester.name} (${requester.email}) has asked to join ${org.name}.${said}\n\nApprove or refuse the request: ${membersPage}`,
            },
            trx,
          );
        }
        return { ok: true } as const;
      });
    },

    async decide(
      actor: Actor,
      organisationId: string,
      userId: string,
      decision: 'approve' | 'refuse',
    ): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const org = await loadById(organisationId, trx);
        if (!org) return { ok: false, status: 404, message: 'There is no such organisation.' } as const;
        const request = await q.membershipOf(trx, organisationId, userId);
        if (!request) return { ok: false, status: 404, message: 'There is no such request.' } as const;
        const staff = STAFF_WHO_VERIFY.includes(actor.role);
        if (!(await isStaffOrOrgAdmin(actor, organisationId, trx))) {
          return {
            ok: false,
            status: 403,
            message: 'Only the organisation’s administrators and the infrastructure body can decide requests.',
          } as const;
        }
        if (request.role === 'admin' && !staff) {
          return {
            ok: false,
            status: 403,
            message: `Only ${place.infrastructureBody.name} can approve a claim to manage an organisation.`,
          } as const;
        }
        if (request.status !== 'pending') {
          return { ok: false, status: 409, message: 'This request has already been decided.' } as const;
        }
        const status = decision === 'approve' ? ('approved' as const) : ('refused' as const);
        await trx
          .updateTable('membership')
          .set({ status, decided_at: new Date(), decided_by: actor.id })
          .where('organisation_id', '=', organisationId)
          .where('user_id', '=', userId)
          .execute();
        const person = await trx
          .selectFrom('app_user')
          .select(['name', 'email', 'role'])
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        if (status === 'approved' && person.role === 'resident') {
          // Belonging to an organisation is what makes someone a VCS member.
          await trx.updateTable('app_user').set({ role: 'vcs_member' }).where('id', '=', userId).execute();
          await audit.record(
            {
              userId: actor.id,
              action: 'user.role',
              entityType: 'app_user',
              entityId: userId,
              detail: { from: 'resident', to: 'vcs_member', because: `joined ${org.name}` },
            },
            trx,
          );
        }
        await audit.record(
          {
            userId: actor.id,
            action: `membership.${decision}`,
            entityType: 'organisation',
            entityId: organisationId,
            detail: { userId, role: request.role },
          },
          trx,
        );
        const what = request.role === 'admin' ? `manage ${org.name}` : `join ${org.name}`;
        await outbox.queue(
          {
            to: person.email,
            kind: `membership.${decision}`,
            subject:
              status === 'approved'
                ? `You can now ${request.role === 'admin' ? 'manage' : 'act for'} ${org.name}`
                : `Your request to ${what} was not approved`,
            body:
              status === 'approved'
                ? `Your request to ${what} has been approved.\n\n${request.role === 'admin' ? `You can edit its profile and approve new members: ${link(`/organisations/${org.slug}/edit`)}` : `See the organisation: ${link(`/organisations/${org.slug}`)}`}`
                : `Your request to ${what} was not approved. If you think this is a mistake, contact ${place.infrastructureBody.name} at ${place.contactEmail}.`,
          },
          trx,
        );
        return { ok: true } as const;
      });
    },
  };

  // ---- Verification by the infrastructure body. ----

  async function setVerified(actor: Actor, organisationId: string, verified: boolean, reason?: string) {
    if (!STAFF_WHO_VERIFY.includes(actor.role)) {
      return {
        ok: false,
        status: 403,
        message: `Only ${place.infrastructureBody.name} can verify organisations.`,
      } as Refusal;
    }
    return db.transaction().execute(async (trx): Promise<Done | Refusal> => {
      const org = await loadById(organisationId, trx);
      if (!org) return { ok: false, status: 404, message: 'There is no such organisation.' };
      if (verified === (org.verified_at !== null)) {
        return {
          ok: false,
          status: 409,
          message: verified ? `${org.name} is already verified.` : `${org.name} is not verified.`,
        };
      }
      await trx
        .updateTable('organisation')
        .set(verified ? { verified_at: new Date(), verified_by: actor.id } : { verified_at: null, verified_by: null })
        .where('id', '=', organisationId)
        .execute();
      await audit.record(
        {
          userId: actor.id,
          action: verified ? 'organisation.verify' : 'organisation.unverify',
          entityType: 'organisation',
          entityId: organisationId,
          detail: verified ? {} : { reason, wasVerifiedAt: org.verified_at },
        },
        trx,
      );
      return { ok: true };
    });
  }

  return {
    ...blocks,
    search,
    searchAll,
    get,
    getById: loadById,
    permissions,
    update,
    createGroup,
    memberships,
    verify: (actor: Actor, organisationId: string) => setVerified(actor, organisationId, true),
    unverify: (actor: Actor, organisationId: string, reason: string) =>
      setVerified(actor, organisationId, false, reason),
    verificationQueue: () => q.verificationQueue(db),
    openReferralPage: (page: { limit: number; offset: number }) => q.openReferralPage(db, page),
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
export type OrganisationProfile = NonNullable<Awaited<ReturnType<OrganisationService['get']>>>;
