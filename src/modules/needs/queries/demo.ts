import type { Insertable, Updateable } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { DB } from '../../../db/schema.ts';

// The demo loader's queries on needs assessments (src/seed): demo assessments and contributions are marked
// `is_demo`, refreshed in place by slug, and removed with everything below them.

export const needBySlug = (trx: Database, slug: string) =>
  trx.selectFrom('needs_assessment').select(['id', 'is_demo']).where('slug', '=', slug).executeTakeFirst();

export async function insertDemoNeed(trx: Database, row: Insertable<DB['needs_assessment']>): Promise<string> {
  return (await trx.insertInto('needs_assessment').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Writes a demo assessment again and clears what hangs below it, for the loader to add afresh. */
export async function refreshDemoNeed(trx: Database, id: string, values: Updateable<DB['needs_assessment']>) {
  await trx.updateTable('needs_assessment').set(values).where('id', '=', id).execute();
  await trx.deleteFrom('needs_assessment_ward').where('needs_assessment_id', '=', id).execute();
  await trx.deleteFrom('needs_assessment_priority').where('needs_assessment_id', '=', id).execute();
  await trx.deleteFrom('needs_evidence').where('needs_assessment_id', '=', id).execute();
  await trx.deleteFrom('needs_contribution').where('needs_assessment_id', '=', id).execute();
  await trx.deleteFrom('needs_support').where('needs_assessment_id', '=', id).execute();
}

export const insertNeedWards = (trx: Database, rows: Insertable<DB['needs_assessment_ward']>[]) =>
  trx.insertInto('needs_assessment_ward').values(rows).execute();
export const insertNeedPriorities = (trx: Database, rows: Insertable<DB['needs_assessment_priority']>[]) =>
  trx.insertInto('needs_assessment_priority').values(rows).execute();
export const insertNeedEvidence = (trx: Database, row: Insertable<DB['needs_evidence']>) =>
  trx.insertInto('needs_evidence').values(row).execute();
export const insertNeedContribution = (trx: Database, row: Insertable<DB['needs_contribution']>) =>
  trx.insertInto('needs_contribution').values(row).execute();
export const insertNeedSupporters = (trx: Database, rows: Insertable<DB['needs_support']>[]) =>
  trx
    .insertInto('needs_support')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();

export async function demoNeedIds(trx: Database): Promise<string[]> {
  return (await trx.selectFrom('needs_assessment').select('id').where('is_demo', '=', true).execute()).map((r) => r.id);
}

export async function deleteDemoNeeds(trx: Database): Promise<number> {
  const result = await trx.deleteFrom('needs_assessment').where('is_demo', '=', true).executeTakeFirst();
  return Number(result.numDeletedRows);
}
