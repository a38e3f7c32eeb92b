import { type Actor, holds } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { type Done, done, type Refusal, refusal } from '../../../kernel/result.ts';
import { isAssessable } from '../opportunities/lifecycle.ts';
import type { AssessmentContext } from './context.ts';
import { panelMemberAdded, panelMemberRemoved } from './emails.ts';
import { cancellation, declarationText, reasonText, refusals, refuseIfCancelled } from './present.ts';
import * as q from './queries.ts';
import { declarationIssues } from './rules.ts';

// The panel: who sits on it (added and removed by commissioners until moderation starts), and each member's page
// and declaration of interests.

export const COMMISSIONERS = ['commissioner'] as const;

// The factory is long only as a list of short operations that share its dependencies.
export function panelActions(ctx: AssessmentContext) {
  const { db, config, opportunities, mutate } = ctx;

  return {
    /** A commissioner adds anyone with an account to the panel, by e-mail address. */
    async addMember(actor: Actor, slug: string, email: string): Promise<Done<{ name: string }> | Refusal> {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const o = await opportunities.bySlug(slug);
      if (!o) return refusals.notFound;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const user = await q.personByEmail(db, email);
      if (!user) return refusals.noAccount;
      return mutate(async (trx, effects) => {
        // The lock moderation shares (as a removal does): an addition either comes first or is refused.
        await q.lockOpportunity(trx, { id: o.id }, 'update');
        if (await q.moderationStarted(trx, o.id)) return refusals.panelClosed;
        if (!(await q.addPanelMember(trx, o.id, user.id, actor.id))) return refusals.alreadyOnPanel(user.name);
        effects.audit({
          userId: actor.id,
          action: 'panel.member_added',
          entityType: 'opportunity',
          entityId: o.id,
          detail: { userId: user.id },
        });
        await ctx.recordConflicts(o.id, trx, effects);
        effects.email(panelMemberAdded(config.baseUrl, email.trim(), o));
        return done({ name: user.name });
      });
    },

    /**
     * What the removal page needs: the member, their declaration and how many scores they gave. Refused once
     * moderation has started, as the agreed scores were reached with theirs.
     */
    async removalCheck(actor: Actor, slug: string, userId: string) {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      const o = await opportunities.bySlug(slug);
      if (!o) return refusals.notFound;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const member = isUuid(userId) ? (await q.panelMembers(db, o.id)).find((m) => m.user_id === userId) : undefined;
      if (!member) return refusals.notOnPanel;
      if (await q.moderationStarted(db, o.id)) return refusals.panelFixed(member.name);
      const given = (await q.scoresOn(db, o.id)).filter((s) => s.user_id === member.user_id);
      const applications = new Set(given.map((s) => s.application_id)).size;
      return { ok: true, opportunity: o, member, scores: given.length, applications } as const;
    },

    /** A commissioner removes a member from the panel, with their declaration and every score they gave. */
    async removeMember(actor: Actor, slug: string, userId: string): Promise<Done<{ name: string }> | Refusal> {
      if (!holds(actor, COMMISSIONERS)) return refusals.onlyCommissioners;
      if (!isUuid(userId)) return refusals.notOnPanel;
      return mutate(async (trx, effects) => {
        // The cancellation's own lock: a cancellation and a removal go one after the other, and a moderation
        // (which shares this lock) either comes first and refuses the removal, or comes after it.
        const o = await q.lockOpportunity(trx, { slug }, 'update');
        if (!o) return refusals.notFound;
        const cancelled = refuseIfCancelled(o);
        if (cancelled) return cancelled;
        const member = (await q.panelMembers(trx, o.id)).find((m) => m.user_id === userId);
        if (!member) return refusals.notOnPanel;
        if (await q.moderationStarted(trx, o.id)) return refusals.panelFixed(member.name);
        const { scores, exclusions } = await q.removePanelMember(trx, o.id, userId);
        effects.audit({
          userId: actor.id,
          action: 'panel.member_removed',
          entityType: 'opportunity',
          entityId: o.id,
          detail: {
            userId,
            name: member.name,
            declaration: member.declaration,
            declaredAt: member.declared_at,
            exclusions,
            scores,
          },
        });
        effects.email(panelMemberRemoved(member.email, o));
        return done({ name: member.name });
      });
    },

    /** The panel member's own page: declaration, then each application with what they may do. */
    async panelPage(actor: Actor, slug: string) {
      const m = await ctx.asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const { o, member } = m;
      await mutate((trx, effects) => ctx.recordConflicts(o.id, trx, effects));
      const [apps, exclusions, scores] = await Promise.all([
        q.assessedApplications(db, o.id),
        q.exclusions(db, o.id),
        q.scoresOn(db, o.id),
      ]);
      const rows = apps.map((a) => {
        const ex = exclusions.find((e) => e.application_id === a.id && e.user_id === actor.id);
        const n = scores.filter((s) => s.application_id === a.id && s.user_id === actor.id).length;
        return {
          ...a,
          exclusion: ex ? { ...ex, text: reasonText[ex.reason] } : null,
          scoredCriteria: n,
          complete: n >= o.criteria.length,
        };
      });
      return {
        ok: true,
        opportunity: o,
        member,
        closed: isAssessable(o),
        cancelled: cancellation(o),
        applications: rows,
      } as const;
    },

    /** Declaration page: the applications, with any interest already declared. */
    async declarationPage(actor: Actor, slug: string) {
      const m = await ctx.asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const cancelled = refuseIfCancelled(m.o);
      if (cancelled) return cancelled;
      const apps = await q.assessedApplications(db, m.o.id);
      const declared = (await q.exclusions(db, m.o.id)).filter(
        (e) => e.user_id === actor.id && e.reason === 'declared_interest',
      );
      return { ok: true, opportunity: m.o, member: m.member, applications: apps, declared } as const;
    },

    /** "No interests", or an interest with details for each application concerned; the latter excludes them from it. */
    async declare(
      actor: Actor,
      slug: string,
      input: { none: boolean; interests: { applicationId: string; detail: string }[] },
    ): Promise<Done | Refusal> {
      const m = await ctx.asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const cancelled = refuseIfCancelled(m.o);
      if (cancelled) return cancelled;
      const apps = await q.assessedApplications(db, m.o.id);
      const issues = declarationIssues(
        apps.map((a) => a.id),
        input,
      );
      if (issues.length) return refusal(400, 'Check your declaration', { issues });
      const interests = input.interests.map((i) => ({ applicationId: i.applicationId, detail: i.detail.trim() }));
      return mutate(async (trx, effects) => {
        // An interest once declared stays: a later "no interests" does not lift an exclusion.
        const count = await q.declareInterests(trx, m.o.id, actor.id, interests);
        await q.recordDeclaration(trx, m.o.id, actor.id, declarationText(count));
        effects.audit({
          userId: actor.id,
          action: 'panel.declared',
          entityType: 'opportunity',
          entityId: m.o.id,
          detail: { none: input.none, applications: input.interests.map((i) => i.applicationId) },
        });
        return done();
      });
    },
  };
}
