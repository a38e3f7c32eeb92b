import { type Kysely, sql } from 'kysely';

// Who added an organisation, and when a person last edited its profile: the verification queue
// lists profiles edited since they were last checked, which register imports must not trigger.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table organisation
      add column created_by uuid references app_user (id) on delete set null,
      add column profile_updated_at timestamptz,
      add column profile_updated_by uuid references app_user (id) on delete set null;
    create index organisation_unverified on organisation (profile_updated_at) where verified_at is null;
    create index membership_user on membership (user_id, status);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists membership_user;
    drop index if exists organisation_unverified;
    alter table organisation drop column if exists profile_updated_by, drop column if exists profile_updated_at,
      drop column if exists created_by;
  `.execute(db);
}
