import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { people } from '../../modules/accounts/read-models.ts';

// The SQL of background import jobs: one `job` row each, its progress, its end, and the heartbeat that says its
// process is alive.

export const insertJob = (
  db: Database,
  values: { kind: string; fileName: string; createdBy: string | null; summary?: unknown },
) =>
  db
    .insertInto('job')
    .values({
      kind: values.kind,
      status: 'running',
      file_name: values.fileName,
      created_by: values.createdBy,
      heartbeat_at: sql`now()`,
      ...(values.summary === undefined ? {} : { summary: JSON.stringify(values.summary) }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

/** Says that these running jobs are alive. */
export async function beat(db: Database, ids: string[]) {
  await db
    .updateTable('job')
    .set({ heartbeat_at: sql`now()` })
    .where('id', 'in', ids)
    .where('status', '=', 'running')
    .execute();
}

export async function setProgress(db: Database, id: string, progress: number) {
  await db.updateTable('job').set({ progress, heartbeat_at: sql`now()` }).where('id', '=', id).execute();
}

export async function markCommitted(db: Database, id: string) {
  await db.updateTable('job').set({ committed_at: new Date() }).where('id', '=', id).execute();
}

export async function finish(db: Database, id: string, progress: number, summary: unknown) {
  await db
    .updateTable('job')
    .set({ status: 'succeeded', progress, summary: JSON.stringify(summary), error: null, finished_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Back to `queued`: the job waits for a person to answer. */
export async function wait(db: Database, id: string, summary: unknown) {
  await db
    .updateTable('job')
    .set({ status: 'queued', progress: 0, summary: JSON.stringify(summary) })
    .where('id', '=', id)
    .execute();
}

export async function failJob(db: Database, id: string, message: string, summary?: unknown) {
  await db
    .updateTable('job')
    .set({
      status: 'failed',
      error: message,
      finished_at: new Date(),
      ...(summary === undefined ? {} : { summary: JSON.stringify(summary) }),
    })
    .where('id', '=', id)
    .execute();
}

/** Takes a waiting job to run it again; undefined when it was not waiting. */
export const takeWaiting = (db: Database, id: string, summary: unknown) =>
  db
    .updateTable('job')
    .set({ status: 'running', progress: 0, summary: JSON.stringify(summary), heartbeat_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returning('id')
    .executeTakeFirst();

/** The columns every job page and list shows, with the name of the person who started it. */
export const jobsOfKind = (db: Database, kind: string) =>
  db
    .selectFrom('job as j')
    .leftJoin(people(db).as('u'), 'u.id', 'j.created_by')
    .select([
      'j.id',
      'j.status',
      'j.file_name',
      'j.progress',
      'j.summary',
      'j.error',
      'j.created_by',
      'j.created_at',
      'j.finished_at',
      'j.committed_at',
      'u.name as created_by_name',
    ])
    .where('j.kind', '=', kind);

/**
 * Fails running jobs silent for longer than `staleAfterSeconds`, other than `mine`, with the message that fits
 * (whether their import had committed); how many.
 */
export async function failStale(
  db: Database,
  options: { staleAfterSeconds: number; mine: string[]; message: string; messageAfterSaving: string },
): Promise<number> {
  const cutoff = sql<Date>`now() - make_interval(secs => ${options.staleAfterSeconds})`;
  let query = db
    .updateTable('job')
    .set({
      status: 'failed',
      error: sql<string>`case when committed_at is null then ${options.message}::text else ${options.messageAfterSaving}::text end`,
      finished_at: new Date(),
    })
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', cutoff)]));
  if (options.mine.length) query = query.where('id', 'not in', options.mine);
  return (await query.returning('id').execute()).length;
}

/** The uploaded files that open jobs (running, or waiting for a person) still need: their `summary.input.path`. */
export async function openJobPaths(db: Database): Promise<string[]> {
  const rows = await db
    .selectFrom('job')
    .select(sql<string | null>`summary -> 'input' ->> 'path'`.as('path'))
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return rows.flatMap((r) => (r.path ? [r.path] : []));
}
