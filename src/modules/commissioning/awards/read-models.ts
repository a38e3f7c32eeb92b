import type { Database } from '../../../db/index.ts';

// What awards publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/** Awards in every state (active, ended, cancelled). */
export const awards = (db: Database) => db.selectFrom('award').selectAll();

export const awardTargets = (db: Database) =>
  db.selectFrom('award_target').select(['award_id', 'indicator_id', 'target']);
