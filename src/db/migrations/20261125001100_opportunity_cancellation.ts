import { type Kysely, sql } from 'kysely';

// Staff may cancel a published opportunity that has no award: who, when and why are kept and shown in public.
// An opportunity whose every application was decided unsuccessful ends as 'unsuccessful' (no award made), as OCDS
// names that outcome, rather than staying closed for ever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table opportunity
      add column cancelled_at timestamptz,
      add column cancelled_by uuid references app_user(id),
      add column cancellation_reason text;
    alter table opportunity drop constraint opportunity_status_check;
    alter table opportunity add constraint opportunity_status_check
      check (status in ('draft', 'open', 'closed', 'awarded', 'unsuccessful', 'cancelled'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table opportunity drop constraint opportunity_status_check;
    update opportunity set status = 'closed' where status = 'unsuccessful';
    alter table opportunity add constraint opportunity_status_check
      check (status in ('draft', 'open', 'closed', 'awarded', 'cancelled'));
    alter table opportunity
      drop column cancellation_reason,
      drop column cancelled_by,
      drop column cancelled_at;
  `.execute(db);
}
