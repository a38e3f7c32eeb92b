import { sql } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { ApplicationStatus } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';
import { organisationIdentifiers, organisations } from '../../../organisations/read-models.ts';
import { awards } from '../../awards/read-models.ts';
import { lots, opportunitiesWithPhase, opportunityQuestions } from '../../opportunities/read-models.ts';
import { outcomeIndicators, outcomes } from '../../specifications/read-models.ts';
import { ASSESSED_STATUSES, LIVE_STATUSES } from '../lifecycle.ts';

// One application and what hangs below it: its row, partners, answers, budget and outcome commitments, with the
// opportunity, lot, organisations and indicators it names, read through their owners' read models.

const withPence = <T extends { requested_pence: number | string | null }>(row: T) => ({
  ...row,
  requested_pence: row.requested_pence == null ? null : Number(row.requested_pence),
});

export async function applicationRow(trx: Database, where: { id: string } | { reference: string }) {
  const q = trx.selectFrom('application').selectAll();
  const row = await ('id' in where
    ? q.where('id', '=', where.id)
    : q.where('reference', '=', where.reference)
  ).executeTakeFirst();
  return row ? withPence(row) : undefined;
}

/** The row, locked for update until the transaction ends: one change of state at a time. */
export const lockApplication = (trx: Database, id: string) =>
  trx.selectFrom('application').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export async function referenceTaken(trx: Database, reference: string) {
  return !!(await trx.selectFrom('application').select('id').where('reference', '=', reference).executeTakeFirst());
}

/** The opportunity an application is made to, with its phase. */
export const opportunityOf = (trx: Database, where: { id: string } | { slug: string }, now = new Date()) => {
  const q = trx
    .selectFrom(opportunitiesWithPhase(trx, now).as('o'))
    .select([
      'o.id',
      'o.slug',
      'o.title',
      'o.status',
      'o.phase',
      'o.closes_at',
      'o.specification_id',
      'o.published_at',
      'o.total_value_pence',
      'o.max_award_pence',
    ]);
  return ('id' in where ? q.where('o.id', '=', where.id) : q.where('o.slug', '=', where.slug)).executeTakeFirst();
};

export const lotsOf = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom(lots(trx).as('l'))
    .select(['l.id', 'l.number', 'l.title', 'l.value_pence', 'l.max_award_pence'])
    .where('l.opportunity_id', '=', opportunityId)
    .orderBy('l.number')
    .execute();

export const lotById = (trx: Database, id: string) =>
  trx
    .selectFrom(lots(trx).as('l'))
    .select(['l.id', 'l.number', 'l.title', 'l.value_pence', 'l.max_award_pence'])
    .where('l.id', '=', id)
    .executeTakeFirst();

export const organisationById = (trx: Database, id: string) =>
  trx
    .selectFrom(organisations(trx).as('o'))
    .select(['o.id', 'o.name', 'o.slug', 'o.status'])
    .where('o.id', '=', id)
    .executeTakeFirst();

/** The organisations in an application with their roles, shares and who confirmed, the lead first. */
export const partnersOf = (trx: Database, applicationId: string) =>
  trx
    .selectFrom('application_partner as p')
    .innerJoin(organisations(trx).as('o'), 'o.id', 'p.organisation_id')
    .leftJoin(people(trx).as('u'), 'u.id', 'p.confirmed_by')
    .select([
      'p.organisation_id',
      'p.is_lead',
      'p.role',
      'p.share_pence',
      'p.confirmed_at',
      'p.confirmed_by',
      'u.name as confirmed_by_name',
      'o.name',
      'o.slug',
    ])
    .where('p.application_id', '=', applicationId)
    .orderBy('p.is_lead', 'desc')
    .orderBy('o.name')
    .execute();

export const identifiersOf = (trx: Database, applicationId: string) =>
  trx
    .selectFrom(organisationIdentifiers(trx).as('i'))
    .innerJoin('application_partner as p', 'p.organisation_id', 'i.organisation_id')
    .select(['i.organisation_id', 'i.identifier', 'i.scheme'])
    .where('p.application_id', '=', applicationId)
    .orderBy('i.identifier')
    .execute();

