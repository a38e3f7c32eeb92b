import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';

// The demo loader's queries on assessment (src/seed): the demo panel, its exclusions and scores hang below the demo
// opportunity and its applications, and go with them.

export const insertPanelMembers = (trx: Database, rows: Insertable<DB['panel_member']>[]) =>
  trx.insertInto('panel_member').values(rows).execute();
export const insertExclusion = (trx: Database, row: Insertable<DB['panel_exclusion']>) =>
  trx.insertInto('panel_exclusion').values(row).execute();
export const insertScore = (trx: Database, row: Insertable<DB['assessment_score']>) =>
  trx.insertInto('assessment_score').values(row).execute();
export const insertModeratedScore = (trx: Database, row: Insertable<DB['moderated_score']>) =>
  trx.insertInto('moderated_score').values(row).execute();

/** A demo person's places on real panels, exclusions and scores go; real rows lose their pointers to demo people. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.deleteFrom('assessment_score').where('user_id', 'in', demo).execute();
  await trx.updateTable('moderated_score').set({ moderated_by: null }).where('moderated_by', 'in', demo).execute();
  await trx.deleteFrom('panel_exclusion').where('user_id', 'in', demo).execute();
  await trx.updateTable('panel_member').set({ added_by: null }).where('added_by', 'in', demo).execute();
  await trx.deleteFrom('panel_member').where('user_id', 'in', demo).execute();
}
