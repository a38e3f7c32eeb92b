import { type Insertable, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { DB } from '../../../db/schema.ts';
import { people } from '../../accounts/read-models.ts';

// The demo loader's queries on the directory (src/seed): demo organisations are marked `is_demo`, and only they are
// removed; their identifiers, names, wards, classifications and memberships go with them.

export const insertDemoOrganisations = (trx: Database, rows: Insertable<DB['organisation']>[]) =>
  trx.insertInto('organisation').values(rows).execute();
export const insertDemoIdentifiers = (trx: Database, rows: Insertable<DB['organisation_identifier']>[]) =>
  trx.insertInto('organisation_identifier').values(rows).execute();
export const insertDemoNames = (trx: Database, rows: Insertable<DB['organisation_name']>[]) =>
  trx.insertInto('organisation_name').values(rows).execute();
export const insertDemoWards = (trx: Database, rows: Insertable<DB['organisation_ward']>[]) =>
  trx.insertInto('organisation_ward').values(rows).execute();
export const insertDemoClassifications = (trx: Database, rows: Insertable<DB['organisation_classification']>[]) =>
  trx.insertInto('organisation_classification').values(rows).execute();
export const insertDemoMemberships = (trx: Database, rows: Insertable<DB['membership']>[]) =>
  trx.insertInto('membership').values(rows).execute();

/** Every slug in use, so that a demo organisation never takes a real one's address. */
export async function organisationSlugs(trx: Database): Promise<Set<string>> {
  return new Set((await trx.selectFrom('organisation').select('slug').execute()).map((row) => row.slug as string));
}

/** Every identifier already held, so that a demo organisation never claims a real one's. */
export async function heldIdentifiers(trx: Database): Promise<Set<string>> {
  return new Set(
    (await trx.selectFrom('organisation_identifier').select('identifier').execute()).map((row) => row.identifier),
  );
}

export async function countOrganisations(db: Database): Promise<number> {
  const row = await db
    .selectFrom('organisation')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function hasAnyOrganisation(db: Database): Promise<boolean> {
  return Boolean(await db.selectFrom('organisation').select('id').limit(1).executeTakeFirst());
}

export async function hasDemoOrganisations(db: Database): Promise<boolean> {
  return Boolean(
    await db.selectFrom('organisation').select('id').where('is_demo', '=', true).limit(1).executeTakeFirst(),
  );
}

/** The active demo organisations by slug, each with its charity number if it has one: the demo spend's recipients. */
export const demoOrganisationsWithCharity = (trx: Database) =>
  trx
    .selectFrom('organisation as o')
    .leftJoin('organisation_identifier as i', (j) =>
      j.onRef('i.organisation_id', '=', 'o.id').on('i.scheme', '=', 'GB-CHC'),
    )
    .select(['o.id', 'o.name', 'o.size_band', sql<string | null>`min(i.identifier)`.as('charity')])
    .where('o.is_demo', '=', true)
    .where('o.status', '=', 'active')
    .groupBy(['o.id', 'o.name', 'o.size_band', 'o.slug'])
    .orderBy('o.slug')
    .execute();

/**
 * The demo bidders: the first organisation the person runs (an approved admin), and the first three registered
 * charities, small or medium, active and listed, other than that one: the kind that bids for local grants.
 */
export async function demoApplicants(trx: Database, personId: string): Promise<{ own?: string; charities: string[] }> {
  const own = await trx
    .selectFrom('membership as m')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .select('o.id')
    .where('m.user_id', '=', personId)
    .where('m.role', '=', 'admin')
    .where('m.status', '=', 'approved')
    .orderBy('o.slug')
    .executeTakeFirst();
  let charities = trx
    .selectFrom('organisation as o')
    .innerJoin('organisation_identifier as i', 'i.organisation_id', 'o.id')
    .select('o.id')
    .where('o.is_demo', '=', true)
    .where('o.status', '=', 'active')
    .where('o.listed', '=', true)
    .where('i.scheme', '=', 'GB-CHC')
    .where('o.size_band', 'in', ['small', 'medium']);
  if (own) charities = charities.where('o.id', '!=', own.id);
  const rows = await charities.orderBy('o.slug').limit(3).execute();
  return { ...(own ? { own: own.id } : {}), charities: rows.map((r) => r.id) };
}

/** Real organisations checked by demo people, and real requests they decided, lose the pointer. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('membership').set({ decided_by: null }).where('decided_by', 'in', demo).execute();
  await trx.updateTable('organisation').set({ verified_by: null }).where('verified_by', 'in', demo).execute();
}

export async function deleteDemoOrganisations(trx: Database): Promise<number> {
  const result = await trx.deleteFrom('organisation').where('is_demo', '=', true).executeTakeFirst();
  return Number(result.numDeletedRows);
}
