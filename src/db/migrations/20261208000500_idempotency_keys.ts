import { type Kysely, sql } from 'kysely';

// A create form carries a key made when the form was drawn. The first submission records the key and what it created,
// in the same transaction as the change; a second submission of the same form finds the key and is answered with the
// first one's result instead of creating the thing again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_key (
      key uuid primary key,
      purpose text not null,
      user_id uuid,
      result jsonb,
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index idempotency_key_created_at on idempotency_key (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table idempotency_key`.execute(db);
}
