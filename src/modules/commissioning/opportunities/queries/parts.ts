import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';

// The parts of a draft opportunity: lots, application questions, assessment criteria and documents for bidders.

export type PartTable = 'lot' | 'opportunity_question' | 'assessment_criterion' | 'opportunity_document';

/** Removes one part of an opportunity, answering whether there was one to remove. */
export async function removePart(trx: Database, table: PartTable, opportunityId: string, id: string) {
  // Each table is named in full so that every query says which table it touches.
  const del =
    table === 'lot'
      ? trx.deleteFrom('lot')
      : table === 'opportunity_question'
        ? trx.deleteFrom('opportunity_question')
        : table === 'assessment_criterion'
          ? trx.deleteFrom('assessment_criterion')
          : trx.deleteFrom('opportunity_document');
  const removed = await del
    .where('id', '=', id)
    .where('opportunity_id', '=', opportunityId)
    .returning('id')
    .executeTakeFirst();
  return !!removed;
}

// ---- Lots ----

export async function lotOf(trx: Database, opportunityId: string, lotId: string) {
  return trx
    .selectFrom('lot')
    .select('id')
    .where('id', '=', lotId)
    .where('opportunity_id', '=', opportunityId)
    .executeTakeFirst();
}

/** Another lot of the opportunity with this number, if any. */
export async function lotNumberTaken(trx: Database, opportunityId: string, number: number, exceptId: string | null) {
  let q = trx.selectFrom('lot').select('id').where('opportunity_id', '=', opportunityId).where('number', '=', number);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return !!(await q.executeTakeFirst());
}

type LotValues = {
  number: number;
  title: string;
  description: string;
  value_pence: number;
  max_award_pence: number | null;
  suits_small: boolean;
};

export async function updateLot(trx: Database, id: string, values: LotValues) {
  await trx.updateTable('lot').set(values).where('id', '=', id).execute();
}

export async function insertLot(trx: Database, opportunityId: string, values: LotValues) {
  const row = await trx
    .insertInto('lot')
    .values({ ...values, opportunity_id: opportunityId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- Questions ----

type QuestionValues = { prompt: string; guidance: string; word_limit: number | null };

export async function updateQuestion(trx: Database, opportunityId: string, id: string, values: QuestionValues) {
  const row = await trx
    .updateTable('opportunity_question')
    .set(values)
    .where('id', '=', id)
    .where('opportunity_id', '=', opportunityId)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Adds a question after the last one. */
export async function appendQuestion(trx: Database, opportunityId: string, values: QuestionValues) {
  const last = await trx
    .selectFrom('opportunity_question')
    .select(({ fn }) => fn.max('position').as('p'))
    .where('opportunity_id', '=', opportunityId)
    .executeTakeFirst();
  const row = await trx
    .insertInto('opportunity_question')
    .values({ ...values, opportunity_id: opportunityId, position: Number(last?.p ?? -1) + 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- Criteria ----

export const criteriaOf = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('assessment_criterion')
    .select(['id', 'weight', 'position'])
    .where('opportunity_id', '=', opportunityId)
    .execute();

type CriterionValues = { title: string; description: string; weight: number; max_score: number };

export async function insertCriterion(trx: Database, opportunityId: string, position: number, values: CriterionValues) {
  const row = await trx
    .insertInto('assessment_criterion')
    .values({ ...values, opportunity_id: opportunityId, position })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCriterion(trx: Database, id: string, values: CriterionValues) {
  await trx.updateTable('assessment_criterion').set(values).where('id', '=', id).execute();
}

// ---- Documents ----

export async function insertDocument(trx: Database, row: Insertable<DB['opportunity_document']>) {
  const made = await trx.insertInto('opportunity_document').values(row).returning('id').executeTakeFirstOrThrow();
  return made.id;
}

/** A document with its bytes. */
export const documentOf = (db: Database, opportunityId: string, documentId: string) =>
  db
    .selectFrom('opportunity_document')
    .select(['file_name', 'file_type', 'file_data'])
    .where('id', '=', documentId)
    .where('opportunity_id', '=', opportunityId)
    .executeTakeFirst();
