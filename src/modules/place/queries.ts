import type { Database } from '../../db/index.ts';

// The place's tables: councils (the place itself, its neighbours, and any other council whose spend is held),
// wards and local priorities.

export async function upsertPlaceCouncil(
  db: Database,
  council: { orgId: string; name: string; population: number },
): Promise<void> {
  await db
    .insertInto('council')
    .values({ org_id: council.orgId, name: council.name, is_place: true, population: council.population })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({ name: council.name, is_place: true, population: council.population }),
    )
    .execute();
}

export async function upsertNeighbour(db: Database, council: { orgId: string; name: string }): Promise<void> {
  await db
    .insertInto('council')
    .values({ org_id: council.orgId, name: council.name, is_neighbour: true, population: null })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ is_neighbour: true }))
    .execute();
}

/** Adds a council by its org-id and name; one already held is left as it is. */
export async function insertCouncilIfNew(db: Database, orgId: string, name: string): Promise<void> {
  await db
    .insertInto('council')
    .values({ org_id: orgId, name })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
}

export const findCouncil = (db: Database, orgId: string) =>
  db.selectFrom('council').selectAll().where('org_id', '=', orgId).executeTakeFirst();

export const listCouncils = (db: Database) =>
  db.selectFrom('council').selectAll().orderBy('is_place', 'desc').orderBy('name').execute();

export async function upsertWard(db: Database, ward: { code: string; name: string; position: number }) {
  await db
    .insertInto('ward')
    .values(ward)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: ward.name, position: ward.position }))
    .execute();
}

export const listWards = (db: Database) => db.selectFrom('ward').select(['code', 'name']).orderBy('position').execute();

export async function hasPriorities(db: Database): Promise<boolean> {
  return (await db.selectFrom('local_priority').select('id').limit(1).execute()).length > 0;
}

export async function insertPriorities(db: Database, priorities: { title: string; description: string }[]) {
  await db
    .insertInto('local_priority')
    .values(priorities.map((p, position) => ({ title: p.title, description: p.description, position })))
    .execute();
}

export function listPriorities(db: Database, includeInactive: boolean) {
  let q = db.selectFrom('local_priority').selectAll();
  if (!includeInactive) q = q.where('active', '=', true);
  return q.orderBy('position').orderBy('id').execute();
}

export async function updatePriority(
  db: Database,
  id: number,
  input: { title: string; description: string; active: boolean },
): Promise<void> {
  await db
    .updateTable('local_priority')
    .set({ title: input.title, description: input.description, active: input.active, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** A new priority, placed after the others. */
export async function insertPriority(
  db: Database,
  input: { title: string; description: string; active: boolean },
): Promise<number> {
  const max = await db
    .selectFrom('local_priority')
    .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(0)).as('max'))
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('local_priority')
    .values({ title: input.title, description: input.description, active: input.active, position: Number(max.max) + 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
