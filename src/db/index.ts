import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
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

export type OpenOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Load an embedded database from a snapshot made by `dumpDataDir()` (tests). */
  snapshot?: Blob | undefined;
  poolSize?: number;
};

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) return parseInt8;
          if (oid === DATE || oid === NUMERIC) return keepText;
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection can be ended by the server (a restart, a failover, a dropped test database). The pool
    // discards it and opens another on the next query; without this listener the error would end the process.
    pool.on('error', (error) => {
      if (process.env.NODE_ENV !== 'test') console.warn(`A database connection was closed: ${error.message}`);
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
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
