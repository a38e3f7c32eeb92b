import { sql } from 'kysely';
import { controlOf, type Database } from '../../db/index.ts';
import { pendingMigrations } from '../../db/migrate.ts';

export type Health = { ok: true; pendingMigrations: string[]; busy?: boolean } | { ok: false; error: string };

/** An answer always comes within this long, whatever else the database is doing. */
const ANSWER_WITHIN_MS = 900;

// For load balancers and monitoring: whether the database answers and its schema is current. On PostgreSQL it asks
// through the control connection, never the pool that busy pages may have used up; checks asked for at the same
// time share one answer.
export function createHealthService(db: Database) {
  const control = controlOf(db);
  let asking: Promise<Health> | undefined;
  let lastPending: string[] = [];

  async function ask(): Promise<Health> {
    const target = control?.db ?? db;
    const answer = (async (): Promise<Health> => {
      try {
        await sql`select 1`.execute(target);
        lastPending = await pendingMigrations(target);
        return { ok: true, pendingMigrations: lastPending };
      } catch (error) {
        return { ok: false, error: String((error as Error).message) };
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS);
    });
    const result = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (result !== 'late') return result;
    // The embedded database is this process: it is busy (an import holds it), not down.
    if (!control) return { ok: true, pendingMigrations: lastPending, busy: true };
    return { ok: false, error: 'The database did not answer within a second.' };
  }

  return {
    check(): Promise<Health> {
      asking ??= ask().finally(() => {
        asking = undefined;
      });
      return asking;
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
