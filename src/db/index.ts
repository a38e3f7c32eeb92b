import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { currentBudget, type QueryBudget, refuseIfAbandoned } from './budget.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Database = Kysely<DB>;

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Only for PGlite: the embedded instance, for snapshots in tests. */
  pglite?: PGlite;
  close(): Promise<void>;
};

// Both drivers must agree on types: int8 (money in pence, counts) as a JS number and
// dates as 'YYYY-MM-DD' strings, never shifted by the time zone.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
const parseInt8 = (value: string) => Number(value);
const keepText = (value: string) => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return parseInt8;
    if (oid === DATE || oid === NUMERIC) return keepText;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

export type OpenOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Load an embedded database from a snapshot made by `dumpDataDir()` (tests). */
  snapshot?: Blob | undefined;
  poolSize?: number;
};

/**
 * A second, small way into the same PostgreSQL database, apart from the pool the pages use: `/health` asks through
 * it, and a request whose client has gone away has its queries cancelled through it, even while every pooled
 * connection is busy. Its connections give up after a second.
 */
export type ControlConnection = { db: Database };
const controls = new WeakMap<Database, ControlConnection>();

/** The control connection of a database opened by `openDatabase` (none for the embedded database). */
export const controlOf = (db: Database): ControlConnection | undefined => controls.get(db);

const quiet = process.env.NODE_ENV === 'test';

/**
 * The server can end any connection: a restart, a failover, an administrator's `pg_terminate_backend`. The pool
 * listens for that only while a connection is idle, and an `error` event nobody listens to ends the process, so every
 * connection gets a listener for its whole life. The query it was running fails (its request shows the error page,
 * its import fails and rolls back), the pool discards the connection and opens another on the next query.
 */
function listenForLoss(pool: pg.Pool) {
  pool.on('error', (error) => {
    if (!quiet) console.warn(`A database connection was closed: ${error.message}`);
  });
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (!quiet) console.warn(`A database connection in use was closed: ${error.message}`);
    });
  });
}

const MS = /^\d+$/;

/**
 * Hands out pooled connections under the budget of the work asking (see `budget.ts`): a request's statement timeout
 * is set on the connection it gets (and put back for work outside any request), its backend is noted so that it can
 * be cancelled, and a request whose client has gone away gets no connection at all.
 */
function budgetedPool(pool: pg.Pool, control: pg.Pool): PostgresPool {
  // What this process last set on each connection; absent: the server's default.
  const timeouts = new WeakMap<pg.PoolClient, number>();
  const watched = new WeakSet<QueryBudget>();

  const cancel = (budget: QueryBudget) => {
    const pids = [...budget.backends];
    if (!pids.length) return;
    control
      .query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids])
      .catch(
        (error: Error) => !quiet && console.warn(`Could not cancel an abandoned request's query: ${error.message}`),
      );
  };

  async function useTimeout(client: pg.PoolClient, ms: number | undefined) {
    if (timeouts.get(client) === ms) return;
    if (ms === undefined) await client.query('reset statement_timeout');
    else if (MS.test(String(ms))) await client.query(`set statement_timeout = ${ms}`);
    if (ms === undefined) timeouts.delete(client);
    else timeouts.set(client, ms);
  }

  return {
    async connect() {
      const budget = currentBudget();
      refuseIfAbandoned(budget);
      const client = await pool.connect();
      try {
        await useTimeout(client, budget?.statementTimeoutMs);
        refuseIfAbandoned(budget);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      if (!budget) return client;
      if (!watched.has(budget)) {
        watched.add(budget);
        budget.signal.addEventListener('abort', () => cancel(budget), { once: true });
      }
      const pid = (client as pg.PoolClient & { processID: number | null }).processID;
      if (pid === null) return client;
      budget.backends.add(pid);
      const release = client.release;
      client.release = (error?: Error | boolean) => {
        budget.backends.delete(pid);
        return release(error);
      };
      return client;
    },
    end: () => pool.end(),
  };
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, types });
    listenForLoss(pool);
    const controlPool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 2,
      types,
      connectionTimeoutMillis: 1000,
      statement_timeout: 1000,
      application_name: 'partnership-control',
    });
    listenForLoss(controlPool);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: budgetedPool(pool, controlPool) }) });
    const control = new Kysely<DB>({ dialect: new PostgresDialect({ pool: controlPool }) });
    controls.set(db, { db: control });
    return {
      db,
      kind: 'postgres',
      close: async () => {
        await Promise.all([db.destroy(), control.destroy()]);
      },
    };
  }
  const dataDir = options.dataDir && !options.snapshot ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
    extensions: { pg_trgm },
    parsers: { [INT8]: parseInt8, [DATE]: keepText, [NUMERIC]: keepText },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', pglite, close: () => db.destroy() };
}
