import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { Role } from '../../../db/schema.ts';
import { slugify } from '../../../web/slugs.ts';
import type { AuditService } from '../../audit/service.ts';
import { labelFor, serviceAreas } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import { pounds } from '../applications/rules.ts';
import type { ApplicationService } from '../applications/service.ts';
import { type OpportunityService, routeLabel, routes } from '../opportunities/service.ts';
import {
  financialYear,
  financialYearRange,
  frequencyLabels,
  levelLabels,
  type MonitoringFrequency,
  type MonitoringLevel,
  planText,
  proposedMonitoring,
} from './rules.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

export type AwardKind = 'grant_agreement' | 'contract';
export const kindLabels: Record<AwardKind, string> = { grant_agreement: 'Grant agreement', contract: 'Contract' };
const statusLabels: Record<string, string> = { active: 'Active', ended: 'Ended', cancelled: 'Cancelled' };

export type PaymentInput = { dueOn: string; amountPence: number; description: string };
export type AwardInput = {
  kind: AwardKind;
  title: string;
  valuePence: number;
  startsOn: string;
  endsOn: string;
  payments: PaymentInput[];
  targets: { indicatorId: string; target: string }[];
  monitoringLevel: MonitoringLevel;
  monitoringFrequency: MonitoringFrequency;
  monitoringPlan: string;
};
type AwardContext = {
  opportunity: NonNullable<Awaited<ReturnType<OpportunityService['bySlug']>>>;
  application: NonNullable<Awaited<ReturnType<ApplicationService['full']>>>;
};
export type AwardFilters = { year?: string; area?: string; route?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIDERS: readonly Role[] = ['commissioner', 'admin'];

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

export function createAwardService({
  db,
  place,
  audit,
  opportunities,
  applications,
}: {
  db: Database;
  config: Config;
  place: PlaceConfig;
  audit: AuditService;
  opportunities: OpportunityService;
  applications: ApplicationService;
}) {
  const thresholds = place.commissioning.monitoring;

  async function freeSlug(title: string, trx: Database): Promise<string> {
    const base = slugify(title, 'award');
    for (let n = 1; n < 10_000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      const taken = await trx.selectFrom('award').select('id').where('slug', '=', candidate).executeTakeFirst();
      if (!taken) return candidate;
    }
    throw new Error(`No free web address for "${title}"`);
  }

  /** Award rows with what a list shows: opportunity, route, service area, lot and the lead organisation. */
  function listQuery(trx: Database = db) {
    return trx
      .selectFrom('award as a')
      .innerJoin('opportunity as o', 'o.id', 'a.opportunity_id')
      .innerJoin('application as ap', 'ap.id', 'a.application_id')
      .innerJoin('organisation as lead', 'lead.id', 'ap.lead_organisation_id')
      .leftJoin('lot as l', 'l.id', 'a.lot_id')
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
  type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>['execute']>>[number];
  const shape = (r: ListRow) => ({
    ...r,
    value_pence: Number(r.value_pence),
    kindLabel: kindLabels[r.kind],
    statusLabel: statusLabels[r.status] ?? r.status,
    routeLabel: routeLabel(r.route),
    serviceAreaLabel: r.service_area ? labelFor(serviceAreas, r.service_area) : null,
    financialYear: financialYear(r.awarded_at),
    levelLabel: levelLabels[r.monitoring_level],
    frequencyLabel: frequencyLabels[r.monitoring_frequency],
  });

  /** Whether every successful application has its award and nothing waits for a decision: then it is awarded. */
  async function settleOpportunity(opportunityId: string, trx: Database) {
    const waiting = await trx
      .selectFrom('application as ap')
      .leftJoin('award as a', 'a.application_id', 'ap.id')
      .select('ap.id')
      .where('ap.opportunity_id', '=', opportunityId)
      .where((eb) =>
        eb.or([
          eb('ap.status', '=', 'submitted'),
          eb.and([eb('ap.status', '=', 'successful'), eb('a.id', 'is', null)]),
        ]),
      )
      .executeTakeFirst();
    const anyAward = await trx
      .selectFrom('award')
      .select('id')
      .where('opportunity_id', '=', opportunityId)
      .executeTakeFirst();
    if (waiting || !anyAward) return false;
    await trx
      .updateTable('opportunity')
      .set({ status: 'awarded', updated_at: new Date() })
      .where('id', '=', opportunityId)
      .where('status', 'in', ['open', 'closed'])
      .execute();
    return true;
  }

  return {
    kindLabels,
    levelLabels,
    frequencyLabels,
    proposedMonitoring: (valuePence: number) => proposedMonitoring(valuePence, thresholds),
    thresholds,

    /** The awards made from an opportunity, lot by lot. */
    async forOpportunity(opportunityId: string) {
      if (!UUID.test(opportunityId)) return [];
      const rows = await listQuery()
        .where('a.opportunity_id', '=', opportunityId)
        .orderBy('l.number')
        .orderBy('a.awarded_at')
        .execute();
      return rows.map(shape);
    },

    /** The awards made, through specifications and opportunities, from a needs assessment. */
    async forNeed(needsAssessmentId: string) {
      if (!UUID.test(needsAssessmentId)) return [];
      const rows = await listQuery()
        .innerJoin('specification as s', 's.id', 'o.specification_id')
        .where('s.needs_assessment_id', '=', needsAssessmentId)
        .orderBy('a.awarded_at')
        .execute();
      return rows.map(shape);
    },

    /** One award for its public page: recipients with their roles and shares, payments, targets and the chain. */
    async bySlug(slug: string) {
      const row = await listQuery().where('a.slug', '=', slug).executeTakeFirst();
      if (!row) return undefined;
      const award = await db
        .selectFrom('award')
        .select(['monitoring_plan', 'lot_id'])
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      const [partners, payments, targets, chain] = await Promise.all([
        db
          .selectFrom('application_partner as p')
          .innerJoin('organisation as o', 'o.id', 'p.organisation_id')
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
          .innerJoin('outcome_indicator as i', 'i.id', 't.indicator_id')
          .innerJoin('outcome as oc', 'oc.id', 'i.outcome_id')
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
          .selectFrom('opportunity as o')
          .innerJoin('specification as s', 's.id', 'o.specification_id')
          .innerJoin('needs_assessment as n', 'n.id', 's.needs_assessment_id')
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
      const lead = partners.find((p) => p.is_lead);
      return {
        ...shape(row),
        monitoring_plan: award.monitoring_plan,
        partners: partners.length
          ? partners.map((p) => ({ ...p, share_pence: Number(p.share_pence) }))
          : [
              {
                id: '',
                name: row.lead_name,
                slug: row.lead_slug,
                is_lead: true,
                role: 'Lead',
                share_pence: Number(row.value_pence),
              },
            ],
        leadName: lead?.name ?? row.lead_name,
        payments: payments.map((p) => ({ ...p, amount_pence: Number(p.amount_pence) })),
        paymentsTotal: payments.reduce((s, p) => s + Number(p.amount_pence), 0),
        targets,
        ...chain,
      };
    },

    /** The public register of awards, newest first, with the count and total value of those shown. */
    async list(filters: AwardFilters) {
      let q = listQuery().where('a.status', '!=', 'cancelled');
      const range = filters.year ? financialYearRange(filters.year) : null;
      if (range) q = q.where('a.awarded_at', '>=', range.from).where('a.awarded_at', '<', range.to);
      if (filters.area) q = q.where('o.service_area', '=', filters.area);
      if (filters.route) q = q.where('o.route', '=', filters.route as 'grant');
      const rows = (await q.orderBy('a.awarded_at', 'desc').execute()).map(shape);
      const years = await db.selectFrom('award').select('awarded_at').execute();
      const yearOptions = [...new Set(years.map((y) => financialYear(y.awarded_at)))].sort().reverse();
      return {
        rows,
        count: rows.length,
        totalPence: rows.reduce((s, r) => s + r.value_pence, 0),
        yearOptions,
        areaOptions: serviceAreas,
        routeOptions: routes,
      };
    },

    /** What the award form starts from: the application's amount, partners and commitments, and proposed monitoring. */
    async draft(
      actor: Actor,
      slug: string,
      reference: string,
    ): Promise<Refusal | Done<{ defaults: AwardInput; context: AwardContext }>> {
      const ctx = await context(actor, slug, reference);
      if ('ok' in ctx) return ctx;
      const f = ctx.application;
      const value = f.application.requested_pence ?? 0;
      const monitoring = proposedMonitoring(value, thresholds);
      const start = ctx.opportunity.service_starts_on ?? new Date().toISOString().slice(0, 10);
      const end = addMonths(start, ctx.opportunity.duration_months);
      const endDay = new Date(`${end}T00:00:00Z`);
      endDay.setUTCDate(endDay.getUTCDate() - 1);
      return {
        ok: true,
        context: ctx,
        defaults: {
          kind: ctx.opportunity.route === 'grant' ? 'grant_agreement' : 'contract',
          title: f.application.title || ctx.opportunity.title,
          valuePence: value,
          startsOn: start,
          endsOn: endDay.toISOString().slice(0, 10),
          payments: [{ dueOn: start, amountPence: value, description: 'First payment' }],
          targets: f.commitments.map((c) => ({
            indicatorId: c.indicator_id,
            target: c.target ?? c.specification_target ?? '',
          })),
          monitoringLevel: monitoring.level,
          monitoringFrequency: monitoring.frequency,
          monitoringPlan: planText(monitoring.level),
        },
      };
    },

    context: (actor: Actor, slug: string, reference: string) => context(actor, slug, reference),

    async create(
      actor: Actor,
      slug: string,
      reference: string,
      input: AwardInput,
    ): Promise<Done<{ slug: string }> | Refusal> {
      const ctx = await context(actor, slug, reference);
      if ('ok' in ctx) return ctx;
      const issues: Issue[] = [];
      if (input.endsOn && input.startsOn && input.endsOn < input.startsOn)
        issues.push({ field: 'ends', message: 'The end date must be the same as or after the start date' });
      if (input.payments.length === 0) issues.push({ field: 'payments', message: 'Add at least one payment' });
      const total = input.payments.reduce((s, p) => s + p.amountPence, 0);
      if (input.payments.length && total !== input.valuePence)
        issues.push({
          field: 'payments',
          message: `The payments add up to ${pounds(total)} but the value is ${pounds(input.valuePence)}: they must be equal`,
        });
      const known = new Set(ctx.application.commitments.map((c) => c.indicator_id));
      for (const t of input.targets)
        if (!known.has(t.indicatorId))
          issues.push({ field: 'targets', message: 'Choose an indicator from the specification' });
      if (issues.length) return { ok: false, status: 400, message: 'Check the award', issues };
      const made = await db.transaction().execute(async (trx) => {
        const exists = await trx
          .selectFrom('award')
          .select('id')
          .where('application_id', '=', ctx.application.application.id)
          .executeTakeFirst();
        if (exists) return null;
        const awardSlug = await freeSlug(input.title, trx);
        const award = await trx
          .insertInto('award')
          .values({
            slug: awardSlug,
            opportunity_id: ctx.opportunity.id,
            lot_id: ctx.application.application.lot_id,
            application_id: ctx.application.application.id,
            kind: input.kind,
            title: input.title,
            value_pence: input.valuePence,
            starts_on: input.startsOn,
            ends_on: input.endsOn,
            monitoring_level: input.monitoringLevel,
            monitoring_frequency: input.monitoringFrequency,
            monitoring_plan: input.monitoringPlan,
            awarded_by: actor.id,
            is_demo: ctx.opportunity.is_demo,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('award_payment')
          .values(
            input.payments.map((p) => ({
              award_id: award.id,
              due_on: p.dueOn,
              amount_pence: p.amountPence,
              description: p.description,
            })),
          )
          .execute();
        if (input.targets.length)
          await trx
            .insertInto('award_target')
            .values(input.targets.map((t) => ({ award_id: award.id, indicator_id: t.indicatorId, target: t.target })))
            .execute();
        const awarded = await settleOpportunity(ctx.opportunity.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'award.made',
            entityType: 'award',
            entityId: award.id,
            detail: {
              slug: awardSlug,
              application: reference,
              valuePence: input.valuePence,
              opportunityAwarded: awarded,
            },
          },
          trx,
        );
        return awardSlug;
      });
      if (!made) return { ok: false, status: 409, message: 'This application already has an award.' };
      return { ok: true, slug: made };
    },
  };

  /** The opportunity and the successful application an award is being made for, or why not. */
  async function context(
    actor: Actor,
    slug: string,
    reference: string,
  ): Promise<
    | Refusal
    | {
        opportunity: NonNullable<Awaited<ReturnType<OpportunityService['bySlug']>>>;
        application: NonNullable<Awaited<ReturnType<ApplicationService['full']>>>;
      }
  > {
    if (!DECIDERS.includes(actor.role)) return { ok: false, status: 403, message: 'Only commissioners make awards.' };
    const opportunity = await opportunities.bySlug(slug);
    if (!opportunity) return { ok: false, status: 404, message: 'There is no such opportunity.' };
    if (opportunity.status === 'cancelled')
      return { ok: false, status: 409, message: 'This opportunity was cancelled, so no award can be made.' };
    const app = await applications.byReference(reference);
    const full = app && app.opportunity_id === opportunity.id ? await applications.full(app.id) : undefined;
    if (!full) return { ok: false, status: 404, message: 'There is no such application for this opportunity.' };
    if (full.application.status !== 'successful')
      return { ok: false, status: 409, message: 'An award is made only to an application decided as successful.' };
    const made = await db
      .selectFrom('award')
      .select('slug')
      .where('application_id', '=', full.application.id)
      .executeTakeFirst();
    if (made)
      return { ok: false, status: 409, message: `This application already has its award: /awards/${made.slug}` };
    return { opportunity, application: full };
  }
}

export type AwardService = ReturnType<typeof createAwardService>;
