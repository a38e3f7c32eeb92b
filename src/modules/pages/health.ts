import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { pendingMigrations } from '../../db/migrate.ts';

// For load balancers and monitoring: whether the database answers and its schema is current.
export function createHealthService(db: Database) {
  return {
    async check(): Promise<{ ok: true; pendingMigrations: string[] } | { ok: false; error: string }> {
      try {
        await sql`select 1`.execute(db);
        return { ok: true, pendingMigrations: await pendingMigrations(db) };
      } catch (error) {
        return { ok: false, error: String((error as Error).message) };
      }
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
