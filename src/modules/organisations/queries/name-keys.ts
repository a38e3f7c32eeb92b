import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';

// The name keys of organisations' names and other names. A trigger clears a key when its name changes; these
// find the names without one and write the keys worked out for them.

export const organisationsWithoutKey = (db: Database, limit: number) =>
  db.selectFrom('organisation').select(['id', 'name']).where('name_key', 'is', null).limit(limit).execute();

export async function setOrganisationKeys(db: Database, rows: { id: string; key: string }[]): Promise<void> {
  await sql`
    update organisation o set name_key = v.key
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.key)}::text[]) as v(id, key)
    where o.id = v.id
  `.execute(db);
}

export const otherNamesWithoutKey = (db: Database, limit: number) =>
  db
    .selectFrom('organisation_name')
    .select(['organisation_id', 'name'])
    .where('name_key', 'is', null)
    .limit(limit)
    .execute();

export async function setOtherNameKeys(
  db: Database,
  rows: { organisationId: string; name: string; key: string }[],
): Promise<void> {
  await sql`
    update organisation_name n set name_key = v.key
    from unnest(${rows.map((r) => r.organisationId)}::uuid[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => r.key)}::text[]) as v(id, name, key)
    where n.organisation_id = v.id and n.name = v.name
  `.execute(db);
}
