import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus, DB, OpportunityRoute, OpportunityStatus, Role } from '../../../db/schema.ts';
import { formatDate } from '../../../kernel/dates.ts';
import { slugify } from '../../../web/slugs.ts';
import type { AuditService } from '../../audit/service.ts';
import { checkDocument } from '../../needs/evidence.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { labelFor, serviceAreas, sizeBands } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import type { Missing } from '../specifications/framework.ts';
import type { SpecificationService } from '../specifications/service.ts';
import * as emails from './emails.ts';
import {
  acceptsClarifications,
  afterDecisions,
  canMove,
  mayMove,
  opportunityPhase,
  opportunityStatusLabels,
  opportunityTransitions,
} from './lifecycle.ts';
import * as q from './queries.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
/** A refusal the web layer turns into a page: 400 bad input, 403 not allowed, 404 not found, 409 not in this state. */
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

const STAFF: readonly Role[] = ['officer', 'commissioner', 'admin'];
export const isStaff = (actor: { role: Role } | null | undefined) => !!actor && STAFF.includes(actor.role);

export const routes: { code: OpportunityRoute; label: string; hint: string }[] = [
  { code: 'grant', label: 'Grant', hint: 'Funding given for the outcomes, under a grant agreement.' },
  {
    code: 'light_touch_contract',
    label: 'Contract under the light-touch regime',
    hint: 'A contract for social and other specific services, under the light-touch rules of the Procurement Act 2023.',
  },
  {
    code: 'partnership_agreement',
    label: 'Partnership or alliance agreement',
    hint: 'Organisations agree to work together, and with the council, on shared outcomes.',
  },
];
export const routeLabel = (code: string) => routes.find((r) => r.code === code)?.label ?? code;

export { acceptsClarifications } from './lifecycle.ts';
export const statusLabels = opportunityStatusLabels;
/** An open opportunity whose closing time has passed reads as closed: the lifecycle's phase. */
export const effectiveStatus = opportunityPhase;

/** A lot's value over one year: value ÷ duration in years, in pence. */
export const yearlyPence = (valuePence: number, durationMonths: number) =>
  Math.round((valuePence * 12) / durationMonths);

/**
 * A lot is within reach of a size band when its yearly value is at most the configured share of the top income of
 * the band: an organisation should not have to more than double itself, say, to deliver it.
 */
export function withinReach(yearly: number, band: (typeof sizeBands)[number], share: number): boolean {
  if (!Number.isFinite(band.maxPounds)) return true;
  return yearly <= share * band.maxPounds * 100;
}

export type DetailsInput = {
  title: string;
  summary: string;
  route: OpportunityRoute;
  serviceArea: string | null;
  wards: string[];
  totalValuePence: number;
  durationMonths: number;
  eligibility: string;
  clarificationsCloseAt: Date | null;
  closesAt: Date;
  decisionExpectedOn: string | null;
  serviceStartsOn: string | null;
};
export type LotInput = { number: number; title: string; description: string; valuePence: number; suitsSmall: boolean };
export type QuestionInput = { prompt: string; guidance: string; wordLimit: number | null };
export type CriterionInput = { title: string; description: string; weight: number; maxScore: number };
export type Filters = {
  route?: OpportunityRoute | undefined;
  serviceArea?: string | undefined;
  ward?: string | undefined;
  minPence?: number | undefined;
  maxPence?: number | undefined;
  closingBefore?: string | undefined;
  suitsSmall?: boolean | undefined;
  /** As people see it (an open one past its closing time is closed); without it, cancelled ones are left out. */
  status?: Exclude<OpportunityStatus, 'draft'> | undefined;
};

/**
 * What opportunities asks of applications: who to tell when one is cancelled, and how its applications were decided.
 * Given when the services are wired, so that only applications imports the other (dependencies run one way).
 */
export type ApplicationsPort = {
  waitingOn(
    opportunityId: string,
    trx?: Database,
  ): Promise<{ reference: string; people: { email: string; name: string }[] }[]>;
  assessedOn(opportunityId: string, trx?: Database): Promise<{ status: ApplicationStatus }[]>;
};

export type TransitionContext = {
  actor?: Actor;
  now?: Date;
  reason?: string;
  /** More for the audit entry, such as what was published. */
  detail?: Record<string, unknown>;
};

const moveVerbs: Record<OpportunityStatus, string> = {
  draft: 'go back to draft',
  open: 'be published',
  closed: 'close',
  awarded: 'be marked awarded',
  unsuccessful: 'end with no award',
  cancelled: 'be cancelled',
};
const opportunityTransitionAudit = (to: Exclude<OpportunityStatus, 'draft'>) => opportunityTransitions[to].audit;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = { ok: false, status: 404, message: 'There is no such opportunity.' } as const;
const notDraft = {
  ok: false,
  status: 409,
  message: 'This opportunity has been published, so its details can no longer be changed.',
} as const;
const staffOnly = { ok: false, status: 403, message: 'Only commissioners and officers can do this.' } as const;

// Words that are pages under /opportunities, never an opportunity.
const RESERVED = new Set(['drafts', 'new']);
export const PAGE_SIZE = 20;

