import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { CoproductionLevel, NeedsContributionKind, NeedsStatus } from '../../db/schema.ts';
import { people } from '../accounts/read-models.ts';
import { localPriorities, wards } from '../place/read-models.ts';
import type { EvidenceRow } from './rules.ts';

// The needs module's SQL: needs assessments, their wards and priorities, evidence, contributions and supporters.
// Wards, priorities and people are joined through the read models their owners publish.

const DAY_MS = 24 * 60 * 60 * 1000;

export const assessmentBySlug = (db: Database, slug: string) =>
  db.selectFrom('needs_assessment').selectAll().where('slug', '=', slug).executeTakeFirst();

export const assessmentById = (db: Database, id: string) =>
  db.selectFrom('needs_assessment').selectAll().where('id', '=', id).executeTakeFirst();

export function assessmentSummary(db: Database, where: { slug: string } | { id: string }) {
  const q = db.selectFrom('needs_assessment').select(['id', 'slug', 'title', 'status']);
  return ('id' in where ? q.where('id', '=', where.id) : q.where('slug', '=', where.slug)).executeTakeFirst();
}

export const assessmentSummaries = (db: Database, ids: string[]) =>
  db.selectFrom('needs_assessment').select(['id', 'slug', 'title', 'status']).where('id', 'in', ids).execute();

export const slugTaken = async (db: Database, slug: string) =>
  Boolean(await db.selectFrom('needs_assessment').select('id').where('slug', '=', slug).executeTakeFirst());

export type ListOptions = { ward?: string | undefined; priority?: number | undefined; includeDrafts?: boolean };

export function listAssessments(db: Database, options: ListOptions) {
  let q = db
    .selectFrom('needs_assessment as n')
    .select([
      'n.id',
      'n.slug',
      'n.title',
      'n.summary',
      'n.status',
      'n.closes_at',
      'n.coproduction_level',
      'n.is_demo',
      sql<number>`(select count(*) from needs_support s where s.needs_assessment_id = n.id)::int`.as('supporters'),
      sql<number>`(select count(*) from needs_contribution c where c.needs_assessment_id = n.id and c.hidden_at is null)::int`.as(
        'contributions',
      ),
      sql<
        string[]
      >`coalesce((select array_agg(w.name order by w.position) from needs_assessment_ward aw join (${wards(db)}) w on w.code = aw.ward_code where aw.needs_assessment_id = n.id), '{}')`.as(
        'wards',
      ),
    ]);
  if (!options.includeDrafts) q = q.where('n.status', '<>', 'draft');
  const { ward, priority } = options;
  if (ward) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('needs_assessment_ward as fw')
          .select('fw.ward_code')
          .whereRef('fw.needs_assessment_id', '=', 'n.id')
          .where('fw.ward_code', '=', ward),
      ),
    );
  }
  if (priority !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('needs_assessment_priority as fp')
          .select('fp.priority_id')
          .whereRef('fp.needs_assessment_id', '=', 'n.id')
          .where('fp.priority_id', '=', priority),
      ),
    );
  }
  // Open for input first (soonest closing first), then published, then closed, then drafts.
  return q
    .orderBy(sql`case n.status when 'open' then 0 when 'published' then 1 when 'closed' then 2 else 3 end`)
    .orderBy(sql`n.closes_at asc nulls last`)
    .orderBy('n.title')
    .execute();
}

