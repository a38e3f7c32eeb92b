import type { Updateable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { SpecificationSection, SpecificationTable } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';

// The SQL of specifications: the specification, its versions, co-producers, comments and workshops. People's
// names come from the read model accounts publishes.

export const bySlug = (db: Database, slug: string) =>
  db.selectFrom('specification').selectAll().where('slug', '=', slug).executeTakeFirst();

/** The specification, its row locked until the transaction ends: changes to one specification wait in turn. */
export const lockedBySlug = (trx: Database, slug: string) =>
  trx.selectFrom('specification').selectAll().where('slug', '=', slug).forUpdate().executeTakeFirst();

export const slugTaken = async (db: Database, slug: string) =>
  Boolean(await db.selectFrom('specification').select('id').where('slug', '=', slug).executeTakeFirst());

export const needOfSpecification = (db: Database, id: string) =>
  db.selectFrom('specification').select('needs_assessment_id').where('id', '=', id).executeTakeFirst();

export async function insertSpecification(
  trx: Database,
  row: { slug: string; needs_assessment_id: string; title: string; created_by: string },
) {
  return (await trx.insertInto('specification').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateSpecification(trx: Database, id: string, set: Updateable<SpecificationTable>) {
  await trx
    .updateTable('specification')
    .set({ updated_at: new Date(), ...set })
    .where('id', '=', id)
    .execute();
}

/** Marks a specification published unless it is already: its slug when this call published it. */
export async function markPublished(trx: Database, id: string, by: string) {
  const now = new Date();
  const row = await trx
    .updateTable('specification')
    .set({ status: 'published', published_at: now, published_by: by, updated_at: now })
    .where('id', '=', id)
    .where('status', '!=', 'published')
    .returning('slug')
    .executeTakeFirst();
  return row?.slug;
}

/** The specifications answering a need, oldest first. */
export const forNeed = (db: Database, needId: string) =>
  db
    .selectFrom('specification')
    .select(['id', 'slug', 'title', 'status', 'updated_at', 'published_at'])
    .where('needs_assessment_id', '=', needId)
    .orderBy('created_at')
    .execute();

/** Every specification, or only those this person co-produces; the most recently changed first. */
export function list(db: Database, coproducer?: string) {
  let query = db
    .selectFrom('specification as s')
    .select(['s.id', 's.slug', 's.title', 's.status', 's.updated_at', 's.needs_assessment_id']);
  if (coproducer) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('specification_coproducer as c')
          .select('c.user_id')
          .whereRef('c.specification_id', '=', 's.id')
          .where('c.user_id', '=', coproducer),
      ),
    );
  }
  return query.orderBy('s.updated_at', 'desc').execute();
}

// ---- Versions ----

export async function insertVersion(
  trx: Database,
  row: { specification_id: string; number: number; sections: string; note: string; created_by: string },
) {
  await trx.insertInto('specification_version').values(row).execute();
}

