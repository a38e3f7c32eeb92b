import type { Database } from '../../../db/index.ts';

// What this module publishes for other modules' queries to join, in place of its tables.

export type ReadModelDatabase = Database;

/**
 * Who is kept from an application by a conflict of interest (a declared interest, or membership of an applicant):
 * they may know it exists, but not what it says or how it was assessed, whatever their role.
 */
export const panelExclusions = (db: Database) =>
  db.selectFrom('panel_exclusion').select(['opportunity_id', 'user_id', 'application_id', 'reason', 'detail']);
