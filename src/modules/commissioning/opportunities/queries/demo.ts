import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';

// The demo loader's queries on opportunities (src/seed): demo opportunities are marked `is_demo` and refreshed by
// slug, keeping their ids (and so their ocids); wards, lots, questions, criteria and clarifications hang below them.

/** The demo opportunities with these slugs. */
export const demoOpportunitiesBySlug = (trx: Database, slugs: string[]) =>
  trx.selectFrom('opportunity').select(['id', 'slug']).where('slug', 'in', slugs).where('is_demo', '=', true).execute();

/** Whether any opportunity, demo or real, has this slug. */
export async function opportunitySlugTaken(trx: Database, slug: string): Promise<boolean> {
  return Boolean(await trx.selectFrom('opportunity').select('id').where('slug', '=', slug).executeTakeFirst());
}

export const insertDemoOpportunity = (trx: Database, row: Insertable<DB['opportunity']>) =>
  trx.insertInto('opportunity').values(row).execute();
export const insertOpportunityWards = (trx: Database, rows: Insertable<DB['opportunity_ward']>[]) =>
  trx.insertInto('opportunity_ward').values(rows).execute();
export const insertClarification = (trx: Database, row: Insertable<DB['clarification']>) =>
  trx.insertInto('clarification').values(row).execute();

/** Adds lots, returning their ids in the order given. */
export async function insertLots(trx: Database, rows: Insertable<DB['lot']>[]): Promise<string[]> {
  return (await trx.insertInto('lot').values(rows).returning('id').execute()).map((r) => r.id);
}

/** Adds questions, returning their ids in the order given. */
export async function insertQuestions(
  trx: Database,
  rows: Insertable<DB['opportunity_question']>[],
): Promise<string[]> {
  return (await trx.insertInto('opportunity_question').values(rows).returning('id').execute()).map((r) => r.id);
}

/** Adds assessment criteria, returning their ids in the order given. */
export async function insertCriteria(trx: Database, rows: Insertable<DB['assessment_criterion']>[]): Promise<string[]> {
  return (await trx.insertInto('assessment_criterion').values(rows).returning('id').execute()).map((r) => r.id);
}

export async function demoOpportunityIds(trx: Database): Promise<string[]> {
  return (await trx.selectFrom('opportunity').select('id').where('is_demo', '=', true).execute()).map((r) => r.id);
}

/** The opportunities published from these specifications. */
export async function opportunityIdsOf(trx: Database, specificationIds: string[]): Promise<string[]> {
  if (!specificationIds.length) return [];
  const rows = await trx
    .selectFrom('opportunity')
    .select('id')
    .where('specification_id', 'in', specificationIds)
    .execute();
  return rows.map((r) => r.id);
}

/** Deletes opportunities; their wards, lots, documents, questions, criteria and clarifications cascade. */
export async function deleteOpportunities(trx: Database, ids: string[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('opportunity').where('id', 'in', ids).execute();
}

/** Real opportunities, documents and clarifications lose their pointers to demo people. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('clarification').set({ answered_by: null }).where('answered_by', 'in', demo).execute();
  await trx.updateTable('clarification').set({ asked_by: null }).where('asked_by', 'in', demo).execute();
  await trx.updateTable('opportunity').set({ cancelled_by: null }).where('cancelled_by', 'in', demo).execute();
  await trx.updateTable('opportunity').set({ created_by: null }).where('created_by', 'in', demo).execute();
  await trx.updateTable('opportunity').set({ published_by: null }).where('published_by', 'in', demo).execute();
  await trx.updateTable('opportunity_document').set({ created_by: null }).where('created_by', 'in', demo).execute();
}