/** What the assessment's pages show beside the assessment itself. */
export async function assessmentParts(db: Database, id: string) {
  const [linkedWards, priorities, evidence, contributions, supporters] = await Promise.all([
    db
      .selectFrom('needs_assessment_ward as aw')
      .innerJoin(wards(db).as('w'), 'w.code', 'aw.ward_code')
      .select(['w.code', 'w.name'])
      .where('aw.needs_assessment_id', '=', id)
      .orderBy('w.position')
      .execute(),
    db
      .selectFrom('needs_assessment_priority as ap')
      .innerJoin(localPriorities(db).as('p'), 'p.id', 'ap.priority_id')
      .select(['p.id', 'p.title'])
      .where('ap.needs_assessment_id', '=', id)
      .orderBy('p.position')
      .execute(),
    db
      .selectFrom('needs_evidence')
      .select(['id', 'kind', 'title', 'body', 'url', 'file_name', 'file_size', 'file_type', 'table_data', 'created_at'])
      .where('needs_assessment_id', '=', id)
      .orderBy('position')
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('needs_contribution as c')
      .leftJoin(people(db).as('u'), 'u.id', 'c.author_id')
      .leftJoin(people(db).as('r'), 'r.id', 'c.responded_by')
      .select([
        'c.id',
        'c.kind',
        'c.body',
        'c.author_id',
        'c.created_at',
        'c.hidden_at',
        'c.hidden_reason',
        'c.response',
        'c.responded_at',
        'u.name as author_name',
        'u.role as author_role',
        'r.name as responder_name',
      ])
      .where('c.needs_assessment_id', '=', id)
      .orderBy('c.created_at')
      .execute(),
    db.selectFrom('needs_support').select(['user_id']).where('needs_assessment_id', '=', id).execute(),
  ]);
  return { wards: linkedWards, priorities, evidence, contributions, supporters };
}

/** How many of these wards and priorities exist, so a stale form cannot link to nothing. */
export async function knownReferences(db: Database, wardCodes: string[], priorityIds: number[]) {
  const [w, p] = await Promise.all([
    wardCodes.length
      ? db.selectFrom(wards(db).as('w')).select('w.code').where('w.code', 'in', wardCodes).execute()
      : [],
    priorityIds.length
      ? db.selectFrom(localPriorities(db).as('p')).select('p.id').where('p.id', 'in', priorityIds).execute()
      : [],
  ]);
  return { wards: w.length, priorities: p.length };
}

export type AssessmentRow = {
  title: string;
  summary: string;
  need: string;
  population_groups: string[];
  coproduction_level: CoproductionLevel;
  status: NeedsStatus;
  opens_at: string | null;
  closes_at: string | null;
};

