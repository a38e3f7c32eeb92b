import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus } from '../../../db/schema.ts';
import type { Actor } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { AuditRecord, Mutate } from '../../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../../kernel/result.ts';
import { moneyText } from '../opportunities/present.ts';
import type { OpportunityService } from '../opportunities/service.ts';
import * as emails from './emails.ts';
import { applicationStatusLabels, applicationTransitions, canMove, isLive, mayMove } from './lifecycle.ts';
import * as people from './queries/people.ts';
import * as records from './queries/records.ts';
import { blockers, leadOnly, notDraft, notFound, type Reader } from './reading.ts';
import { plainDateTime } from './rules.ts';

// Every change of an application's state goes through `transition`: submitting and withdrawing by the lead's
// members, and the decisions commissioners make in assessment.

export type TransitionContext = {
  actor?: Actor;
  now?: Date;
  /** Why it was withdrawn, or the feedback with a decision. */
  reason?: string;
  /** More for the audit entry. */
  detail?: Record<string, unknown>;
};

const decidersOnly = refusal(403, 'Only commissioners can decide on applications.');

type Deps = {
  db: Database;
  config: Config;
  mutate: Mutate;
  read: Reader;
  audit: { record(entry: AuditRecord, trx?: Database): Promise<void> };
  opportunities: Pick<OpportunityService, 'holdForShare'>;
};

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createChanges({ db, config, mutate, read, audit, opportunities }: Deps) {
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
    if (trx === db) return db.transaction().execute((t) => transition(id, to, ctx, t));
    if (!isUuid(id)) return notFound;
    const a = await records.lockApplication(trx, id);
    if (!a) return notFound;
    if (to === 'draft' || !canMove(a.status, to)) {
      const [from, into] = [applicationStatusLabels[a.status], applicationStatusLabels[to]].map((l) => l.toLowerCase());
      return refusal(409, `This application is ${from}, so it cannot be ${into}.`);
    }
    const lead = ctx.actor ? (await read.standing(ctx.actor, id, trx)).lead : false;
    if (!mayMove(to, ctx.actor, lead)) return to === 'submitted' || to === 'withdrawn' ? leadOnly : decidersOnly;
    const now = ctx.now ?? new Date();
    const by = ctx.actor?.id ?? null;
    const columns: records.StatusColumns =
      to === 'submitted'
        ? { submitted_at: now, submitted_by: by }
        : to === 'withdrawn'
          ? { withdrawn_at: now, withdrawn_by: by, withdrawal_reason: ctx.reason ?? '' }
          : { decided_at: now, decided_by: by, feedback: ctx.reason ?? '' };
    await records.writeStatus(trx, id, to, columns, now);
    await audit.record(
      {
        userId: by,
        action: applicationTransitions[to].audit,
        entityType: 'application',
        entityId: id,
        detail: { reference: a.reference, from: a.status, ...ctx.detail },
      },
      trx,
    );
    return { ok: true, from: a.status, reference: a.reference };
  }

  return {
    transition,

    /** Ranks within each lot, worked out by assessment from the moderated scores; null takes a rank away. */
    async setRanks(ranks: Map<string, number | null>, trx: Database = db) {
      for (const [id, rank] of ranks) await records.writeRank(trx, id, rank);
    },

    /** The statuses of an opportunity's applications that went to assessment. */
    assessedOn: (opportunityId: string, trx: Database = db) => records.assessedOn(trx, opportunityId),

    /** Submits when every task is complete, every partner has confirmed and the opportunity has not closed. */
    async submit(actor: Actor, reference: string, now = new Date()): Promise<Done | Refusal> {
      return mutate(async (trx, fx) => {
        const seen = await read.visible(actor, reference, trx);
        if (seen.refusal) return seen.refusal;
        const { row } = seen;
        if (!seen.who.lead) return leadOnly;
        if (row.status !== 'draft') return notDraft;
        // Shares the row lock a cancellation takes for update: a submission and a cancellation arriving together
        // go one after the other, so a cancelled opportunity is seen as such and a cancellation sees this submission.
        await opportunities.holdForShare(row.opportunity_id, trx);
        const f = (await read.full(row.id, trx, now))!;
        const issues = blockers(f, now);
        if (issues.length) {
          const late = issues.find((i) => i.field === 'deadline');
          const message = late ? late.message : 'The application is not ready to submit';
          return refusal(late ? 409 : 400, message, { issues });
        }
        const detail = { requestedPence: f.application.requested_pence };
        const moved = await transition(row.id, 'submitted', { actor, now, detail }, trx);
        if (!moved.ok) return moved;
        const members = await people.membersOf(
          trx,
          f.partners.map((p) => p.organisation_id),
        );
        const link = `${config.baseUrl}/applications/${row.reference}`;
        for (const person of new Map(members.map((m) => [m.email, m])).values()) {
          const text = {
            name: person.name,
            reference: row.reference,
            leadName: f.lead.name,
            title: f.application.title,
            opportunityTitle: f.opportunity.title,
            when: plainDateTime(now),
            amount: moneyText(f.application.requested_pence ?? 0),
            link,
          };
          fx.email({ to: person.email, ...emails.submitted(text) });
        }
        return { ok: true };
      });
    },

    /** The lead's members may withdraw before a decision; the application stays visible to them. */
    async withdraw(actor: Actor, reference: string, reason: string, now = new Date()): Promise<Done | Refusal> {
      return mutate(async (trx) => {
        const seen = await read.visible(actor, reference, trx);
        if (seen.refusal) return seen.refusal;
        const { row, who } = seen;
        if (!who.lead) return leadOnly;
        if (!isLive(row)) {
          return refusal(
            409,
            row.status === 'withdrawn'
              ? 'This application has already been withdrawn.'
              : 'A decision has been made on this application, so it can no longer be withdrawn.',
          );
        }
        const detail = { reason, wasSubmitted: row.status === 'submitted' };
        const moved = await transition(row.id, 'withdrawn', { actor, now, reason, detail }, trx);
        return moved.ok ? { ok: true } : moved;
      });
    },
  };
}
