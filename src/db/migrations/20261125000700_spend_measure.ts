import { type Kysely, sql } from 'kysely';

// Demo suppliers are marked like every other demo row, so the demo can be taken away again without touching
// suppliers that real imports found.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table spend_supplier add column is_demo boolean not null default false;
    create index spend_payment_demo on spend_payment (council_org_id) where is_demo;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists spend_payment_demo;
    alter table spend_supplier drop column if exists is_demo;
  `.execute(db);
}
