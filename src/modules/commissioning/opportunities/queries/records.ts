import type { Selectable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB, OpportunityStatus } from '../../../../db/schema.ts';
import { wards } from '../../../place/read-models.ts';
import { awards } from '../../awards/read-models.ts';
import { specifications } from '../../specifications/read-models.ts';

// One opportunity and what hangs below it: its row, its lots, wards, questions, criteria and documents.

export type Where = { slug: string } | { id: string };

export function opportunityRow(trx: Database, where: Where) {
  const q = trx.selectFrom('opportunity').selectAll();
  return ('id' in where ? q.where('id', '=', where.id) : q.where('slug', '=', where.slug)).executeTakeFirst();
}

/** The row, locked for update until the transaction ends: one change at a time to an opportunity. */
export function lockOpportunity(trx: Database, where: Where) {
  const q = trx.selectFrom('opportunity').selectAll();
  return ('id' in where ? q.where('id', '=', where.id) : q.where('slug', '=', where.slug))
    .forUpdate()
    .executeTakeFirst();
}

export async function slugTaken(trx: Database, slug: string) {
  return !!(await trx.selectFrom('opportunity').select('id').where('slug', '=', slug).executeTakeFirst());
}

/** Lots, wards, questions, criteria, documents (without their bytes) and the specification of one opportunity. */
export function partsOf(trx: Database, o: { id: string; specification_id: string }) {
  return Promise.all([
    trx.selectFrom('lot').selectAll().where('opportunity_id', '=', o.id).orderBy('number').execute(),
    trx
      .selectFrom('opportunity_ward as w')
      .innerJoin(wards(trx).as('ward'), 'ward.code', 'w.ward_code')
      .select(['ward.code', 'ward.name'])
      .where('w.opportunity_id', '=', o.id)
      .orderBy('ward.position')
      .execute(),
    trx.selectFrom('opportunity_question').selectAll().where('opportunity_id', '=', o.id).orderBy('position').execute(),
    trx.selectFrom('assessment_criterion').selectAll().where('opportunity_id', '=', o.id).orderBy('position').execute(),
    trx
      .selectFrom('opportunity_document')
      .select(['id', 'title', 'file_name', 'file_type', 'file_size', 'created_at'])
      .where('opportunity_id', '=', o.id)
      .orderBy('created_at')
      .execute(),
    trx
      .selectFrom(specifications(trx).as('s'))
      .select(['s.id', 's.slug', 's.title', 's.status', 's.needs_assessment_id'])
      .where('s.id', '=', o.specification_id)
      .executeTakeFirstOrThrow(),
  ]);
}

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

/** The columns a draft's details form writes, money as a number of pence. */
export type DetailsRow = Pick<
  Selectable<DB['opportunity']>,
  | 'title'
  | 'summary'
  | 'route'
  | 'service_area'
  | 'duration_months'
  | 'eligibility'
  | 'clarifications_close_at'
  | 'closes_at'
  | 'decision_expected_on'
  | 'service_starts_on'
  | 'max_award_pence'
> & { total_value_pence: number };

export async function insertOpportunity(
  trx: Database,
  row: { id: string; slug: string; ocid: string; specification_id: string; created_by: string } & DetailsRow,
) {
  await trx.insertInto('opportunity').values(row).execute();
}

/** The details of a draft, with its wards replaced by those given. */
export async function writeDetails(trx: Database, id: string, details: DetailsRow, wardCodes: string[]) {
  await trx
    .updateTable('opportunity')
    .set({ ...details, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  await trx.deleteFrom('opportunity_ward').where('opportunity_id', '=', id).execute();
  const codes = [...new Set(wardCodes)];
  if (codes.length) {
    await trx
      .insertInto('opportunity_ward')
      .values(codes.map((ward_code) => ({ opportunity_id: id, ward_code })))
      .execute();
  }
}

export async function touch(trx: Database, id: string) {
  await trx.updateTable('opportunity').set({ updated_at: new Date() }).where('id', '=', id).execute();
}

/** How many of these ward codes the place knows. */
export async function knownWards(trx: Database, codes: string[]) {
  const found = await trx.selectFrom(wards(trx).as('w')).select('w.code').where('w.code', 'in', codes).execute();
  return found.length;
}

/** Whether an award (not cancelled) has been made from the opportunity. */
export async function hasAward(trx: Database, opportunityId: string) {
  const award = await trx
    .selectFrom(awards(trx).as('a'))
    .select('a.id')
    .where('a.opportunity_id', '=', opportunityId)
    .where('a.status', '!=', 'cancelled')
    .executeTakeFirst();
  return !!award;
}

/** Takes the row's share lock until the transaction ends: a change of state (which locks for update) waits for it. */
export async function shareLock(trx: Database, id: string) {
  await trx.selectFrom('opportunity').select('id').where('id', '=', id).forShare().execute();
}
