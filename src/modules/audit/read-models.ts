import type { Database } from '../../db/index.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/** The audit log's entries, for a page that shows the history of one thing. */
export const auditEntries = (db: Database) =>
  db.selectFrom('audit_log').select(['id', 'at', 'user_id', 'action', 'entity_type', 'entity_id', 'detail']);
