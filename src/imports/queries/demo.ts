import type { Database } from '../../db/index.ts';
import { people } from '../../modules/accounts/read-models.ts';

// The demo loader's queries on jobs (src/seed): the demo starts no jobs, but real ones may name a demo person.

/** Real jobs started by demo people lose the pointer when the demo is removed. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('job').set({ created_by: null }).where('created_by', 'in', demo).execute();
}
