import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';

// The measure's summaries (spend_summary, spend_supplier_year) are rebuilt per council by the database function
// spend_summary_refresh (migration 20261208000200), inside the transaction that changed the figures.

/** Rebuilds the councils' summaries from their payments; every council's when none are named. */
export async function refreshSummaries(trx: Database, councils?: readonly string[]): Promise<void> {
  if (councils && councils.length === 0) return;
  const list = councils ? sql`array[${sql.join([...new Set(councils)])}]::text[]` : sql`null::text[]`;
  await sql`select spend_summary_refresh(${list})`.execute(trx);
}

/**
 * Takes these suppliers' payments out of the summaries (sign -1, before their classification changes) or puts
 * them back (+1, after): a decision's change costs the suppliers' payments, not the council's.
 */
export async function applyToSummaries(trx: Database, supplierIds: readonly number[], sign: 1 | -1): Promise<void> {
  if (supplierIds.length === 0) return;
  await sql`select spend_summary_apply(array[${sql.join(supplierIds.map((id) => sql`${id}::bigint`))}], ${sql.lit(sign)})`.execute(
    trx,
  );
}

/** Councils with demo payments, whose summaries change when the demo goes. */
export async function councilsWithDemoPayments(trx: Database): Promise<string[]> {
  const { rows } = await sql<{ council_org_id: string }>`
    select distinct council_org_id from spend_payment where is_demo
  `.execute(trx);
  return rows.map((r) => r.council_org_id);
}
