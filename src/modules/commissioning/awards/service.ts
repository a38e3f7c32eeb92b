import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import { type Actor, holds } from '../../../kernel/actor.ts';
import { financialYear, londonDay } from '../../../kernel/dates.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { createMutate, type Once } from '../../../kernel/mutation.ts';
import { type Done, done, type Refusal, refusal } from '../../../kernel/result.ts';
import { slugify } from '../../../web/slugs.ts';
import type { AuditService } from '../../audit/service.ts';
import { serviceAreas } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import { DECIDERS } from '../applications/lifecycle.ts';
import type { ApplicationService } from '../applications/service.ts';
import { conflictRefusal } from '../assessment/present.ts';
import { routes } from '../opportunities/present.ts';
import type { OpportunityService } from '../opportunities/service.ts';
import { kindLabels, presentAward } from './present.ts';
import * as q from './queries.ts';
import {
  type AwardInput,
  awardIssues,
  financialYearRange,
  frequencyLabels,
  levelLabels,
  planText,
  proposedMonitoring,
  serviceEnd,
} from './rules.ts';

export type { AwardInput, AwardKind, PaymentInput } from './rules.ts';
export { kindLabels };

type AwardContext = {
  opportunity: NonNullable<Awaited<ReturnType<OpportunityService['bySlug']>>>;
  application: NonNullable<Awaited<ReturnType<ApplicationService['full']>>>;
};
export type AwardFilters = { year?: string; area?: string; route?: string };

const alreadyAwarded = (slug: string) => refusal(409, `This application already has its award: /awards/${slug}`);

