import type { Database } from '../db/index.ts';

// What the import pipeline publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/** Background import jobs, for a module's lists to join its own rows to the job that made them. */
export const jobs = (db: Database) =>
  db
    .selectFrom('job')
    .select(['id', 'kind', 'status', 'file_name', 'summary', 'created_by', 'created_at', 'finished_at']);
