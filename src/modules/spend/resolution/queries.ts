import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { SupplierClassification } from '../../../db/schema.ts';
import { people } from '../../accounts/read-models.ts';
import { auditEntries } from '../../audit/read-models.ts';
import { organisationIdentifiers, organisationNames, organisations } from '../../organisations/read-models.ts';
import { councils } from '../../place/read-models.ts';

// Spend resolution's queries: its own tables (suppliers, decisions, payments), and the directory's names and
// identifiers through the read models it publishes. The cascade's lookups are each one query over a whole run.

export type Pending = {
  id: number;
  name: string;
  name_key: string;
  charity_number: string | null;
  company_number: string | null;
  council_vcse_flag: boolean | null;
  categories: string[];
};

export type OrgFacts = { id: string; name: string; legal_form: string | null; status: string; schemes: string[] };

/** What resolution concludes about a supplier, as it is stored. */
export type SavedOutcome = {
  id: number;
  classification: SupplierClassification;
  organisation_id: string | null;
  method: string;
  reason: string;
  evidence: Record<string, unknown>;
  candidates: unknown[];
};

export const pendingSuppliers = (db: Database, councilOrgId: string): Promise<Pending[]> =>
  db
    .selectFrom('spend_supplier')
    .select(['id', 'name', 'name_key', 'charity_number', 'company_number', 'council_vcse_flag', 'categories'])
    .where('council_org_id', '=', councilOrgId)
    .where('classification', '=', 'unresolved')
    .orderBy('id')
    .execute();

/** Every supplier of the council back to unresolved, to be resolved again. */
export async function unresolveCouncil(db: Database, councilOrgId: string): Promise<void> {
  await db
    .updateTable('spend_supplier')
    .set({ classification: 'unresolved', resolved_at: null })
    .where('council_org_id', '=', councilOrgId)
    .execute();
}

export const decisionsFor = (db: Database, keys: string[]) =>
  keys.length ? db.selectFrom('supplier_decision').selectAll().where('name_key', 'in', keys).execute() : [];

/** Who holds each of these identifiers in the directory. */
export const identifierOwners = (db: Database, identifiers: string[]) =>
  identifiers.length
    ? db
        .selectFrom(organisationIdentifiers(db).as('i'))
        .select(['i.identifier', 'i.organisation_id'])
        .where('i.identifier', 'in', identifiers)
        .execute()
    : [];

/** Each organisation's name, legal form, status and identifier schemes. */
export async function organisationFacts(db: Database, ids: string[]): Promise<OrgFacts[]> {
  if (!ids.length) return [];
  const { rows } = await sql<OrgFacts>`
    select o.id, o.name, o.legal_form, o.status,
      coalesce(array_agg(distinct i.scheme) filter (where i.scheme is not null), '{}') as schemes
    from (${organisations(db)}) o left join (${organisationIdentifiers(db)}) i on i.organisation_id = o.id
    where o.id = any(${[...new Set(ids)]}::uuid[])
    group by o.id, o.name, o.legal_form, o.status
  `.execute(db);
  return rows;
}

/** Organisations' names and other names whose key is one of these. */
export async function namesWithKeys(db: Database, keys: string[]) {
  const { rows } = await sql<{ key: string; organisation_id: string; matched_name: string }>`
    select o.name_key as key, o.id as organisation_id, o.name as matched_name
    from (${organisations(db)}) o where o.name_key = any(${keys}::text[])
    union
    select n.name_key, n.organisation_id, n.name from (${organisationNames(db)}) n where n.name_key = any(${keys}::text[])
  `.execute(db);
  return rows;
}

/**
 * For this transaction only. The planner cannot see the keys inside the lateral join and costs a scan of the
 * whole table per key as cheaper than the trigram index; it is not (140 ms a key with 20,000 organisations,
 * against under a millisecond through the index). Compiling the query (JIT) costs more than it saves here.
 */
export async function trigramSettings(trx: Database, threshold: number): Promise<void> {
  await sql`select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true),
    set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`.execute(trx);
}

/** The best four organisations by trigram similarity of any of their names, per key (through the trigram index). */
export function trigramQuery(db: Database, keys: string[]) {
  return sql<{ key: string; organisation_id: string; name: string; matched_name: string; sim: number }>`
    select k.key, c.organisation_id, o.name, c.matched_name, c.sim
    from unnest(${keys}::text[]) as k(key)
    cross join lateral (
      select u.organisation_id, u.matched_name, max(u.sim) as sim from (
        select o.id as organisation_id, o.name as matched_name, similarity(o.name_key, k.key)::float8 as sim
        from (${organisations(db)}) o where o.name_key % k.key
        union all
        select n.organisation_id, n.name, similarity(n.name_key, k.key)::float8
        from (${organisationNames(db)}) n where n.name_key % k.key
      ) u
      group by u.organisation_id, u.matched_name
      order by sim desc, u.matched_name, u.organisation_id
      limit 4
    ) c
    join (${organisations(db)}) o on o.id = c.organisation_id
  `;
}

