import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/db.ts';
import type { DatabaseHandle } from './index.ts';

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await testDatabase();
});
afterAll(async () => handle?.close());

describe.skipIf(process.env.TEST_DB !== 'postgres')('a connection ended by the server', () => {
  it('is replaced on the next query instead of ending the process', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      // Leave an idle connection in the pool, then have the server end it, as a restart would.
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      const pid = rows[0]!.pid;
      const other = await testDatabaseAdmin();
      await sql`select pg_terminate_backend(${pid})`.execute(other.db);
      await other.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(again.rows[0]!.one).toBe(1);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  });
});

/** A second connection to the same server, from which to end the first. */
async function testDatabaseAdmin() {
  const { openDatabase } = await import('./index.ts');
  return openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL!, poolSize: 1 });
}
