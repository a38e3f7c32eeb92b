import { type Insertable, sql, type Updateable } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { DB } from '../../../db/schema.ts';
import { people } from '../../accounts/read-models.ts';
import { councilsWithDemoPayments, refreshSummaries } from '../summary/queries.ts';

// The demo loader's queries on spend (src/seed): demo imports, payments, suppliers and published figures are marked
// `is_demo`; real imports and their suppliers stay.

/** Deletes the demo spend (and demo published figures); a demo supplier that real payments use stays. */
export async function deleteDemoSpend(trx: Database): Promise<void> {
  const councils = await councilsWithDemoPayments(trx);
  await trx.deleteFrom('spend_payment').where('is_demo', '=', true).execute();
  await refreshSummaries(trx, councils);
  await trx.deleteFrom('spend_import').where('is_demo', '=', true).execute();
  await sql`delete from spend_supplier s where s.is_demo
    and not exists (select 1 from spend_payment p where p.supplier_id = s.id)`.execute(trx);
  await trx.deleteFrom('published_vcs_share').where('is_demo', '=', true).execute();
}

/** Adds suppliers; one the council already has under the same name key is left as it is. */
export const insertDemoSuppliers = (trx: Database, rows: Insertable<DB['spend_supplier']>[]) =>
  trx
    .insertInto('spend_supplier')
    .values(rows)
    .onConflict((oc) => oc.columns(['council_org_id', 'name_key']).doNothing())
    .execute();

/** A council's suppliers with these name keys, by name key. */
export async function supplierIds(trx: Database, councilOrgId: string, nameKeys: string[]) {
  const rows = await trx
    .selectFrom('spend_supplier')
    .select(['id', 'name_key'])
    .where('council_org_id', '=', councilOrgId)
    .where('name_key', 'in', nameKeys)
    .execute();
  return new Map(rows.map((r) => [r.name_key, r.id]));
}

export async function insertDemoImport(trx: Database, row: Insertable<DB['spend_import']>): Promise<string> {
  return (await trx.insertInto('spend_import').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export const insertDemoPayments = (trx: Database, rows: Insertable<DB['spend_payment']>[]) =>
  trx.insertInto('spend_payment').values(rows).execute();

/** Completes a demo import: its totals, and its council's summaries rebuilt. */
export async function setImportTotals(trx: Database, id: string, totals: Updateable<DB['spend_import']>) {
  const row = await trx
    .updateTable('spend_import')
    .set(totals)
    .where('id', '=', id)
    .returning('council_org_id')
    .executeTakeFirstOrThrow();
  await refreshSummaries(trx, [row.council_org_id]);
}

/** Adds a published figure; one already held for the council and year is left as it is. */
export const insertDemoPublishedShare = (trx: Database, row: Insertable<DB['published_vcs_share']>) =>
  trx
    .insertInto('published_vcs_share')
    .values(row)
    .onConflict((oc) => oc.columns(['council_org_id', 'financial_year']).doNothing())
    .execute();

/** Real imports, profiles, decisions and published figures recorded by demo people lose the pointer. */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('published_vcs_share').set({ entered_by: null }).where('entered_by', 'in', demo).execute();
  await trx.updateTable('spend_import').set({ created_by: null }).where('created_by', 'in', demo).execute();
  await trx.updateTable('spend_import_profile').set({ updated_by: null }).where('updated_by', 'in', demo).execute();
  await trx.updateTable('supplier_decision').set({ decided_by: null }).where('decided_by', 'in', demo).execute();
}
