import type { Database } from '../../../db/index.ts';

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
