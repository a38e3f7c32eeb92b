import type { Database } from '../../db/index.ts';

// What the place publishes for other modules' queries to join, in place of its tables.

export const wards = (db: Database) => db.selectFrom('ward').select(['code', 'name', 'position']);

export const councils = (db: Database) =>
  db.selectFrom('council').select(['org_id', 'name', 'is_place', 'is_neighbour', 'population', 'created_at']);

export const localPriorities = (db: Database) =>
  db.selectFrom('local_priority').select(['id', 'title', 'description', 'position', 'active', 'updated_at']);
