import { type Kysely, sql } from 'kysely';

// Needs assessments opened for input: evidence, contributions (hidden with a reason, never deleted), support,
// and "You said, we did" responses that reach contributors as a daily digest.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table needs_assessment (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      title text not null,
      summary text not null default '',
      need text not null default '',
      population_groups text[] not null default '{}',
      status text not null default 'draft' check (status in ('draft', 'open', 'closed', 'published')),
      opens_at date,
      closes_at date,
      coproduction_level text not null default 'consultation'
        check (coproduction_level in ('informing', 'consultation', 'engagement', 'co_design', 'co_production')),
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      is_demo boolean not null default false
    );
    create index needs_assessment_status on needs_assessment (status, closes_at);

    create table needs_assessment_ward (
      needs_assessment_id uuid not null references needs_assessment (id) on delete cascade,
      ward_code text not null references ward (code),
      primary key (needs_assessment_id, ward_code)
    );
    create index needs_assessment_ward_code on needs_assessment_ward (ward_code);

    create table needs_assessment_priority (
      needs_assessment_id uuid not null references needs_assessment (id) on delete cascade,
      priority_id integer not null references local_priority (id),
      primary key (needs_assessment_id, priority_id)
    );
    create index needs_assessment_priority_id on needs_assessment_priority (priority_id);

    -- Evidence: a passage of text, a link, an uploaded document (bounded in size) or a small table of rows.
    create table needs_evidence (
      id uuid primary key default gen_random_uuid(),
      needs_assessment_id uuid not null references needs_assessment (id) on delete cascade,
      kind text not null check (kind in ('text', 'link', 'document', 'table')),
      title text not null,
      body text not null default '',
      url text,
      file_name text,
      file_size integer check (file_size is null or file_size <= 10485760),
      file_type text,
      file_data bytea,
      table_data jsonb, -- { "headers": [..], "rows": [[..], ..] }
      position integer not null default 0,
      created_by uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      check (kind <> 'link' or url is not null),
      check (kind <> 'document' or (file_name is not null and file_data is not null)),
      check (kind <> 'table' or table_data is not null)
    );
    create index needs_evidence_assessment on needs_evidence (needs_assessment_id, position);

    create table needs_contribution (
      id uuid primary key default gen_random_uuid(),
      needs_assessment_id uuid not null references needs_assessment (id) on delete cascade,
      kind text not null check (kind in ('lived_experience', 'idea', 'comment')),
      body text not null,
      author_id uuid references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      hidden_at timestamptz,
      hidden_by uuid references app_user (id) on delete set null,
      hidden_reason text,
      response text,
      responded_by uuid references app_user (id) on delete set null,
      responded_at timestamptz,
      notified_at timestamptz,
      is_demo boolean not null default false,
      check (hidden_at is null or hidden_reason is not null)
    );
    create index needs_contribution_assessment on needs_contribution (needs_assessment_id, created_at);
    create index needs_contribution_due on needs_contribution (author_id)
      where responded_at is not null and notified_at is null;

    create table needs_support (
      needs_assessment_id uuid not null references needs_assessment (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (needs_assessment_id, user_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists needs_support, needs_contribution, needs_evidence, needs_assessment_priority,
      needs_assessment_ward, needs_assessment cascade;
  `.execute(db);
}
