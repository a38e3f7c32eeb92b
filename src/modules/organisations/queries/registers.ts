import { type Insertable, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { ClassificationList, DB } from '../../../db/schema.ts';

// The register import's reads and writes of the directory: a batch of organisations at a time, each table written
// with one multi-row statement.

/** The facts a register states: always the register's word. */
export const FACT_COLUMNS = [
  'legal_form',
  'latest_income_pence',
  'income_period_end',
  'status',
  'registered_on',
  'removed_on',
] as const;
/** The descriptive fields a register may fill or, for what it created, keep up to date. */
export const PROFILE_COLUMNS = [
  'name',
  'description',
  'who_it_helps',
  'address',
  'postcode',
  'website',
  'email',
  'phone',
] as const;
const STATE_COLUMNS = ['id', 'slug', 'source', 'listed', ...FACT_COLUMNS, ...PROFILE_COLUMNS] as const;

/** Which organisation holds each of these identifiers. */
export const identifierOwners = (db: Database, identifiers: string[]) =>
  identifiers.length
    ? db
        .selectFrom('organisation_identifier')
        .select(['identifier', 'organisation_id'])
        .where('identifier', 'in', identifiers)
        .execute()
    : Promise.resolve([]);

/** What a register may change of these organisations. */
export const organisationStates = (db: Database, ids: string[]) =>
  db.selectFrom('organisation').select(STATE_COLUMNS).where('id', 'in', ids).execute();

export const identifiersOf = (db: Database, ids: string[]) =>
  db
    .selectFrom('organisation_identifier')
    .select(['organisation_id', 'identifier'])
    .where('organisation_id', 'in', ids)
    .execute();

export const otherNamesOf = (db: Database, ids: string[]) =>
  db.selectFrom('organisation_name').select(['organisation_id', 'name']).where('organisation_id', 'in', ids).execute();

export const classificationsOf = (db: Database, ids: string[]) =>
  db
    .selectFrom('organisation_classification')
    .select(['organisation_id', 'list', 'code'])
    .where('organisation_id', 'in', ids)
    .execute();

/** Which of these slugs are in use. */
export async function takenSlugs(db: Database, slugs: string[]): Promise<Set<string>> {
  if (!slugs.length) return new Set();
  const rows = await db.selectFrom('organisation').select('slug').where('slug', 'in', slugs).execute();
  return new Set(rows.map((r) => r.slug));
}

/** Adds new organisations and rewrites the register's fields of known ones, in one statement. */
export async function upsertOrganisations(db: Database, rows: Insertable<DB['organisation']>[]) {
  if (!rows.length) return;
  await db
    .insertInto('organisation')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        name_key: eb.ref('excluded.name_key'),
        source: eb.ref('excluded.source'),
        listed: eb.ref('excluded.listed'),
        legal_form: eb.ref('excluded.legal_form'),
        description: eb.ref('excluded.description'),
        who_it_helps: eb.ref('excluded.who_it_helps'),
        latest_income_pence: eb.ref('excluded.latest_income_pence'),
        income_period_end: eb.ref('excluded.income_period_end'),
        status: eb.ref('excluded.status'),
        registered_on: eb.ref('excluded.registered_on'),
        removed_on: eb.ref('excluded.removed_on'),
        address: eb.ref('excluded.address'),
        postcode: eb.ref('excluded.postcode'),
        website: eb.ref('excluded.website'),
        email: eb.ref('excluded.email'),
        phone: eb.ref('excluded.phone'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

export async function insertIdentifiers(
  db: Database,
  rows: { identifier: string; organisation_id: string; scheme: string }[],
) {
  if (rows.length) await db.insertInto('organisation_identifier').values(rows).execute();
}

/** Other names, each with its key for supplier matching; names already there are kept. */
export async function insertOtherNames(
  db: Database,
  rows: { organisation_id: string; name: string; kind: 'alternative' | 'previous' | 'working'; name_key: string }[],
) {
  if (!rows.length) return;
  await db
    .insertInto('organisation_name')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function insertClassifications(
  db: Database,
  rows: { organisation_id: string; list: ClassificationList; code: string }[],
) {
  if (!rows.length) return;
  await db
    .insertInto('organisation_classification')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}
