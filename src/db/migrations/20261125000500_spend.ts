import { type Kysely, sql } from 'kysely';

// Spend with the VCS: councils' published payments, their suppliers resolved to VCS or not, people's decisions,
// import profiles (column mappings kept per council), and neighbours' published figures.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spend_import (
      id uuid primary key default gen_random_uuid(),
      council_org_id text not null references council (org_id),
      file_name text not null,
      file_sha256 text not null,
      rows_read integer not null default 0,
      rows_imported integer not null default 0,
      rows_duplicate integer not null default 0, -- already held from an earlier or overlapping file
      rows_rejected integer not null default 0,
      rows_skipped integer not null default 0, -- summary rows such as "Grand Total"
      total_pence bigint not null default 0,
      rejected jsonb not null default '[]'::jsonb,
      mapping jsonb not null default '{}'::jsonb,
      is_demo boolean not null default false,
      created_by uuid references app_user (id),
      created_at timestamptz not null default now()
    );
    create index spend_import_council on spend_import (council_org_id, created_at desc);

    -- One row per distinct supplier name per council, resolved once, with the evidence kept.
    create table spend_supplier (
      id bigserial primary key,
      council_org_id text not null references council (org_id),
      name_key text not null, -- the normalised name
      name text not null, -- as first seen
      charity_number text,
      company_number text,
      council_vcse_flag boolean, -- the file's own VCSE flag, where it has one
      categories text[] not null default '{}', -- expense types and procurement categories seen
      classification text not null default 'unresolved'
        check (classification in ('vcs', 'not_vcs', 'uncertain', 'unresolved', 'redacted', 'public_body')),
      organisation_id uuid references organisation (id) on delete set null,
      method text, -- identifier | flag | decision | exact | trigram | rule
      reason text, -- in plain English
      evidence jsonb not null default '{}'::jsonb,
      candidates jsonb not null default '[]'::jsonb,
      resolved_at timestamptz,
      unique (council_org_id, name_key)
    );
    create index spend_supplier_queue on spend_supplier (council_org_id, classification);
    create index spend_supplier_org on spend_supplier (organisation_id);

    -- People's decisions, remembered per normalised name across imports and councils.
    create table supplier_decision (
      name_key text primary key,
      decision text not null check (decision in ('vcs', 'not_vcs', 'organisation')),
      organisation_id uuid references organisation (id) on delete set null,
      note text not null default '',
      decided_by uuid references app_user (id),
      decided_at timestamptz not null default now()
    );

    create table spend_payment (
      id bigserial primary key,
      council_org_id text not null references council (org_id),
      import_id uuid not null references spend_import (id) on delete cascade,
      supplier_id bigint not null references spend_supplier (id),
      line integer not null, -- line in the file it came from
      payment_date date not null,
      amount_pence bigint not null,
      supplier_name text not null,
      department text,
      purpose text,
      expense_type text,
      procurement_category text,
      transaction_ref text,
      -- Identity of a payment across files: the same row in an overlapping file is the same payment.
      row_key text not null,
      is_demo boolean not null default false,
      unique (council_org_id, row_key)
    );
    create index spend_payment_council_date on spend_payment (council_org_id, payment_date);
    create index spend_payment_supplier on spend_payment (supplier_id);

    -- How a council's columns map to ours, kept for next time (keyed by the normalised header row).
    create table spend_import_profile (
      council_org_id text not null references council (org_id),
      header_signature text not null,
      mapping jsonb not null,
      updated_by uuid references app_user (id),
      updated_at timestamptz not null default now(),
      primary key (council_org_id, header_signature)
    );

    -- Where no spend file is to hand: a published VCS share, with its source.
    create table published_vcs_share (
      id serial primary key,
      council_org_id text not null references council (org_id),
      financial_year text not null check (financial_year ~ '^[0-9]{4}-[0-9]{2}$'), -- 2024-25
      vcs_share numeric(7, 4) not null check (vcs_share >= 0 and vcs_share <= 1),
      vcs_pence bigint,
      total_pence bigint,
      source text not null,
      source_url text,
      is_demo boolean not null default false,
      entered_by uuid references app_user (id),
      entered_at timestamptz not null default now(),
      unique (council_org_id, financial_year)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists published_vcs_share, spend_import_profile, spend_payment, supplier_decision,
      spend_supplier, spend_import cascade;
  `.execute(db);
}
