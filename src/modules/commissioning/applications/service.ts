import { randomInt } from 'node:crypto';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus, Role } from '../../../db/schema.ts';
import type { AuditService } from '../../audit/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { effectiveStatus } from '../opportunities/service.ts';
import { applicationStatusLabels, applicationTransitions, canMove, LIVE_STATUSES, mayMove } from './lifecycle.ts';
import * as q from './queries.ts';
import { plainDateTime, pounds, wordCount } from './rules.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
/** A refusal the web layer turns into a page: 400 bad input, 403 not allowed, 404 not found, 409 not in this state. */
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

const STAFF: readonly Role[] = ['officer', 'commissioner', 'admin'];
export const isStaff = (actor: { role: Role } | null | undefined) => !!actor && STAFF.includes(actor.role);

export const statusLabels = applicationStatusLabels;

export type TransitionContext = {
  actor?: Actor;
  now?: Date;
  /** Why it was withdrawn, or the feedback with a decision. */
  reason?: string;
  /** More for the audit entry. */
  detail?: Record<string, unknown>;
};

export type TaskKey = 'about' | 'partners' | 'answers' | 'budget' | 'commitments';
export type TaskState = 'complete' | 'in_progress' | 'not_started';
export type Task = { key: TaskKey; title: string; href: string; state: TaskState; problem?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// New references are APP-<year>-<6 digits>; older and demo ones may differ, so any plain reference is looked up.
const REFERENCE = /^[A-Za-z0-9-]{1,60}$/;
const LIVE = LIVE_STATUSES;

// Outsiders are told there is no such application, as with draft opportunities: its existence is not theirs to know.
const notFound = { ok: false, status: 404, message: 'There is no such application.' } as const;
const leadOnly = {
  ok: false,
  status: 403,
  message: 'Only members of the lead organisation can change this application.',
} as const;
const decidersOnly = { ok: false, status: 403, message: 'Only commissioners can decide on applications.' } as const;
const notDraft = {
  ok: false,
  status: 409,
  message: 'This application is no longer a draft, so it can no longer be changed.',
} as const;
const opportunityCancelled = {
  ok: false,
  status: 409,
  message: 'This opportunity was cancelled, so applications to it can no longer be changed.',
} as const;

/** After the closing date a draft can be neither submitted nor changed: saying so beats saving work that goes nowhere. */
const closedToChanges = (opportunity: { closes_at: Date | string }): Refusal => ({
  ok: false,
  status: 409,
  message: `The closing date was ${plainDateTime(opportunity.closes_at)}, so this draft can no longer be changed or submitted.`,
});

export type AboutInput = { title: string; requestedPence: number };
export type PartnerInput = { role: string; sharePence: number };
export type BudgetLineInput = { heading: string; amountPence: number };
export type CommitmentInput = { indicatorId: string; target: string; note: string };

export function createApplicationService({
  db,
  config,
  audit,
  outbox,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
}) {
  const link = (reference: string) => `${config.baseUrl}/applications/${reference}`;

  /** The active organisations this person acts for, through an approved membership. */
  async function myOrganisations(userId: string, trx: Database = db) {
    return trx
      .selectFrom('membership as m')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['o.id', 'o.name', 'o.slug'])
      .where('m.user_id', '=', userId)
      .where('m.status', '=', 'approved')
      .where('o.status', '=', 'active')
      .orderBy('o.name')
      .execute();
  }

  async function memberEmails(organisationIds: string[], trx: Database) {
    if (organisationIds.length === 0) return [];
    return trx
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.name', 'm.organisation_id'])
      .where('m.organisation_id', 'in', organisationIds)
      .where('m.status', '=', 'approved')
      .execute();
  }

  async function byReference(reference: string, trx: Database = db) {
    if (!REFERENCE.test(reference)) return undefined;
    const row = await trx.selectFrom('application').selectAll().where('reference', '=', reference).executeTakeFirst();
    return row
      ? { ...row, requested_pence: row.requested_pence == null ? null : Number(row.requested_pence) }
      : undefined;
  }

  async function freeReference(trx: Database, now: Date): Promise<string> {
    for (;;) {
      const reference = `APP-${now.getUTCFullYear()}-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      const taken = await trx
        .selectFrom('application')
        .select('id')
        .where('reference', '=', reference)
        .executeTakeFirst();
      if (!taken) return reference;
    }
  }

  /** How this person stands to an application: the lead's member, a partner's member, staff, or nobody. */
  async function standing(actor: Actor | null, applicationId: string, trx: Database = db) {
    if (!actor) return { lead: false, partnerOf: [] as string[], staff: false };
    const rows = await trx
      .selectFrom('application_partner as p')
      .innerJoin('membership as m', 'm.organisation_id', 'p.organisation_id')
      .select(['p.organisation_id', 'p.is_lead'])
      .where('p.application_id', '=', applicationId)
      .where('m.user_id', '=', actor.id)
      .where('m.status', '=', 'approved')
      .execute();
    return {
      lead: rows.some((r) => r.is_lead),
      partnerOf: rows.filter((r) => !r.is_lead).map((r) => r.organisation_id),
      staff: isStaff(actor),
    };
  }

  async function opportunityOf(id: string, trx: Database = db) {
    return trx
      .selectFrom('opportunity')
      .select(['id', 'slug', 'title', 'status', 'closes_at', 'specification_id', 'published_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  /** Everything about one application: who is in it, what it says and what is still to do. */
  async function full(id: string, trx: Database = db, now = new Date()) {
    if (!UUID.test(id)) return undefined;
    const row = await trx.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const application = { ...row, requested_pence: row.requested_pence == null ? null : Number(row.requested_pence) };
    const opportunity = await opportunityOf(row.opportunity_id, trx);
    const [lot, lead, partnerRows, identifiers, answerRows, budgetRows, indicatorRows] = await Promise.all([
      row.lot_id
        ? trx
            .selectFrom('lot')
            .select(['id', 'number', 'title', 'value_pence'])
            .where('id', '=', row.lot_id)
            .executeTakeFirst()
        : Promise.resolve(undefined),
      trx
        .selectFrom('organisation')
        .select(['id', 'name', 'slug'])
        .where('id', '=', row.lead_organisation_id)
        .executeTakeFirstOrThrow(),
      trx
        .selectFrom('application_partner as p')
        .innerJoin('organisation as o', 'o.id', 'p.organisation_id')
        .leftJoin('app_user as u', 'u.id', 'p.confirmed_by')
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
        .where('p.application_id', '=', id)
        .orderBy('p.is_lead', 'desc')
        .orderBy('o.name')
        .execute(),
      trx
        .selectFrom('organisation_identifier as i')
        .innerJoin('application_partner as p', 'p.organisation_id', 'i.organisation_id')
        .select(['i.organisation_id', 'i.identifier', 'i.scheme'])
        .where('p.application_id', '=', id)
        .orderBy('i.identifier')
        .execute(),
      trx
        .selectFrom('opportunity_question as q')
        .leftJoin('application_answer as a', (join) =>
          join.onRef('a.question_id', '=', 'q.id').on('a.application_id', '=', id),
        )
        .select(['q.id as question_id', 'q.position', 'q.prompt', 'q.guidance', 'q.word_limit', 'a.body'])
        .where('q.opportunity_id', '=', row.opportunity_id)
        .orderBy('q.position')
        .execute(),
      trx
        .selectFrom('application_budget_line')
        .select(['id', 'position', 'heading', 'amount_pence'])
        .where('application_id', '=', id)
        .orderBy('position')
        .execute(),
      trx
        .selectFrom('outcome_indicator as i')
        .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
        .leftJoin('application_commitment as c', (join) =>
          join.onRef('c.indicator_id', '=', 'i.id').on('c.application_id', '=', id),
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
        .where('o.specification_id', '=', opportunity.specification_id)
        .orderBy('o.position')
        .orderBy('o.created_at')
        .orderBy('i.position')
        .orderBy('i.created_at')
        .execute(),
    ]);
    const partners = partnerRows.map((p) => ({
      ...p,
      share_pence: Number(p.share_pence),
      identifiers: identifiers.filter((i) => i.organisation_id === p.organisation_id).map((i) => i.identifier),
    }));
    const answers = answerRows.map((a, index) => ({
      ...a,
      number: index + 1,
      body: a.body ?? '',
      words: wordCount(a.body ?? ''),
    }));
    const budget = budgetRows.map((b) => ({ ...b, amount_pence: Number(b.amount_pence) }));
    const budgetTotal = budget.reduce((sum, b) => sum + b.amount_pence, 0);
    const commitments = indicatorRows.map((c) => ({ ...c, note: c.note ?? '' }));
    const sharesTotal = partners.reduce((sum, p) => sum + p.share_pence, 0);
    const base = `/applications/${application.reference}`;
    const requested = application.requested_pence;

    const tasks: Task[] = [];
    const aboutDone = !!application.title.trim() && requested != null;
    tasks.push({
      key: 'about',
      title: 'About the application',
      href: `${base}/about`,
      state: aboutDone ? 'complete' : application.title.trim() || requested != null ? 'in_progress' : 'not_started',
    });
    if (application.kind === 'partnership') {
      const others = partners.filter((p) => !p.is_lead);
      let problem: string | undefined;
      if (others.length === 0) problem = 'Add at least one partner organisation';
      else if (requested == null) problem = 'Say how much you are asking for before sharing it between partners';
      else if (sharesTotal !== requested)
        problem = `The partners’ shares add up to ${pounds(sharesTotal)} but the amount requested is ${pounds(requested)}`;
      tasks.push({
        key: 'partners',
        title: 'Partners',
        href: `${base}/partners`,
        state: problem ? (others.length ? 'in_progress' : 'not_started') : 'complete',
        problem,
      });
    }
    const answered = answers.filter((a) => a.body.trim());
    const overLimit = answers.find((a) => a.word_limit != null && a.words > a.word_limit);
    tasks.push({
      key: 'answers',
      title: 'Answers to the questions',
      href: `${base}/answers`,
      state:
        answered.length === answers.length && !overLimit ? 'complete' : answered.length ? 'in_progress' : 'not_started',
      problem:
        answered.length < answers.length
          ? `Answer every question (${answered.length} of ${answers.length} answered)`
          : overLimit
            ? `Answer ${overLimit.number} must be ${overLimit.word_limit} words or fewer`
            : undefined,
    });
    let budgetProblem: string | undefined;
    if (budget.length === 0) budgetProblem = 'Add at least one line to the budget';
    else if (requested == null) budgetProblem = 'Say how much you are asking for in About the application';
    else if (budgetTotal !== requested)
      budgetProblem = `The budget adds up to ${pounds(budgetTotal)} but the amount requested is ${pounds(requested)}`;
    tasks.push({
      key: 'budget',
      title: 'Budget',
      href: `${base}/budget`,
      state: budgetProblem ? (budget.length ? 'in_progress' : 'not_started') : 'complete',
      problem: budgetProblem,
    });
    const committed = commitments.filter((c) => c.target != null);
    tasks.push({
      key: 'commitments',
      title: 'Outcome commitments',
      href: `${base}/commitments`,
      state: committed.length === commitments.length ? 'complete' : committed.length ? 'in_progress' : 'not_started',
      problem:
        committed.length < commitments.length
          ? `Give your own target for every outcome indicator (${committed.length} of ${commitments.length} given)`
          : undefined,
    });

    const unconfirmed = partners.filter((p) => !p.is_lead && !p.confirmed_at);
    const oppStatus = effectiveStatus(opportunity, now);
    return {
      application: { ...application, statusLabel: statusLabels[application.status] },
      opportunity: { ...opportunity, effectiveStatus: oppStatus },
      lot: lot ? { ...lot, value_pence: Number(lot.value_pence) } : null,
      lead,
      partners,
      sharesTotal,
      answers,
      budget,
      budgetTotal,
      commitments,
      tasks,
      tasksComplete: tasks.filter((t) => t.state === 'complete').length,
      unconfirmed,
      closingText: plainDateTime(opportunity.closes_at),
    };
  }
  type Full = NonNullable<Awaited<ReturnType<typeof full>>>;

  /** Reasons the application cannot be submitted yet, each written for the applicant; empty when it can. */
  function blockers(f: Full, now: Date): Issue[] {
    const issues: Issue[] = [];
    if (f.opportunity.status === 'cancelled') {
      issues.push({
        field: 'deadline',
        message: 'This opportunity has been cancelled. Applications can no longer be submitted.',
      });
    } else if (f.opportunity.effectiveStatus !== 'open' || new Date(f.opportunity.closes_at) <= now) {
      issues.push({
        field: 'deadline',
        message: `The closing date was ${f.closingText}. Applications can no longer be submitted.`,
      });
    }
    for (const task of f.tasks) {
      if (task.state !== 'complete')
        issues.push({ field: `task-${task.key}`, message: task.problem ?? `Complete “${task.title}”` });
    }
    for (const p of f.unconfirmed) {
      issues.push({ field: 'task-partners', message: `${p.name} has not yet confirmed its part in the application` });
    }
    return issues;
  }

  /** The application for someone allowed to see it, with what they may do. */
  async function visible(actor: Actor | null, reference: string, trx: Database = db) {
    const row = await byReference(reference, trx);
    if (!row) return { refusal: notFound as Refusal };
    const who = await standing(actor, row.id, trx);
    if (!who.lead && who.partnerOf.length === 0 && !who.staff) return { refusal: notFound as Refusal };
    return { row, who };
  }

  /** For changes: the lead's members only, and only while the application is a draft. */
  async function changeable(actor: Actor, reference: string, trx: Database, submitting = false) {
    const seen = await visible(actor, reference, trx);
    if (seen.refusal) return seen;
    if (!seen.who.lead) return { refusal: leadOnly as Refusal };
    if (seen.row.status !== 'draft') return { refusal: notDraft as Refusal };
    // Submitting says so itself, among the reasons it cannot be submitted.
    if (!submitting) {
      const opportunity = await opportunityOf(seen.row.opportunity_id, trx);
      if (opportunity.status === 'cancelled') return { refusal: opportunityCancelled as Refusal };
      if (new Date(opportunity.closes_at) <= new Date()) return { refusal: closedToChanges(opportunity) };
    }
    return seen;
  }

  async function touch(id: string, trx: Database) {
    await trx.updateTable('application').set({ updated_at: new Date() }).where('id', '=', id).execute();
  }

  async function askToConfirm(
    trx: Database,
    f: { reference: string; title: string; opportunityTitle: string; leadName: string },
    organisationId: string,
    again: boolean,
  ) {
    const org = await trx
      .selectFrom('organisation')
      .select('name')
      .where('id', '=', organisationId)
      .executeTakeFirstOrThrow();
    for (const person of await memberEmails([organisationId], trx)) {
      await outbox.queue(
        {
          to: person.email,
          subject: again
            ? `Please confirm again: ${org.name}’s part in application ${f.reference}`
            : `Please confirm ${org.name}’s part in application ${f.reference}`,
          body: [
            `Hello ${person.name},`,
            '',
            again
              ? `${f.leadName} changed ${org.name}’s role or share in its application to "${f.opportunityTitle}", so it needs confirming again.`
              : `${f.leadName} has named ${org.name} as a partner in its application to "${f.opportunityTitle}".`,
            'Any member of your organisation can read the application and confirm or decline its part:',
            link(f.reference),
          ].join('\n'),
          kind: 'application_partner_confirmation',
        },
        trx,
      );
    }
  }

  async function leadContext(
    trx: Database,
    row: { reference: string; title: string; opportunity_id: string; lead_organisation_id: string },
  ) {
    const [opportunity, lead] = await Promise.all([
      opportunityOf(row.opportunity_id, trx),
      trx
        .selectFrom('organisation')
        .select('name')
        .where('id', '=', row.lead_organisation_id)
        .executeTakeFirstOrThrow(),
    ]);
    return { reference: row.reference, title: row.title, opportunityTitle: opportunity.title, leadName: lead.name };
  }

  async function record(
    trx: Database,
    actor: Actor,
    action: string,
    applicationId: string,
    detail: Record<string, unknown>,
  ) {
    await audit.record(
      { userId: actor.id, action: `application.${action}`, entityType: 'application', entityId: applicationId, detail },
      trx,
    );
  }

  /**
   * The one way an application changes state: the row locked, the move checked against the machine and the actor
   * (a lead's member submits and withdraws; commissioners decide), the status written with the columns that go with
   * it, and audited. Runs in `trx` when given (another module's transaction), or in its own.
   */
  async function transition(
    id: string,
    to: ApplicationStatus,
    ctx: TransitionContext = {},
    trx: Database = db,
  ): Promise<Done<{ from: ApplicationStatus; reference: string }> | Refusal> {
    const run = async (t: Database): Promise<Done<{ from: ApplicationStatus; reference: string }> | Refusal> => {
      if (!UUID.test(id)) return notFound;
      const a = await q.lockApplication(t, id);
      if (!a) return notFound;
      if (to === 'draft' || !canMove(a.status, to)) {
        const message = `This application is ${applicationStatusLabels[a.status].toLowerCase()}, so it cannot be ${applicationStatusLabels[to].toLowerCase()}.`;
        return { ok: false, status: 409, message };
      }
      const lead = ctx.actor ? (await standing(ctx.actor, id, t)).lead : false;
      if (!mayMove(to, ctx.actor, lead)) return to === 'submitted' || to === 'withdrawn' ? leadOnly : decidersOnly;
      const now = ctx.now ?? new Date();
      const by = ctx.actor?.id ?? null;
      const columns: q.StatusColumns =
        to === 'submitted'
          ? { submitted_at: now, submitted_by: by }
          : to === 'withdrawn'
            ? { withdrawn_at: now, withdrawn_by: by, withdrawal_reason: ctx.reason ?? '' }
            : { decided_at: now, decided_by: by, feedback: ctx.reason ?? '' };
      await q.writeStatus(t, id, to, columns, now);
      await audit.record(
        {
          userId: by,
          action: applicationTransitions[to].audit,
          entityType: 'application',
          entityId: id,
          detail: { reference: a.reference, from: a.status, ...ctx.detail },
        },
        t,
      );
      return { ok: true, from: a.status, reference: a.reference };
    };
    return trx === db ? db.transaction().execute(run) : run(trx);
  }

  return {
    statusLabels,
    transition,

    /** Ranks within each lot, worked out by assessment from the moderated scores; null takes a rank away. */
    async setRanks(ranks: Map<string, number | null>, trx: Database = db) {
      for (const [id, rank] of ranks) await q.writeRank(trx, id, rank);
    },

    /** The statuses of an opportunity's applications that went to assessment. */
    async assessedOn(opportunityId: string, trx: Database = db) {
      return q.assessedOn(trx, opportunityId);
    },

    myOrganisations,
    byReference,
    full,
    blockers,

    /** The ids of every organisation in an application, the lead first: for conflict-of-interest checks. */
    async organisationIds(applicationId: string, trx: Database = db): Promise<string[]> {
      if (!UUID.test(applicationId)) return [];
      const rows = await trx
        .selectFrom('application_partner')
        .select(['organisation_id', 'is_lead'])
        .where('application_id', '=', applicationId)
        .orderBy('is_lead', 'desc')
        .execute();
      const app = await trx
        .selectFrom('application')
        .select('lead_organisation_id')
        .where('id', '=', applicationId)
        .executeTakeFirst();
      const ids = rows.map((r) => r.organisation_id);
      if (app && !ids.includes(app.lead_organisation_id)) ids.unshift(app.lead_organisation_id);
      return ids;
    },

    /**
     * The applications still waiting on an opportunity (drafts, submitted ones, and successful ones without an
     * award yet), each with the approved members of its organisations: the people to tell when it is cancelled.
     */
    async waitingOn(opportunityId: string, trx: Database = db) {
      const rows = await trx
        .selectFrom('application as a')
        .leftJoin('award as w', 'w.application_id', 'a.id')
        .select(['a.id', 'a.reference', 'a.status'])
        .where('a.opportunity_id', '=', opportunityId)
        .where((eb) =>
          eb.or([eb('a.status', 'in', LIVE), eb.and([eb('a.status', '=', 'successful'), eb('w.id', 'is', null)])]),
        )
        .orderBy('a.reference')
        .execute();
      const out = [];
      for (const r of rows) {
        const organisations = await trx
          .selectFrom('application_partner')
          .select('organisation_id')
          .where('application_id', '=', r.id)
          .execute();
        const people = await memberEmails(
          organisations.map((o) => o.organisation_id),
          trx,
        );
        const unique = [...new Map(people.map((p) => [p.email, { email: p.email, name: p.name }])).values()];
        out.push({ ...r, people: unique });
      }
      return out;
    },

    /** An opportunity's applications (all statuses, or those given), with the lead's name, oldest submission first. */
    async forOpportunity(opportunityId: string, options: { status?: ApplicationStatus | ApplicationStatus[] } = {}) {
      if (!UUID.test(opportunityId)) return [];
      let query = db
        .selectFrom('application as a')
        .innerJoin('organisation as o', 'o.id', 'a.lead_organisation_id')
        .leftJoin('lot as l', 'l.id', 'a.lot_id')
        .select([
          'a.id',
          'a.reference',
          'a.title',
          'a.kind',
          'a.status',
          'a.requested_pence',
          'a.lot_id',
          'a.submitted_at',
          'a.withdrawn_at',
          'a.lead_organisation_id',
          'o.name as lead_name',
          'o.slug as lead_slug',
          'l.number as lot_number',
          'l.title as lot_title',
        ])
        .where('a.opportunity_id', '=', opportunityId);
      if (options.status) query = query.where('a.status', 'in', [options.status].flat());
      const rows = await query.orderBy('a.submitted_at').orderBy('a.created_at').execute();
      return rows.map((r) => ({
        ...r,
        requested_pence: r.requested_pence == null ? null : Number(r.requested_pence),
        statusLabel: statusLabels[r.status],
      }));
    },

    /** What the "start an application" page needs: the opportunity, its lots and the person's organisations. */
    async startOptions(actor: Actor, slug: string, now = new Date()) {
      const opportunity = await db.selectFrom('opportunity').selectAll().where('slug', '=', slug).executeTakeFirst();
      if (!opportunity || opportunity.status === 'draft') return notFound;
      const lots = await db
        .selectFrom('lot')
        .select(['id', 'number', 'title', 'value_pence'])
        .where('opportunity_id', '=', opportunity.id)
        .orderBy('number')
        .execute();
      return {
        ok: true as const,
        opportunity: { ...opportunity, effectiveStatus: effectiveStatus(opportunity, now) },
        closingText: plainDateTime(opportunity.closes_at),
        lots: lots.map((l) => ({ ...l, value_pence: Number(l.value_pence) })),
        organisations: await myOrganisations(actor.id),
      };
    },

    /** Starts a draft; one live (draft or submitted) application per lead organisation per lot. */
    async start(
      actor: Actor,
      slug: string,
      input: { organisationId: string; lotId: string | null; kind: 'single' | 'partnership' },
      now = new Date(),
    ): Promise<Done<{ reference: string }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const opportunity = await trx.selectFrom('opportunity').selectAll().where('slug', '=', slug).executeTakeFirst();
        if (!opportunity || opportunity.status === 'draft') return notFound;
        if (opportunity.status === 'cancelled') {
          return {
            ok: false,
            status: 409,
            message: 'This opportunity has been cancelled. Applications can no longer be started.',
          } as const;
        }
        if (effectiveStatus(opportunity, now) !== 'open') {
          return {
            ok: false,
            status: 409,
            message: `The closing date was ${plainDateTime(opportunity.closes_at)}. Applications can no longer be started.`,
          } as const;
        }
        const mine = await myOrganisations(actor.id, trx);
        const org = mine.find((o) => o.id === input.organisationId);
        if (!org) {
          return {
            ok: false,
            status: 400,
            message: 'Choose an organisation you are a member of',
            issues: [{ field: 'organisation', message: 'Choose which of your organisations leads the application' }],
          } as const;
        }
        const lots = await trx.selectFrom('lot').select(['id']).where('opportunity_id', '=', opportunity.id).execute();
        let lotId: string | null = null;
        if (lots.length === 1) lotId = lots[0]!.id;
        else if (lots.length > 1) {
          if (!input.lotId || !lots.some((l) => l.id === input.lotId)) {
            return {
              ok: false,
              status: 400,
              message: 'Choose a lot',
              issues: [{ field: 'lot', message: 'Choose which lot you are applying for' }],
            } as const;
          }
          lotId = input.lotId;
        }
        // Locking the lead's row makes two starts at once (a double click) wait for each other, so only one is made.
        await trx.selectFrom('organisation').select('id').where('id', '=', org.id).forUpdate().execute();
        let live = trx
          .selectFrom('application')
          .select(['reference', 'status'])
          .where('opportunity_id', '=', opportunity.id)
          .where('lead_organisation_id', '=', org.id)
          .where('status', 'in', LIVE);
        live = lotId ? live.where('lot_id', '=', lotId) : live.where('lot_id', 'is', null);
        const existing = await live.executeTakeFirst();
        if (existing) {
          return {
            ok: false,
            status: 409,
            message: `${org.name} already has an application for this ${lotId ? 'lot' : 'opportunity'} (${existing.reference}). Carry on with that one, or withdraw it first.`,
            issues: [
              { field: 'organisation', message: `${org.name} already has an application (${existing.reference})` },
            ],
          } as const;
        }
        const reference = await freeReference(trx, now);
        const created = await trx
          .insertInto('application')
          .values({
            reference,
            opportunity_id: opportunity.id,
            lot_id: lotId,
            lead_organisation_id: org.id,
            kind: input.kind,
            created_by: actor.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        // The lead is one of the organisations in the application; it confirms its own part by starting it.
        await trx
          .insertInto('application_partner')
          .values({
            application_id: created.id,
            organisation_id: org.id,
            is_lead: true,
            role: 'Lead organisation',
            share_pence: 0,
            confirmed_at: now,
            confirmed_by: actor.id,
          })
          .execute();
        await record(trx, actor, 'started', created.id, {
          reference,
          opportunity: opportunity.slug,
          lead: org.id,
          lotId,
          kind: input.kind,
        });
        return { ok: true, reference };
      });
    },

    /** The application page for someone allowed to see it. */
    async page(actor: Actor | null, reference: string, now = new Date()) {
      const seen = await visible(actor, reference);
      if (seen.refusal) return seen.refusal;
      const f = (await full(seen.row.id, db, now))!;
      const draft = f.application.status === 'draft';
      const editRefusal = !draft
        ? notDraft
        : f.opportunity.status === 'cancelled'
          ? opportunityCancelled
          : new Date(f.opportunity.closes_at) <= now
            ? closedToChanges(f.opportunity)
            : null;
      const myPending = f.partners.filter((p) => seen.who.partnerOf.includes(p.organisation_id) && !p.confirmed_at);
      // A successful application leads on to its award, once made.
      const award = await db
        .selectFrom('award')
        .select(['slug', 'title'])
        .where('application_id', '=', seen.row.id)
        .executeTakeFirst();
      return {
        award: award ?? null,
        ok: true as const,
        ...f,
        who: seen.who,
        canEdit: seen.who.lead && !editRefusal,
        // Why the lead cannot change it, when they cannot.
        editRefusal: editRefusal?.message ?? null,
        canWithdraw: seen.who.lead && (draft || f.application.status === 'submitted'),
        myPending: draft ? myPending : [],
        blockers: draft ? blockers(f, now) : [],
      };
    },

    async saveAbout(actor: Actor, reference: string, input: AboutInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        await trx
          .updateTable('application')
          .set({ title: input.title, requested_pence: input.requestedPence, updated_at: new Date() })
          .where('id', '=', row.id)
          .execute();
        // Alone, the lead's share is the whole amount; in a partnership the lead sets its share with the others.
        if (row.kind === 'single') {
          await trx
            .updateTable('application_partner')
            .set({ share_pence: input.requestedPence })
            .where('application_id', '=', row.id)
            .where('is_lead', '=', true)
            .execute();
        }
        await record(trx, actor, 'about_saved', row.id, { title: input.title, requestedPence: input.requestedPence });
        return { ok: true };
      });
    },

    /** Active organisations in the directory whose name matches, for adding a partner. */
    async searchOrganisations(query: string, excludeIds: string[] = []) {
      const q = query.trim();
      if (q.length < 2) return [];
      let search = db
        .selectFrom('organisation')
        .select(['id', 'name', 'slug', 'postcode'])
        .where('status', '=', 'active')
        .where('name', 'ilike', `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (excludeIds.length) search = search.where('id', 'not in', excludeIds);
      return search.orderBy('name').limit(20).execute();
    },

    async addPartner(
      actor: Actor,
      reference: string,
      organisationId: string,
      input: PartnerInput,
    ): Promise<Done<{ name: string }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        if (row.kind !== 'partnership') {
          return {
            ok: false,
            status: 409,
            message: 'This application is from a single organisation, so it has no partners.',
          } as const;
        }
        const org = UUID.test(organisationId)
          ? await trx
              .selectFrom('organisation')
              .select(['id', 'name', 'status'])
              .where('id', '=', organisationId)
              .executeTakeFirst()
          : undefined;
        if (org?.status !== 'active') {
          return {
            ok: false,
            status: 400,
            message: 'Choose an organisation from the directory',
            issues: [{ field: 'organisation', message: 'Choose an active organisation from the directory' }],
          } as const;
        }
        const already = await trx
          .selectFrom('application_partner')
          .select('is_lead')
          .where('application_id', '=', row.id)
          .where('organisation_id', '=', org.id)
          .executeTakeFirst();
        if (already) {
          return {
            ok: false,
            status: 400,
            message: `${org.name} is already in this application`,
            issues: [{ field: 'organisation', message: `${org.name} is already in this application` }],
          } as const;
        }
        await trx
          .insertInto('application_partner')
          .values({ application_id: row.id, organisation_id: org.id, role: input.role, share_pence: input.sharePence })
          .execute();
        await touch(row.id, trx);
        await askToConfirm(trx, await leadContext(trx, row), org.id, false);
        await record(trx, actor, 'partner_added', row.id, {
          organisationId: org.id,
          role: input.role,
          sharePence: input.sharePence,
        });
        return { ok: true, name: org.name };
      });
    },

    /** Changing a partner's role or share asks it to confirm again; the lead's own row needs no confirmation. */
    async updatePartner(
      actor: Actor,
      reference: string,
      organisationId: string,
      input: PartnerInput,
    ): Promise<Done<{ name: string; reset: boolean }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        const partner = UUID.test(organisationId)
          ? await trx
              .selectFrom('application_partner as p')
              .innerJoin('organisation as o', 'o.id', 'p.organisation_id')
              .select(['p.is_lead', 'p.role', 'p.share_pence', 'p.confirmed_at', 'o.name'])
              .where('p.application_id', '=', row.id)
              .where('p.organisation_id', '=', organisationId)
              .executeTakeFirst()
          : undefined;
        if (!partner)
          return { ok: false, status: 404, message: 'That organisation is not in this application.' } as const;
        const changed = partner.role !== input.role || Number(partner.share_pence) !== input.sharePence;
        const reset = changed && !partner.is_lead && !!partner.confirmed_at;
        await trx
          .updateTable('application_partner')
          .set({
            role: input.role,
            share_pence: input.sharePence,
            ...(reset ? { confirmed_at: null, confirmed_by: null } : {}),
          })
          .where('application_id', '=', row.id)
          .where('organisation_id', '=', organisationId)
          .execute();
        await touch(row.id, trx);
        if (reset) await askToConfirm(trx, await leadContext(trx, row), organisationId, true);
        await record(trx, actor, 'partner_changed', row.id, {
          organisationId,
          role: input.role,
          sharePence: input.sharePence,
          confirmationReset: reset,
        });
        return { ok: true, name: partner.name, reset };
      });
    },

    async removePartner(
      actor: Actor,
      reference: string,
      organisationId: string,
    ): Promise<Done<{ name: string }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        const gone = UUID.test(organisationId)
          ? await trx
              .deleteFrom('application_partner')
              .where('application_id', '=', row.id)
              .where('organisation_id', '=', organisationId)
              .where('is_lead', '=', false)
              .returning('organisation_id')
              .executeTakeFirst()
          : undefined;
        if (!gone)
          return {
            ok: false,
            status: 404,
            message: 'That organisation is not a partner in this application.',
          } as const;
        const org = await trx
          .selectFrom('organisation')
          .select('name')
          .where('id', '=', organisationId)
          .executeTakeFirstOrThrow();
        const context = await leadContext(trx, row);
        for (const person of await memberEmails([organisationId], trx)) {
          await outbox.queue(
            {
              to: person.email,
              subject: `${org.name} is no longer a partner in application ${row.reference}`,
              body: [
                `Hello ${person.name},`,
                '',
                `${context.leadName} has taken ${org.name} out of its application to "${context.opportunityTitle}". There is nothing more for you to confirm.`,
              ].join('\n'),
              kind: 'application_partner_removed',
            },
            trx,
          );
        }
        await touch(row.id, trx);
        await record(trx, actor, 'partner_removed', row.id, { organisationId });
        return { ok: true, name: org.name };
      });
    },

    /** A partner's member confirms its part, or declines it (which takes the partner out and tells the lead). */
    async respond(
      actor: Actor,
      reference: string,
      organisationId: string,
      decision: 'confirm' | 'decline',
      now = new Date(),
    ): Promise<Done<{ name: string }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const seen = await visible(actor, reference, trx);
        if (seen.refusal) return seen.refusal;
        const { row, who } = seen;
        if (!who.partnerOf.includes(organisationId)) {
          return {
            ok: false,
            status: 403,
            message: 'Only members of the partner organisation can answer for it.',
          } as const;
        }
        if (row.status !== 'draft') return notDraft;
        if ((await opportunityOf(row.opportunity_id, trx)).status === 'cancelled') return opportunityCancelled;
        const org = await trx
          .selectFrom('organisation')
          .select('name')
          .where('id', '=', organisationId)
          .executeTakeFirstOrThrow();
        if (decision === 'confirm') {
          await trx
            .updateTable('application_partner')
            .set({ confirmed_at: now, confirmed_by: actor.id })
            .where('application_id', '=', row.id)
            .where('organisation_id', '=', organisationId)
            .execute();
        } else {
          await trx
            .deleteFrom('application_partner')
            .where('application_id', '=', row.id)
            .where('organisation_id', '=', organisationId)
            .execute();
          const context = await leadContext(trx, row);
          for (const person of await memberEmails([row.lead_organisation_id], trx)) {
            await outbox.queue(
              {
                to: person.email,
                subject: `${org.name} declined to be a partner in application ${row.reference}`,
                body: [
                  `Hello ${person.name},`,
                  '',
                  `${org.name} has declined to be a partner in ${context.leadName}’s application to "${context.opportunityTitle}", so it has been taken out of the application.`,
                  'Check the partners and their shares before you submit:',
                  link(row.reference),
                ].join('\n'),
                kind: 'application_partner_declined',
              },
              trx,
            );
          }
        }
        await touch(row.id, trx);
        await record(trx, actor, decision === 'confirm' ? 'partner_confirmed' : 'partner_declined', row.id, {
          organisationId,
        });
        return { ok: true, name: org.name };
      });
    },

    /** Saves answers; an answer over its word limit is refused, with nothing saved, so the applicant can shorten it. */
    async saveAnswers(actor: Actor, reference: string, bodies: Record<string, string>): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        const questions = await trx
          .selectFrom('opportunity_question')
          .select(['id', 'word_limit'])
          .where('opportunity_id', '=', row.opportunity_id)
          .orderBy('position')
          .execute();
        const issues: Issue[] = [];
        questions.forEach((q, index) => {
          const body = (bodies[q.id] ?? '').trim();
          if (body.length > 50_000)
            issues.push({ field: `answer-${q.id}`, message: `Answer ${index + 1} is too long` });
          else if (q.word_limit != null && wordCount(body) > q.word_limit)
            issues.push({
              field: `answer-${q.id}`,
              message: `Answer ${index + 1} must be ${q.word_limit} words or fewer`,
            });
        });
        if (issues.length) return { ok: false, status: 400, message: 'Some answers are too long', issues } as const;
        for (const q of questions) {
          const body = (bodies[q.id] ?? '').trim();
          await trx
            .insertInto('application_answer')
            .values({ application_id: row.id, question_id: q.id, body })
            .onConflict((oc) => oc.columns(['application_id', 'question_id']).doUpdateSet({ body }))
            .execute();
        }
        await touch(row.id, trx);
        await record(trx, actor, 'answers_saved', row.id, {
          answered: questions.filter((q) => (bodies[q.id] ?? '').trim()).length,
        });
        return { ok: true };
      });
    },

    /** Replaces the budget with these lines, in order. */
    async saveBudget(
      actor: Actor,
      reference: string,
      lines: BudgetLineInput[],
    ): Promise<Done<{ totalPence: number }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        await trx.deleteFrom('application_budget_line').where('application_id', '=', row.id).execute();
        if (lines.length) {
          await trx
            .insertInto('application_budget_line')
            .values(
              lines.map((l, position) => ({
                application_id: row.id,
                position,
                heading: l.heading,
                amount_pence: l.amountPence,
              })),
            )
            .execute();
        }
        const totalPence = lines.reduce((sum, l) => sum + l.amountPence, 0);
        await touch(row.id, trx);
        await record(trx, actor, 'budget_saved', row.id, { lines: lines.length, totalPence });
        return { ok: true, totalPence };
      });
    },

    /** The applicant's own targets; an empty target takes the commitment out. */
    async saveCommitments(actor: Actor, reference: string, input: CommitmentInput[]): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const { row } = found;
        const opportunity = await opportunityOf(row.opportunity_id, trx);
        const indicators = await trx
          .selectFrom('outcome_indicator as i')
          .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
          .select('i.id')
          .where('o.specification_id', '=', opportunity.specification_id)
          .execute();
        const known = new Set(indicators.map((i) => i.id));
        for (const c of input) {
          if (!known.has(c.indicatorId)) continue;
          if (c.target === '') {
            await trx
              .deleteFrom('application_commitment')
              .where('application_id', '=', row.id)
              .where('indicator_id', '=', c.indicatorId)
              .execute();
            continue;
          }
          await trx
            .insertInto('application_commitment')
            .values({ application_id: row.id, indicator_id: c.indicatorId, target: c.target, note: c.note })
            .onConflict((oc) =>
              oc.columns(['application_id', 'indicator_id']).doUpdateSet({ target: c.target, note: c.note }),
            )
            .execute();
        }
        await touch(row.id, trx);
        await record(trx, actor, 'commitments_saved', row.id, { given: input.filter((c) => c.target !== '').length });
        return { ok: true };
      });
    },

    /** Submits when every task is complete, every partner has confirmed and the opportunity has not closed. */
    async submit(actor: Actor, reference: string, now = new Date()): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await changeable(actor, reference, trx, true);
        if (found.refusal) return found.refusal;
        const { row } = found;
        // Shares the row lock a cancellation takes for update: a submission and a cancellation arriving together
        // go one after the other, so a cancelled opportunity is seen as such and a cancellation sees this submission.
        await trx.selectFrom('opportunity').select('id').where('id', '=', row.opportunity_id).forShare().execute();
        const f = (await full(row.id, trx, now))!;
        const issues = blockers(f, now);
        if (issues.length) {
          const late = issues.find((i) => i.field === 'deadline');
          return {
            ok: false,
            status: late ? 409 : 400,
            message: late ? late.message : 'The application is not ready to submit',
            issues,
          } as const;
        }
        await trx
          .updateTable('application')
          .set({ status: 'submitted', submitted_at: now, submitted_by: actor.id, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        const ids = f.partners.map((p) => p.organisation_id);
        const people = await memberEmails(ids, trx);
        const seen = new Set<string>();
        for (const person of people) {
          if (seen.has(person.email)) continue;
          seen.add(person.email);
          await outbox.queue(
            {
              to: person.email,
              subject: `Application ${row.reference} submitted`,
              body: [
                `Hello ${person.name},`,
                '',
                `${f.lead.name}’s application "${f.application.title}" to "${f.opportunity.title}" was submitted on ${plainDateTime(now)}.`,
                `Amount requested: ${pounds(f.application.requested_pence ?? 0)}.`,
                'You can read it, as submitted, here:',
                link(row.reference),
              ].join('\n'),
              kind: 'application_submitted',
            },
            trx,
          );
        }
        await record(trx, actor, 'submitted', row.id, {
          reference: row.reference,
          requestedPence: f.application.requested_pence,
        });
        return { ok: true };
      });
    },

    /** The lead's members may withdraw before a decision; the application stays visible to them. */
    async withdraw(actor: Actor, reference: string, reason: string, now = new Date()): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const seen = await visible(actor, reference, trx);
        if (seen.refusal) return seen.refusal;
        const { row, who } = seen;
        if (!who.lead) return leadOnly;
        if (!LIVE.includes(row.status)) {
          return {
            ok: false,
            status: 409,
            message:
              row.status === 'withdrawn'
                ? 'This application has already been withdrawn.'
                : 'A decision has been made on this application, so it can no longer be withdrawn.',
          } as const;
        }
        await trx
          .updateTable('application')
          .set({
            status: 'withdrawn',
            withdrawn_at: now,
            withdrawn_by: actor.id,
            withdrawal_reason: reason,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .execute();
        await record(trx, actor, 'withdrawn', row.id, {
          reference: row.reference,
          reason,
          wasSubmitted: row.status === 'submitted',
        });
        return { ok: true };
      });
    },

    /** The signed-in person's dashboard: their organisations' applications, and partner confirmations waiting. */
    async dashboard(actor: Actor) {
      const orgs = await myOrganisations(actor.id);
      const ids = orgs.map((o) => o.id);
      if (ids.length === 0) return { organisations: orgs, applications: [], pending: [] };
      const rows = await db
        .selectFrom('application_partner as p')
        .innerJoin('application as a', 'a.id', 'p.application_id')
        .innerJoin('opportunity as op', 'op.id', 'a.opportunity_id')
        .innerJoin('organisation as lead', 'lead.id', 'a.lead_organisation_id')
        .innerJoin('organisation as me', 'me.id', 'p.organisation_id')
        .select([
          'a.id',
          'a.reference',
          'a.title',
          'a.status',
          'a.kind',
          'a.requested_pence',
          'a.updated_at',
          'op.title as opportunity_title',
          'op.slug as opportunity_slug',
          'op.closes_at',
          'lead.name as lead_name',
          'me.name as organisation_name',
          'p.organisation_id',
          'p.is_lead',
          'p.role',
          'p.share_pence',
          'p.confirmed_at',
        ])
        .where('p.organisation_id', 'in', ids)
        .orderBy('a.updated_at', 'desc')
        .execute();
      const shaped = rows.map((r) => ({
        ...r,
        requested_pence: r.requested_pence == null ? null : Number(r.requested_pence),
        share_pence: Number(r.share_pence),
        statusLabel: statusLabels[r.status],
      }));
      const applications = [...new Map(shaped.map((r) => [r.id, r])).values()];
      const pending = shaped.filter((r) => !r.is_lead && !r.confirmed_at && r.status === 'draft');
      return { organisations: orgs, applications, pending };
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
