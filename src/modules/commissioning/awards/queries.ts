import type { Database } from '../../../db/index.ts';
import type { OpportunityRoute } from '../../../db/schema.ts';
import { needsAssessments } from '../../needs/read-models.ts';
import { organisations } from '../../organisations/read-models.ts';
import { applicationPartners, applications } from '../applications/read-models.ts';
import { lots, opportunities } from '../opportunities/read-models.ts';
import { outcomeIndicators, outcomes, specifications } from '../specifications/read-models.ts';

// The award's tables, read and written here only; the rest of the chain through what its owners publish.

export type AwardFilterQuery = { from?: Date; to?: Date; area?: string; route?: string };

/** Award rows with what a list shows: opportunity, route, service area, lot and the lead organisation. */
export function awardList(db: Database) {
  return db
    .selectFrom('award as a')
    .innerJoin(opportunities(db).as('o'), 'o.id', 'a.opportunity_id')
    .innerJoin(applications(db).as('ap'), 'ap.id', 'a.application_id')
    .innerJoin(organisations(db).as('lead'), 'lead.id', 'ap.lead_organisation_id')
    .leftJoin(lots(db).as('l'), 'l.id', 'a.lot_id')
    .select([
      'a.id',
      'a.slug',
      'a.title',
      'a.kind',
      'a.value_pence',
      'a.starts_on',
      'a.ends_on',
      'a.status',
      'a.awarded_at',
      'a.application_id',
      'a.monitoring_level',
      'a.monitoring_frequency',
      'o.id as opportunity_id',
      'o.slug as opportunity_slug',
      'o.title as opportunity_title',
      'o.route',
      'o.service_area',
      'ap.kind as application_kind',
      'lead.name as lead_name',
      'lead.slug as lead_slug',
      'l.number as lot_number',
      'l.title as lot_title',
    ]);
}
export type AwardListRow = Awaited<ReturnType<ReturnType<typeof awardList>['execute']>>[number];

export const awardsOfOpportunity = (db: Database, opportunityId: string) =>
  awardList(db).where('a.opportunity_id', '=', opportunityId).orderBy('l.number').orderBy('a.awarded_at').execute();

/** The awards made, through specifications and opportunities, from a needs assessment. */
export const awardsOfNeed = (db: Database, needsAssessmentId: string) =>
  awardList(db)
    .innerJoin(specifications(db).as('s'), 's.id', 'o.specification_id')
    .where('s.needs_assessment_id', '=', needsAssessmentId)
    .orderBy('a.awarded_at')
    .execute();

export const awardBySlug = (db: Database, slug: string) => awardList(db).where('a.slug', '=', slug).executeTakeFirst();

/** The public register's rows, newest first: cancelled awards left out. */
export function registerRows(db: Database, f: AwardFilterQuery) {
  let q = awardList(db).where('a.status', '!=', 'cancelled');
  if (f.from) q = q.where('a.awarded_at', '>=', f.from);
  if (f.to) q = q.where('a.awarded_at', '<', f.to);
  if (f.area) q = q.where('o.service_area', '=', f.area);
  if (f.route) q = q.where('o.route', '=', f.route as OpportunityRoute);
  return q.orderBy('a.awarded_at', 'desc').execute();
}

/** When every award was made: for the register's choice of financial years. */
export const awardDates = (db: Database) => db.selectFrom('award').select('awarded_at').execute();

/** What an award's page shows beyond its list row: the plan, recipients, payments, targets and the chain. */
export async function awardDetail(db: Database, row: Pick<AwardListRow, 'id' | 'application_id' | 'opportunity_id'>) {
  const [award, partners, payments, targets, chain] = await Promise.all([
    db.selectFrom('award').select(['monitoring_plan', 'lot_id']).where('id', '=', row.id).executeTakeFirstOrThrow(),
    db
      .selectFrom(applicationPartners(db).as('p'))
      .innerJoin(organisations(db).as('o'), 'o.id', 'p.organisation_id')
      .select(['o.id', 'o.name', 'o.slug', 'p.is_lead', 'p.role', 'p.share_pence'])
      .where('p.application_id', '=', row.application_id)
      .orderBy('p.is_lead', 'desc')
      .orderBy('o.name')
      .execute(),
    db
      .selectFrom('award_payment')
      .select(['id', 'due_on', 'amount_pence', 'description'])
      .where('award_id', '=', row.id)
      .orderBy('due_on')
      .execute(),
    db
      .selectFrom('award_target as t')
      .innerJoin(outcomeIndicators(db).as('i'), 'i.id', 't.indicator_id')
      .innerJoin(outcomes(db).as('oc'), 'oc.id', 'i.outcome_id')
      .select([
        't.indicator_id',
        't.target',
        'i.name as indicator_name',
        'i.unit',
        'i.baseline',
        'i.target as specification_target',
        'i.frequency',
        'oc.title as outcome_title',
      ])
      .where('t.award_id', '=', row.id)
      .orderBy('oc.position')
      .orderBy('i.position')
      .execute(),
    db
      .selectFrom(opportunities(db).as('o'))
      .innerJoin(specifications(db).as('s'), 's.id', 'o.specification_id')
      .innerJoin(needsAssessments(db).as('n'), 'n.id', 's.needs_assessment_id')
      .select([
        's.slug as specification_slug',
        's.title as specification_title',
        'n.id as need_id',
        'n.slug as need_slug',
        'n.title as need_title',
      ])
      .where('o.id', '=', row.opportunity_id)
      .executeTakeFirstOrThrow(),
  ]);
  return { award, partners, payments, targets, chain };
}

