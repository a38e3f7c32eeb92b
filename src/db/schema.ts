import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// The database as TypeScript sees it. Keep in step with migrations/ (test/architecture/schema.integration.test.ts
// compares the two: tables, columns, types, nullability, value lists, and Generated<> for every default).
// Money is integer pence (bigint, read as number); dates are 'YYYY-MM-DD' strings.
// Longer than other files on purpose: one interface per table, in one place, so the check above reads one file.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
// A jsonb column with a default; one without is ColumnType<unknown, string, string>, so an insert must give it.
type Json = ColumnType<unknown, string | undefined, string>;

export type Role = 'resident' | 'vcs_member' | 'officer' | 'commissioner' | 'admin';
export type SizeBand = 'micro' | 'small' | 'medium' | 'large' | 'major' | 'super_major';
export type ClassificationList = 'service_area' | 'beneficiary_group' | 'way_of_working';

export interface CouncilTable {
  org_id: string;
  name: string;
  is_place: Generated<boolean>;
  is_neighbour: Generated<boolean>;
  population: number | null;
  created_at: Generated<Date>;
}

export interface WardTable {
  code: string;
  name: string;
  position: Generated<number>;
}

export interface LocalPriorityTable {
  id: Generated<number>;
  title: string;
  description: Generated<string>;
  position: Generated<number>;
  active: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  role: Role;
  email_confirmed_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface UserSessionTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

export interface UserTokenTable {
  id: string;
  purpose: 'confirm_email' | 'reset_password' | 'invitation';
  email: string;
  user_id: string | null;
  role: Role | null;
  invited_by: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface SignInAttemptTable {
  id: Generated<number>;
  email: string;
  ip: string;
  succeeded: boolean;
  at: Generated<Date>;
}

export type ThrottleScope =
  | 'pair'
  | 'account'
  | 'ip'
  | 'reset_address'
  | 'reset_ip'
  | 'register_address'
  | 'register_ip';

export interface AccountThrottleTable {
  scope: ThrottleScope;
  key: string;
  count: Generated<number>;
  accounts: Generated<number>;
  window_started_at: Timestamp;
  last_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  lock_notified_at: NullableTimestamp;
  known_until: NullableTimestamp;
}

export interface OrganisationTable {
  id: Generated<string>;
  slug: string;
  name: string;
  legal_form: string | null;
  description: Generated<string>;
  who_it_helps: Generated<string>;
  latest_income_pence: number | null;
  income_period_end: string | null;
  size_band: ColumnType<SizeBand | null, never, never>;
  status: Generated<'active' | 'removed'>;
  registered_on: string | null;
  removed_on: string | null;
  address: string | null;
  postcode: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  publish_email: Generated<boolean>;
  publish_phone: Generated<boolean>;
  publish_address: Generated<boolean>;
  listed: Generated<boolean>;
  verified_at: NullableTimestamp;
  verified_by: string | null;
  source: Generated<string>;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  created_by: string | null;
  profile_updated_at: NullableTimestamp;
  profile_updated_by: string | null;
  name_key: string | null; // filled by supplier resolution
}

export interface OrganisationIdentifierTable {
  identifier: string;
  organisation_id: string;
  scheme: string;
}

export interface OrganisationNameTable {
  organisation_id: string;
  name: string;
  kind: Generated<'alternative' | 'previous' | 'working'>;
  name_key: string | null; // filled by supplier resolution
  /** Its organisation's `listed`, kept by triggers (the directory's search index covers listed names only). */
  listed: Generated<boolean>;
}

export interface OrganisationWardTable {
  organisation_id: string;
  ward_code: string;
}

export interface OrganisationClassificationTable {
  organisation_id: string;
  list: ClassificationList;
  code: string;
}

export interface MembershipTable {
  user_id: string;
  organisation_id: string;
  role: Generated<'member' | 'admin'>;
  status: Generated<'pending' | 'approved' | 'refused'>;
  message: Generated<string>;
  requested_at: Generated<Date>;
  decided_at: NullableTimestamp;
  decided_by: string | null;
}

/** A permission an organisation's administrator gave a member (administrators hold them all). */
export interface OrganisationPermissionTable {
  organisation_id: string;
  user_id: string;
  permission: string;
  granted_by: string | null;
  granted_at: Generated<Date>;
}

export interface OutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body: string;
  kind: string;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  detail: Json;
}

export interface JobTable {
  id: Generated<string>;
  kind: string;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  file_name: string | null;
  progress: Generated<number>;
  summary: Json | null;
  error: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
  /** Last sign of life from the process running the job. */
  heartbeat_at: NullableTimestamp;
  /** When the import's transaction committed (work after it, such as matching suppliers, may still be running). */
  committed_at: NullableTimestamp;
}

export type SupplierClassification = 'vcs' | 'not_vcs' | 'uncertain' | 'unresolved' | 'redacted' | 'public_body';

export interface SpendImportTable {
  id: Generated<string>;
  council_org_id: string;
  file_name: string;
  file_sha256: string;
  rows_read: Generated<number>;
  rows_imported: Generated<number>;
  rows_duplicate: Generated<number>;
  rows_rejected: Generated<number>;
  rows_skipped: Generated<number>;
  total_pence: Generated<number>;
  rejected: ColumnType<unknown, string | undefined, string>;
  mapping: ColumnType<unknown, string | undefined, string>;
  is_demo: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface SpendSupplierTable {
  id: Generated<number>;
  council_org_id: string;
  name_key: string;
  name: string;
  charity_number: string | null;
  company_number: string | null;
  council_vcse_flag: boolean | null;
  categories: ColumnType<string[], string[] | undefined, string[]>;
  classification: Generated<SupplierClassification>;
  organisation_id: string | null;
  method: string | null;
  reason: string | null;
  evidence: ColumnType<unknown, string | undefined, string>;
  candidates: ColumnType<unknown, string | undefined, string>;
  resolved_at: NullableTimestamp;
  is_demo: Generated<boolean>;
}

export interface SupplierDecisionTable {
  name_key: string;
  decision: 'vcs' | 'not_vcs' | 'organisation';
  organisation_id: string | null;
  note: Generated<string>;
  decided_by: string | null;
  decided_at: Generated<Date>;
}

export interface SpendPaymentTable {
  id: Generated<number>;
  council_org_id: string;
  import_id: string;
  supplier_id: number;
  line: number;
  payment_date: string;
  amount_pence: number;
  supplier_name: string;
  department: string | null;
  purpose: string | null;
  expense_type: string | null;
  procurement_category: string | null;
  transaction_ref: string | null;
  row_key: string;
  is_demo: Generated<boolean>;
}

/** Derived from payments and suppliers by spend_summary_refresh: see migration 20261208000200. */
export interface SpendSummaryTable {
  council_org_id: string;
  fy_start: number;
  quarter: number;
  department: string;
  classification: string;
  confirmed: boolean;
  payments: number;
  amount_pence: number;
  first_date: string;
  last_date: string;
  is_demo: boolean;
}

/** Each payment with what the summaries group it by (a view, the one definition of year, quarter and "confirmed"). */
export interface SpendSummarySourceView {
  council_org_id: string;
  supplier_id: number;
  amount_pence: number;
  payment_date: string;
  is_demo: boolean;
  fy_start: number;
  quarter: number;
  department: string;
  classification: string;
  confirmed: boolean;
}

export interface SpendSupplierYearTable {
  council_org_id: string;
  fy_start: number;
  supplier_id: number;
  classification: string;
  payments: number;
  amount_pence: number;
}

/** What the public spend pages show, by council ('' for every council's): bumped by triggers, see migration 20261208000600. */
export interface SpendSummaryGenerationTable {
  council_org_id: string;
  generation: ColumnType<number, never, never>;
}

export interface SpendImportProfileTable {
  council_org_id: string;
  header_signature: string;
  mapping: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface PublishedVcsShareTable {
  id: Generated<number>;
  council_org_id: string;
  financial_year: string;
  vcs_share: string; // numeric, as a decimal string
  vcs_pence: number | null;
  total_pence: number | null;
  source: string;
  source_url: string | null;
  is_demo: Generated<boolean>;
  entered_by: string | null;
  entered_at: Generated<Date>;
}

export type SpecificationStatus = 'draft' | 'in_review' | 'signed_off' | 'published';
export type SpecificationSection =
  | 'context'
  | 'outcomes_sought'
  | 'service_requirements'
  | 'delivery_model_options'
  | 'budget'
  | 'timetable';

export interface SpecificationTable {
  id: Generated<string>;
  slug: string;
  needs_assessment_id: string;
  title: string;
  status: Generated<SpecificationStatus>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  signed_off_at: NullableTimestamp;
  published_at: NullableTimestamp;
  published_by: string | null;
  is_demo: Generated<boolean>;
}

export interface SpecificationVersionTable {
  id: Generated<string>;
  specification_id: string;
  number: number;
  sections: ColumnType<unknown, string, string>;
  note: Generated<string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface SpecificationCommentTable {
  id: Generated<string>;
  specification_id: string;
  version_id: string;
  section: SpecificationSection;
  author_id: string | null;
  body: string;
  created_at: Generated<Date>;
  hidden_at: NullableTimestamp;
  hidden_reason: string | null;
  hidden_by: string | null;
}

export interface SpecificationCoproducerTable {
  specification_id: string;
  user_id: string;
  role_label: string;
  invited_by: string | null;
  invited_at: Generated<Date>;
  signed_off_version_id: string | null;
  signed_off_at: NullableTimestamp;
}

export interface CoproductionWorkshopTable {
  id: Generated<string>;
  specification_id: string;
  held_on: string;
  participants: Json;
  what_changed: string;
  recorded_by: string | null;
  created_at: Generated<Date>;
}

export interface OutcomeTable {
  id: Generated<string>;
  specification_id: string;
  title: string;
  description: Generated<string>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface OutcomeIndicatorTable {
  id: Generated<string>;
  outcome_id: string;
  name: string;
  unit: string;
  baseline: string | null; // numeric, as a decimal string
  target: string | null;
  direction: 'increase' | 'decrease' | 'maintain' | null;
  frequency: 'monthly' | 'quarterly' | 'annually' | null;
  data_source: string | null;
  disaggregated_by_ward: Generated<boolean>;
  disaggregated_by_group: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export type NeedsStatus = 'draft' | 'open' | 'closed' | 'published';
export type CoproductionLevel = 'informing' | 'consultation' | 'engagement' | 'co_design' | 'co_production';
export type NeedsEvidenceKind = 'text' | 'link' | 'document' | 'table';
export type NeedsContributionKind = 'lived_experience' | 'idea' | 'comment';

export interface NeedsAssessmentTable {
  id: Generated<string>;
  slug: string;
  title: string;
  summary: Generated<string>;
  need: Generated<string>;
  population_groups: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<NeedsStatus>;
  opens_at: string | null;
  closes_at: string | null;
  coproduction_level: Generated<CoproductionLevel>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  is_demo: Generated<boolean>;
}

export interface NeedsAssessmentWardTable {
  needs_assessment_id: string;
  ward_code: string;
}

export interface NeedsAssessmentPriorityTable {
  needs_assessment_id: string;
  priority_id: number;
}

export interface NeedsEvidenceTable {
  id: Generated<string>;
  needs_assessment_id: string;
  kind: NeedsEvidenceKind;
  title: string;
  body: Generated<string>;
  url: string | null;
  file_name: string | null;
  file_size: number | null;
  file_type: string | null;
  file_data: Uint8Array | null;
  table_data: Json | null; // { headers: string[], rows: string[][] }
  position: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface NeedsContributionTable {
  id: Generated<string>;
  needs_assessment_id: string;
  kind: NeedsContributionKind;
  body: string;
  author_id: string | null;
  created_at: Generated<Date>;
  hidden_at: NullableTimestamp;
  hidden_by: string | null;
  hidden_reason: string | null;
  response: string | null;
  responded_by: string | null;
  responded_at: NullableTimestamp;
  notified_at: NullableTimestamp;
  is_demo: Generated<boolean>;
}

export interface NeedsSupportTable {
  needs_assessment_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export type OpportunityRoute = 'grant' | 'light_touch_contract' | 'partnership_agreement';
export type OpportunityStatus = 'draft' | 'open' | 'closed' | 'awarded' | 'unsuccessful' | 'cancelled';
export type ApplicationStatus = 'draft' | 'submitted' | 'withdrawn' | 'successful' | 'unsuccessful';

export interface OpportunityTable {
  id: Generated<string>;
  slug: string;
  ocid: string;
  specification_id: string;
  title: string;
  summary: Generated<string>;
  route: OpportunityRoute;
  service_area: string | null;
  total_value_pence: number;
  /** The most one application may ask for, when the opportunity sets it. */
  max_award_pence: number | null;
  duration_months: number;
  eligibility: Generated<string>;
  status: Generated<OpportunityStatus>;
  clarifications_close_at: NullableTimestamp;
  closes_at: Timestamp;
  decision_expected_on: string | null;
  service_starts_on: string | null;
  published_at: NullableTimestamp;
  published_by: string | null;
  cancelled_at: NullableTimestamp;
  cancelled_by: string | null;
  cancellation_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  is_demo: Generated<boolean>;
}

export interface OpportunityWardTable {
  opportunity_id: string;
  ward_code: string;
}

export interface LotTable {
  id: Generated<string>;
  opportunity_id: string;
  number: number;
  title: string;
  description: Generated<string>;
  value_pence: number;
  /** The most one application for the lot may ask for ("up to £5,000 each"); the lot's value when not set. */
  max_award_pence: number | null;
  suits_small: Generated<boolean>;
}

export interface OpportunityDocumentTable {
  id: Generated<string>;
  opportunity_id: string;
  title: string;
  file_name: string;
  file_type: string;
  file_size: number;
  file_data: Uint8Array;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface ClarificationTable {
  id: Generated<string>;
  opportunity_id: string;
  question: string;
  asked_by: string | null;
  asked_at: Generated<Date>;
  answer: string | null;
  answered_by: string | null;
  answered_at: NullableTimestamp;
}

export interface OpportunityQuestionTable {
  id: Generated<string>;
  opportunity_id: string;
  position: Generated<number>;
  prompt: string;
  guidance: Generated<string>;
  word_limit: number | null;
}

export interface AssessmentCriterionTable {
  id: Generated<string>;
  opportunity_id: string;
  position: Generated<number>;
  title: string;
  description: Generated<string>;
  weight: number; // percentage points; an opportunity's weights add up to 100
  max_score: Generated<number>;
}

export interface ApplicationTable {
  id: Generated<string>;
  reference: string;
  opportunity_id: string;
  lot_id: string | null;
  lead_organisation_id: string;
  kind: 'single' | 'partnership';
  title: Generated<string>;
  requested_pence: number | null;
  status: Generated<ApplicationStatus>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  submitted_at: NullableTimestamp;
  submitted_by: string | null;
  withdrawn_at: NullableTimestamp;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
  rank: number | null;
  feedback: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  is_demo: Generated<boolean>;
}

export interface ApplicationPartnerTable {
  application_id: string;
  organisation_id: string;
  is_lead: Generated<boolean>;
  role: string;
  share_pence: number;
  confirmed_at: NullableTimestamp;
  confirmed_by: string | null;
}

export interface ApplicationAnswerTable {
  application_id: string;
  question_id: string;
  body: Generated<string>;
}

export interface ApplicationBudgetLineTable {
  id: Generated<string>;
  application_id: string;
  position: Generated<number>;
  heading: string;
  amount_pence: number;
}

export interface ApplicationCommitmentTable {
  application_id: string;
  indicator_id: string;
  target: string; // numeric, as a decimal string
  note: Generated<string>;
}

export interface PanelMemberTable {
  opportunity_id: string;
  user_id: string;
  added_by: string | null;
  added_at: Generated<Date>;
  declared_at: NullableTimestamp;
  declaration: string | null;
}

export interface PanelExclusionTable {
  opportunity_id: string;
  user_id: string;
  application_id: string;
  reason: 'declared_interest' | 'member_of_applicant';
  detail: Generated<string>;
  recorded_at: Generated<Date>;
}

export interface AssessmentScoreTable {
  application_id: string;
  criterion_id: string;
  user_id: string;
  score: number;
  comment: Generated<string>;
  scored_at: Generated<Date>;
}

export interface ModeratedScoreTable {
  application_id: string;
  criterion_id: string;
  score: number;
  note: Generated<string>;
  moderated_by: string | null;
  moderated_at: Generated<Date>;
}

export interface AwardTable {
  id: Generated<string>;
  slug: string;
  opportunity_id: string;
  lot_id: string | null;
  application_id: string;
  kind: 'grant_agreement' | 'contract';
  title: string;
  value_pence: number;
  starts_on: string;
  ends_on: string;
  monitoring_level: 'light' | 'standard' | 'full';
  monitoring_frequency: 'annually' | 'six_monthly' | 'quarterly';
  monitoring_plan: Generated<string>;
  status: Generated<'active' | 'ended' | 'cancelled'>;
  awarded_at: Generated<Date>;
  awarded_by: string | null;
  is_demo: Generated<boolean>;
}

export interface AwardPaymentTable {
  id: Generated<string>;
  award_id: string;
  due_on: string;
  amount_pence: number;
  description: Generated<string>;
}

export interface AwardTargetTable {
  award_id: string;
  indicator_id: string;
  target: string; // numeric, as a decimal string
}

export interface IdempotencyKeyTable {
  key: string;
  purpose: string;
  user_id: string | null;
  result: Json | null;
  created_at: Generated<Date>;
}

export interface DB {
  council: CouncilTable;
  ward: WardTable;
  local_priority: LocalPriorityTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  user_token: UserTokenTable;
  sign_in_attempt: SignInAttemptTable;
  account_throttle: AccountThrottleTable;
  organisation: OrganisationTable;
  organisation_identifier: OrganisationIdentifierTable;
  organisation_name: OrganisationNameTable;
  organisation_ward: OrganisationWardTable;
  organisation_classification: OrganisationClassificationTable;
  membership: MembershipTable;
  organisation_permission: OrganisationPermissionTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  job: JobTable;
  spend_import: SpendImportTable;
  spend_supplier: SpendSupplierTable;
  supplier_decision: SupplierDecisionTable;
  spend_payment: SpendPaymentTable;
  spend_import_profile: SpendImportProfileTable;
  spend_summary: SpendSummaryTable;
  spend_supplier_year: SpendSupplierYearTable;
  spend_summary_generation: SpendSummaryGenerationTable;
  spend_summary_source: SpendSummarySourceView;
  published_vcs_share: PublishedVcsShareTable;
  needs_assessment: NeedsAssessmentTable;
  needs_assessment_ward: NeedsAssessmentWardTable;
  needs_assessment_priority: NeedsAssessmentPriorityTable;
  needs_evidence: NeedsEvidenceTable;
  needs_contribution: NeedsContributionTable;
  needs_support: NeedsSupportTable;
  specification: SpecificationTable;
  specification_version: SpecificationVersionTable;
  specification_comment: SpecificationCommentTable;
  specification_coproducer: SpecificationCoproducerTable;
  coproduction_workshop: CoproductionWorkshopTable;
  outcome: OutcomeTable;
  outcome_indicator: OutcomeIndicatorTable;
  opportunity: OpportunityTable;
  opportunity_ward: OpportunityWardTable;
  lot: LotTable;
  opportunity_document: OpportunityDocumentTable;
  clarification: ClarificationTable;
  opportunity_question: OpportunityQuestionTable;
  assessment_criterion: AssessmentCriterionTable;
  application: ApplicationTable;
  application_partner: ApplicationPartnerTable;
  application_answer: ApplicationAnswerTable;
  application_budget_line: ApplicationBudgetLineTable;
  application_commitment: ApplicationCommitmentTable;
  panel_member: PanelMemberTable;
  panel_exclusion: PanelExclusionTable;
  assessment_score: AssessmentScoreTable;
  moderated_score: ModeratedScoreTable;
  award: AwardTable;
  award_payment: AwardPaymentTable;
  award_target: AwardTargetTable;
  idempotency_key: IdempotencyKeyTable;
}

export type User = Selectable<AppUserTable>;
export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type OrganisationUpdate = Updateable<OrganisationTable>;
