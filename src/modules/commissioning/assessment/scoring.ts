import type { Database } from '../../../db/index.ts';
import { type Actor, holds } from '../../../kernel/actor.ts';
import { type Done, done, type Refusal, refusal } from '../../../kernel/result.ts';
import { ASSESSED_STATUSES } from '../applications/lifecycle.ts';
import { isAssessable } from '../opportunities/lifecycle.ts';
import type { AssessmentContext, Opportunity } from './context.ts';
import { COMMISSIONERS } from './panel.ts';
import { conflictRefusal, othersTable, reasonText, refusals, refuseIfCancelled, spreadTable } from './present.ts';
import * as q from './queries.ts';
import { moderationIssues, rankByLot, scoreIssues, scorers, weightedPercent } from './rules.ts';

// Scoring by each panel member, then the scores the panel agrees on (moderation), from which totals and ranks
// follow.

export type ScoreInput = { criterionId: string; score: number; comment: string };
export type ModerationInput = { criterionId: string; score: number; note: string };

type Standing = {
  o: Opportunity;
  app: NonNullable<Awaited<ReturnType<AssessmentContext['applications']['byReference']>>>;
  exclusion: Awaited<ReturnType<AssessmentContext['exclusionOf']>>;
  refused: Refusal | null;
};

// The factory is long only as a list of short operations that share its dependencies.
export function scoringActions(ctx: AssessmentContext) {
  const { db, opportunities, applications, mutate } = ctx;

  /** The application by its reference when it is one of this opportunity's under assessment. */
  async function assessedApplication(o: { id: string }, reference: string, trx: Database = db) {
    const app = await applications.byReference(reference, trx);
    return app && app.opportunity_id === o.id && ASSESSED_STATUSES.includes(app.status) ? app : undefined;
  }

  /**
   * The moderation of one application as it stands: refused while a member has still to score; otherwise each
   * criterion with the spread of the scores that count and the agreed score so far.
   */
  async function moderation(actor: Actor, o: Opportunity, reference: string, trx: Database = db) {
    const app = await assessedApplication(o, reference, trx);
    if (!app) return refusals.noApplication;
    // Someone kept from it by a conflict does not see its scores, nor agree them.
    const conflict = await ctx.exclusionOf(o.id, actor.id, app.id, trx);
    if (conflict) return conflictRefusal(app.reference, conflict.reason);
    const state = await ctx.panelState(o.id, trx);
    const mine = state.scores.filter((s) => s.application_id === app.id);
    const { scorers: who, missing } = scorers(state.panel, state.excluded(app.id), mine, o.criteria);
    if (who.length === 0) return refusals.noScorers;
    if (missing.length) return refusals.stillToScore(missing.map((p) => p.name));
    const counted = state.counted(app.id);
    const moderated = await q.moderatedFor(trx, [app.id]);
    const criteria = o.criteria.map((c) => {
      const spread = counted.filter((s) => s.criterion_id === c.id);
      const values = spread.map((s) => s.score);
      const low = Math.min(...values);
      const high = Math.max(...values);
      return {
        ...c,
        spread,
        low,
        high,
        table: spreadTable({ low, high, spread }),
        moderated: moderated.find((md) => md.criterion_id === c.id) ?? null,
      };
    });
    return { ok: true, opportunity: o, application: app, criteria } as const;
  }

  /** Totals from the agreed scores, and ranks within each lot, which the applications' owner stores. */
  async function rerank(o: Opportunity, trx: Database) {
    const apps = await q.assessedApplications(trx, o.id);
    const moderated = await q.moderatedFor(
      trx,
      apps.map((a) => a.id),
    );
    const rows = apps.map((a) => ({
      ...a,
      total: weightedPercent(
        o.criteria,
        new Map(moderated.filter((m) => m.application_id === a.id).map((m) => [m.criterion_id, m.score])),
      ),
    }));
    await applications.setRanks(rankByLot(rows), trx);
  }

  /**
   * A member's standing to score one application: refused outright (not on the panel, cancelled, no such
   * application), or the application with why they may not score it yet (`refused`) or at all (`exclusion`).
   */
  async function standing(actor: Actor, slug: string, reference: string): Promise<Refusal | Standing> {
    const m = await ctx.asMember(actor, slug);
    if ('refusal' in m) return m.refusal!;
    const { o, member } = m;
    const cancelled = refuseIfCancelled(o);
    if (cancelled) return cancelled;
    const app = await assessedApplication(o, reference);
    if (!app) return refusals.noApplication;
    const exclusion = await ctx.exclusionOf(o.id, actor.id, app.id);
    const refused = !member.declared_at ? refusals.declareFirst : !isAssessable(o) ? refusals.notClosed : null;
    return { o, app, exclusion, refused };
  }

  return {
    /**
     * What a panel member sees to score one application: its content and their own scores; the others' scores only
     * once they have scored every criterion themselves.
     */
    async scoringPage(actor: Actor, slug: string, reference: string) {
      const st = await standing(actor, slug, reference);
      if ('ok' in st) return st;
      const { o, app, exclusion, refused } = st;
      const base = { ok: true, opportunity: o, reference, applicationTitle: app.title } as const;
      if (exclusion) return { ...base, excluded: { ...exclusion, text: reasonText[exclusion.reason] } } as const;
      if (refused) return refused;
      const full = (await applications.full(app.id))!;
      const scores = (await ctx.panelState(o.id)).counted(app.id);
      const own = scores.filter((s) => s.user_id === actor.id);
      const complete = o.criteria.every((c) => own.some((s) => s.criterion_id === c.id));
      const others = complete ? scores.filter((s) => s.user_id !== actor.id) : [];
      return {
        ...base,
        excluded: null,
        application: full,
        own,
        complete,
        others,
        othersTable: othersTable(o.criteria, others),
      } as const;
    },

    /** A panel member's scores for every criterion of one application, each with a comment. */
    async score(actor: Actor, slug: string, reference: string, input: ScoreInput[]): Promise<Done | Refusal> {
      const st = await standing(actor, slug, reference);
      if ('ok' in st) return st;
      const { o, app, exclusion, refused } = st;
      if (exclusion) return refusals.excluded(exclusion.reason);
      if (refused) return refused;
      if ((await q.moderatedFor(db, [app.id])).length) return refusals.moderated;
      const issues = scoreIssues(o.criteria, input);
      if (issues.length) return refusal(400, 'Check your scores', { issues });
      return mutate(async (trx, effects) => {
        // Held until the scores are in, so that a removal from the panel waits for them and takes them too.
        if (!(await q.panelMember(trx, o.id, actor.id, 'share'))) return refusals.notMember;
        if ((await q.moderatedFor(trx, [app.id])).length) return refusals.moderated;
        const scores = o.criteria.map((c) => {
          const s = input.find((i) => i.criterionId === c.id)!;
          return { criterionId: c.id, score: s.score, comment: s.comment.trim() };
        });
        await q.saveScores(trx, app.id, actor.id, scores);
        effects.audit({
          userId: actor.id,
          action: 'assessment.scored',
          entityType: 'application',
          entityId: app.id,
          detail: { scores: Object.fromEntries(input.map((i) => [i.criterionId, i.score])) },
        });
        return done();
      });
    },

    /** The spread of scores for moderation, refused while a panel member has still to score. */
    async moderationPage(actor: Actor, slug: string, reference: string) {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const o = await opportunities.bySlug(slug);
      if (!o) return refusals.notFound;
      return refuseIfCancelled(o) ?? moderation(actor, o, reference);
    },

    /**
     * The agreed score for each criterion with a note; then totals and ranks are worked out again. Checked under
     * the opportunity's row, shared with other moderations and held against decisions, panel changes and a
     * cancellation: what is checked is what is written.
     */
    async moderate(actor: Actor, slug: string, reference: string, input: ModerationInput[]): Promise<Done | Refusal> {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const o = await opportunities.bySlug(slug);
      if (!o) return refusals.notFound;
      return mutate(async (trx, effects) => {
        const locked = await q.lockOpportunity(trx, { id: o.id }, 'share');
        if (!locked) return refusals.notFound;
        const cancelled = refuseIfCancelled(locked);
        if (cancelled) return cancelled;
        const page = await moderation(actor, o, reference, trx);
        if (!page.ok) return page;
        const app = page.application;
        if (app.status !== 'submitted') return refusals.decided;
        const issues = moderationIssues(o.criteria, input);
        if (issues.length) return refusal(400, 'Check the agreed scores', { issues });
        const scores = o.criteria.map((c) => {
          const s = input.find((i) => i.criterionId === c.id)!;
          return { criterionId: c.id, score: s.score, note: s.note.trim() };
        });
        await q.saveModeration(trx, app.id, actor.id, scores);
        await rerank(o, trx);
        effects.audit({
          userId: actor.id,
          action: 'assessment.moderated',
          entityType: 'application',
          entityId: app.id,
          detail: { scores: Object.fromEntries(input.map((i) => [i.criterionId, i.score])) },
        });
        return done();
      });
    },
  };
}
