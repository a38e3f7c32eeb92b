import { sql } from 'kysely';
import type { Database } from '../../src/db/index.ts';

// For tests of row locks on a PostgreSQL server: hold a transaction open, and see when others queue behind it.

/** Waits until at least n of this database's connections are waiting for a lock; fails after ten seconds. */
export async function untilWaitingForLocks(db: Database, n: number): Promise<void> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.waiting >= n) return;
  }
  throw new Error(`Fewer than ${n} connections came to wait for a lock`);
}

/**
 * Holds the audit log locked against writes in a transaction of its own, until `release` is called: a change
 * of state that writes its audit record last is kept open there, after its other steps and locks.
 */
export async function holdAuditLog(db: Database): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  let holding!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const holder = db.transaction().execute(async (trx) => {
    await sql`lock table audit_log in share mode`.execute(trx);
    holding();
    await released;
  });
  await held;
  return {
    async release() {
      release();
      await holder;
    },
  };
}
