import { type Kysely, sql } from 'kysely';

// Co-produced specifications: drafted from a needs assessment, kept as versions, commented on per section by
// invited co-producers, signed off by them, and measured by an outcomes framework that publication requires.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table specification (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      needs_assessment_id uuid not null references needs_assessment(id),
      title text not null,
      status text not null default 'draft' check (status in ('draft', 'in_review', 'signed_off', 'published')),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      signed_off_at timestamptz,
      published_at timestamptz,
      published_by uuid references app_user(id),
      is_demo boolean not null default false
    );
    create index specification_need on specification (needs_assessment_id);

    create table specification_version (
      id uuid primary key default gen_random_uuid(),
      specification_id uuid not null references specification(id) on delete cascade,
      number integer not null check (number > 0),
      sections jsonb not null,
      note text not null default '',
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      unique (specification_id, number)
    );

    create table specification_comment (
      id uuid primary key default gen_random_uuid(),
      specification_id uuid not null references specification(id) on delete cascade,
      version_id uuid not null references specification_version(id) on delete cascade,
      section text not null check (section in
        ('context', 'outcomes_sought', 'service_requirements', 'delivery_model_options', 'budget', 'timetable')),
      author_id uuid references app_user(id),
      body text not null,
      created_at timestamptz not null default now(),
      hidden_at timestamptz,
      hidden_reason text,
      hidden_by uuid references app_user(id)
    );
    create index specification_comment_spec on specification_comment (specification_id, created_at);

    create table specification_coproducer (
      specification_id uuid not null references specification(id) on delete cascade,
      user_id uuid not null references app_user(id),
      role_label text not null,
      invited_by uuid references app_user(id),
      invited_at timestamptz not null default now(),
      signed_off_version_id uuid references specification_version(id),
      signed_off_at timestamptz,
      primary key (specification_id, user_id)
    );

    create table coproduction_workshop (
      id uuid primary key default gen_random_uuid(),
      specification_id uuid not null references specification(id) on delete cascade,
      held_on date not null,
      participants jsonb not null default '{}',
      what_changed text not null,
      recorded_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );

    create table outcome (
      id uuid primary key default gen_random_uuid(),
      specification_id uuid not null references specification(id) on delete cascade,
      title text not null,
      description text not null default '',
      position integer not null default 0,
      created_at timestamptz not null default now()
    );
    create index outcome_spec on outcome (specification_id, position);

    create table outcome_indicator (
      id uuid primary key default gen_random_uuid(),
      outcome_id uuid not null references outcome(id) on delete cascade,
      name text not null,
      unit text not null,
      baseline numeric,
      target numeric,
      direction text check (direction in ('increase', 'decrease', 'maintain')),
      frequency text check (frequency in ('monthly', 'quarterly', 'annually')),
      data_source text,
      disaggregated_by_ward boolean not null default false,
      disaggregated_by_group boolean not null default false,
      position integer not null default 0,
      created_at timestamptz not null default now()
    );
    create index outcome_indicator_outcome on outcome_indicator (outcome_id, position);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists outcome_indicator;
    drop table if exists outcome;
    drop table if exists coproduction_workshop;
    drop table if exists specification_coproducer;
    drop table if exists specification_comment;
    drop table if exists specification_version;
    drop table if exists specification;
  `.execute(db);
}