export async function insertAssessment(trx: Database, row: AssessmentRow & { slug: string; created_by: string }) {
  const inserted = await trx.insertInto('needs_assessment').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateAssessment(trx: Database, id: string, row: AssessmentRow & { updated_at: Date }) {
  await trx.updateTable('needs_assessment').set(row).where('id', '=', id).execute();
}

/** The wards and priorities of an assessment, replaced as a whole. */
export async function writeLinks(trx: Database, id: string, wardCodes: string[], priorityIds: number[]) {
  await trx.deleteFrom('needs_assessment_ward').where('needs_assessment_id', '=', id).execute();
  await trx.deleteFrom('needs_assessment_priority').where('needs_assessment_id', '=', id).execute();
  if (wardCodes.length) {
    await trx
      .insertInto('needs_assessment_ward')
      .values(wardCodes.map((ward_code) => ({ needs_assessment_id: id, ward_code })))
      .execute();
  }
  if (priorityIds.length) {
    await trx
      .insertInto('needs_assessment_priority')
      .values(priorityIds.map((priority_id) => ({ needs_assessment_id: id, priority_id })))
      .execute();
  }
}

/** Evidence goes after what is there already. */
export async function insertEvidence(
  trx: Database,
  row: EvidenceRow & { needs_assessment_id: string; title: string; created_by: string },
) {
  const position = await trx
    .selectFrom('needs_evidence')
    .select(sql<number>`coalesce(max(position), 0) + 1`.as('next'))
    .where('needs_assessment_id', '=', row.needs_assessment_id)
    .executeTakeFirstOrThrow();
  const inserted = await trx
    .insertInto('needs_evidence')
    .values({ ...row, position: position.next })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export const evidenceIn = (db: Database, slug: string, evidenceId: string) =>
  db
    .selectFrom('needs_evidence as e')
    .innerJoin('needs_assessment as a', 'a.id', 'e.needs_assessment_id')
    .select(['e.id', 'e.title', 'e.kind', 'a.id as assessment'])
    .where('a.slug', '=', slug)
    .where('e.id', '=', evidenceId)
    .executeTakeFirst();

export async function deleteEvidence(trx: Database, id: string) {
  await trx.deleteFrom('needs_evidence').where('id', '=', id).execute();
}

export const documentIn = (db: Database, slug: string, evidenceId: string) =>
  db
    .selectFrom('needs_evidence as e')
    .innerJoin('needs_assessment as a', 'a.id', 'e.needs_assessment_id')
    .select(['e.file_name', 'e.file_type', 'e.file_data', 'a.status'])
    .where('a.slug', '=', slug)
    .where('e.id', '=', evidenceId)
    .where('e.kind', '=', 'document')
    .executeTakeFirst();

export async function insertContribution(
  trx: Database,
  row: { needs_assessment_id: string; kind: NeedsContributionKind; body: string; author_id: string },
) {
  const inserted = await trx.insertInto('needs_contribution').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** One support per person per assessment: true when this one is new. */
export async function insertSupport(trx: Database, assessmentId: string, userId: string) {
  const inserted = await trx
    .insertInto('needs_support')
    .values({ needs_assessment_id: assessmentId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return Boolean(inserted);
}

export const contributionIn = (db: Database, slug: string, id: string) =>
  db
    .selectFrom('needs_contribution as c')
    .innerJoin('needs_assessment as a', 'a.id', 'c.needs_assessment_id')
    .select(['c.id', 'c.hidden_at', 'c.response'])
    .where('a.slug', '=', slug)
    .where('c.id', '=', id)
    .executeTakeFirst();

/** Hides a contribution not hidden yet: true when this call hid it. */
export async function hideContribution(trx: Database, id: string, by: string, reason: string) {
  const hidden = await trx
    .updateTable('needs_contribution')
    .set({ hidden_at: new Date(), hidden_by: by, hidden_reason: reason })
    .where('id', '=', id)
    .where('hidden_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return Boolean(hidden);
}

export async function respondToContribution(trx: Database, id: string, by: string, response: string, now: Date) {
  await trx
    .updateTable('needs_contribution')
    // A changed response is news again, so it goes in the next digest.
    .set({ response, responded_by: by, responded_at: now, notified_at: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Responses whose contributors have not been told, leaving out anyone told within the last 24 hours, so that
 * each person has at most one e-mail a day.
 */
export const responsesToTell = (db: Database, now: Date) =>
  db
    .selectFrom('needs_contribution as c')
    .innerJoin(people(db).as('u'), 'u.id', 'c.author_id')
    .innerJoin('needs_assessment as a', 'a.id', 'c.needs_assessment_id')
    .select(['c.id', 'c.author_id', 'c.body', 'c.response', 'u.email', 'u.name', 'a.title', 'a.slug'])
    .where('c.responded_at', 'is not', null)
    .where('c.notified_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('needs_contribution as recent')
            .select('recent.id')
            .whereRef('recent.author_id', '=', 'c.author_id')
            .where('recent.notified_at', '>', new Date(now.getTime() - DAY_MS)),
        ),
      ),
    )
    .orderBy('c.author_id')
    .orderBy('a.title')
    .orderBy('c.responded_at')
    .execute();

export async function markTold(trx: Database, ids: string[], now: Date) {
  await trx.updateTable('needs_contribution').set({ notified_at: now }).where('id', 'in', ids).execute();
}

/** A person's contributions, newest first, with the assessment (not a draft) each was made to. */
export const contributionsBy = (db: Database, userId: string) =>
  db
    .selectFrom('needs_contribution as c')
    .innerJoin('needs_assessment as n', 'n.id', 'c.needs_assessment_id')
    .select(['c.id', 'c.kind', 'c.body', 'c.created_at', 'c.hidden_at', 'c.responded_at', 'n.slug', 'n.title'])
    .where('c.author_id', '=', userId)
    .where('n.status', '!=', 'draft')
    .orderBy('c.created_at', 'desc')
    .limit(200)
    .execute();

/** Needs assessments (not drafts) with contributions no one has answered yet, longest waiting first. */
export async function unansweredContributions(db: Database) {
  const result = await sql<{ slug: string; title: string; n: number }>`
    select n.slug, n.title, count(*)::int as n
    from needs_contribution c join needs_assessment n on n.id = c.needs_assessment_id
    where c.response is null and c.hidden_at is null and n.status <> 'draft'
    group by n.slug, n.title order by min(c.created_at)
  `.execute(db);
  return result.rows;
}
