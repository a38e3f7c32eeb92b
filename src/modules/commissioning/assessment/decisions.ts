import type { Database } from '../../../db/index.ts';
import { type Actor, holds, isStaff } from '../../../kernel/actor.ts';
import { type Done, done, type Refusal, refusal } from '../../../kernel/result.ts';
import { applicationStatusLabels } from '../applications/lifecycle.ts';
import { isAssessable } from '../opportunities/lifecycle.ts';
import type { AssessmentContext, Opportunity } from './context.ts';
import { applicationDecided } from './emails.ts';
import { COMMISSIONERS } from './panel.ts';
import { applicationsTable, cancellation, conflictMark, refusals, refuseIfCancelled } from './present.ts';
import * as q from './queries.ts';
import { decisionIssues, percentText, scorers, weightedPercent } from './rules.ts';

// The staff overview of an opportunity's assessment, and the decisions on its applications.

export type DecisionInput = { applicationId: string; outcome: 'successful' | 'unsuccessful' | ''; feedback: string };

// The factory is long only as a list of short operations that share its dependencies.
export function decisionActions(ctx: AssessmentContext) {
  const { db, config, opportunities, applications, mutate } = ctx;

  /** Each assessed application with its scoring progress, agreed total, rank and award, ranked within each lot. */
  async function assessmentRows(o: Opportunity, trx: Database = db) {
    const [state, apps, awards] = await Promise.all([
      ctx.panelState(o.id, trx),
      q.assessedApplications(trx, o.id),
      q.awardsOf(trx, o.id),
    ]);
    const moderated = await q.moderatedFor(
      trx,
      apps.map((a) => a.id),
    );
    const rows = apps.map((a) => {
      const given = state.scores.filter((s) => s.application_id === a.id);
      const { scorers: who, missing } = scorers(state.panel, state.excluded(a.id), given, o.criteria);
      const mine = new Map(moderated.filter((m) => m.application_id === a.id).map((m) => [m.criterion_id, m.score]));
      const total = weightedPercent(o.criteria, mine);
      return {
        ...a,
        statusLabel: applicationStatusLabels[a.status],
        scorers: who.length,
        scored: who.length - missing.length,
        missing: missing.map((m) => m.name),
        excluded: state.exclusions.filter((e) => e.application_id === a.id),
        moderated: mine.size,
        total,
        totalText: percentText(total),
        award: awards.find((w) => w.application_id === a.id)?.slug ?? null,
      };
    });
    rows.sort((x, y) => (x.lot_number ?? 0) - (y.lot_number ?? 0) || (x.rank ?? 999) - (y.rank ?? 999));
    return { rows, panel: state.panel, exclusions: state.exclusions };
  }

  /**
   * The rows as this person may see them: of an application they are kept from by a conflict, only that it exists
   * (reference, lead, lot and status), marked, with no title, scoring, total or rank, listed after the others of
   * its lot so that its place does not give its rank away.
   */
  async function rowsFor(actor: Actor, o: Opportunity) {
    const { rows, panel, exclusions } = await assessmentRows(o);
    const mine = new Map(exclusions.filter((e) => e.user_id === actor.id).map((e) => [e.application_id, e]));
    const shown = rows.map((r) => {
      const conflict = mine.get(r.id);
      if (!conflict) return { ...r, conflict: null };
      return {
        ...r,
        title: '',
        conflict: conflictMark[conflict.reason],
        scored: 0,
        scorers: 0,
        missing: [],
        excluded: [],
        moderated: 0,
        total: null,
        totalText: '',
        rank: null,
        feedback: null,
      };
    });
    shown.sort(
      (x, y) =>
        (x.lot_number ?? 0) - (y.lot_number ?? 0) ||
        Number(!!x.conflict) - Number(!!y.conflict) ||
        (x.conflict ? x.reference.localeCompare(y.reference) : (x.rank ?? 999) - (y.rank ?? 999)),
    );
    return { rows: shown, panel, exclusions };
  }

  /** Staff overview: the panel, declarations, scoring progress, agreed totals and ranks, decisions, awards. */
  async function overview(actor: Actor, slug: string) {
    if (!isStaff(actor)) return refusals.onlyStaff;
    const o = await opportunities.bySlug(slug);
    if (!o) return refusals.notFound;
    await mutate((trx, effects) => ctx.recordConflicts(o.id, trx, effects));
    const { rows, panel, exclusions } = await rowsFor(actor, o);
    const canManage = holds(actor, COMMISSIONERS);
    const cancelled = cancellation(o);
    return {
      ok: true,
      opportunity: o,
      closed: isAssessable(o),
      cancelled,
      // Before moderation starts, members can be added and removed; from then on the panel stays as it is.
      panelOpen: canManage && !cancelled && !(await q.moderationStarted(db, o.id)),
      panel: panel.map((m) => ({ ...m, exclusions: exclusions.filter((e) => e.user_id === m.user_id) })),
      applications: rows,
      applicationsTable: applicationsTable(rows, o, { moderate: canManage && !cancelled, award: canManage }),
      canManage,
      allDecided: rows.length > 0 && rows.every((r) => r.status !== 'submitted'),
    } as const;
  }

  /** Tells the members of the lead and of every partner, by e-mail, of the decision and the panel's feedback. */
  async function tell(o: Opportunity, a: { id: string; reference: string }, d: DecisionInput, trx: Database) {
    const emails = await q.memberEmails(trx, await applications.organisationIds(a.id, trx));
    const outcome = d.outcome as 'successful' | 'unsuccessful';
    return emails.map((to) => applicationDecided(config.baseUrl, to, o, a, outcome, d.feedback.trim()));
  }

  return {
    overview,

    /** The decision page: every submitted application with its total and rank. */
    async decisionPage(actor: Actor, slug: string) {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const page = await overview(actor, slug);
      if (!page.ok) return page;
      const cancelled = refuseIfCancelled(page.opportunity);
      if (cancelled) return cancelled;
      const waiting = page.applications.filter((a) => a.status === 'submitted');
      // Those the commissioner is kept from by a conflict are decided by another commissioner.
      return {
        ...page,
        undecided: waiting.filter((a) => !a.conflict),
        leftToOthers: waiting.filter((a) => a.conflict),
      };
    },

    /**
     * Successful or unsuccessful for every application still waiting, each with written feedback; the lead's and
     * partners' members are told by e-mail. Everything is checked under the opportunity's row, which a
     * cancellation, another decision and a moderation also take: a decision already made, or a cancellation, is
     * seen here and refused, and nothing is audited or sent for it.
     */
    async decide(actor: Actor, slug: string, input: DecisionInput[]): Promise<Done<{ count: number }> | Refusal> {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const o = await opportunities.bySlug(slug);
      if (!o) return refusals.notFound;
      return mutate(async (trx, effects) => {
        // For update, not for share: the opportunity's own move after the decisions takes it for update too, and
        // two decisions holding it shared would each wait for the other to let go.
        const locked = await q.lockOpportunity(trx, { id: o.id }, 'update');
        if (!locked) return refusals.notFound;
        const cancelled = refuseIfCancelled(locked);
        if (cancelled) return cancelled;
        await ctx.recordConflicts(o.id, trx, effects);
        const { rows, exclusions } = await assessmentRows(o, trx);
        const kept = new Set(exclusions.filter((e) => e.user_id === actor.id).map((e) => e.application_id));
        const waiting = rows.filter((a) => a.status === 'submitted');
        const undecided = waiting.filter((a) => !kept.has(a.id));
        if (waiting.length === 0) return refusals.allDecided;
        if (undecided.length === 0) return refusals.othersToDecide;
        const issues = decisionIssues(undecided, o.criteria.length, input);
        if (issues.length) return refusal(400, 'Check the decisions', { issues });
        const now = new Date();
        for (const a of undecided) {
          const d = input.find((i) => i.applicationId === a.id)!;
          const outcome = d.outcome as 'successful' | 'unsuccessful';
          const moved = await applications.transition(a.id, outcome, { actor, now, reason: d.feedback.trim() }, trx);
          if (!moved.ok) return moved;
          for (const email of await tell(o, a, d, trx)) effects.email(email);
        }
        await opportunities.settleAfterDecisions(actor, o.id, trx, now);
        return done({ count: undecided.length });
      });
    },
  };
}
