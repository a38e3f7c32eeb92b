import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { OpportunityStatus } from '../../../db/schema.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/** Opportunities, drafts included: a reader that shows them to the public leaves drafts out itself. */
export const opportunities = (db: Database) => db.selectFrom('opportunity').selectAll();

export const lots = (db: Database) => db.selectFrom('lot').selectAll();

/** The documents of opportunities, without their bytes. */
export const opportunityDocuments = (db: Database) =>
  db
    .selectFrom('opportunity_document')
    .select(['id', 'opportunity_id', 'title', 'file_name', 'file_type', 'file_size', 'created_at']);

/**
 * Opportunities with `phase`: the state people see (lifecycle.ts `opportunityPhase`), where an open one past its
 * closing time is closed. Lists, the chain, OCDS and the staff home filter and label by `phase`, never by `status`.
 */
export const opportunitiesWithPhase = (db: Database, now: Date = new Date()) =>
  db
    .selectFrom('opportunity')
    .selectAll()
    .select(
      sql<OpportunityStatus>`case when status = 'open' and closes_at <= ${now} then 'closed' else status end`.as(
        'phase',
      ),
    );

/** The questions each opportunity asks applicants, in order by `position`. */
export const opportunityQuestions = (db: Database) =>
  db
    .selectFrom('opportunity_question')
    .select(['id', 'opportunity_id', 'position', 'prompt', 'guidance', 'word_limit']);

/** The criteria applications are scored against, with their weights (adding up to 100 once published). */
export const assessmentCriteria = (db: Database) => db.selectFrom('assessment_criterion').selectAll();

/** The wards each opportunity names; one naming none is for the whole place. */
export const opportunityWards = (db: Database) =>
  db.selectFrom('opportunity_ward').select(['opportunity_id', 'ward_code']);
