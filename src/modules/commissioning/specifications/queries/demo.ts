import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';

// The demo loader's queries on specifications (src/seed): demo specifications are marked `is_demo` and refreshed by
// slug, keeping their ids; versions, co-producers, comments, workshops and outcomes hang below them.

/** The demo specifications with these slugs. */
export const demoSpecificationsBySlug = (trx: Database, slugs: string[]) =>
  trx
    .selectFrom('specification')
    .select(['id', 'slug'])
    .where('slug', 'in', slugs)
    .where('is_demo', '=', true)
    .execute();

/** Which of these slugs real specifications hold. */
export async function realSpecificationSlugs(trx: Database, slugs: string[]): Promise<string[]> {
  const rows = await trx
    .selectFrom('specification')
    .select('slug')
    .where('slug', 'in', slugs)
    .where('is_demo', '=', false)
    .execute();
  return rows.map((r) => r.slug);
}

export const insertDemoSpecification = (trx: Database, row: Insertable<DB['specification']>) =>
  trx.insertInto('specification').values(row).execute();

export async function insertVersion(trx: Database, row: Insertable<DB['specification_version']>): Promise<string> {
  return (await trx.insertInto('specification_version').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export const insertCoproducer = (trx: Database, row: Insertable<DB['specification_coproducer']>) =>
  trx.insertInto('specification_coproducer').values(row).execute();
export const insertComment = (trx: Database, row: Insertable<DB['specification_comment']>) =>
  trx.insertInto('specification_comment').values(row).execute();
export const insertWorkshop = (trx: Database, row: Insertable<DB['coproduction_workshop']>) =>
  trx.insertInto('coproduction_workshop').values(row).execute();

export async function insertOutcome(trx: Database, row: Insertable<DB['outcome']>): Promise<string> {
  return (await trx.insertInto('outcome').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertIndicator(trx: Database, row: Insertable<DB['outcome_indicator']>): Promise<string> {
  return (await trx.insertInto('outcome_indicator').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Every demo specification, and every specification built on one of these (demo) needs: they belong to the demo. */
export async function demoSpecificationIds(trx: Database, needIds: string[]): Promise<string[]> {
  const rows = await trx
    .selectFrom('specification')
    .select('id')
    .where((eb) =>
      eb.or([eb('is_demo', '=', true), ...(needIds.length ? [eb('needs_assessment_id', 'in', needIds)] : [])]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The outcome indicators of these specifications. */
export async function indicatorIds(trx: Database, specificationIds: string[]): Promise<string[]> {
  if (!specificationIds.length) return [];
  const rows = await trx
    .selectFrom('outcome_indicator as i')
    .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
    .select('i.id')
    .where('o.specification_id', 'in', specificationIds)
    .execute();
  return rows.map((r) => r.id);
}

/** Deletes specifications; their versions, co-producers, comments, workshops and outcomes cascade. */
export async function deleteSpecifications(trx: Database, ids: string[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('specification').where('id', 'in', ids).execute();
}

/** Real specifications lose their pointers to demo people; a demo person's place as a co-producer goes. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('coproduction_workshop').set({ recorded_by: null }).where('recorded_by', 'in', demo).execute();
  await trx.updateTable('specification').set({ created_by: null }).where('created_by', 'in', demo).execute();
  await trx.updateTable('specification').set({ published_by: null }).where('published_by', 'in', demo).execute();
  await trx.updateTable('specification_comment').set({ author_id: null }).where('author_id', 'in', demo).execute();
  await trx.updateTable('specification_comment').set({ hidden_by: null }).where('hidden_by', 'in', demo).execute();
  await trx.updateTable('specification_coproducer').set({ invited_by: null }).where('invited_by', 'in', demo).execute();
  await trx.deleteFrom('specification_coproducer').where('user_id', 'in', demo).execute();
  await trx.updateTable('specification_version').set({ created_by: null }).where('created_by', 'in', demo).execute();
}
