import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/index.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string;
  }
}

// Creating and migrating a database is slow; do it once per run, then each test file copies it:
// a PGlite snapshot loaded from a file, or a PostgreSQL database created from a template.
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'partnership-test-'));
  const url = process.env.TEST_DATABASE_URL;
  // A run whose tests are all on PGlite (the browser tests) needs no PostgreSQL template.
  const template = url && project.config.env?.TEST_DB !== 'pglite' ? `pp_test_${randomBytes(4).toString('hex')}` : '';
  // The two are independent: build them at the same time.
  await Promise.all([
    (async () => {
      const pglite = await openDatabase({});
      await migrateToLatest(pglite.db);
      const dump = await pglite.pglite!.dumpDataDir('none');
      writeFileSync(join(dir, 'snapshot.tar'), Buffer.from(await dump.arrayBuffer()));
      await pglite.close();
    })(),
    (async () => {
      if (!url || !template) return;
      const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
      await sql.raw(`create database ${template}`).execute(admin.db);
      const tpl = await openDatabase({ databaseUrl: withDatabase(url, template), poolSize: 1 });
      await migrateToLatest(tpl.db);
      await tpl.close();
      await admin.close();
    })(),
  ]);
  project.provide('pgliteSnapshot', join(dir, 'snapshot.tar'));
  project.provide('postgresTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = await openDatabase({ databaseUrl: url, poolSize: 1 });
      const { rows } = await sql<{
        datname: string;
      }>`select datname from pg_database where datname like ${`${template}%`}`.execute(admin.db);
      for (const { datname } of rows)
        await sql.raw(`drop database if exists ${datname} with (force)`).execute(admin.db);
      await admin.close();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
