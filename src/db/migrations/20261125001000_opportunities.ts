import { type Kysely, sql } from 'kysely';

// The rest of the commissioning chain after the specification: the opportunity (with lots, documents and public
// clarifications), applications (single or partnership), assessment (criteria, a panel with declared interests,
// independent scores then moderated ones) and the award (payments, outcome targets, a proportionate monitoring plan).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table opportunity (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      ocid text not null unique,
      specification_id uuid not null references specification(id),
      title text not null,
      summary text not null default '',
      route text not null check (route in ('grant', 'light_touch_contract', 'partnership_agreement')),
      service_area text,
      total_value_pence bigint not null check (total_value_pence > 0),
      duration_months integer not null check (duration_months > 0),
      eligibility text not null default '',
      status text not null default 'draft'
        check (status in ('draft', 'open', 'closed', 'awarded', 'cancelled')),
      clarifications_close_at timestamptz,
      closes_at timestamptz not null,
      decision_expected_on date,
      service_starts_on date,
      published_at timestamptz,
      published_by uuid references app_user(id),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      is_demo boolean not null default false
    );
    create index opportunity_specification on opportunity (specification_id);
    create index opportunity_status_closes on opportunity (status, closes_at);

    create table opportunity_ward (
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      ward_code text not null references ward(code),
      primary key (opportunity_id, ward_code)
    );

    create table lot (
      id uuid primary key default gen_random_uuid(),
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      number integer not null check (number > 0),
      title text not null,
      description text not null default '',
      value_pence bigint not null check (value_pence > 0),
      suits_small boolean not null default false,
      unique (opportunity_id, number)
    );

    create table opportunity_document (
      id uuid primary key default gen_random_uuid(),
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      title text not null,
      file_name text not null,
      file_type text not null,
      file_size integer not null,
      file_data bytea not null,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );

    -- Asked privately by a bidder; once answered, the question and answer are shown to everyone, without the asker.
    create table clarification (
      id uuid primary key default gen_random_uuid(),
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      question text not null,
      asked_by uuid references app_user(id),
      asked_at timestamptz not null default now(),
      answer text,
      answered_by uuid references app_user(id),
      answered_at timestamptz
    );
    create index clarification_opportunity on clarification (opportunity_id, asked_at);

    create table opportunity_question (
      id uuid primary key default gen_random_uuid(),
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      position integer not null default 0,
      prompt text not null,
      guidance text not null default '',
      word_limit integer check (word_limit > 0)
    );

    create table assessment_criterion (
      id uuid primary key default gen_random_uuid(),
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      position integer not null default 0,
      title text not null,
      description text not null default '',
      weight integer not null check (weight > 0 and weight <= 100),
      max_score integer not null default 5 check (max_score > 0)
    );

    create table application (
      id uuid primary key default gen_random_uuid(),
      reference text not null unique,
      opportunity_id uuid not null references opportunity(id),
      lot_id uuid references lot(id),
      lead_organisation_id uuid not null references organisation(id),
      kind text not null check (kind in ('single', 'partnership')),
      title text not null default '',
      requested_pence bigint check (requested_pence > 0),
      status text not null default 'draft'
        check (status in ('draft', 'submitted', 'withdrawn', 'successful', 'unsuccessful')),
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      submitted_at timestamptz,
      submitted_by uuid references app_user(id),
      withdrawn_at timestamptz,
      withdrawn_by uuid references app_user(id),
      withdrawal_reason text,
      rank integer,
      feedback text,
      decided_at timestamptz,
      decided_by uuid references app_user(id),
      is_demo boolean not null default false
    );
    create index application_opportunity on application (opportunity_id, status);
    create index application_lead on application (lead_organisation_id);

    -- Every organisation in an application, the lead included; partners confirm their part before submission.
    create table application_partner (
      application_id uuid not null references application(id) on delete cascade,
      organisation_id uuid not null references organisation(id),
      is_lead boolean not null default false,
      role text not null,
      share_pence bigint not null check (share_pence >= 0),
      confirmed_at timestamptz,
      confirmed_by uuid references app_user(id),
      primary key (application_id, organisation_id)
    );
    create index application_partner_organisation on application_partner (organisation_id);

    create table application_answer (
      application_id uuid not null references application(id) on delete cascade,
      question_id uuid not null references opportunity_question(id) on delete cascade,
      body text not null default '',
      primary key (application_id, question_id)
    );

    create table application_budget_line (
      id uuid primary key default gen_random_uuid(),
      application_id uuid not null references application(id) on delete cascade,
      position integer not null default 0,
      heading text not null,
      amount_pence bigint not null check (amount_pence >= 0)
    );

    -- The applicant's own targets against the specification's outcome indicators.
    create table application_commitment (
      application_id uuid not null references application(id) on delete cascade,
      indicator_id uuid not null references outcome_indicator(id),
      target numeric not null,
      note text not null default '',
      primary key (application_id, indicator_id)
    );

    create table panel_member (
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      user_id uuid not null references app_user(id),
      added_by uuid references app_user(id),
      added_at timestamptz not null default now(),
      declared_at timestamptz,
      declaration text,
      primary key (opportunity_id, user_id)
    );

    -- Why a panel member may not score an application: a declared interest, or membership of an applicant
    -- organisation (recorded automatically).
    create table panel_exclusion (
      opportunity_id uuid not null references opportunity(id) on delete cascade,
      user_id uuid not null references app_user(id),
      application_id uuid not null references application(id) on delete cascade,
      reason text not null check (reason in ('declared_interest', 'member_of_applicant')),
      detail text not null default '',
      recorded_at timestamptz not null default now(),
      primary key (user_id, application_id)
    );

    create table assessment_score (
      application_id uuid not null references application(id) on delete cascade,
      criterion_id uuid not null references assessment_criterion(id) on delete cascade,
      user_id uuid not null references app_user(id),
      score integer not null check (score >= 0),
      comment text not null default '',
      scored_at timestamptz not null default now(),
      primary key (application_id, criterion_id, user_id)
    );

    create table moderated_score (
      application_id uuid not null references application(id) on delete cascade,
      criterion_id uuid not null references assessment_criterion(id) on delete cascade,
      score integer not null check (score >= 0),
      note text not null default '',
      moderated_by uuid references app_user(id),
      moderated_at timestamptz not null default now(),
      primary key (application_id, criterion_id)
    );

    create table award (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      opportunity_id uuid not null references opportunity(id),
      lot_id uuid references lot(id),
      application_id uuid not null unique references application(id),
      kind text not null check (kind in ('grant_agreement', 'contract')),
      title text not null,
      value_pence bigint not null check (value_pence > 0),
      starts_on date not null,
      ends_on date not null check (ends_on >= starts_on),
      monitoring_level text not null check (monitoring_level in ('light', 'standard', 'full')),
      monitoring_frequency text not null check (monitoring_frequency in ('annually', 'six_monthly', 'quarterly')),
      monitoring_plan text not null default '',
      status text not null default 'active' check (status in ('active', 'ended', 'cancelled')),
      awarded_at timestamptz not null default now(),
      awarded_by uuid references app_user(id),
      is_demo boolean not null default false
    );
    create index award_opportunity on award (opportunity_id);

    create table award_payment (
      id uuid primary key default gen_random_uuid(),
      award_id uuid not null references award(id) on delete cascade,
      due_on date not null,
      amount_pence bigint not null check (amount_pence > 0),
      description text not null default ''
    );
    create index award_payment_award on award_payment (award_id, due_on);

    create table award_target (
      award_id uuid not null references award(id) on delete cascade,
      indicator_id uuid not null references outcome_indicator(id),
      target numeric not null,
      primary key (award_id, indicator_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists award_target;
    drop table if exists award_payment;
    drop table if exists award;
    drop table if exists moderated_score;
    drop table if exists assessment_score;
    drop table if exists panel_exclusion;
    drop table if exists panel_member;
    drop table if exists application_commitment;
    drop table if exists application_budget_line;
    drop table if exists application_answer;
    drop table if exists application_partner;
    drop table if exists application;
    drop table if exists assessment_criterion;
    drop table if exists opportunity_question;
    drop table if exists clarification;
    drop table if exists opportunity_document;
    drop table if exists lot;
    drop table if exists opportunity_ward;
    drop table if exists opportunity;
  `.execute(db);
}