export function createOpportunityService({
  db,
  config,
  place,
  audit,
  outbox,
  specifications,
  applications,
}: {
  db: Database;
  config: Config;
  place: PlaceConfig;
  audit: AuditService;
  outbox: OutboxService;
  specifications: SpecificationService;
  applications: ApplicationsPort;
}) {
  const share = place.commissioning.lotReach.maxShareOfAnnualIncome;

  async function freeSlug(title: string, trx: Database): Promise<string> {
    const base = slugify(title, 'opportunity');
    for (let n = 1; n < 10_000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (RESERVED.has(candidate)) continue;
      const taken = await trx.selectFrom('opportunity').select('id').where('slug', '=', candidate).executeTakeFirst();
      if (!taken) return candidate;
    }
    throw new Error(`No free web address for "${title}"`);
  }

  async function row(where: { slug: string } | { id: string }, trx: Database = db) {
    if ('id' in where && !UUID.test(where.id)) return undefined;
    const q = trx.selectFrom('opportunity').selectAll();
    return ('id' in where ? q.where('id', '=', where.id) : q.where('slug', '=', where.slug)).executeTakeFirst();
  }

  /** The opportunity with its lots, wards, questions, criteria and documents (without their bytes). */
  async function full(where: { slug: string } | { id: string }, trx: Database = db, now = new Date()) {
    const o = await row(where, trx);
    if (!o) return undefined;
    const [lots, wards, questions, criteria, documents, spec] = await Promise.all([
      trx.selectFrom('lot').selectAll().where('opportunity_id', '=', o.id).orderBy('number').execute(),
      trx
        .selectFrom('opportunity_ward as w')
        .innerJoin('ward', 'ward.code', 'w.ward_code')
        .select(['ward.code', 'ward.name'])
        .where('w.opportunity_id', '=', o.id)
        .orderBy('ward.position')
        .execute(),
      trx
        .selectFrom('opportunity_question')
        .selectAll()
        .where('opportunity_id', '=', o.id)
        .orderBy('position')
        .execute(),
      trx
        .selectFrom('assessment_criterion')
        .selectAll()
        .where('opportunity_id', '=', o.id)
        .orderBy('position')
        .execute(),
      trx
        .selectFrom('opportunity_document')
        .select(['id', 'title', 'file_name', 'file_type', 'file_size', 'created_at'])
        .where('opportunity_id', '=', o.id)
        .orderBy('created_at')
        .execute(),
      trx
        .selectFrom('specification')
        .select(['id', 'slug', 'title', 'status', 'needs_assessment_id'])
        .where('id', '=', o.specification_id)
        .executeTakeFirstOrThrow(),
    ]);
    const status = effectiveStatus(o, now);
    return {
      ...o,
      total_value_pence: Number(o.total_value_pence),
      effectiveStatus: status,
      statusLabel: statusLabels[status],
      routeLabel: routeLabel(o.route),
      serviceAreaLabel: o.service_area ? labelFor(serviceAreas, o.service_area) : null,
      lots: lots.map((l) => ({ ...l, value_pence: Number(l.value_pence) })),
      suitsSmall: lots.some((l) => l.suits_small),
      totalWeight: criteria.reduce((s, c) => s + c.weight, 0),
      wards,
      questions,
      criteria,
      documents,
      specification: spec,
    };
  }
  type Full = NonNullable<Awaited<ReturnType<typeof full>>>;

  /** Only staff see a draft; everyone else is told there is no such page. */
  async function viewable(actor: Actor | null, slug: string) {
    const o = await full({ slug });
    if (!o || (o.status === 'draft' && !isStaff(actor))) return undefined;
    return o;
  }

  async function editable(actor: Actor, slug: string, trx: Database) {
    if (!isStaff(actor)) return { refusal: staffOnly as Refusal };
    const o = await row({ slug }, trx);
    if (!o) return { refusal: notFound as Refusal };
    if (o.status !== 'draft') return { refusal: notDraft as Refusal };
    return { o };
  }

  async function touch(id: string, trx: Database) {
    await trx.updateTable('opportunity').set({ updated_at: new Date() }).where('id', '=', id).execute();
  }

  async function checkWards(wards: string[], trx: Database): Promise<Refusal | null> {
    if (!wards.length) return null;
    const found = await trx.selectFrom('ward').select('code').where('code', 'in', wards).execute();
    if (found.length !== new Set(wards).size) {
      const message = 'Select wards from the list';
      return { ok: false, status: 400, message, issues: [{ field: 'wards', message }] };
    }
    return null;
  }

  async function writeDetails(trx: Database, id: string, input: DetailsInput) {
    await trx
      .updateTable('opportunity')
      .set({
        title: input.title,
        summary: input.summary,
        route: input.route,
        service_area: input.serviceArea,
        total_value_pence: input.totalValuePence,
        duration_months: input.durationMonths,
        eligibility: input.eligibility,
        clarifications_close_at: input.clarificationsCloseAt,
        closes_at: input.closesAt,
        decision_expected_on: input.decisionExpectedOn,
        service_starts_on: input.serviceStartsOn,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('opportunity_ward').where('opportunity_id', '=', id).execute();
    const wards = [...new Set(input.wards)];
    if (wards.length) {
      await trx
        .insertInto('opportunity_ward')
        .values(wards.map((ward_code) => ({ opportunity_id: id, ward_code })))
        .execute();
    }
  }

  const auditDetails = (input: DetailsInput) => ({
    ...input,
    clarificationsCloseAt: input.clarificationsCloseAt?.toISOString() ?? null,
    closesAt: input.closesAt.toISOString(),
  });

  /**
   * How many local organisations could bid, by size band: active and listed in the directory, with a known income,
   * working in the opportunity's service area and in at least one of its wards when these are set.
   */
  async function eligibleBySize(o: { service_area: string | null; wards: { code: string }[] }) {
    let q = db
      .selectFrom('organisation as org')
      .select(['org.size_band', ({ fn }) => fn.countAll<number>().as('n')])
      .where('org.status', '=', 'active')
      .where('org.listed', '=', true)
      .where('org.size_band', 'is not', null);
    if (o.service_area) {
      const code = o.service_area;
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('organisation_classification as c')
            .select('c.organisation_id')
            .whereRef('c.organisation_id', '=', 'org.id')
            .where('c.list', '=', 'service_area')
            .where('c.code', '=', code),
        ),
      );
    }
    if (o.wards.length) {
      const codes = o.wards.map((w) => w.code);
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('organisation_ward as w')
            .select('w.organisation_id')
            .whereRef('w.organisation_id', '=', 'org.id')
            .where('w.ward_code', 'in', codes),
        ),
      );
    }
    const rows = await q.groupBy('org.size_band').execute();
    return Object.fromEntries(sizeBands.map((b) => [b.code, Number(rows.find((r) => r.size_band === b.code)?.n ?? 0)]));
  }

  /** For each lot and size band: how many eligible organisations there are and whether the lot is within reach. */
  async function reach(o: Full) {
    const counts = await eligibleBySize(o);
    const lots = o.lots.map((lot) => {
      const yearly = yearlyPence(lot.value_pence, o.duration_months);
      return {
        ...lot,
        yearlyPence: yearly,
        bands: sizeBands.map((band) => ({
          code: band.code,
          label: band.label,
          eligible: counts[band.code] ?? 0,
          withinReach: withinReach(yearly, band, share),
        })),
      };
    });
    const reachesSmallOrMedium = lots.some((l) =>
      l.bands.some((b) => (b.code === 'small' || b.code === 'medium') && b.withinReach),
    );
    return {
      lots,
      share,
      sharePercent: Math.round(share * 100),
      // Only worth a warning once there are lots to judge.
      warnNoSmallOrMedium: lots.length > 0 && !reachesSmallOrMedium,
    };
  }

  /** What stops a draft being published, in words for the person publishing it, each linked to where to fix it. */
  async function missingForPublication(o: Full, trx: Database, now = new Date()): Promise<Missing[]> {
    const missing: Missing[] = [];
    const spec = await specifications.readinessOf(o.specification_id, trx);
    if (spec.length) {
      missing.push({
        text: `The specification is not ready: ${spec.map((m) => m.text.replace(/\.$/, '')).join('; ')}`,
        href: `/specifications/${o.specification.slug}#publish`,
      });
    }
    if (!o.lots.length) missing.push({ text: 'Add at least one lot', href: `/opportunities/${o.slug}/lots/new` });
    else {
      const sum = o.lots.reduce((s, l) => s + l.value_pence, 0);
      if (sum !== o.total_value_pence) {
        missing.push({
          text: `The lots add up to ${pounds(sum)} but the total value is ${pounds(o.total_value_pence)}: change the lots or the total value`,
          href: `/opportunities/${o.slug}#lots`,
        });
      }
    }
    if (!o.questions.length) {
      missing.push({ text: 'Add at least one application question', href: `/opportunities/${o.slug}/questions` });
    }
    const weights = o.criteria.reduce((s, c) => s + c.weight, 0);
    if (weights !== 100) {
      missing.push({
        text: o.criteria.length
          ? `The assessment criteria weights add up to ${weights}%: they must add up to 100%`
          : 'Add assessment criteria whose weights add up to 100%',
        href: `/opportunities/${o.slug}/criteria`,
      });
    }
    if (new Date(o.closes_at).getTime() <= now.getTime()) {
      missing.push({
        text: 'Change the closing date to a date in the future',
        href: `/opportunities/${o.slug}/details`,
      });
    }
    return missing;
  }

  async function listRows(
    base: 'published' | 'drafts',
    filters: Filters,
    page: number,
    now: Date,
  ): Promise<{ rows: ListRow[]; total: number }> {
    let q = db.selectFrom('opportunity as o');
    if (base === 'drafts') q = q.where('o.status', '=', 'draft');
    else q = q.where('o.status', '!=', 'draft').where('o.published_at', 'is not', null);
    // The same reading as effectiveStatus: an open one past its closing time counts as closed.
    if (filters.status === 'open') q = q.where('o.status', '=', 'open').where('o.closes_at', '>', now);
    else if (filters.status === 'closed') {
      q = q.where((eb) =>
        eb.or([eb('o.status', '=', 'closed'), eb.and([eb('o.status', '=', 'open'), eb('o.closes_at', '<=', now)])]),
      );
    } else if (filters.status) q = q.where('o.status', '=', filters.status);
    else if (base === 'published') q = q.where('o.status', '!=', 'cancelled');
    if (filters.route) q = q.where('o.route', '=', filters.route);
    if (filters.serviceArea) q = q.where('o.service_area', '=', filters.serviceArea);
    if (filters.ward) {
      // An opportunity for the whole borough (no wards named) covers every ward.
      const ward = filters.ward;
      const wardsOf = (eb: ExpressionBuilder<DB & { o: DB['opportunity'] }, 'o'>) =>
        eb.selectFrom('opportunity_ward as w').select('w.opportunity_id').whereRef('w.opportunity_id', '=', 'o.id');
      q = q.where((eb) =>
        eb.or([eb.exists(wardsOf(eb).where('w.ward_code', '=', ward)), eb.not(eb.exists(wardsOf(eb)))]),
      );
    }
    if (filters.minPence !== undefined) q = q.where('o.total_value_pence', '>=', filters.minPence);
    if (filters.maxPence !== undefined) q = q.where('o.total_value_pence', '<=', filters.maxPence);
    if (filters.closingBefore) {
      // Closing before the date means closing before the start of that day in London.
      q = q.where('o.closes_at', '<', londonTime(filters.closingBefore, '00:00'));
    }
    if (filters.suitsSmall) {
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('lot as l')
            .select('l.id')
            .whereRef('l.opportunity_id', '=', 'o.id')
            .where('l.suits_small', '=', true),
        ),
      );
    }
    const counted = await q.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll('o')
      .select(({ selectFrom }) =>
        selectFrom('lot as l')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .whereRef('l.opportunity_id', '=', 'o.id')
          .where('l.suits_small', '=', true)
          .as('small_lots'),
      )
      .select(({ selectFrom }) =>
        selectFrom('lot as l')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .whereRef('l.opportunity_id', '=', 'o.id')
          .as('lot_count'),
      )
      // Open ones first (an open one past its closing time is closed), closing soonest first.
      .orderBy(({ eb }) =>
        eb
          .case()
          .when(eb.and([eb('o.status', '=', 'open'), eb('o.closes_at', '>', now)]))
          .then(0)
          .else(1)
          .end(),
      )
      .orderBy('o.closes_at', 'asc')
      .orderBy('o.title')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute();
    return {
      total: Number(counted.n),
      rows: rows.map((r) => {
        const status = effectiveStatus(r, now);
        return {
          id: r.id,
          slug: r.slug,
          ocid: r.ocid,
          title: r.title,
          summary: r.summary,
          route: r.route,
          routeLabel: routeLabel(r.route),
          service_area: r.service_area,
          serviceAreaLabel: r.service_area ? labelFor(serviceAreas, r.service_area) : null,
          total_value_pence: Number(r.total_value_pence),
          closes_at: r.closes_at,
          published_at: r.published_at,
          updated_at: r.updated_at,
          cancelled_at: r.cancelled_at,
          status,
          statusLabel: statusLabels[status],
          lotCount: Number(r.lot_count ?? 0),
          suitsSmall: Number(r.small_lots ?? 0) > 0,
        };
      }),
    };
  }

  /** Why this opportunity cannot be cancelled, or null when it can: published, with no award and no final outcome. */
  async function cannotCancel(o: { id: string; status: OpportunityStatus; cancelled_at: Date | null }, trx: Database) {
    const refused = (message: string) => ({ ok: false, status: 409, message }) as const;
    if (o.status === 'draft') {
      return refused(
        'This opportunity is a draft, so only staff can see it and there is nothing to cancel. Change its details instead.',
      );
    }
    if (o.status === 'cancelled') {
      return refused(
        `This opportunity was already cancelled on ${longDate.format(new Date(o.cancelled_at ?? Date.now()))}.`,
      );
    }
    if (o.status === 'unsuccessful') {
      return refused('Every application to this opportunity was unsuccessful and no award was made, so it has ended.');
    }
    const award = await trx
      .selectFrom('award')
      .select('id')
      .where('opportunity_id', '=', o.id)
      .where('status', '!=', 'cancelled')
      .executeTakeFirst();
    if (o.status === 'awarded' || award) {
      return refused('An award has been made for this opportunity, so it can no longer be cancelled.');
    }
    return null;
  }

  /**
   * The one way an opportunity changes state: the row locked, the move checked against the machine and the actor,
   * the status written with the columns that go with it, and audited. Runs in `trx` when given (another module's
   * transaction), or in its own.
   */
  async function transition(
    id: string,
    to: OpportunityStatus,
    ctx: TransitionContext = {},
    trx: Database = db,
  ): Promise<Done<{ from: OpportunityStatus; slug: string }> | Refusal> {
    const run = async (t: Database): Promise<Done<{ from: OpportunityStatus; slug: string }> | Refusal> => {
      if (!UUID.test(id)) return notFound;
      const o = await q.lockOpportunity(t, id);
      if (!o) return notFound;
      if (to === 'draft' || !canMove(o.status, to)) {
        const verb = moveVerbs[to];
        const message = `This opportunity is ${opportunityStatusLabels[o.status].toLowerCase()}, so it cannot ${verb}.`;
        return { ok: false, status: 409, message };
      }
      if (!mayMove(to, ctx.actor)) return staffOnly;
      const now = ctx.now ?? new Date();
      const by = ctx.actor?.id ?? null;
      const columns: q.StatusColumns =
        to === 'open'
          ? { published_at: now, published_by: by }
          : to === 'cancelled'
            ? { cancelled_at: now, cancelled_by: by, cancellation_reason: ctx.reason ?? '' }
            : {};
      await q.writeStatus(t, id, to, columns, now);
      await audit.record(
        {
          userId: by,
          action: opportunityTransitionAudit(to),
          entityType: 'opportunity',
          entityId: id,
          detail: {
            slug: o.slug,
            ocid: o.ocid,
            from: o.status,
            ...(ctx.reason ? { reason: ctx.reason } : {}),
            ...ctx.detail,
          },
        },
        t,
      );
      return { ok: true, from: o.status, slug: o.slug };
    };
    return trx === db ? db.transaction().execute(run) : run(trx);
  }

  return {
    transition,

    /** The opportunities with clarification questions waiting for an answer, and how many: for the staff home. */
    async unansweredClarifications() {
      return q.waitingQuestions(db);
    },

    /** The opportunity by its web address, with lots, wards, questions, criteria and documents; drafts included. */
    async bySlug(slug: string) {
      return full({ slug });
    },

    /** The same, by id. */
    async byId(id: string) {
      return full({ id });
    },

    /** The opportunities created from a specification, oldest first. */
    async forSpecification(specificationId: string) {
      if (!UUID.test(specificationId)) return [];
      const rows = await db
        .selectFrom('opportunity')
        .select(['id', 'slug', 'ocid', 'title', 'status', 'closes_at', 'published_at', 'total_value_pence'])
        .where('specification_id', '=', specificationId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        ...r,
        total_value_pence: Number(r.total_value_pence),
        statusLabel: statusLabels[effectiveStatus(r)],
        effectiveStatus: effectiveStatus(r),
      }));
    },

    /** The opportunities answering a needs assessment, through its specifications. */
    async forNeed(needsAssessmentId: string) {
      if (!UUID.test(needsAssessmentId)) return [];
      const rows = await db
        .selectFrom('opportunity as o')
        .innerJoin('specification as s', 's.id', 'o.specification_id')
        .select([
          'o.id',
          'o.slug',
          'o.ocid',
          'o.title',
          'o.status',
          'o.closes_at',
          'o.published_at',
          'o.total_value_pence',
          's.slug as specification_slug',
        ])
        .where('s.needs_assessment_id', '=', needsAssessmentId)
        .orderBy('o.created_at')
        .execute();
      return rows.map((r) => ({
        ...r,
        total_value_pence: Number(r.total_value_pence),
        statusLabel: statusLabels[effectiveStatus(r)],
        effectiveStatus: effectiveStatus(r),
      }));
    },

    viewable,
    reach,

    /** The specification an opportunity is created from, and what it still lacks. */
    async fromSpecification(actor: Actor, specSlug: string) {
      if (!isStaff(actor)) return staffOnly;
      const found = await specifications.readiness(specSlug);
      if (!found) return { ok: false, status: 404, message: 'There is no such specification.' } as const;
      return { ok: true as const, spec: found.spec, missing: found.missing };
    },

    async create(
      actor: Actor,
      specSlug: string,
      input: DetailsInput,
    ): Promise<Done<{ slug: string }> | (Refusal & { missing?: Missing[] })> {
      if (!isStaff(actor)) return staffOnly;
      return db.transaction().execute(async (trx) => {
        const found = await specifications.readiness(specSlug, trx);
        if (!found) return { ok: false, status: 404, message: 'There is no such specification.' } as const;
        if (found.missing.length) {
          return {
            ok: false,
            status: 400,
            message: 'An opportunity can only be created from a specification that is ready',
            missing: found.missing,
          } as const;
        }
        const bad = await checkWards(input.wards, trx);
        if (bad) return bad;
        const id = randomUUID();
        const slug = await freeSlug(input.title, trx);
        const ocid = `${place.commissioning.ocdsPrefix}-${id}`;
        await trx
          .insertInto('opportunity')
          .values({
            id,
            slug,
            ocid,
            specification_id: found.spec.id,
            title: input.title,
            route: input.route,
            total_value_pence: input.totalValuePence,
            duration_months: input.durationMonths,
            closes_at: input.closesAt,
            created_by: actor.id,
          })
          .execute();
        await writeDetails(trx, id, input);
        await audit.record(
          {
            userId: actor.id,
            action: 'opportunity.created',
            entityType: 'opportunity',
            entityId: id,
            detail: { slug, ocid, specification: specSlug, ...auditDetails(input) },
          },
          trx,
        );
        return { ok: true, slug };
      });
    },

    async updateDetails(actor: Actor, slug: string, input: DetailsInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const bad = await checkWards(input.wards, trx);
        if (bad) return bad;
        await writeDetails(trx, found.o.id, input);
        await audit.record(
          {
            userId: actor.id,
            action: 'opportunity.updated',
            entityType: 'opportunity',
            entityId: found.o.id,
            detail: { slug, ...auditDetails(input) },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async saveLot(actor: Actor, slug: string, lotId: string | null, input: LotInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const { o } = found;
        if (lotId !== null) {
          const lot = UUID.test(lotId)
            ? await trx
                .selectFrom('lot')
                .select('id')
                .where('id', '=', lotId)
                .where('opportunity_id', '=', o.id)
                .executeTakeFirst()
            : undefined;
          if (!lot) return { ok: false, status: 404, message: 'There is no such lot.' } as const;
        }
        let clash = trx
          .selectFrom('lot')
          .select('id')
          .where('opportunity_id', '=', o.id)
          .where('number', '=', input.number);
        if (lotId) clash = clash.where('id', '!=', lotId);
        if (await clash.executeTakeFirst()) {
          const message = `There is already a lot ${input.number}: choose another number`;
          return { ok: false, status: 400, message, issues: [{ field: 'number', message }] } as const;
        }
        const values = {
          number: input.number,
          title: input.title,
          description: input.description,
          value_pence: input.valuePence,
          suits_small: input.suitsSmall,
        };
        let id = lotId;
        if (id) await trx.updateTable('lot').set(values).where('id', '=', id).execute();
        else {
          id = (
            await trx
              .insertInto('lot')
              .values({ ...values, opportunity_id: o.id })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
        }
        await touch(o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: lotId ? 'lot.updated' : 'lot.created',
            entityType: 'lot',
            entityId: id,
            detail: { opportunity: slug, ...input },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async removeLot(actor: Actor, slug: string, lotId: string): Promise<Done | Refusal> {
      return removeChild(actor, slug, 'lot', lotId, 'There is no such lot.');
    },

    /** Changes a question in place, keeping its position. */
    async updateQuestion(
      actor: Actor,
      slug: string,
      questionId: string,
      input: QuestionInput,
    ): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const updated = UUID.test(questionId)
          ? await trx
              .updateTable('opportunity_question')
              .set({ prompt: input.prompt, guidance: input.guidance, word_limit: input.wordLimit })
              .where('id', '=', questionId)
              .where('opportunity_id', '=', found.o.id)
              .returning('id')
              .executeTakeFirst()
          : undefined;
        if (!updated) return { ok: false, status: 404, message: 'There is no such question.' } as const;
        await touch(found.o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'opportunity_question.updated',
            entityType: 'opportunity_question',
            entityId: questionId,
            detail: { opportunity: slug, ...input },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async addQuestion(actor: Actor, slug: string, input: QuestionInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const last = await trx
          .selectFrom('opportunity_question')
          .select(({ fn }) => fn.max('position').as('p'))
          .where('opportunity_id', '=', found.o.id)
          .executeTakeFirst();
        const row = await trx
          .insertInto('opportunity_question')
          .values({
            opportunity_id: found.o.id,
            position: Number(last?.p ?? -1) + 1,
            prompt: input.prompt,
            guidance: input.guidance,
            word_limit: input.wordLimit,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await touch(found.o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'opportunity_question.created',
            entityType: 'opportunity_question',
            entityId: row.id,
            detail: { opportunity: slug, ...input },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async removeQuestion(actor: Actor, slug: string, questionId: string): Promise<Done | Refusal> {
      return removeChild(actor, slug, 'opportunity_question', questionId, 'There is no such question.');
    },

    async addCriterion(actor: Actor, slug: string, input: CriterionInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const existing = await trx
          .selectFrom('assessment_criterion')
          .select(['weight', 'position'])
          .where('opportunity_id', '=', found.o.id)
          .execute();
        const total = existing.reduce((s, c) => s + c.weight, 0);
        if (total + input.weight > 100) {
          const message = `The weights would add up to ${total + input.weight}%: the weight can be at most ${100 - total}%`;
          return { ok: false, status: 400, message, issues: [{ field: 'weight', message }] } as const;
        }
        const row = await trx
          .insertInto('assessment_criterion')
          .values({
            opportunity_id: found.o.id,
            position: Math.max(-1, ...existing.map((c) => c.position)) + 1,
            title: input.title,
            description: input.description,
            weight: input.weight,
            max_score: input.maxScore,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await touch(found.o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'assessment_criterion.created',
            entityType: 'assessment_criterion',
            entityId: row.id,
            detail: { opportunity: slug, ...input },
          },
          trx,
        );
        return { ok: true };
      });
    },

    /** Changes a criterion in place; the weights may still not add up to more than 100. */
    async updateCriterion(
      actor: Actor,
      slug: string,
      criterionId: string,
      input: CriterionInput,
    ): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const all = await trx
          .selectFrom('assessment_criterion')
          .select(['id', 'weight'])
          .where('opportunity_id', '=', found.o.id)
          .execute();
        if (!all.some((c) => c.id === criterionId)) {
          return { ok: false, status: 404, message: 'There is no such criterion.' } as const;
        }
        const others = all.filter((c) => c.id !== criterionId).reduce((s, c) => s + c.weight, 0);
        if (others + input.weight > 100) {
          const message = `The weights would add up to ${others + input.weight}%: the weight can be at most ${100 - others}%`;
          return { ok: false, status: 400, message, issues: [{ field: 'weight', message }] } as const;
        }
        await trx
          .updateTable('assessment_criterion')
          .set({ title: input.title, description: input.description, weight: input.weight, max_score: input.maxScore })
          .where('id', '=', criterionId)
          .execute();
        await touch(found.o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'assessment_criterion.updated',
            entityType: 'assessment_criterion',
            entityId: criterionId,
            detail: { opportunity: slug, ...input },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async removeCriterion(actor: Actor, slug: string, criterionId: string): Promise<Done | Refusal> {
      return removeChild(actor, slug, 'assessment_criterion', criterionId, 'There is no such criterion.');
    },

    /** A document for bidders, recognised by its content and bounded in size as evidence documents are. */
    async addDocument(
      actor: Actor,
      slug: string,
      input: { title: string; fileName: string; bytes: Uint8Array },
    ): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const title = input.title.trim();
        if (!title || title.length > 200) {
          const message = title ? 'The title must be 200 characters or fewer' : 'Enter a title for the document';
          return { ok: false, status: 400, message, issues: [{ field: 'title', message }] } as const;
        }
        const check = checkDocument(input.fileName, input.bytes);
        if (!check.ok) {
          return {
            ok: false,
            status: 400,
            message: check.message,
            issues: [{ field: 'file', message: check.message }],
          };
        }
        const row = await trx
          .insertInto('opportunity_document')
          .values({
            opportunity_id: found.o.id,
            title,
            file_name: check.fileName,
            file_type: check.mime,
            file_size: input.bytes.length,
            file_data: input.bytes,
            created_by: actor.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await touch(found.o.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'opportunity_document.added',
            entityType: 'opportunity_document',
            entityId: row.id,
            detail: { opportunity: slug, title, fileName: check.fileName, size: input.bytes.length },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async removeDocument(actor: Actor, slug: string, documentId: string): Promise<Done | Refusal> {
      return removeChild(actor, slug, 'opportunity_document', documentId, 'There is no such document.');
    },

    /** A document with its bytes, for someone allowed to see the opportunity. */
    async document(actor: Actor | null, slug: string, documentId: string) {
      if (!UUID.test(documentId)) return undefined;
      const o = await row({ slug });
      if (!o || (o.status === 'draft' && !isStaff(actor))) return undefined;
      return db
        .selectFrom('opportunity_document')
        .select(['file_name', 'file_type', 'file_data'])
        .where('id', '=', documentId)
        .where('opportunity_id', '=', o.id)
        .executeTakeFirst();
    },

    /** What the publish page shows: what is missing, and how the lots reach small organisations. */
    async publishCheck(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await full({ slug });
      if (!o) return notFound;
      return { ok: true as const, opportunity: o, missing: await missingForPublication(o, db), reach: await reach(o) };
    },

    /** Draft → open, only when it is complete; the specification is published with it. */
    async publish(actor: Actor, slug: string, now = new Date()): Promise<Done | (Refusal & { missing?: Missing[] })> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const o = (await full({ id: found.o.id }, trx, now))!;
        const missing = await missingForPublication(o, trx, now);
        if (missing.length) {
          return { ok: false, status: 400, message: 'The opportunity cannot be published yet', missing } as const;
        }
        const moved = await transition(
          o.id,
          'open',
          { actor, now, detail: { totalValuePence: o.total_value_pence, lots: o.lots.length } },
          trx,
        );
        if (!moved.ok) return moved;
        await specifications.markPublished(actor, o.specification_id, trx);
        return { ok: true };
      });
    },

    /** What the cancellation page needs: the opportunity and how many applications and askers will be told. */
    async cancelCheck(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await full({ slug });
      if (!o) return notFound;
      const refusal = await cannotCancel(o, db);
      if (refusal) return refusal;
      const waiting = await applications.waitingOn(o.id);
      return { ok: true as const, opportunity: o, applications: waiting.length };
    },

    /**
     * Open or closed → cancelled, with who, when and why. Everyone with an application still waiting on it, and
     * everyone who asked a clarification question, is told by e-mail in the same transaction; its applications can
     * no longer be changed or submitted.
     */
    async cancel(actor: Actor, slug: string, reason: string, now = new Date()): Promise<Done | Refusal> {
      if (!isStaff(actor)) return staffOnly;
      return db.transaction().execute(async (trx) => {
        // Locked, so that a cancellation and another change of state cannot both go through.
        const found = await q.lockOpportunityBySlug(trx, slug);
        if (!found) return notFound;
        const o = found;
        const refusal = await cannotCancel(o, trx);
        if (refusal) return refusal;
        const link = `${config.baseUrl}/opportunities/${o.slug}`;
        const when = formatDate(now);
        const mails: { to: string; mail: ReturnType<typeof emails.cancelledToAsker> }[] = [];
        const told = new Set<string>();
        const waiting = await applications.waitingOn(o.id, trx);
        for (const a of waiting) {
          const applicationLink = `${config.baseUrl}/applications/${a.reference}`;
          for (const person of a.people) {
            const mail = emails.cancelledToApplicant({
              name: person.name,
              title: o.title,
              when,
              reason,
              reference: a.reference,
              applicationLink,
              link,
            });
            mails.push({ to: person.email, mail });
            told.add(person.email);
          }
        }
        for (const person of await q.askersOf(trx, o.id)) {
          // One e-mail each: an applicant who also asked a question has been told already.
          if (told.has(person.email)) continue;
          mails.push({
            to: person.email,
            mail: emails.cancelledToAsker({ ...person, title: o.title, when, reason, link }),
          });
          told.add(person.email);
        }
        const detail = { applications: waiting.map((a) => a.reference), told: told.size };
        const moved = await transition(o.id, 'cancelled', { actor, now, reason, detail }, trx);
        if (!moved.ok) return moved;
        for (const { to, mail } of mails) await outbox.queue({ to, ...mail }, trx);
        return { ok: true };
      });
    },

    /**
     * After decisions on every application: it stays closed while successful applications wait for their awards;
     * with none successful it ends with no award made (OCDS "unsuccessful") instead of staying closed for ever.
     */
    async settleAfterDecisions(actor: Actor, opportunityId: string, trx: Database, now = new Date()) {
      const o = await q.lockOpportunity(trx, opportunityId);
      if (!o) return;
      const to = afterDecisions(o, await applications.assessedOn(opportunityId, trx));
      if (to) await transition(opportunityId, to, { actor, now }, trx);
    },

    /** Published opportunities for everyone, open first and closing soonest. */
    async search(filters: Filters, page = 1, now = new Date()) {
      return listRows('published', filters, page, now);
    },

    /** The most recently published opportunities, newest first, for the Atom feed. */
    async feed(limit = 50) {
      const rows = await db
        .selectFrom('opportunity')
        .selectAll()
        .where('status', '!=', 'draft')
        .where('published_at', 'is not', null)
        .orderBy('published_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        const status = effectiveStatus(r);
        return {
          ...r,
          status,
          total_value_pence: Number(r.total_value_pence),
          routeLabel: routeLabel(r.route),
          statusLabel: statusLabels[status],
        };
      });
    },

    async drafts(actor: Actor, page = 1) {
      if (!isStaff(actor)) return { rows: [], total: 0 };
      return listRows('drafts', {}, page, new Date());
    },

    /** Whether this person may ask a clarification question: a member of an approved organisation. */
    async canAsk(actor: Actor | null) {
      if (!actor) return false;
      const member = await db
        .selectFrom('membership')
        .select('organisation_id')
        .where('user_id', '=', actor.id)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      return !!member;
    },

    async askClarification(actor: Actor, slug: string, question: string, now = new Date()): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const o = await row({ slug }, trx);
        if (!o || o.status === 'draft') return notFound;
        const member = await trx
          .selectFrom('membership')
          .select('organisation_id')
          .where('user_id', '=', actor.id)
          .where('status', '=', 'approved')
          .executeTakeFirst();
        if (!member) {
          return {
            ok: false,
            status: 403,
            message: 'Only members of an organisation in the directory can ask clarification questions.',
          } as const;
        }
        if (!acceptsClarifications(o, now)) {
          return {
            ok: false,
            status: 409,
            message: 'Clarification questions for this opportunity have closed.',
          } as const;
        }
        const row2 = await trx
          .insertInto('clarification')
          .values({ opportunity_id: o.id, question, asked_by: actor.id, asked_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            userId: actor.id,
            action: 'clarification.asked',
            entityType: 'clarification',
            entityId: row2.id,
            detail: { opportunity: slug },
          },
          trx,
        );
        return { ok: true };
      });
    },

    /** Answered questions, for everyone, never saying who asked. */
    async publicClarifications(opportunityId: string) {
      return db
        .selectFrom('clarification')
        .select(['id', 'question', 'answer', 'answered_at'])
        .where('opportunity_id', '=', opportunityId)
        .where('answer', 'is not', null)
        .orderBy('answered_at')
        .execute();
    },

    /** The questions this person asked that are still waiting for an answer. */
    async myWaitingClarifications(actor: Actor | null, opportunityId: string) {
      if (!actor) return [];
      return db
        .selectFrom('clarification')
        .select(['id', 'question', 'asked_at'])
        .where('opportunity_id', '=', opportunityId)
        .where('asked_by', '=', actor.id)
        .where('answer', 'is', null)
        .orderBy('asked_at')
        .execute();
    },

    /** How many questions on this opportunity wait for an answer, by the same rule as the staff home. */
    async unansweredCount(opportunityId: string) {
      if (!UUID.test(opportunityId)) return 0;
      return q.waitingQuestionCount(db, opportunityId);
    },

    /** The questions on one opportunity waiting for an answer, for staff to answer. */
    async clarificationsToAnswer(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await row({ slug });
      if (!o) return notFound;
      const rows = await db
        .selectFrom('clarification')
        .select(['id', 'question', 'asked_at'])
        .where('opportunity_id', '=', o.id)
        .where('answer', 'is', null)
        .orderBy('asked_at')
        .execute();
      return { ok: true as const, opportunity: o, rows };
    },

    async answerClarification(
      actor: Actor,
      slug: string,
      clarificationId: string,
      answer: string,
    ): Promise<Done | Refusal> {
      if (!isStaff(actor)) return staffOnly;
      return db.transaction().execute(async (trx) => {
        const o = await row({ slug }, trx);
        if (!o) return notFound;
        const c = UUID.test(clarificationId)
          ? await trx
              .selectFrom('clarification as c')
              .leftJoin('app_user as u', 'u.id', 'c.asked_by')
              .select(['c.id', 'c.question', 'c.answer', 'u.email', 'u.name'])
              .where('c.id', '=', clarificationId)
              .where('c.opportunity_id', '=', o.id)
              .executeTakeFirst()
          : undefined;
        if (!c) return { ok: false, status: 404, message: 'There is no such question.' } as const;
        if (c.answer !== null) {
          return { ok: false, status: 409, message: 'This question has already been answered.' } as const;
        }
        await trx
          .updateTable('clarification')
          .set({ answer, answered_by: actor.id, answered_at: new Date() })
          .where('id', '=', c.id)
          .execute();
        if (c.email) {
          await outbox.queue(
            {
              to: c.email,
              subject: `Your question about "${o.title}" has been answered`,
              body: [
                `Hello ${c.name ?? ''},`.replace(' ,', ','),
                '',
                `You asked: ${c.question}`,
                '',
                `The answer: ${answer}`,
                '',
                'Questions and answers are shown to every organisation that may bid, without saying who asked:',
                `${config.baseUrl}/opportunities/${o.slug}#clarifications`,
              ].join('\n'),
              kind: 'clarification_answered',
            },
            trx,
          );
        }
        await audit.record(
          {
            userId: actor.id,
            action: 'clarification.answered',
            entityType: 'clarification',
            entityId: c.id,
            detail: { opportunity: slug },
          },
          trx,
        );
        return { ok: true };
      });
    },
  };

  async function removeChild(
    actor: Actor,
    slug: string,
    table: 'lot' | 'opportunity_question' | 'assessment_criterion' | 'opportunity_document',
    id: string,
    missing: string,
  ): Promise<Done | Refusal> {
    return db.transaction().execute(async (trx) => {
      const found = await editable(actor, slug, trx);
      if (found.refusal) return found.refusal;
      const removed = UUID.test(id)
        ? await trx
            .deleteFrom(table)
            .where('id', '=', id)
            .where('opportunity_id', '=', found.o.id)
            .returning('id')
            .executeTakeFirst()
        : undefined;
      if (!removed) return { ok: false, status: 404, message: missing } as const;
      await touch(found.o.id, trx);
      await audit.record(
        {
          userId: actor.id,
          action: `${table}.removed`,
          entityType: table,
          entityId: id,
          detail: { opportunity: slug },
        },
        trx,
      );
      return { ok: true };
    });
  }
}

type ListRow = {
  id: string;
  slug: string;
  ocid: string;
  title: string;
  summary: string;
  route: OpportunityRoute;
  routeLabel: string;
  service_area: string | null;
  serviceAreaLabel: string | null;
  total_value_pence: number;
  closes_at: Date;
  published_at: Date | null;
  updated_at: Date;
  cancelled_at: Date | null;
  status: OpportunityStatus;
  statusLabel: string;
  lotCount: number;
  suitsSmall: boolean;
};

/** A day as people write it: "3 March 2027", in London time. */
export const longDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** Pence as pounds for people: 12000000 → "£120,000", 1050 → "£10.50". */
export function pounds(pence: number): string {
  const whole = pence % 100 === 0;
  return `£${(pence / 100).toLocaleString('en-GB', {
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  })}`;
}

/** A London wall-clock time as an instant: "2027-01-31" at "17:00" is 17:00 GMT in winter, BST in summer. */
export function londonTime(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, h, mi);
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - at;
  };
  const first = naive - offset(naive);
  return new Date(naive - offset(first));
}

export type OpportunityService = ReturnType<typeof createOpportunityService>;
