import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.ts';
import { withDatabase } from './global-setup.ts';

/**
 * A fresh, migrated database of the kind this test project runs on: PGlite loaded from the run's snapshot,
 * or a new PostgreSQL database copied from the run's template. Close it in afterAll.
 */
export async function testDatabase(): Promise<DatabaseHandle> {
  if (process.env.TEST_DB === 'postgres') {
    const database = await postgresTestDatabase();
    const handle = await openDatabase({ databaseUrl: database.url, poolSize: 4 });
    return {
      ...handle,
      async close() {
        await handle.close();
        await database.drop();
      },
    };
  }
  const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
  return openDatabase({ snapshot });
}

/** A new, migrated PostgreSQL database copied from the run's template, by its address (e.g. for a server process). */
export async function postgresTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const template = inject('postgresTemplate');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
  await sql.raw(`create database ${name} template ${template}`).execute(admin.db);
  await admin.close();
  return {
    url: withDatabase(url, name),
    name,
    async drop() {
      const a = await openDatabase({ databaseUrl: url, poolSize: 1 });
      await sql.raw(`drop database if exists ${name} with (force)`).execute(a.db);
      await a.close();
    },
  };
}