/** Every name and other name with its key, to be searched in memory. */
export async function allNameKeys(db: Database) {
  const { rows } = await sql<{ organisation_id: string; name: string; matched_name: string; key: string }>`
    select o.id as organisation_id, o.name, o.name as matched_name, o.name_key as key
    from (${organisations(db)}) o where o.name_key is not null
    union all
    select n.organisation_id, o.name, n.name, n.name_key
    from (${organisationNames(db)}) n join (${organisations(db)}) o on o.id = n.organisation_id
    where n.name_key is not null
  `.execute(db);
  return rows;
}

export async function saveOutcomes(db: Database, outcomes: SavedOutcome[]): Promise<void> {
  for (let i = 0; i < outcomes.length; i += 2000) {
    const chunk = outcomes.slice(i, i + 2000);
    await sql`
      update spend_supplier s set
        classification = v.classification, organisation_id = v.organisation_id::uuid, method = v.method,
        reason = v.reason, evidence = v.evidence::jsonb, candidates = v.candidates::jsonb, resolved_at = now()
      from unnest(
        ${chunk.map((o) => o.id)}::bigint[], ${chunk.map((o) => o.classification)}::text[],
        ${chunk.map((o) => o.organisation_id)}::text[], ${chunk.map((o) => o.method)}::text[],
        ${chunk.map((o) => o.reason)}::text[], ${chunk.map((o) => JSON.stringify(o.evidence))}::text[],
        ${chunk.map((o) => JSON.stringify(o.candidates))}::text[]
      ) as v(id, classification, organisation_id, method, reason, evidence, candidates)
      where s.id = v.id
    `.execute(db);
  }
}

export const suppliersByIds = (db: Database, ids: number[]) =>
  ids.length
    ? db
        .selectFrom('spend_supplier')
        .select(['id', 'name_key', 'name', 'classification'])
        .where('id', 'in', ids)
        .execute()
    : [];

export const suppliersWithKey = (db: Database, key: string) =>
  db
    .selectFrom('spend_supplier')
    .select(['id', 'council_org_id', 'classification'])
    .where('name_key', '=', key)
    .execute();

/** A person's decision for a name, replacing any before it; when it was made. */
export async function upsertDecision(
  db: Database,
  d: {
    key: string;
    decision: 'vcs' | 'not_vcs' | 'organisation';
    organisationId: string | null;
    note: string;
    userId: string | null;
  },
): Promise<Date> {
  const row = await db
    .insertInto('supplier_decision')
    .values({
      name_key: d.key,
      decision: d.decision,
      organisation_id: d.organisationId,
      note: d.note,
      decided_by: d.userId,
    })
    .onConflict((oc) =>
      oc.column('name_key').doUpdateSet({
        decision: d.decision,
        organisation_id: d.organisationId,
        note: d.note,
        decided_by: d.userId,
        decided_at: sql`now()`,
      }),
    )
    .returning(['decided_at'])
    .executeTakeFirstOrThrow();
  return row.decided_at;
}

/** A page of suppliers, most money first, with their council's name and what they were paid. */
export function queuePage(
  db: Database,
  q: {
    councilOrgId?: string | undefined;
    classification: SupplierClassification | 'any';
    limit: number;
    offset: number;
  },
) {
  let query = db
    .selectFrom('spend_supplier as s')
    .innerJoin(councils(db).as('c'), 'c.org_id', 's.council_org_id')
    .leftJoin(
      db
        .selectFrom('spend_payment')
        .select([
          'supplier_id',
          sql<number>`sum(amount_pence)::bigint`.as('pence'),
          sql<number>`count(*)::int`.as('payments'),
        ])
        .groupBy('supplier_id')
        .as('p'),
      'p.supplier_id',
      's.id',
    )
    .select([
      's.id',
      's.name',
      's.name_key',
      's.council_org_id',
      'c.name as council_name',
      's.classification',
      's.method',
      's.reason',
      's.candidates',
      's.evidence',
      sql<number>`coalesce(p.pence, 0)`.as('pence'),
      sql<number>`coalesce(p.payments, 0)`.as('payments'),
    ]);
  if (q.councilOrgId) query = query.where('s.council_org_id', '=', q.councilOrgId);
  if (q.classification !== 'any') query = query.where('s.classification', '=', q.classification);
  return query.orderBy(sql`coalesce(p.pence, 0)`, 'desc').orderBy('s.name').limit(q.limit).offset(q.offset).execute();
}

