import type { Database } from '../../db/index.ts';

// What the directory publishes for other modules' queries to join, in place of its tables. Heavy reports (spend by
// size band, the resolver's cascade over names) join these in one SQL query rather than loop over service calls.

export const organisations = (db: Database) => db.selectFrom('organisation').selectAll();

export const organisationIdentifiers = (db: Database) =>
  db.selectFrom('organisation_identifier').select(['identifier', 'organisation_id', 'scheme']);

export const organisationWards = (db: Database) => db.selectFrom('organisation_ward').selectAll();

export const organisationClassifications = (db: Database) => db.selectFrom('organisation_classification').selectAll();

/** Approved memberships only: who acts for which organisation, and as what. */
export const approvedMemberships = (db: Database) =>
  db
    .selectFrom('membership')
    .select(['user_id', 'organisation_id', 'role', 'decided_at'])
    .where('status', '=', 'approved');

/** Other names an organisation is known by (former, working, trading), each with its name key for matching. */
export const organisationNames = (db: Database) =>
  db.selectFrom('organisation_name').select(['organisation_id', 'name', 'name_key']);