// The factory is long only as a list of short operations that share its dependencies.
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
  const mutate = createMutate({ db, audit });

  async function freeSlug(title: string, trx: Database): Promise<string> {
    const base = slugify(title, 'award');
    for (let n = 1; n < 10_000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!(await q.slugTaken(trx, candidate))) return candidate;
    }
    throw new Error(`No free web address for "${title}"`);
  }

  /** The opportunity and the successful application an award is being made for, or why not. */
  /**
   * Who may award this application, and what it is. `awardLater` leaves an award already made to be refused inside
   * the change, after the form's key is looked up: a form sent again is answered as it was the first time.
   */
  async function context(
    actor: Actor,
    slug: string,
    reference: string,
    awardLater = false,
  ): Promise<Refusal | AwardContext> {
    if (!holds(actor, DECIDERS)) return refusal(403, 'Only commissioners make awards.');
    const opportunity = await opportunities.bySlug(slug);
    if (!opportunity) return refusal(404, 'There is no such opportunity.');
    if (opportunity.status === 'cancelled')
      return refusal(409, 'This opportunity was cancelled, so no award can be made.');
    const app = await applications.byReference(reference);
    const full = app && app.opportunity_id === opportunity.id ? await applications.full(app.id) : undefined;
    if (!full) return refusal(404, 'There is no such application for this opportunity.');
    const conflict = (await applications.conflictsOf(actor.id, [full.application.id])).get(full.application.id);
    if (conflict) return conflictRefusal(full.application.reference, conflict.reason);
    if (full.application.status !== 'successful')
      return refusal(409, 'An award is made only to an application decided as successful.');
    const made = awardLater ? undefined : await q.awardForApplication(db, full.application.id);
    if (made) return alreadyAwarded(made.slug);
    return { opportunity, application: full };
  }

  /**
   * Once every successful application has its award, the opportunity is awarded: its owner makes that move, in
   * this transaction. Whether it moved.
   */
  async function settleOpportunity(actor: Actor, opportunityId: string, trx: Database, now: Date) {
    if (!(await q.everyAwardMade(trx, opportunityId))) return false;
    const moved = await opportunities.transition(opportunityId, 'awarded', { actor, now }, trx);
    return moved.ok;
  }

  return {
    kindLabels,
    levelLabels,
    frequencyLabels,
    proposedMonitoring: (valuePence: number) => proposedMonitoring(valuePence, thresholds),
    thresholds,

    /** The awards made from an opportunity, lot by lot. */
    async forOpportunity(opportunityId: string) {
      if (!isUuid(opportunityId)) return [];
      return (await q.awardsOfOpportunity(db, opportunityId)).map(presentAward);
    },

    /** The awards made, through specifications and opportunities, from a needs assessment. */
    async forNeed(needsAssessmentId: string) {
      if (!isUuid(needsAssessmentId)) return [];
      return (await q.awardsOfNeed(db, needsAssessmentId)).map(presentAward);
    },

    /** One award for its public page: recipients with their roles and shares, payments, targets and the chain. */
    async bySlug(slug: string) {
      const row = await q.awardBySlug(db, slug);
      if (!row) return undefined;
      const { award, partners, payments, targets, chain } = await q.awardDetail(db, row);
      const lead = partners.find((p) => p.is_lead);
      // An application with no partner rows is its lead's alone, for the whole value.
      const recipients = partners.length
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
          ];
      return {
        ...presentAward(row),
        monitoring_plan: award.monitoring_plan,
        partners: recipients,
        leadName: lead?.name ?? row.lead_name,
        payments: payments.map((p) => ({ ...p, amount_pence: Number(p.amount_pence) })),
        paymentsTotal: payments.reduce((s, p) => s + Number(p.amount_pence), 0),
        targets,
        ...chain,
      };
    },

    /** The public register of awards, newest first, with the count and total value of those shown. */
    async list(filters: AwardFilters) {
      const range = filters.year ? financialYearRange(filters.year) : null;
      const rows = (await q.registerRows(db, { ...range, area: filters.area, route: filters.route })).map(presentAward);
      const years = await q.awardDates(db);
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
      const start = ctx.opportunity.service_starts_on ?? londonDay();
      return done({
        context: ctx,
        defaults: {
          kind: ctx.opportunity.route === 'grant' ? 'grant_agreement' : 'contract',
          title: f.application.title || ctx.opportunity.title,
          valuePence: value,
          startsOn: start,
          endsOn: serviceEnd(start, ctx.opportunity.duration_months),
          payments: [{ dueOn: start, amountPence: value, description: 'First payment' }],
          targets: f.commitments.map((c) => ({
            indicatorId: c.indicator_id,
            target: c.target ?? c.specification_target ?? '',
          })),
          monitoringLevel: monitoring.level,
          monitoringFrequency: monitoring.frequency,
          monitoringPlan: planText(monitoring.level),
        } satisfies AwardInput,
      });
    },

    context,

    /**
     * The award, its payments and targets; then the opportunity is awarded if this was the last one waiting. The
     * opportunity's row is held throughout, so a cancellation at the same moment comes first or after.
     */
    async create(
      actor: Actor,
      slug: string,
      reference: string,
      input: AwardInput,
      once?: Once,
    ): Promise<Done<{ slug: string }> | Refusal> {
      const ctx = await context(actor, slug, reference, !!once);
      if ('ok' in ctx) return ctx;
      const issues = awardIssues(input, new Set(ctx.application.commitments.map((c) => c.indicator_id)));
      if (issues.length) return refusal(400, 'Check the award', { issues });
      const application = ctx.application.application;
      return mutate(
        async (trx, effects) => {
          const o = await q.lockOpportunity(trx, ctx.opportunity.id);
          if (!o || o.status === 'cancelled')
            return refusal(409, 'This opportunity was cancelled, so no award can be made.');
          const made = await q.awardForApplication(trx, application.id);
          if (made) return alreadyAwarded(made.slug);
          const now = new Date();
          const awardSlug = await freeSlug(input.title, trx);
          const id = await q.insertAward(trx, {
            ...input,
            slug: awardSlug,
            opportunityId: o.id,
            lotId: application.lot_id,
            applicationId: application.id,
            awardedBy: actor.id,
            isDemo: o.is_demo,
          });
          const awarded = await settleOpportunity(actor, o.id, trx, now);
          effects.audit({
            userId: actor.id,
            action: 'award.made',
            entityType: 'award',
            entityId: id,
            detail: {
              slug: awardSlug,
              application: reference,
              valuePence: input.valuePence,
              opportunityAwarded: awarded,
            },
          });
          return done({ slug: awardSlug });
        },
        { once },
      );
    },
  };
}

export type AwardService = ReturnType<typeof createAwardService>;
