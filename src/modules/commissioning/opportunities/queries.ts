import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { OpportunityStatus } from '../../../db/schema.ts';
import { people } from '../../accounts/read-models.ts';
import { STATUSES_AWAITING_ANSWERS } from './lifecycle.ts';

// The opportunity's tables, read and written here only.

/** The opportunity row, locked for update until the transaction ends: one change of state at a time. */
export const lockOpportunity = (trx: Database, id: string) =>
  trx.selectFrom('opportunity').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const lockOpportunityBySlug = (trx: Database, slug: string) =>
  trx.selectFrom('opportunity').selectAll().where('slug', '=', slug).forUpdate().executeTakeFirst();

/** Everyone who asked a clarification question about the opportunity, once each. */
export const askersOf = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('clarification as c')
    .innerJoin(people(trx).as('u'), 'u.id', 'c.asked_by')
    .select(['u.email', 'u.name'])
    .distinct()
    .where('c.opportunity_id', '=', opportunityId)
    .orderBy('u.email')
    .execute();

export type StatusColumns = {
  published_at?: Date;
  published_by?: string | null;
  cancelled_at?: Date;
  cancelled_by?: string | null;
  cancellation_reason?: string;
};

export async function writeStatus(
  trx: Database,
  id: string,
  status: OpportunityStatus,
  columns: StatusColumns,
  now: Date,
) {
  await trx
    .updateTable('opportunity')
    .set({ ...columns, status, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Opportunities with clarification questions waiting for an answer, oldest question first, with how many wait. */
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

/** How many questions on one opportunity wait for an answer: none once it is cancelled. */
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