/** Every question of the opportunity with this application's answer, if any. */
export const answersOf = (trx: Database, applicationId: string, opportunityId: string) =>
  trx
    .selectFrom(opportunityQuestions(trx).as('q'))
    .leftJoin('application_answer as a', (join) =>
      join.onRef('a.question_id', '=', 'q.id').on('a.application_id', '=', applicationId),
    )
    .select(['q.id as question_id', 'q.position', 'q.prompt', 'q.guidance', 'q.word_limit', 'a.body'])
    .where('q.opportunity_id', '=', opportunityId)
    .orderBy('q.position')
    .execute();

export const questionsOf = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom(opportunityQuestions(trx).as('q'))
    .select(['q.id', 'q.word_limit'])
    .where('q.opportunity_id', '=', opportunityId)
    .orderBy('q.position')
    .execute();

export const budgetOf = (trx: Database, applicationId: string) =>
  trx
    .selectFrom('application_budget_line')
    .select(['id', 'position', 'heading', 'amount_pence'])
    .where('application_id', '=', applicationId)
    .orderBy('position')
    .execute();

/** Every outcome indicator of the specification with this application's own target, if given. */
export const commitmentsOf = (trx: Database, applicationId: string, specificationId: string) =>
  trx
    .selectFrom(outcomeIndicators(trx).as('i'))
    .innerJoin(outcomes(trx).as('o'), 'o.id', 'i.outcome_id')
    .leftJoin('application_commitment as c', (join) =>
      join.onRef('c.indicator_id', '=', 'i.id').on('c.application_id', '=', applicationId),
    )
    .select([
      'i.id as indicator_id',
      'i.name as indicator_name',
      'i.unit',
      'i.baseline',
      'i.target as specification_target',
      'o.title as outcome_title',
      'c.target',
      'c.note',
    ])
    .where('o.specification_id', '=', specificationId)
    .orderBy('o.position')
    .orderBy('o.id')
    .orderBy('i.position')
    .orderBy('i.created_at')
    .execute();

export const indicatorIdsOf = (trx: Database, specificationId: string) =>
  trx
    .selectFrom(outcomeIndicators(trx).as('i'))
    .innerJoin(outcomes(trx).as('o'), 'o.id', 'i.outcome_id')
    .select('i.id')
    .where('o.specification_id', '=', specificationId)
    .execute();

/** The award made from the application, once made. */
export const awardOf = (trx: Database, applicationId: string) =>
  trx
    .selectFrom(awards(trx).as('w'))
    .select(['w.slug', 'w.title'])
    .where('w.application_id', '=', applicationId)
    .executeTakeFirst();

/** The statuses of an opportunity's applications that went to assessment. */
export const assessedOn = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('application')
    .select('status')
    .where('opportunity_id', '=', opportunityId)
    .where('status', 'in', ASSESSED_STATUSES)
    .execute();

/** A live application of this lead for this lot (or for the opportunity, without lots). */
export function liveApplicationOf(trx: Database, opportunityId: string, leadId: string, lotId: string | null) {
  const q = trx
    .selectFrom('application')
    .select(['reference', 'status'])
    .where('opportunity_id', '=', opportunityId)
    .where('lead_organisation_id', '=', leadId)
    .where('status', 'in', LIVE_STATUSES);
  return (lotId ? q.where('lot_id', '=', lotId) : q.where('lot_id', 'is', null)).executeTakeFirst();
}

/**
 * Makes two starts by one lead on one opportunity at once (a double click) wait for each other until the
 * transaction ends, so that only one application is made.
 */
export async function holdStart(trx: Database, opportunityId: string, leadId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`application.start:${opportunityId}:${leadId}`}, 0))`.execute(
    trx,
  );
}

export type StatusColumns = {
  submitted_at?: Date;
  submitted_by?: string | null;
  withdrawn_at?: Date;
  withdrawn_by?: string | null;
  withdrawal_reason?: string;
  decided_at?: Date;
  decided_by?: string | null;
  feedback?: string;
};

export async function writeStatus(
  trx: Database,
  id: string,
  status: ApplicationStatus,
  columns: StatusColumns,
  now: Date,
) {
  await trx
    .updateTable('application')
    .set({ ...columns, status, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function writeRank(trx: Database, id: string, rank: number | null) {
  await trx.updateTable('application').set({ rank }).where('id', '=', id).execute();
}

export async function touch(trx: Database, id: string) {
  await trx.updateTable('application').set({ updated_at: new Date() }).where('id', '=', id).execute();
}
