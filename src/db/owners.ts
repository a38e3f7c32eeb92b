import type { DB } from './schema.ts';

/**
 * Which module owns each table. Only the owner's query files (`queries.ts`, or files in a `queries/` folder, inside
 * the owner's folder under `src/modules/`) read or write its tables; every other module asks the owner's service,
 * or joins a read model the owner's queries export. `test/architecture/ownership.test.ts` reads every query in
 * `src/` against this map.
 */
export const owners = [
  'place',
  'accounts',
  'organisations',
  'outbox',
  'audit',
  'imports',
  'spend',
  'needs',
  'commissioning/specifications',
  'commissioning/opportunities',
  'commissioning/applications',
  'commissioning/assessment',
  'commissioning/awards',
  'kernel',
] as const;
export type Owner = (typeof owners)[number];

/** Where each owner's files live, relative to `src/`. */
export const ownerFolders: Record<Owner, string> = {
  place: 'modules/place',
  accounts: 'modules/accounts',
  organisations: 'modules/organisations',
  outbox: 'modules/outbox',
  audit: 'modules/audit',
  imports: 'imports',
  spend: 'modules/spend',
  needs: 'modules/needs',
  'commissioning/specifications': 'modules/commissioning/specifications',
  'commissioning/opportunities': 'modules/commissioning/opportunities',
  'commissioning/applications': 'modules/commissioning/applications',
  'commissioning/assessment': 'modules/commissioning/assessment',
  'commissioning/awards': 'modules/commissioning/awards',
  kernel: 'kernel',
};

export const tableOwners = {
  council: 'place',
  ward: 'place',
  local_priority: 'place',
  app_user: 'accounts',
  user_session: 'accounts',
  user_token: 'accounts',
  sign_in_attempt: 'accounts',
  account_throttle: 'accounts',
  organisation: 'organisations',
  organisation_identifier: 'organisations',
  organisation_name: 'organisations',
  organisation_ward: 'organisations',
  organisation_classification: 'organisations',
  membership: 'organisations',
  organisation_permission: 'organisations',
  outbox: 'outbox',
  audit_log: 'audit',
  job: 'imports',
  spend_import: 'spend',
  spend_supplier: 'spend',
  supplier_decision: 'spend',
  spend_payment: 'spend',
  spend_import_profile: 'spend',
  published_vcs_share: 'spend',
  spend_summary: 'spend',
  spend_supplier_year: 'spend',
  spend_summary_source: 'spend',
  spend_summary_generation: 'spend',
  needs_assessment: 'needs',
  needs_assessment_ward: 'needs',
  needs_assessment_priority: 'needs',
  needs_evidence: 'needs',
  needs_contribution: 'needs',
  needs_support: 'needs',
  specification: 'commissioning/specifications',
  specification_version: 'commissioning/specifications',
  specification_comment: 'commissioning/specifications',
  specification_coproducer: 'commissioning/specifications',
  coproduction_workshop: 'commissioning/specifications',
  outcome: 'commissioning/specifications',
  outcome_indicator: 'commissioning/specifications',
  opportunity: 'commissioning/opportunities',
  opportunity_ward: 'commissioning/opportunities',
  lot: 'commissioning/opportunities',
  opportunity_document: 'commissioning/opportunities',
  clarification: 'commissioning/opportunities',
  opportunity_question: 'commissioning/opportunities',
  assessment_criterion: 'commissioning/opportunities',
  application: 'commissioning/applications',
  application_partner: 'commissioning/applications',
  application_answer: 'commissioning/applications',
  application_budget_line: 'commissioning/applications',
  application_commitment: 'commissioning/applications',
  panel_member: 'commissioning/assessment',
  panel_exclusion: 'commissioning/assessment',
  assessment_score: 'commissioning/assessment',
  moderated_score: 'commissioning/assessment',
  award: 'commissioning/awards',
  award_payment: 'commissioning/awards',
  award_target: 'commissioning/awards',
  idempotency_key: 'kernel',
} as const satisfies Record<keyof DB, Owner>;

/**
 * Owners of the shared mechanisms that later capabilities build once, in general form, in the module named here.
 * Kept beside the tables so that a new table of one of these kinds finds its home.
 */
export const mechanismOwners = {
  'notification preferences and the one digest': 'notifications',
  'bookings, waiting lists, calendars and iCal': 'events',
  'name resolution ("which organisation is this?") and its review queue': 'resolution',
  'VCS classification of a supplier': 'spend',
  'payments: scheduled, due on an accepted return, paid; partner receipts': 'commissioning/awards',
  'permissions inside an organisation': 'organisations',
  'roles tied to one object (panel member, trainer, convener, chair, lead partner)': "the object's module",
  'signed, expiring, single-purpose links': 'kernel',
  'idempotency keys on create forms': "the kernel's mutation helper",
} as const;
