import { type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';
import type { Database } from './index.ts';
import { migrations } from './migrations/index.ts';

function migrator(db: Database) {
  // Capabilities land in parallel, so a migration may be listed after a later-numbered one has run.
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const where = failed ? ` (migration ${failed.migrationName})` : '';
    throw new Error(`Migration failed${where}: ${String((result.error as Error).message ?? result.error)}`);
  }
  return result;
}

export async function migrateToLatest(db: Database) {
  return check(await migrator(db).migrateToLatest());
}

export async function migrateDown(db: Database, steps = 1) {
  let last: MigrationResultSet = { results: [] };
  for (let i = 0; i < steps; i++) last = check(await migrator(db).migrateDown());
  return last;
}

export async function migrateReset(db: Database) {
  return check(await migrator(db).migrateTo(NO_MIGRATIONS));
}

/** Names of migrations known to the code but not yet applied. */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
