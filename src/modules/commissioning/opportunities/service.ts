import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { OpportunityStatus } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { createMutate } from '../../../kernel/mutation.ts';
import type { AuditService } from '../../audit/service.ts';
import type { OrganisationService } from '../../organisations/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { sizeBands } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import type { SpecificationService } from '../specifications/service.ts';
import { type ApplicationsPort, createChanges } from './changes.ts';
import { createClarifications } from './clarifications.ts';
import { createDrafting } from './drafting.ts';
import { isPublished } from './lifecycle.ts';
import { routeLabel, serviceAreaLabel, withPhase } from './present.ts';
import * as list from './queries/list.ts';
import * as parts from './queries/parts.ts';
import * as records from './queries/records.ts';
import { createReader, type FullOpportunity } from './reading.ts';
import { largestAward, londonTime, lotWithinReach, yearlyPence } from './rules.ts';

// Opportunities: drafted from a ready specification, published, listed and searched, asked about, and moved through
// their lifecycle (lifecycle.ts) by `transition` alone. This file wires the parts and answers the reads.

export type { ApplicationsPort, TransitionContext } from './changes.ts';
export type { CriterionInput, DetailsInput, LotInput, QuestionInput } from './drafting.ts';

export type Filters = Omit<list.ListFilters, 'closingBefore'> & {
  /** A day, `YYYY-MM-DD`: closing before the start of that day in London. */
  closingBefore?: string | undefined;
};

export const PAGE_SIZE = 20;

export type OpportunityDeps = {
  db: Database;
  config: Config;
  place: PlaceConfig;
  audit: AuditService;
  outbox: OutboxService;
  specifications: SpecificationService;
  organisations: Pick<OrganisationService, 'isApprovedMember'>;
  applications: ApplicationsPort;
};

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createOpportunityService(deps: OpportunityDeps) {
  const { db, place } = deps;
  const share = place.commissioning.lotReach.maxShareOfAnnualIncome;
  const mutate = createMutate({ db, audit: deps.audit, outbox: deps.outbox });
  const read = createReader(db);
  const changes = createChanges({ ...deps, mutate, read });

  /** For each lot and size band: how many eligible organisations there are and whether the lot is within reach. */
  async function reach(o: FullOpportunity) {
    const rows = await list.eligibleBySize(
      db,
      o.service_area,
      o.wards.map((w) => w.code),
    );
    const counts = Object.fromEntries(rows.map((r) => [r.size_band, Number(r.n)]));
    const lots = o.lots.map((lot) => {
      const award = largestAward(lot, o);
      const yearly = yearlyPence(award, o.duration_months);
      const bands = sizeBands.map((band) => ({
        code: band.code,
        label: band.label,
        eligible: counts[band.code] ?? 0,
        withinReach: lotWithinReach(lot, yearly, band, share),
      }));
      return { ...lot, yearlyPence: yearly, perAward: award < lot.value_pence, bands };
    });
    const smallOrMedium = (b: { code: string }) => b.code === 'small' || b.code === 'medium';
    const reachesSmallOrMedium = lots.some((l) => l.bands.some((b) => smallOrMedium(b) && b.withinReach));
    // Only worth a warning once there are lots to judge.
    return {
      lots,
      share,
      sharePercent: Math.round(share * 100),
      warnNoSmallOrMedium: lots.length > 0 && !reachesSmallOrMedium,
    };
  }

  async function listRows(base: 'published' | 'drafts', filters: Filters, page: number, now: Date) {
    const closingBefore = filters.closingBefore ? londonTime(filters.closingBefore, '00:00') : undefined;
    const found = await list.listPage(
      db,
      base,
      { ...filters, closingBefore },
      { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      now,
    );
    return { total: found.total, rows: found.rows.map((r) => listRow(r, now)) };
  }

  const summary = <T extends { status: OpportunityStatus; closes_at: Date; total_value_pence: number | string }>(
    r: T,
    now: Date,
  ) => ({ ...r, total_value_pence: Number(r.total_value_pence), ...withPhase(r, now) });

  return {
    ...changes,
    ...createDrafting({ mutate, read, place, specifications: deps.specifications }),
    ...createClarifications({ db, config: deps.config, mutate, read, organisations: deps.organisations }),

    /** The opportunity by its web address, with lots, wards, questions, criteria and documents; drafts included. */
    bySlug: (slug: string) => read.full({ slug }),

    /** The same, by id. */
    byId: (id: string) => read.full({ id }),

    /** The opportunity for someone allowed to see it: a draft only for staff. */
    viewable: (actor: Actor | null, slug: string) => read.viewable(actor, { slug }),

    reach,

    /**
     * Holds the opportunity against a change of state until `trx` ends: a submission holds it, so that a cancellation
     * arriving at the same moment goes before or after, never between its check and its write.
     */
    async holdForShare(id: string, trx: Database) {
      if (isUuid(id)) await records.shareLock(trx, id);
    },

    /** What the publish page shows: what is missing, and how the lots reach small organisations. */
    async publishCheck(actor: Actor, slug: string) {
      const check = await changes.publishCheck(actor, slug);
      return check.ok ? { ...check, reach: await reach(check.opportunity) } : check;
    },

    /** The opportunities created from a specification, oldest first. */
    async forSpecification(specificationId: string, now = new Date()) {
      if (!isUuid(specificationId)) return [];
      return (await list.madeFromSpecification(db, specificationId, now)).map((r) => summary(r, now));
    },

    /** The opportunities answering a needs assessment, through its specifications. */
    async forNeed(needsAssessmentId: string, now = new Date()) {
      if (!isUuid(needsAssessmentId)) return [];
      return (await list.answeringNeed(db, needsAssessmentId, now)).map((r) => summary(r, now));
    },

    /** Published opportunities for everyone, open first and closing soonest. */
    search: (filters: Filters, page = 1, now = new Date()) => listRows('published', filters, page, now),

    async drafts(actor: Actor, page = 1) {
      if (!isStaff(actor)) return { rows: [], total: 0 };
      return listRows('drafts', {}, page, new Date());
    },

    /** The most recently published opportunities, newest first, for the Atom feed. */
    async feed(limit = 50, now = new Date()) {
      const rows = await list.latestPublished(db, limit, now);
      return rows.map((r) => ({ ...summary(r, now), status: r.phase, routeLabel: routeLabel(r.route) }));
    },

    /** A document with its bytes, for someone allowed to see the opportunity. */
    async document(actor: Actor | null, slug: string, documentId: string) {
      if (!isUuid(documentId)) return undefined;
      const o = await read.row({ slug });
      if (!o || (!isPublished(o) && !isStaff(actor))) return undefined;
      return parts.documentOf(db, o.id, documentId);
    },
  };
}

type ListedRow = Awaited<ReturnType<typeof list.listPage>>['rows'][number];

function listRow(r: ListedRow, now: Date) {
  const { phase, statusLabel } = withPhase(r, now);
  return {
    id: r.id,
    slug: r.slug,
    ocid: r.ocid,
    title: r.title,
    summary: r.summary,
    route: r.route,
    routeLabel: routeLabel(r.route),
    service_area: r.service_area,
    serviceAreaLabel: serviceAreaLabel(r.service_area),
    total_value_pence: Number(r.total_value_pence),
    closes_at: r.closes_at,
    published_at: r.published_at,
    updated_at: r.updated_at,
    cancelled_at: r.cancelled_at,
    status: phase,
    statusLabel,
    lotCount: Number(r.lot_count ?? 0),
    suitsSmall: Number(r.small_lots ?? 0) > 0,
  };
}

export type OpportunityService = ReturnType<typeof createOpportunityService>;