/** The award already made to an application, if any. */
export const awardForApplication = (db: Database, applicationId: string) =>
  db.selectFrom('award').select(['id', 'slug']).where('application_id', '=', applicationId).executeTakeFirst();

export const slugTaken = async (db: Database, slug: string) =>
  !!(await db.selectFrom('award').select('id').where('slug', '=', slug).executeTakeFirst());

/**
 * The opportunity's row, locked for update until the transaction ends: an award and a cancellation go one after
 * the other, and so do two awards (each may be the last, which marks the opportunity awarded).
 */
export const lockOpportunity = (trx: Database, id: string) =>
  trx
    .selectFrom(opportunities(trx).as('o'))
    .select(['o.id', 'o.status', 'o.is_demo'])
    .where('o.id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export type NewAward = {
  slug: string;
  opportunityId: string;
  lotId: string | null;
  applicationId: string;
  kind: 'grant_agreement' | 'contract';
  title: string;
  valuePence: number;
  startsOn: string;
  endsOn: string;
  monitoringLevel: 'light' | 'standard' | 'full';
  monitoringFrequency: 'annually' | 'six_monthly' | 'quarterly';
  monitoringPlan: string;
  awardedBy: string;
  isDemo: boolean;
  payments: { dueOn: string; amountPence: number; description: string }[];
  targets: { indicatorId: string; target: string }[];
};

/** The award with its payment schedule and its targets; its id. */
export async function insertAward(trx: Database, a: NewAward): Promise<string> {
  const { id } = await trx
    .insertInto('award')
    .values({
      slug: a.slug,
      opportunity_id: a.opportunityId,
      lot_id: a.lotId,
      application_id: a.applicationId,
      kind: a.kind,
      title: a.title,
      value_pence: a.valuePence,
      starts_on: a.startsOn,
      ends_on: a.endsOn,
      monitoring_level: a.monitoringLevel,
      monitoring_frequency: a.monitoringFrequency,
      monitoring_plan: a.monitoringPlan,
      awarded_by: a.awardedBy,
      is_demo: a.isDemo,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('award_payment')
    .values(
      a.payments.map((p) => ({
        award_id: id,
        due_on: p.dueOn,
        amount_pence: p.amountPence,
        description: p.description,
      })),
    )
    .execute();
  if (a.targets.length)
    await trx
      .insertInto('award_target')
      .values(a.targets.map((t) => ({ award_id: id, indicator_id: t.indicatorId, target: t.target })))
      .execute();
  return id;
}

/**
 * Whether every successful application of the opportunity has its award, none waits for a decision, and at least
 * one award was made: then the opportunity is awarded.
 */
export async function everyAwardMade(trx: Database, opportunityId: string): Promise<boolean> {
  const waiting = await trx
    .selectFrom(applications(trx).as('ap'))
    .leftJoin('award as a', 'a.application_id', 'ap.id')
    .select('ap.id')
    .where('ap.opportunity_id', '=', opportunityId)
    .where((eb) =>
      eb.or([eb('ap.status', '=', 'submitted'), eb.and([eb('ap.status', '=', 'successful'), eb('a.id', 'is', null)])]),
    )
    .executeTakeFirst();
  if (waiting) return false;
  const anyAward = await trx
    .selectFrom('award')
    .select('id')
    .where('opportunity_id', '=', opportunityId)
    .executeTakeFirst();
  return !!anyAward;
}
