import type { Database } from '../../db/index.ts';

export type Claim = { claimed: true } | { claimed: false; purpose: string; userId: string | null; result: unknown };

/**
 * Records `key` inside the caller's transaction. When another transaction holds the same key uncommitted, PostgreSQL
 * waits for it: if it commits, the key is taken and its result is returned; if it rolls back, this one claims the key.
 */
export async function claimKey(trx: Database, key: string, purpose: string, userId: string | null): Promise<Claim> {
  const inserted = await trx
    .insertInto('idempotency_key')
    .values({ key, purpose, user_id: userId })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { claimed: true };
  const row = await trx
    .selectFrom('idempotency_key')
    .select(['purpose', 'user_id', 'result'])
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { claimed: false, purpose: row.purpose, userId: row.user_id, result: row.result };
}

export async function keepResult(trx: Database, key: string, result: unknown): Promise<void> {
  await trx
    .updateTable('idempotency_key')
    .set({ result: JSON.stringify(result ?? null) })
    .where('key', '=', key)
    .execute();
}

/** A form left open for a day is drawn again before it is sent; older keys protect nothing. */
export async function forgetKeysBefore(db: Database, before: Date): Promise<number> {
  const deleted = await db.deleteFrom('idempotency_key').where('created_at', '<', before).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
