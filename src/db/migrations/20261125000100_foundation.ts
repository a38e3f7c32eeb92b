import { type Kysely, sql } from 'kysely';

// The foundation: accounts, the place, the organisation directory, the outbox, the audit log and jobs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    -- The place: councils (the place's own and others), wards, local priorities.
    create table council (
      org_id text primary key check (org_id ~ '^GB-[A-Z]+-[A-Za-z0-9]+$'),
      name text not null,
      is_place boolean not null default false,
      is_neighbour boolean not null default false,
      population integer,
      created_at timestamptz not null default now()
    );
    create table ward (
      code text primary key,
      name text not null unique,
      position integer not null default 0
    );
    create table local_priority (
      id serial primary key,
      title text not null,
      description text not null default '',
      position integer not null default 0,
      active boolean not null default true,
      updated_at timestamptz not null default now()
    );

    -- Accounts.
    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      name text not null,
      password_hash text,
      role text not null check (role in ('resident', 'vcs_member', 'officer', 'commissioner', 'admin')),
      email_confirmed_at timestamptz,
      disabled_at timestamptz,
      is_demo boolean not null default false,
      created_at timestamptz not null default now()
    );
    create unique index app_user_email on app_user (lower(email));

    create table user_session (
      id text primary key, -- sha-256 of the cookie's token: a stolen table cannot be replayed
      user_id uuid not null references app_user (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now()
    );
    create index user_session_user on user_session (user_id);

    -- One-time tokens: e-mail confirmation, password reset, staff invitation.
    create table user_token (
      id text primary key, -- sha-256 of the token sent by e-mail
      purpose text not null check (purpose in ('confirm_email', 'reset_password', 'invitation')),
      email text not null,
      user_id uuid references app_user (id) on delete cascade,
      role text check (role in ('resident', 'vcs_member', 'officer', 'commissioner', 'admin')),
      invited_by uuid references app_user (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );

    create table sign_in_attempt (
      id bigserial primary key,
      email text not null,
      ip text not null,
      succeeded boolean not null,
      at timestamptz not null default now()
    );
    create index sign_in_attempt_email_at on sign_in_attempt (lower(email), at);
    create index sign_in_attempt_ip_at on sign_in_attempt (ip, at);

    -- The directory of VCS organisations.
    create table organisation (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      name text not null,
      legal_form text,
      description text not null default '',
      who_it_helps text not null default '',
      latest_income_pence bigint check (latest_income_pence >= 0),
      income_period_end date,
      -- NCVO size bands by latest annual income.
      size_band text generated always as (
        case
          when latest_income_pence is null then null
          when latest_income_pence < 1000000 then 'micro'
          when latest_income_pence < 10000000 then 'small'
          when latest_income_pence < 100000000 then 'medium'
          when latest_income_pence < 1000000000 then 'large'
          when latest_income_pence < 10000000000 then 'major'
          else 'super_major'
        end
      ) stored,
      status text not null default 'active' check (status in ('active', 'removed')),
      registered_on date,
      removed_on date,
      address text,
      postcode text,
      website text,
      email text,
      phone text,
      publish_email boolean not null default false,
      publish_phone boolean not null default false,
      publish_address boolean not null default false,
      listed boolean not null default true, -- shown in the public directory
      verified_at timestamptz,
      verified_by uuid references app_user (id),
      source text not null default 'user',
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index organisation_trgm on organisation using gin (lower(name) gin_trgm_ops);
    create index organisation_size_band on organisation (size_band);

    create table organisation_identifier (
      identifier text primary key check (identifier ~ '^[A-Z]{2}-[A-Z]+-[A-Za-z0-9-]+$'),
      organisation_id uuid not null references organisation (id) on delete cascade,
      scheme text not null
    );
    create index organisation_identifier_org on organisation_identifier (organisation_id);

    create table organisation_name (
      organisation_id uuid not null references organisation (id) on delete cascade,
      name text not null,
      kind text not null default 'alternative' check (kind in ('alternative', 'previous', 'working')),
      primary key (organisation_id, name)
    );
    create index organisation_name_trgm on organisation_name using gin (lower(name) gin_trgm_ops);

    create table organisation_ward (
      organisation_id uuid not null references organisation (id) on delete cascade,
      ward_code text not null references ward (code),
      primary key (organisation_id, ward_code)
    );
    create index organisation_ward_ward on organisation_ward (ward_code);

    -- Service areas, beneficiary groups and ways of working, from the place's codelists.
    create table organisation_classification (
      organisation_id uuid not null references organisation (id) on delete cascade,
      list text not null check (list in ('service_area', 'beneficiary_group', 'way_of_working')),
      code text not null,
      primary key (organisation_id, list, code)
    );
    create index organisation_classification_code on organisation_classification (list, code);

    create table membership (
      user_id uuid not null references app_user (id) on delete cascade,
      organisation_id uuid not null references organisation (id) on delete cascade,
      role text not null default 'member' check (role in ('member', 'admin')),
      status text not null default 'pending' check (status in ('pending', 'approved', 'refused')),
      message text not null default '',
      requested_at timestamptz not null default now(),
      decided_at timestamptz,
      decided_by uuid references app_user (id),
      primary key (user_id, organisation_id)
    );
    create index membership_org on membership (organisation_id, status);

    -- E-mail goes out through one outbox; a delivery adapter sends what is pending.
    create table outbox (
      id bigserial primary key,
      to_address text not null,
      subject text not null,
      body text not null,
      kind text not null,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      attempts integer not null default 0,
      last_error text
    );
    create index outbox_pending on outbox (created_at) where sent_at is null;

    -- Who changed what and when, for every change of data.
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      user_id uuid references app_user (id) on delete set null,
      action text not null,
      entity_type text not null,
      entity_id text,
      detail jsonb not null default '{}'::jsonb
    );
    create index audit_log_at on audit_log (at desc);
    create index audit_log_entity on audit_log (entity_type, entity_id);

    -- Long work (imports) runs as a job whose progress pages can show.
    create table job (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
      file_name text,
      progress integer not null default 0, -- rows read so far
      summary jsonb,
      error text,
      created_by uuid references app_user (id),
      created_at timestamptz not null default now(),
      finished_at timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists job, audit_log, outbox, membership, organisation_classification, organisation_ward,
      organisation_name, organisation_identifier, organisation, sign_in_attempt, user_token, user_session,
      app_user, local_priority, ward, council cascade;
  `.execute(db);
}
