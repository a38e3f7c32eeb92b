import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.ts';
import { loadPlace } from '../../src/modules/place/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { testDatabase } from '../support/db.ts';

// The whole app as `createTestContext` builds it, with settings of the test's choosing and routes that exist only
// in the test (a slow query, a request held open): the production routes have none of these.

export type BudgetApp = { app: FastifyInstance; handle: DatabaseHandle; services: Services; close(): Promise<void> };

export async function budgetApp(
  options: { env?: Record<string, string>; routes?: (app: FastifyInstance, handle: DatabaseHandle) => void } = {},
): Promise<BudgetApp> {
  const handle = await testDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-secret-test-secret-test-secret!',
    ...options.env,
  });
  const place = loadPlace('croydon');
  const services = createServices({
    db: handle.db,
    config,
    place,
    mailAdapter: { name: 'test', deliver: async () => {} },
  });
  await services.place.install();
  const app = await buildApp({ config, place, services, logger: false });
  options.routes?.(app, handle);
  await app.ready();
  return {
    app,
    handle,
    services,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

export const isPostgres = process.env.TEST_DB === 'postgres';

/** A connection to the server's maintenance database, to see and end the test database's backends. */
export async function serverAdmin(): Promise<DatabaseHandle> {
  return openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL!, poolSize: 1 });
}

/** Ends every backend of the database (the app's connections), as an administrator or a failover would: their ids. */
export async function terminateBackends(admin: DatabaseHandle, database: string): Promise<number[]> {
  // Chosen first, then ended: a condition beside pg_terminate_backend may be checked after it, on every backend.
  const { rows } = await sql<{ pid: number; ended: boolean }>`
    with chosen as materialized (
      select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()
    )
    select pid, pg_terminate_backend(pid) as ended from chosen`.execute(admin.db);
  return rows.map((r) => r.pid);
}

/** The queries running in the database whose text holds `marker`. */
export async function runningQueries(admin: DatabaseHandle, database: string, marker: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity
    where datname = ${database} and state = 'active' and query like ${`%${marker}%`} and pid <> pg_backend_pid()`.execute(
    admin.db,
  );
  return rows[0]!.n;
}

/** Waits until `check` holds, asking again every 50 ms; fails after `attempts` tries (a bound, not a timing). */
export async function eventually(check: () => Promise<boolean>, what: string, attempts = 400): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Gave up waiting until ${what}`);
}

/** How many of these backends are still there. */
export async function stillThere(admin: DatabaseHandle, pids: number[]): Promise<number> {
  if (!pids.length) return 0;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where pid = any(${pids}::int[])`.execute(admin.db);
  return rows[0]!.n;
}

export async function currentDatabase(handle: DatabaseHandle): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  return rows[0]!.name;
}