export const currentVersion = (db: Database, specificationId: string) =>
  db
    .selectFrom('specification_version as v')
    .leftJoin(people(db).as('u'), 'u.id', 'v.created_by')
    .select(['v.id', 'v.number', 'v.sections', 'v.note', 'v.created_at', 'u.name as author_name'])
    .where('v.specification_id', '=', specificationId)
    .orderBy('v.number', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();

export const versions = (db: Database, specificationId: string) =>
  db
    .selectFrom('specification_version as v')
    .leftJoin(people(db).as('u'), 'u.id', 'v.created_by')
    .select(['v.number', 'v.note', 'v.created_at', 'u.name as author_name'])
    .where('v.specification_id', '=', specificationId)
    .orderBy('v.number', 'desc')
    .execute();

export const versionsNumbered = (db: Database, specificationId: string, numbers: number[]) =>
  db
    .selectFrom('specification_version as v')
    .leftJoin(people(db).as('u'), 'u.id', 'v.created_by')
    .select(['v.number', 'v.sections', 'v.note', 'v.created_at', 'u.name as author_name'])
    .where('v.specification_id', '=', specificationId)
    .where('v.number', 'in', numbers)
    .execute();

// ---- Co-producers ----

export const coproducerOf = (db: Database, specificationId: string, userId: string) =>
  db
    .selectFrom('specification_coproducer')
    .selectAll()
    .where('specification_id', '=', specificationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

/** Of these specifications, the ones this person was invited to co-produce. */
export async function coproducedBy(db: Database, userId: string, specificationIds: string[]) {
  if (!specificationIds.length) return new Set<string>();
  const rows = await db
    .selectFrom('specification_coproducer')
    .select('specification_id')
    .where('user_id', '=', userId)
    .where('specification_id', 'in', specificationIds)
    .execute();
  return new Set(rows.map((r) => r.specification_id));
}

export const hasCoproducers = async (db: Database, specificationId: string) =>
  Boolean(
    await db
      .selectFrom('specification_coproducer')
      .select('user_id')
      .where('specification_id', '=', specificationId)
      .executeTakeFirst(),
  );

export const coproducers = (db: Database, specificationId: string) =>
  db
    .selectFrom('specification_coproducer as c')
    .innerJoin(people(db).as('u'), 'u.id', 'c.user_id')
    .select([
      'c.user_id',
      'c.role_label',
      'c.invited_at',
      'c.signed_off_version_id',
      'c.signed_off_at',
      'u.name',
      'u.email',
    ])
    .where('c.specification_id', '=', specificationId)
    .orderBy('c.invited_at')
    .execute();

/** An account that can be invited, by e-mail address whatever its case. */
export const activePersonByEmail = (db: Database, email: string) =>
  db
    .selectFrom(people(db).as('u'))
    .select(['u.id', 'u.name', 'u.email', 'u.role'])
    .where(({ fn }) => fn('lower', ['u.email']), '=', email.toLowerCase())
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();

export async function insertCoproducer(
  trx: Database,
  row: { specification_id: string; user_id: string; role_label: string; invited_by: string },
) {
  await trx.insertInto('specification_coproducer').values(row).execute();
}

/** Sign-offs of the version before no longer count: how many were reset. */
export async function resetSignOffs(trx: Database, specificationId: string) {
  const reset = await trx
    .updateTable('specification_coproducer')
    .set({ signed_off_version_id: null, signed_off_at: null })
    .where('specification_id', '=', specificationId)
    .where('signed_off_version_id', 'is not', null)
    .returning('user_id')
    .execute();
  return reset.length;
}

export async function signOff(trx: Database, specificationId: string, userId: string, versionId: string) {
  await trx
    .updateTable('specification_coproducer')
    .set({ signed_off_version_id: versionId, signed_off_at: new Date() })
    .where('specification_id', '=', specificationId)
    .where('user_id', '=', userId)
    .execute();
}

// ---- Comments and workshops ----

export const comments = (db: Database, specificationId: string) =>
  db
    .selectFrom('specification_comment as c')
    .leftJoin(people(db).as('u'), 'u.id', 'c.author_id')
    .innerJoin('specification_version as v', 'v.id', 'c.version_id')
    .select([
      'c.id',
      'c.section',
      'c.body',
      'c.created_at',
      'c.hidden_at',
      'c.hidden_reason',
      'u.name as author_name',
      'v.number as version_number',
    ])
    .where('c.specification_id', '=', specificationId)
    .orderBy('c.created_at')
    .execute();

export async function insertComment(
  trx: Database,
  row: { specification_id: string; version_id: string; section: SpecificationSection; author_id: string; body: string },
) {
  return (await trx.insertInto('specification_comment').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Hides a comment of this specification not hidden yet: true when this call hid it. */
export async function hideComment(trx: Database, specificationId: string, id: string, by: string, reason: string) {
  const hidden = await trx
    .updateTable('specification_comment')
    .set({ hidden_at: new Date(), hidden_reason: reason, hidden_by: by })
    .where('id', '=', id)
    .where('specification_id', '=', specificationId)
    .where('hidden_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return Boolean(hidden);
}

export const workshops = (db: Database, specificationId: string) =>
  db
    .selectFrom('coproduction_workshop')
    .selectAll()
    .where('specification_id', '=', specificationId)
    .orderBy('held_on', 'desc')
    .execute();

export async function insertWorkshop(
  trx: Database,
  row: { specification_id: string; held_on: string; participants: string; what_changed: string; recorded_by: string },
) {
  return (await trx.insertInto('coproduction_workshop').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export type Spec = Awaited<ReturnType<typeof bySlug>>;
