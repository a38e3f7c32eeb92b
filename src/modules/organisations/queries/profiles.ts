import { type Insertable, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { ClassificationList, DB } from '../../../db/schema.ts';
import { people } from '../../accounts/read-models.ts';
import { wards } from '../../place/read-models.ts';

// An organisation's profile: the row, its identifiers, other names, wards and classifications, and its check by
// the infrastructure body.

type OrganisationRow = Insertable<DB['organisation']>;
export type OrganisationFields = Partial<Omit<OrganisationRow, 'id' | 'slug'>>;

export const byId = (db: Database, id: string) =>
  db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();

/** The organisation at an address, with the name of whoever verified it. */
export const bySlug = (db: Database, slug: string) =>
  db
    .selectFrom('organisation as o')
    .leftJoin(people(db).as('v'), 'v.id', 'o.verified_by')
    .selectAll('o')
    .select(['v.name as verified_by_name'])
    .where('o.slug', '=', slug)
    .executeTakeFirst();

export const slugTaken = async (db: Database, slug: string) =>
  Boolean(await db.selectFrom('organisation').select('id').where('slug', '=', slug).executeTakeFirst());

export const insertOrganisation = (db: Database, values: OrganisationRow) =>
  db.insertInto('organisation').values(values).returning(['id', 'slug']).executeTakeFirstOrThrow();

export async function updateOrganisation(db: Database, id: string, fields: OrganisationFields) {
  await db.updateTable('organisation').set(fields).where('id', '=', id).execute();
}

/** Which organisation holds each identifier. */
export const identifierHolders = (db: Database, identifiers: string[]) =>
  db
    .selectFrom('organisation_identifier')
    .select(['identifier', 'organisation_id'])
    .where('identifier', 'in', identifiers)
    .execute();

export async function insertIdentifier(
  db: Database,
  row: { identifier: string; organisation_id: string; scheme: string },
) {
  await db.insertInto('organisation_identifier').values(row).execute();
}

export async function deleteIdentifiers(db: Database, identifiers: string[]) {
  await db.deleteFrom('organisation_identifier').where('identifier', 'in', identifiers).execute();
}

export async function insertNames(
  db: Database,
  rows: { organisation_id: string; name: string; kind: 'alternative' | 'previous' | 'working' }[],
) {
  await db
    .insertInto('organisation_name')
    .values(rows)
    .onConflict((oc) => oc.columns(['organisation_id', 'name']).doNothing())
    .execute();
}

export async function deleteNames(db: Database, organisationId: string, names: string[]) {
  await db
    .deleteFrom('organisation_name')
    .where('organisation_id', '=', organisationId)
    .where('name', 'in', names)
    .execute();
}

export async function replaceClassifications(
  db: Database,
  organisationId: string,
  list: ClassificationList,
  codes: string[],
) {
  await db
    .deleteFrom('organisation_classification')
    .where('organisation_id', '=', organisationId)
    .where('list', '=', list)
    .execute();
  if (codes.length) {
    await db
      .insertInto('organisation_classification')
      .values(codes.map((code) => ({ organisation_id: organisationId, list, code })))
      .execute();
  }
}

export async function replaceWards(db: Database, organisationId: string, wardCodes: string[]) {
  await db.deleteFrom('organisation_ward').where('organisation_id', '=', organisationId).execute();
  if (wardCodes.length) {
    await db
      .insertInto('organisation_ward')
      .values(wardCodes.map((ward_code) => ({ organisation_id: organisationId, ward_code })))
      .execute();
  }
}

/** Other names, identifiers, wards, classifications and how many approved administrators an organisation has. */
export async function profileParts(db: Database, organisationId: string) {
  const [names, identifiers, wardRows, classifications, admins] = await Promise.all([
    db
      .selectFrom('organisation_name')
      .select(['name', 'kind'])
      .where('organisation_id', '=', organisationId)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('organisation_identifier')
      .select(['identifier', 'scheme'])
      .where('organisation_id', '=', organisationId)
      .orderBy('identifier')
      .execute(),
    db
      .selectFrom('organisation_ward as ow')
      .innerJoin(wards(db).as('w'), 'w.code', 'ow.ward_code')
      .select(['w.code', 'w.name'])
      .where('ow.organisation_id', '=', organisationId)
      .orderBy('w.position')
      .execute(),
    db
      .selectFrom('organisation_classification')
      .select(['list', 'code'])
      .where('organisation_id', '=', organisationId)
      .orderBy('code')
      .execute(),
    db
      .selectFrom('membership')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('role', '=', 'admin')
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow(),
  ]);
  return { names, identifiers, wards: wardRows, classifications, approvedAdmins: Number(admins.n) };
}

/**
 * Organisations waiting for a check by the infrastructure body: not verified, and either claimed (a claim
 * waiting or approved) or edited by a person. Oldest first, by when they started waiting.
 */
export async function verificationQueue(db: Database) {
  return db
    .selectFrom('organisation as o')
    .select([
      'o.id',
      'o.slug',
      'o.name',
      'o.profile_updated_at',
      'o.created_at',
      'o.source',
      sql<Date | null>`(select min(m.requested_at) from membership m where m.organisation_id = o.id and m.role = 'admin'
        and m.status <> 'refused')`.as('claimed_at'),
      sql<number>`(select count(*) from membership m where m.organisation_id = o.id and m.role = 'admin'
        and m.status = 'pending')`.as('pending_claims'),
      sql<Date>`least(o.profile_updated_at, (select min(m.requested_at) from membership m
        where m.organisation_id = o.id and m.role = 'admin' and m.status <> 'refused'))`.as('waiting_since'),
    ])
    .where('o.verified_at', 'is', null)
    .where('o.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('o.profile_updated_at', 'is not', null),
        eb.exists(
          eb
            .selectFrom('membership as m')
            .select('m.user_id')
            .whereRef('m.organisation_id', '=', 'o.id')
            .where('m.role', '=', 'admin')
            .where('m.status', '<>', 'refused'),
        ),
      ]),
    )
    .orderBy('waiting_since')
    .orderBy('o.name')
    .execute();
}
