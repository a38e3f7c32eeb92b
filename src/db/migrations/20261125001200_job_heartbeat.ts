import { type Kysely, sql } from 'kysely';

// Background jobs say they are alive, so that a job whose process died can be told from one that another process
// is still running; and they record when their import's transaction committed, so that what a job left behind can
// be told truthfully when it did not finish.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table job add column heartbeat_at timestamptz;
    alter table job add column committed_at timestamptz;
    update job set heartbeat_at = coalesce(finished_at, created_at);
    create index job_running on job (heartbeat_at) where status = 'running';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists job_running;
    alter table job drop column if exists committed_at;
    alter table job drop column if exists heartbeat_at;
  `.execute(db);
}