/** One supplier with its council's name and the organisation it was matched to. */
export const supplierById = (db: Database, id: number) =>
  db
    .selectFrom('spend_supplier as s')
    .innerJoin(councils(db).as('c'), 'c.org_id', 's.council_org_id')
    .leftJoin(organisations(db).as('o'), 'o.id', 's.organisation_id')
    .selectAll('s')
    .select(['c.name as council_name', 'o.name as organisation_name', 'o.slug as organisation_slug'])
    .where('s.id', '=', id)
    .executeTakeFirst();

export const supplierPaymentTotals = (db: Database, id: number) =>
  db
    .selectFrom('spend_payment')
    .select([
      sql<number>`count(*)::int`.as('count'),
      sql<number>`coalesce(sum(amount_pence), 0)::bigint`.as('pence'),
      sql<string | null>`min(payment_date)::text`.as('first'),
      sql<string | null>`max(payment_date)::text`.as('last'),
    ])
    .where('supplier_id', '=', id)
    .executeTakeFirstOrThrow();

export const recentPayments = (db: Database, id: number, limit: number) =>
  db
    .selectFrom('spend_payment')
    .select(['payment_date', 'amount_pence', 'expense_type', 'procurement_category', 'department', 'line'])
    .where('supplier_id', '=', id)
    .orderBy('payment_date', 'desc')
    .limit(limit)
    .execute();

/** The decision on a name, with who made it and the organisation it names. */
export const decisionOn = (db: Database, key: string) =>
  db
    .selectFrom('supplier_decision as d')
    .leftJoin(people(db).as('u'), 'u.id', 'd.decided_by')
    .leftJoin(organisations(db).as('o'), 'o.id', 'd.organisation_id')
    .select(['d.decision', 'd.note', 'd.decided_at', 'u.name as decided_by_name', 'o.name as organisation_name'])
    .where('d.name_key', '=', key)
    .executeTakeFirst();

/** Every decision ever made on a name, newest first, from the audit log. */
export const decisionHistory = (db: Database, key: string) =>
  db
    .selectFrom(auditEntries(db).as('a'))
    .leftJoin(people(db).as('u'), 'u.id', 'a.user_id')
    .select(['a.at', 'a.detail', 'u.name as user_name'])
    .where('a.entity_type', '=', 'supplier_decision')
    .where('a.entity_id', '=', key)
    .orderBy('a.id', 'desc')
    .execute();

export const organisationsByIdentifier = (db: Database, identifiers: string[], limit: number) =>
  db
    .selectFrom(organisationIdentifiers(db).as('i'))
    .innerJoin(organisations(db).as('o'), 'o.id', 'i.organisation_id')
    .select(['o.id', 'o.name', 'i.identifier'])
    .where('i.identifier', 'in', identifiers)
    .limit(limit)
    .execute();

/** Organisations whose name is like the key (trigram similarity) or starts with it, most similar first. */
export async function organisationsByName(db: Database, key: string, limit: number) {
  const { rows } = await sql<{ id: string; name: string; sim: number }>`
    select o.id, o.name, similarity(o.name_key, ${key})::float8 as sim
    from (${organisations(db)}) o where o.name_key % ${key} or o.name_key like ${`${key.replace(/[%_\\]/g, '')}%`}
    order by sim desc, o.name limit ${limit}
  `.execute(db);
  return rows;
}

export const councilSuppliers = (db: Database, councilOrgId: string) =>
  db
    .selectFrom('spend_supplier')
    .select(['name_key', 'classification', 'council_vcse_flag'])
    .where('council_org_id', '=', councilOrgId)
    .execute();

/** Councils that have suppliers, by name. */
export const councilsWithSuppliers = (db: Database) =>
  db
    .selectFrom(councils(db).as('c'))
    .select(['c.org_id', 'c.name'])
    .where((eb) =>
      eb.exists(
        eb.selectFrom('spend_supplier').select('id').whereRef('spend_supplier.council_org_id', '=', 'c.org_id'),
      ),
    )
    .orderBy('c.name')
    .execute();

/** Suppliers waiting for a person: those whose evidence is weak or conflicting. */
export async function uncertainCount(db: Database): Promise<number> {
  const row = await db
    .selectFrom('spend_supplier')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('classification', '=', 'uncertain')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
