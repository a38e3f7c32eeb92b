import type { Database } from '../../../../db/index.ts';
import { applicationCommitments } from '../../applications/read-models.ts';
import { awardTargets } from '../../awards/read-models.ts';
import type { IndicatorInput } from '../framework.ts';

// The SQL of a specification's outcomes framework: its outcomes and their indicators. Whether an indicator is in
// use is read from what applications and awards publish.

export const outcomes = (db: Database, specificationId: string) =>
  db
    .selectFrom('outcome')
    .selectAll()
    .where('specification_id', '=', specificationId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();

export const indicatorsOf = async (db: Database, outcomeIds: string[]) =>
  outcomeIds.length
    ? db
        .selectFrom('outcome_indicator')
        .selectAll()
        .where('outcome_id', 'in', outcomeIds)
        .orderBy('position')
        .orderBy('created_at')
        .execute()
    : [];

export const outcomeOf = (db: Database, specificationId: string, outcomeId: string) =>
  db
    .selectFrom('outcome')
    .selectAll()
    .where('id', '=', outcomeId)
    .where('specification_id', '=', specificationId)
    .executeTakeFirst();

export const indicatorOf = (db: Database, specificationId: string, outcomeId: string, indicatorId: string) =>
  db
    .selectFrom('outcome_indicator as i')
    .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
    .selectAll('i')
    .where('i.id', '=', indicatorId)
    .where('i.outcome_id', '=', outcomeId)
    .where('o.specification_id', '=', specificationId)
    .executeTakeFirst();

/** A new outcome goes last. */
export async function insertOutcome(
  trx: Database,
  specificationId: string,
  input: { title: string; description: string },
) {
  const count = await trx
    .selectFrom('outcome')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('specification_id', '=', specificationId)
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('outcome')
    .values({ specification_id: specificationId, ...input, position: Number(count.n) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateOutcome(trx: Database, id: string, input: { title: string; description: string }) {
  await trx.updateTable('outcome').set(input).where('id', '=', id).execute();
}

/** Removes an outcome; its indicators go with it. */
export async function deleteOutcome(trx: Database, id: string) {
  await trx.deleteFrom('outcome').where('id', '=', id).execute();
}

/** A new indicator goes last in its outcome. */
export async function insertIndicator(trx: Database, outcomeId: string, input: IndicatorInput) {
  const count = await trx
    .selectFrom('outcome_indicator')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('outcome_id', '=', outcomeId)
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('outcome_indicator')
    .values({ outcome_id: outcomeId, ...input, position: Number(count.n) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateIndicator(trx: Database, id: string, input: IndicatorInput) {
  await trx.updateTable('outcome_indicator').set(input).where('id', '=', id).execute();
}

export async function deleteIndicator(trx: Database, id: string) {
  await trx.deleteFrom('outcome_indicator').where('id', '=', id).execute();
}

/** How many application commitments and award targets measure against these indicators. */
export async function indicatorsInUse(db: Database, indicatorIds: string[]) {
  if (!indicatorIds.length) return { commitments: 0, targets: 0 };
  const [commitments, targets] = await Promise.all([
    db
      .selectFrom(applicationCommitments(db).as('c'))
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('c.indicator_id', 'in', indicatorIds)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom(awardTargets(db).as('t'))
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('t.indicator_id', 'in', indicatorIds)
      .executeTakeFirstOrThrow(),
  ]);
  return { commitments: Number(commitments.n), targets: Number(targets.n) };
}
