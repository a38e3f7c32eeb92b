import type { Database } from '../../db/index.ts';

// What accounts publishes for other modules' queries to join, in place of its tables. Never the password hash.

/** People: `innerJoin(people(db).as('u'), 'u.id', 'x.user_id')`. */
export const people = (db: Database) =>
  db
    .selectFrom('app_user')
    .select(['id', 'email', 'name', 'role', 'email_confirmed_at', 'disabled_at', 'is_demo', 'created_at']);
