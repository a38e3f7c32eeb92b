import type { Database } from '../../../db/index.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

export const specifications = (db: Database) =>
  db
    .selectFrom('specification')
    .select(['id', 'slug', 'needs_assessment_id', 'title', 'status', 'published_at', 'is_demo']);

export const outcomes = (db: Database) =>
  db.selectFrom('outcome').select(['id', 'specification_id', 'title', 'description', 'position']);

export const outcomeIndicators = (db: Database) => db.selectFrom('outcome_indicator').selectAll();
