import { sql } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import { people } from '../../../accounts/read-models.ts';
import { STATUSES_AWAITING_ANSWERS } from '../lifecycle.ts';

// Clarification questions: asked privately by members of organisations, answered by staff, shown to all.

export async function insertClarification(
  trx: Database,
  row: { opportunity_id: string; question: string; asked_by: string; asked_at: Date },
) {
  const made = await trx.insertInto('clarification').values(row).returning('id').executeTakeFirstOrThrow();
  return made.id;
}

/** Answered questions, never saying who asked. */
export const answered = (db: Database, opportunityId: string) =>
  db
    .selectFrom('clarification')
    .select(['id', 'question', 'answer', 'answered_at'])
    .where('opportunity_id', '=', opportunityId)
    .where('answer', 'is not', null)
    .orderBy('answered_at')
    .execute();

/** Questions without an answer yet: all of them, or one person's. */
export function unanswered(db: Database, opportunityId: string, askedBy?: string) {
  let q = db
    .selectFrom('clarification')
    .select(['id', 'question', 'asked_at'])
    .where('opportunity_id', '=', opportunityId)
    .where('answer', 'is', null);
  if (askedBy) q = q.where('asked_by', '=', askedBy);
  return q.orderBy('asked_at').execute();
}

/** One question with who asked it, to answer it. */
export const questionWithAsker = (trx: Database, opportunityId: string, id: string) =>
  trx
    .selectFrom('clarification as c')
    .leftJoin(people(trx).as('u'), 'u.id', 'c.asked_by')
    .select(['c.id', 'c.question', 'c.answer', 'u.email', 'u.name'])
    .where('c.id', '=', id)
    .where('c.opportunity_id', '=', opportunityId)
    .executeTakeFirst();

export async function writeAnswer(trx: Database, id: string, answer: string, answeredBy: string, now: Date) {
  await trx
    .updateTable('clarification')
    .set({ answer, answered_by: answeredBy, answered_at: now })
    .where('id', '=', id)
    .execute();
}

/** Everyone who asked a question about the opportunity, once each. */
export const askersOf = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('clarification as c')
    .innerJoin(people(trx).as('u'), 'u.id', 'c.asked_by')
    .select(['u.email', 'u.name'])
    .distinct()
    .where('c.opportunity_id', '=', opportunityId)
    .orderBy('u.email')
    .execute();

/**
 * Opportunities with questions waiting for an answer (lifecycle.ts `awaitsAnswer`), oldest question first, with how
 * many wait on each.
 */
export async function waitingQuestions(db: Database) {
  const rows = await db
    .selectFrom('clarification as q')
    .innerJoin('opportunity as o', 'o.id', 'q.opportunity_id')
    .select(['o.id', 'o.slug', 'o.title', sql<number>`count(*)::int`.as('n')])
    .where('q.answer', 'is', null)
    .where('o.status', 'in', STATUSES_AWAITING_ANSWERS)
    .groupBy(['o.id', 'o.slug', 'o.title'])
    .orderBy(sql`min(q.asked_at)`)
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** How many questions on one opportunity wait for an answer, by the same rule. */
export async function waitingQuestionCount(db: Database, opportunityId: string) {
  const row = await db
    .selectFrom('clarification as q')
    .innerJoin('opportunity as o', 'o.id', 'q.opportunity_id')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('q.opportunity_id', '=', opportunityId)
    .where('q.answer', 'is', null)
    .where('o.status', 'in', STATUSES_AWAITING_ANSWERS)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
