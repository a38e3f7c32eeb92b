import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';

// The demo loader's queries on awards (src/seed): demo awards are marked `is_demo` and refreshed by slug, keeping
// their ids; payments and targets hang below them.

/** The demo awards with these slugs. */
export const demoAwardsBySlug = (trx: Database, slugs: string[]) =>
  trx.selectFrom('award').select(['id', 'slug']).where('slug', 'in', slugs).where('is_demo', '=', true).execute();

/** Whether any award, demo or real, has one of these slugs. */
export async function awardSlugsTaken(trx: Database, slugs: string[]): Promise<boolean> {
  return (await trx.selectFrom('award').select('id').where('slug', 'in', slugs).execute()).length > 0;
}

export async function insertDemoAward(trx: Database, row: Insertable<DB['award']>): Promise<string> {
  return (await trx.insertInto('award').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export const insertPayments = (trx: Database, rows: Insertable<DB['award_payment']>[]) =>
  trx.insertInto('award_payment').values(rows).execute();
export const insertTargets = (trx: Database, rows: Insertable<DB['award_target']>[]) =>
  trx.insertInto('award_target').values(rows).execute();

export async function deleteDemoAwards(trx: Database): Promise<void> {
  await trx.deleteFrom('award').where('is_demo', '=', true).execute();
}

/** Deletes the awards made on these applications or to these opportunities (payments and targets cascade). */
export async function deleteAwardsOf(
  trx: Database,
  of: { applications?: string[]; opportunities?: string[] },
): Promise<void> {
  if (of.applications?.length) await trx.deleteFrom('award').where('application_id', 'in', of.applications).execute();
  if (of.opportunities?.length) await trx.deleteFrom('award').where('opportunity_id', 'in', of.opportunities).execute();
}

/** Deletes the targets set against these outcome indicators. */
export async function deleteTargetsTo(trx: Database, indicatorIds: string[]): Promise<void> {
  if (indicatorIds.length) await trx.deleteFrom('award_target').where('indicator_id', 'in', indicatorIds).execute();
}

/** Real awards lose their pointers to demo people. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('award').set({ awarded_by: null }).where('awarded_by', 'in', demo).execute();
}
