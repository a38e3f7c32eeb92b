import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus, OpportunityStatus } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { formatDate } from '../../../kernel/dates.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { AuditRecord, Mutate, QueuedEmail } from '../../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../../kernel/result.ts';
import type { Missing } from '../specifications/framework.ts';
import type { SpecificationService } from '../specifications/service.ts';
import * as emails from './emails.ts';
import { afterDecisions, canMove, mayMove, opportunityStatusLabels, opportunityTransitions } from './lifecycle.ts';
import * as clarifications from './queries/clarifications.ts';
import * as records from './queries/records.ts';
import { notFound, type Reader, staffOnly } from './reading.ts';
import { cannotCancel, missingForPublication } from './rules.ts';

// Every change of an opportunity's state goes through `transition`: publishing, cancelling, and the moves that
// follow decisions and awards.

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

type Deps = {
  db: Database;
  config: Config;
  mutate: Mutate;
  read: Reader;
  audit: { record(entry: AuditRecord, trx?: Database): Promise<void> };
  specifications: SpecificationService;
  applications: ApplicationsPort;
};

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createChanges({ db, config, mutate, read, audit, specifications, applications }: Deps) {
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
    if (trx === db) return db.transaction().execute((t) => transition(id, to, ctx, t));
    if (!isUuid(id)) return notFound;
    const o = await records.lockOpportunity(trx, { id });
    if (!o) return notFound;
    if (to === 'draft' || !canMove(o.status, to)) {
      const state = opportunityStatusLabels[o.status].toLowerCase();
      return refusal(409, `This opportunity is ${state}, so it cannot ${moveVerbs[to]}.`);
    }
    if (!mayMove(to, ctx.actor)) return staffOnly;
    const now = ctx.now ?? new Date();
    const by = ctx.actor?.id ?? null;
    const columns: records.StatusColumns =
      to === 'open'
        ? { published_at: now, published_by: by }
        : to === 'cancelled'
          ? { cancelled_at: now, cancelled_by: by, cancellation_reason: ctx.reason ?? '' }
          : {};
    await records.writeStatus(trx, id, to, columns, now);
    const reason = ctx.reason ? { reason: ctx.reason } : {};
    await audit.record(
      {
        userId: by,
        action: opportunityTransitions[to].audit,
        entityType: 'opportunity',
        entityId: id,
        detail: { slug: o.slug, ocid: o.ocid, from: o.status, ...reason, ...ctx.detail },
      },
      trx,
    );
    return { ok: true, from: o.status, slug: o.slug };
  }

  async function missing(o: NonNullable<Awaited<ReturnType<Reader['full']>>>, trx: Database, now: Date) {
    return missingForPublication(o, await specifications.readinessOf(o.specification_id, trx), now);
  }

  /** The e-mails a cancellation sends: each waiting applicant, then each asker not told already. */
  async function cancellationEmails(
    o: { id: string; slug: string; title: string },
    reason: string,
    now: Date,
    trx: Database,
  ) {
    const link = `${config.baseUrl}/opportunities/${o.slug}`;
    const when = formatDate(now);
    const mails: QueuedEmail[] = [];
    const told = new Set<string>();
    const waiting = await applications.waitingOn(o.id, trx);
    for (const a of waiting) {
      const applicationLink = `${config.baseUrl}/applications/${a.reference}`;
      for (const person of a.people) {
        const text = { ...person, title: o.title, when, reason, reference: a.reference, applicationLink, link };
        mails.push({ to: person.email, ...emails.cancelledToApplicant(text) });
        told.add(person.email);
      }
    }
    for (const person of await clarifications.askersOf(trx, o.id)) {
      // One e-mail each: an applicant who also asked a question has been told already.
      if (told.has(person.email)) continue;
      mails.push({ to: person.email, ...emails.cancelledToAsker({ ...person, title: o.title, when, reason, link }) });
      told.add(person.email);
    }
    return { mails, told: told.size, references: waiting.map((a) => a.reference) };
  }

  return {
    transition,

    /** What the publish page shows: what is missing (the reach is added by the service). */
    async publishCheck(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await read.full({ slug });
      if (!o) return notFound;
      return { ok: true as const, opportunity: o, missing: await missing(o, db, new Date()) };
    },

    /** Draft → open, only when it is complete, checked under the row lock; the specification is published with it. */
    async publish(actor: Actor, slug: string, now = new Date()): Promise<Done | (Refusal & { missing?: Missing[] })> {
      return mutate(async (trx) => {
        const found = await read.editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const o = (await read.full({ id: found.o.id }, trx, now))!;
        const lacking = await missing(o, trx, now);
        if (lacking.length) return { ...refusal(400, 'The opportunity cannot be published yet'), missing: lacking };
        const detail = { totalValuePence: o.total_value_pence, lots: o.lots.length };
        const moved = await transition(o.id, 'open', { actor, now, detail }, trx);
        if (!moved.ok) return moved;
        await specifications.markPublished(actor, o.specification_id, trx);
        return { ok: true };
      });
    },

    /** What the cancellation page needs: the opportunity and how many applications will be told. */
    async cancelCheck(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await read.full({ slug });
      if (!o) return notFound;
      const refused = cannotCancel(o, await records.hasAward(db, o.id));
      if (refused) return refused;
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
      return mutate(async (trx, fx) => {
        // Locked, so that a cancellation and another change of state cannot both go through.
        const o = await records.lockOpportunity(trx, { slug });
        if (!o) return notFound;
        const refused = cannotCancel(o, await records.hasAward(trx, o.id), now);
        if (refused) return refused;
        const { mails, told, references } = await cancellationEmails(o, reason, now, trx);
        const moved = await transition(
          o.id,
          'cancelled',
          { actor, now, reason, detail: { applications: references, told } },
          trx,
        );
        if (!moved.ok) return moved;
        for (const mail of mails) fx.email(mail);
        return { ok: true };
      });
    },

    /**
     * After decisions on every application: it stays closed while successful applications wait for their awards;
     * with none successful it ends with no award made (OCDS "unsuccessful") instead of staying closed for ever.
     */
    async settleAfterDecisions(actor: Actor, opportunityId: string, trx: Database, now = new Date()) {
      const o = await records.lockOpportunity(trx, { id: opportunityId });
      if (!o) return;
      const to = afterDecisions(o, await applications.assessedOn(opportunityId, trx));
      if (to) await transition(opportunityId, to, { actor, now }, trx);
    },
  };
}
