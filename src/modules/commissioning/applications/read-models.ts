import type { Database } from '../../../db/index.ts';
import { organisations } from '../../organisations/read-models.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/** Applications in every state: a reader that needs only some (submitted, decided) filters them itself. */
export const applications = (db: Database) => db.selectFrom('application').selectAll();

/** The organisations in each partnership application, the lead among them, with their roles and shares. */
export const applicationPartners = (db: Database) =>
  db
    .selectFrom('application_partner')
    .select(['application_id', 'organisation_id', 'is_lead', 'role', 'share_pence', 'confirmed_at']);

/** What applicants committed to measure, by indicator: an indicator in use is kept as it was agreed. */
export const applicationCommitments = (db: Database) =>
  db.selectFrom('application_commitment').select(['application_id', 'indicator_id']);

/** Applications with their lead organisation's name and web address, for lists that name who applied. */
export const applicationsWithLead = (db: Database) =>
  db
    .selectFrom('application as a')
    .innerJoin(organisations(db).as('lead'), 'lead.id', 'a.lead_organisation_id')
    .selectAll('a')
    .select(['lead.name as lead_name', 'lead.slug as lead_slug']);
