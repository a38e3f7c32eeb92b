import type { Database } from '../../db/index.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

export const needsAssessments = (db: Database) =>
  db.selectFrom('needs_assessment').select(['id', 'slug', 'title', 'summary', 'need', 'status', 'is_demo']);
