import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus, Role } from '../../../db/schema.ts';
import type { AuditService } from '../../audit/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import type { ApplicationService } from '../applications/service.ts';
import { longDate, type OpportunityService } from '../opportunities/service.ts';
import { percentText, rankByLot, weightedPercent } from './rules.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

export type ExclusionReason = 'declared_interest' | 'member_of_applicant';
export const reasonText: Record<ExclusionReason, string> = {
  declared_interest: 'you declared an interest in it',
  member_of_applicant: 'you are a member of an organisation in this application',
};
export type ScoreInput = { criterionId: string; score: number; comment: string };
export type ModerationInput = { criterionId: string; score: number; note: string };
export type DecisionInput = { applicationId: string; outcome: 'successful' | 'unsuccessful' | ''; feedback: string };

const STAFF: readonly Role[] = ['officer', 'commissioner', 'admin'];
const COMMISSIONERS: readonly Role[] = ['commissioner', 'admin'];
/** The applications a panel assesses: submitted ones, and those already decided. */
const ASSESSED: ApplicationStatus[] = ['submitted', 'successful', 'unsuccessful'];

const notFound = { ok: false, status: 404, message: 'There is no such opportunity.' } as const;
const notMember = {
  ok: false,
  status: 403,
  message: 'Only the members of this opportunity’s assessment panel can see this page.',
} as const;
const onlyCommissioners = { ok: false, status: 403, message: 'Only commissioners can do this.' } as const;
const notOnPanel = { ok: false, status: 404, message: 'That person is not on this opportunity’s panel.' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAssessmentService({
  db,
  config,
  audit,
  outbox,
  opportunities,
  applications,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
  opportunities: OpportunityService;
  applications: ApplicationService;
}) {
  type Opportunity = NonNullable<Awaited<ReturnType<OpportunityService['bySlug']>>>;
  const isClosed = (o: Opportunity) => o.effectiveStatus === 'closed' || o.effectiveStatus === 'awarded';
  /** Why nothing more is assessed, when the opportunity was cancelled; otherwise null. */
  const cancellation = (o: Pick<Opportunity, 'status' | 'cancelled_at' | 'updated_at'>) =>
    o.status === 'cancelled'
      ? `This opportunity was cancelled on ${longDate.format(new Date(o.cancelled_at ?? o.updated_at))}, so its applications will not be assessed.`
      : null;
  const refuseIfCancelled = (o: Pick<Opportunity, 'status' | 'cancelled_at' | 'updated_at'>) => {
    const message = cancellation(o);
    return message ? ({ ok: false, status: 409, message } as const) : null;
  };

  async function members(opportunityId: string, trx: Database = db) {
    return trx
      .selectFrom('panel_member as p')
      .innerJoin('app_user as u', 'u.id', 'p.user_id')
      .select(['p.user_id', 'u.name', 'u.email', 'u.role', 'p.declared_at', 'p.declaration', 'p.added_at'])
      .where('p.opportunity_id', '=', opportunityId)
      .orderBy('u.name')
      .execute();
  }

  async function assessed(opportunityId: string) {
    return applications.forOpportunity(opportunityId, { status: ASSESSED });
  }

  /** Panel members who belong (approved) to an organisation in an application, pair by pair. */
  async function memberConflicts(opportunityId: string, trx: Database = db) {
    return trx
      .selectFrom('panel_member as pm')
      .innerJoin('membership as m', (j) => j.onRef('m.user_id', '=', 'pm.user_id').on('m.status', '=', 'approved'))
      .innerJoin('application as a', 'a.opportunity_id', 'pm.opportunity_id')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['pm.user_id', 'a.id as application_id', 'o.name as organisation_name'])
      .where('pm.opportunity_id', '=', opportunityId)
      .where('a.status', 'in', ASSESSED)
      .where((eb) =>
        eb.or([
          eb('a.lead_organisation_id', '=', eb.ref('m.organisation_id')),
          eb.exists(
            eb
              .selectFrom('application_partner as ap')
              .select('ap.application_id')
              .whereRef('ap.application_id', '=', 'a.id')
              .whereRef('ap.organisation_id', '=', 'm.organisation_id'),
          ),
        ]),
      )
      .execute();
  }

  /** Records every membership conflict as an exclusion, so the panel and the commissioner see it. */
  async function recordConflicts(opportunityId: string, trx: Database) {
    const conflicts = await memberConflicts(opportunityId, trx);
    for (const c of conflicts) {
      const inserted = await trx
        .insertInto('panel_exclusion')
        .values({
          opportunity_id: opportunityId,
          user_id: c.user_id,
          application_id: c.application_id,
          reason: 'member_of_applicant',
          detail: `Member of ${c.organisation_name}`,
        })
        .onConflict((oc) => oc.columns(['user_id', 'application_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (inserted)
        await audit.record(
          {
            userId: null,
            action: 'panel.excluded',
            entityType: 'application',
            entityId: c.application_id,
            detail: { userId: c.user_id, reason: 'member_of_applicant', organisation: c.organisation_name },
          },
          trx,
        );
    }
  }

  /**
   * Why this person may not score this application, checked afresh each time (the recorded exclusions and their
   * memberships now), so that no request can get round it.
   */
  async function exclusionOf(opportunityId: string, userId: string, applicationId: string, trx: Database = db) {
    const recorded = await trx
      .selectFrom('panel_exclusion')
      .select(['reason', 'detail'])
      .where('user_id', '=', userId)
      .where('application_id', '=', applicationId)
      .executeTakeFirst();
    if (recorded) return recorded;
    const live = (await memberConflicts(opportunityId, trx)).find(
      (c) => c.user_id === userId && c.application_id === applicationId,
    );
    return live ? { reason: 'member_of_applicant' as const, detail: `Member of ${live.organisation_name}` } : undefined;
  }

  async function exclusions(opportunityId: string, trx: Database = db) {
    return trx
      .selectFrom('panel_exclusion as e')
      .innerJoin('app_user as u', 'u.id', 'e.user_id')
      .innerJoin('application as a', 'a.id', 'e.application_id')
      .select(['e.user_id', 'e.application_id', 'a.reference', 'e.reason', 'e.detail', 'u.name'])
      .where('e.opportunity_id', '=', opportunityId)
      .execute();
  }

  async function scoresFor(applicationId: string, trx: Database = db) {
    return trx
      .selectFrom('assessment_score as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select(['s.criterion_id', 's.user_id', 's.score', 's.comment', 's.scored_at', 'u.name'])
      .where('s.application_id', '=', applicationId)
      .orderBy('u.name')
      .execute();
  }

  /**
   * The scores that count for an application: without those of anyone excluded from it since (a declared interest
   * or a membership approved after they scored).
   */
  async function countedScores(opportunityId: string, applicationId: string, trx: Database = db) {
    const [scores, excluded, conflicts] = await Promise.all([
      scoresFor(applicationId, trx),
      exclusions(opportunityId, trx),
      memberConflicts(opportunityId, trx),
    ]);
    const out = new Set([
      ...excluded.filter((e) => e.application_id === applicationId).map((e) => e.user_id),
      ...conflicts.filter((c) => c.application_id === applicationId).map((c) => c.user_id),
    ]);
    return scores.filter((s) => !out.has(s.user_id));
  }

  async function opportunity(slug: string) {
    return opportunities.bySlug(slug);
  }

  /** The panel member row for this person, or a refusal. */
  async function asMember(actor: Actor, slug: string) {
    const o = await opportunity(slug);
    if (!o) return { refusal: notFound };
    const member = await db
      .selectFrom('panel_member')
      .selectAll()
      .where('opportunity_id', '=', o.id)
      .where('user_id', '=', actor.id)
      .executeTakeFirst();
    if (!member) return { refusal: notMember };
    return { o, member };
  }

  /** Which non-excluded members have not yet scored every criterion of an application. */
  async function missingScorers(o: Opportunity, applicationId: string, trx: Database = db) {
    const [panel, excluded, scores] = await Promise.all([
      members(o.id, trx),
      exclusions(o.id, trx),
      scoresFor(applicationId, trx),
    ]);
    const conflicts = (await memberConflicts(o.id, trx)).filter((c) => c.application_id === applicationId);
    const out = new Set([
      ...excluded.filter((e) => e.application_id === applicationId).map((e) => e.user_id),
      ...conflicts.map((c) => c.user_id),
    ]);
    const scorers = panel.filter((m) => !out.has(m.user_id));
    const missing = scorers.filter((m) =>
      o.criteria.some((c) => !scores.some((s) => s.user_id === m.user_id && s.criterion_id === c.id)),
    );
    return { scorers, missing };
  }

  async function moderatedFor(applicationIds: string[], trx: Database = db) {
    if (applicationIds.length === 0) return [];
    return trx
      .selectFrom('moderated_score')
      .select(['application_id', 'criterion_id', 'score', 'note'])
      .where('application_id', 'in', applicationIds)
      .execute();
  }

  /** Totals from the moderated scores, and ranks within each lot, stored on the applications. */
  async function rerank(o: Opportunity, trx: Database) {
    const apps = await trx
      .selectFrom('application')
      .select(['id', 'lot_id'])
      .where('opportunity_id', '=', o.id)
      .where('status', 'in', ASSESSED)
      .execute();
    const moderated = await moderatedFor(
      apps.map((a) => a.id),
      trx,
    );
    const rows = apps.map((a) => ({
      ...a,
      total: weightedPercent(
        o.criteria,
        new Map(moderated.filter((m) => m.application_id === a.id).map((m) => [m.criterion_id, m.score])),
      ),
    }));
    const ranks = rankByLot(rows);
    for (const [id, rank] of ranks) await trx.updateTable('application').set({ rank }).where('id', '=', id).execute();
  }

  /** Whether moderation has begun on any of the opportunity's applications: from then on the panel stays as it is. */
  async function moderationStarted(opportunityId: string, trx: Database = db) {
    const row = await trx
      .selectFrom('moderated_score as ms')
      .innerJoin('application as a', 'a.id', 'ms.application_id')
      .select('ms.application_id')
      .where('a.opportunity_id', '=', opportunityId)
      .limit(1)
      .executeTakeFirst();
    return !!row;
  }

  const panelFixed = (name: string) =>
    ({
      ok: false,
      status: 409,
      message: `Moderation of this opportunity’s applications has started, so ${name} can no longer be removed from the panel: the agreed scores were reached with theirs.`,
    }) as const;

  const panelClosed = {
    ok: false,
    status: 409,
    message:
      'Moderation of this opportunity’s applications has started, so no one can be added to the panel: every application is assessed by the same panel.',
  } as const;

  /** The scores one member gave on this opportunity: how many, and for how many applications. */
  async function scoresGiven(opportunityId: string, userId: string, trx: Database = db) {
    const rows = await trx
      .selectFrom('assessment_score as s')
      .innerJoin('application as a', 'a.id', 's.application_id')
      .select('s.application_id')
      .where('a.opportunity_id', '=', opportunityId)
      .where('s.user_id', '=', userId)
      .execute();
    return { scores: rows.length, applications: new Set(rows.map((r) => r.application_id)).size };
  }

  async function memberEmails(organisationIds: string[], trx: Database) {
    if (organisationIds.length === 0) return [];
    const rows = await trx
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select('u.email')
      .where('m.organisation_id', 'in', organisationIds)
      .where('m.status', '=', 'approved')
      .execute();
    return [...new Set(rows.map((r) => r.email))];
  }

  return {
    reasonText,
    exclusionOf,

    /** The opportunities on whose panel this person sits, newest first: how a member finds their way back. */
    async panelsFor(userId: string) {
      const rows = await db
        .selectFrom('panel_member as p')
        .innerJoin('opportunity as o', 'o.id', 'p.opportunity_id')
        .select(['o.id', 'o.slug', 'o.title', 'o.status', 'o.closes_at', 'p.declared_at'])
        .where('p.user_id', '=', userId)
        .orderBy('o.closes_at', 'desc')
        .execute();
      return rows;
    },

    /** Whether this person sits on the opportunity's panel (for a link from the opportunity's page). */
    async isMember(opportunityId: string, userId: string) {
      const row = await db
        .selectFrom('panel_member')
        .select('user_id')
        .where('opportunity_id', '=', opportunityId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return !!row;
    },

    /** Staff overview: the panel, declarations, scoring progress, moderated totals and ranks, decisions, awards. */
    async overview(actor: Actor, slug: string) {
      if (!STAFF.includes(actor.role)) return { ok: false, status: 403, message: 'Only staff can see this.' } as const;
      const o = await opportunity(slug);
      if (!o) return notFound;
      await db.transaction().execute((trx) => recordConflicts(o.id, trx));
      const [panel, excluded, apps] = await Promise.all([members(o.id), exclusions(o.id), assessed(o.id)]);
      const moderated = await moderatedFor(apps.map((a) => a.id));
      const awards = await db
        .selectFrom('award')
        .select(['application_id', 'slug'])
        .where('opportunity_id', '=', o.id)
        .execute();
      const rows = [];
      for (const a of apps) {
        const { scorers, missing } = await missingScorers(o, a.id);
        const mine = new Map(moderated.filter((m) => m.application_id === a.id).map((m) => [m.criterion_id, m.score]));
        const total = weightedPercent(o.criteria, mine);
        const rank = await db
          .selectFrom('application')
          .select(['rank', 'feedback'])
          .where('id', '=', a.id)
          .executeTakeFirstOrThrow();
        rows.push({
          ...a,
          scorers: scorers.length,
          scored: scorers.length - missing.length,
          missing: missing.map((m) => m.name),
          excluded: excluded.filter((e) => e.application_id === a.id),
          moderated: mine.size,
          total,
          totalText: percentText(total),
          rank: rank.rank,
          feedback: rank.feedback,
          award: awards.find((w) => w.application_id === a.id)?.slug ?? null,
        });
      }
      rows.sort((x, y) => (x.lot_number ?? 0) - (y.lot_number ?? 0) || (x.rank ?? 999) - (y.rank ?? 999));
      return {
        ok: true,
        opportunity: o,
        closed: isClosed(o),
        cancelled: cancellation(o),
        // Before moderation starts, members can be added and removed; from then on the panel stays as it is.
        panelOpen: COMMISSIONERS.includes(actor.role) && !cancellation(o) && !(await moderationStarted(o.id)),
        panel: panel.map((m) => ({ ...m, exclusions: excluded.filter((e) => e.user_id === m.user_id) })),
        applications: rows,
        canManage: COMMISSIONERS.includes(actor.role),
        allDecided: rows.length > 0 && rows.every((r) => r.status !== 'submitted'),
      } as const;
    },

    /** A commissioner adds anyone with an account to the panel, by e-mail address. */
    async addMember(actor: Actor, slug: string, email: string): Promise<Done<{ name: string }> | Refusal> {
      if (!COMMISSIONERS.includes(actor.role)) return onlyCommissioners;
      const o = await opportunity(slug);
      if (!o) return notFound;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const user = await db
        .selectFrom('app_user')
        .select(['id', 'name'])
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
        .executeTakeFirst();
      if (!user)
        return {
          ok: false,
          status: 400,
          message: 'No one has an account with that email address',
          issues: [
            { field: 'email', message: 'No one has an account with that email address: ask them to register first' },
          ],
        };
      return db.transaction().execute(async (trx) => {
        // The lock moderation shares (as a removal does): an addition either comes first or is refused.
        await trx.selectFrom('opportunity').select('id').where('id', '=', o.id).forUpdate().execute();
        if (await moderationStarted(o.id, trx)) return panelClosed;
        const added = await trx
          .insertInto('panel_member')
          .values({ opportunity_id: o.id, user_id: user.id, added_by: actor.id })
          .onConflict((oc) => oc.columns(['opportunity_id', 'user_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst();
        if (!added)
          return {
            ok: false,
            status: 400,
            message: 'Already on the panel',
            issues: [{ field: 'email', message: `${user.name} is already on the panel` }],
          } as const;
        await audit.record(
          {
            userId: actor.id,
            action: 'panel.member_added',
            entityType: 'opportunity',
            entityId: o.id,
            detail: { userId: user.id },
          },
          trx,
        );
        await recordConflicts(o.id, trx);
        await outbox.queue(
          {
            to: email.trim(),
            kind: 'panel.member_added',
            subject: `You are on the assessment panel for ${o.title}`,
            body: `You have been added to the panel that assesses applications to "${o.title}".\n\nBefore you score, declare any interests: ${config.baseUrl}/opportunities/${o.slug}/panel`,
          },
          trx,
        );
        return { ok: true, name: user.name } as const;
      });
    },

    /**
     * What the removal page needs: the member, their declaration and how many scores they gave. Refused once
     * moderation has started, as the agreed scores were reached with theirs.
     */
    async removalCheck(actor: Actor, slug: string, userId: string) {
      if (!COMMISSIONERS.includes(actor.role)) return onlyCommissioners;
      const o = await opportunity(slug);
      if (!o) return notFound;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const member = UUID.test(userId) ? (await members(o.id)).find((m) => m.user_id === userId) : undefined;
      if (!member) return notOnPanel;
      if (await moderationStarted(o.id)) return panelFixed(member.name);
      const given = await scoresGiven(o.id, member.user_id);
      return { ok: true, opportunity: o, member, ...given } as const;
    },

    /** A commissioner removes a member from the panel, with their declaration and every score they gave. */
    async removeMember(actor: Actor, slug: string, userId: string): Promise<Done<{ name: string }> | Refusal> {
      if (!COMMISSIONERS.includes(actor.role)) return onlyCommissioners;
      if (!UUID.test(userId)) return notOnPanel;
      return db.transaction().execute(async (trx) => {
        // The cancellation's own lock: a cancellation and a removal go one after the other, and a moderation
        // (which shares this lock) either comes first and refuses the removal, or comes after it.
        const o = await trx
          .selectFrom('opportunity')
          .select(['id', 'title', 'status', 'cancelled_at', 'updated_at'])
          .where('slug', '=', slug)
          .forUpdate()
          .executeTakeFirst();
        if (!o) return notFound;
        const cancelled = refuseIfCancelled(o);
        if (cancelled) return cancelled;
        const member = (await members(o.id, trx)).find((m) => m.user_id === userId);
        if (!member) return notOnPanel;
        if (await moderationStarted(o.id, trx)) return panelFixed(member.name);
        // The member's row first: a score being saved holds it, so its scores are in before they are removed.
        await trx.deleteFrom('panel_member').where('opportunity_id', '=', o.id).where('user_id', '=', userId).execute();
        const scores = await trx
          .deleteFrom('assessment_score')
          .where('user_id', '=', userId)
          .where('application_id', 'in', (eb) =>
            eb.selectFrom('application').select('id').where('opportunity_id', '=', o.id),
          )
          .returning(['application_id', 'criterion_id', 'score'])
          .execute();
        const exclusions = await trx
          .deleteFrom('panel_exclusion')
          .where('opportunity_id', '=', o.id)
          .where('user_id', '=', userId)
          .returning(['application_id', 'reason', 'detail'])
          .execute();
        await audit.record(
          {
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
          },
          trx,
        );
        await outbox.queue(
          {
            to: member.email,
            kind: 'panel.member_removed',
            subject: `You are no longer on the assessment panel for ${o.title}`,
            body: `You have been removed from the panel that assesses applications to "${o.title}". Your declaration of interests and any scores you gave have been removed with you.`,
          },
          trx,
        );
        return { ok: true, name: member.name } as const;
      });
    },

    /** The panel member's own page: declaration, then each application with what they may do. */
    async panelPage(actor: Actor, slug: string) {
      const m = await asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const { o, member } = m;
      await db.transaction().execute((trx) => recordConflicts(o.id, trx));
      const [apps, excluded, scored] = await Promise.all([
        assessed(o.id),
        exclusions(o.id),
        db
          .selectFrom('assessment_score as s')
          .innerJoin('application as a', 'a.id', 's.application_id')
          .select(['s.application_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('a.opportunity_id', '=', o.id)
          .where('s.user_id', '=', actor.id)
          .groupBy('s.application_id')
          .execute(),
      ]);
      const rows = apps.map((a) => {
        const ex = excluded.find((e) => e.application_id === a.id && e.user_id === actor.id);
        const n = Number(scored.find((s) => s.application_id === a.id)?.n ?? 0);
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
        closed: isClosed(o),
        cancelled: cancellation(o),
        applications: rows,
      } as const;
    },

    /** Declaration page: the applications, with any interest already declared. */
    async declarationPage(actor: Actor, slug: string) {
      const m = await asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const cancelled = refuseIfCancelled(m.o);
      if (cancelled) return cancelled;
      const apps = await assessed(m.o.id);
      const declared = (await exclusions(m.o.id)).filter(
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
      const m = await asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const cancelled = refuseIfCancelled(m.o);
      if (cancelled) return cancelled;
      const apps = await assessed(m.o.id);
      const issues: Issue[] = [];
      if (!input.none && input.interests.length === 0)
        issues.push({ field: 'declaration', message: 'Say whether you have any interests to declare' });
      for (const i of input.interests) {
        if (!apps.some((a) => a.id === i.applicationId))
          issues.push({ field: 'declaration', message: 'Choose an application from the list' });
        else if (!i.detail.trim())
          issues.push({ field: `detail-${i.applicationId}`, message: 'Describe your interest in this application' });
      }
      if (issues.length) return { ok: false, status: 400, message: 'Check your declaration', issues };
      await db.transaction().execute(async (trx) => {
        for (const i of input.interests) {
          await trx
            .insertInto('panel_exclusion')
            .values({
              opportunity_id: m.o.id,
              user_id: actor.id,
              application_id: i.applicationId,
              reason: 'declared_interest',
              detail: i.detail.trim(),
            })
            .onConflict((oc) =>
              oc
                .columns(['user_id', 'application_id'])
                .doUpdateSet({ reason: 'declared_interest', detail: i.detail.trim() }),
            )
            .execute();
        }
        // An interest once declared stays: a later "no interests" does not lift an exclusion.
        const declared = await trx
          .selectFrom('panel_exclusion')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('opportunity_id', '=', m.o.id)
          .where('user_id', '=', actor.id)
          .where('reason', '=', 'declared_interest')
          .executeTakeFirstOrThrow();
        const count = Number(declared.n);
        const text = count === 0 ? 'No interests' : `An interest in ${count} application${count === 1 ? '' : 's'}`;
        await trx
          .updateTable('panel_member')
          .set({ declared_at: new Date(), declaration: text })
          .where('opportunity_id', '=', m.o.id)
          .where('user_id', '=', actor.id)
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'panel.declared',
            entityType: 'opportunity',
            entityId: m.o.id,
            detail: { none: input.none, applications: input.interests.map((i) => i.applicationId) },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /**
     * What a panel member sees to score one application: its content and their own scores; the others' scores only
     * once they have scored every criterion themselves.
     */
    async scoringPage(actor: Actor, slug: string, reference: string) {
      const m = await asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const { o, member } = m;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const app = await applications.byReference(reference);
      if (!app || app.opportunity_id !== o.id || !ASSESSED.includes(app.status))
        return { ok: false, status: 404, message: 'There is no such application to assess.' } as const;
      const exclusion = await exclusionOf(o.id, actor.id, app.id);
      if (exclusion)
        return {
          ok: true,
          opportunity: o,
          reference,
          applicationTitle: app.title,
          excluded: { ...exclusion, text: reasonText[exclusion.reason] },
        } as const;
      if (!member.declared_at)
        return { ok: false, status: 409, message: 'Declare your interests before you score any application.' } as const;
      if (!isClosed(o))
        return { ok: false, status: 409, message: 'Scoring starts once the opportunity has closed.' } as const;
      const full = (await applications.full(app.id))!;
      const scores = await countedScores(o.id, app.id);
      const own = scores.filter((s) => s.user_id === actor.id);
      const complete = o.criteria.every((c) => own.some((s) => s.criterion_id === c.id));
      return {
        ok: true,
        opportunity: o,
        reference,
        applicationTitle: app.title,
        excluded: null,
        application: full,
        own,
        complete,
        others: complete ? scores.filter((s) => s.user_id !== actor.id) : [],
      } as const;
    },

    /** A panel member's scores for every criterion of one application, each with a comment. */
    async score(actor: Actor, slug: string, reference: string, input: ScoreInput[]): Promise<Done | Refusal> {
      const m = await asMember(actor, slug);
      if ('refusal' in m) return m.refusal!;
      const { o, member } = m;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const app = await applications.byReference(reference);
      if (!app || app.opportunity_id !== o.id || !ASSESSED.includes(app.status))
        return { ok: false, status: 404, message: 'There is no such application to assess.' };
      const exclusion = await exclusionOf(o.id, actor.id, app.id);
      if (exclusion)
        return {
          ok: false,
          status: 403,
          message: `You cannot score this application because ${reasonText[exclusion.reason]}.`,
        };
      if (!member.declared_at)
        return { ok: false, status: 409, message: 'Declare your interests before you score any application.' };
      if (!isClosed(o)) return { ok: false, status: 409, message: 'Scoring starts once the opportunity has closed.' };
      const moderated = await db
        .selectFrom('moderated_score')
        .select('criterion_id')
        .where('application_id', '=', app.id)
        .executeTakeFirst();
      if (moderated)
        return {
          ok: false,
          status: 409,
          message: 'This application has been moderated, so scores can no longer change.',
        };
      const issues: Issue[] = [];
      for (const c of o.criteria) {
        const s = input.find((i) => i.criterionId === c.id);
        if (!s || !Number.isInteger(s.score) || s.score < 0 || s.score > c.max_score)
          issues.push({
            field: `score-${c.id}`,
            message: `Score ${c.title} as a whole number from 0 to ${c.max_score}`,
          });
        if (!s?.comment.trim()) issues.push({ field: `comment-${c.id}`, message: `Explain your score for ${c.title}` });
      }
      if (issues.length) return { ok: false, status: 400, message: 'Check your scores', issues };
      return db.transaction().execute(async (trx) => {
        // Held until the scores are in, so that a removal from the panel waits for them and takes them too.
        const still = await trx
          .selectFrom('panel_member')
          .select('user_id')
          .where('opportunity_id', '=', o.id)
          .where('user_id', '=', actor.id)
          .forShare()
          .executeTakeFirst();
        if (!still) return notMember;
        for (const c of o.criteria) {
          const s = input.find((i) => i.criterionId === c.id)!;
          await trx
            .insertInto('assessment_score')
            .values({
              application_id: app.id,
              criterion_id: c.id,
              user_id: actor.id,
              score: s.score,
              comment: s.comment.trim(),
            })
            .onConflict((oc) =>
              oc
                .columns(['application_id', 'criterion_id', 'user_id'])
                .doUpdateSet({ score: s.score, comment: s.comment.trim(), scored_at: new Date() }),
            )
            .execute();
        }
        await audit.record(
          {
            userId: actor.id,
            action: 'assessment.scored',
            entityType: 'application',
            entityId: app.id,
            detail: { scores: Object.fromEntries(input.map((i) => [i.criterionId, i.score])) },
          },
          trx,
        );
        return { ok: true } as const;
      });
    },

    /** The spread of scores for moderation, refused while a panel member has still to score. */
    async moderationPage(actor: Actor, slug: string, reference: string) {
      if (!COMMISSIONERS.includes(actor.role)) return onlyCommissioners;
      const o = await opportunity(slug);
      if (!o) return notFound;
      const cancelled = refuseIfCancelled(o);
      if (cancelled) return cancelled;
      const app = await applications.byReference(reference);
      if (!app || app.opportunity_id !== o.id || !ASSESSED.includes(app.status))
        return { ok: false, status: 404, message: 'There is no such application to assess.' } as const;
      const { scorers, missing } = await missingScorers(o, app.id);
      if (scorers.length === 0)
        return {
          ok: false,
          status: 409,
          message: 'No panel member can score this application yet: add members to the panel.',
        } as const;
      if (missing.length)
        return {
          ok: false,
          status: 409,
          message: `Moderation starts when every panel member has scored. Still to score: ${missing.map((p) => p.name).join(', ')}.`,
        } as const;
      const scores = await countedScores(o.id, app.id);
      const moderated = await moderatedFor([app.id]);
      const criteria = o.criteria.map((c) => {
        const spread = scores.filter((s) => s.criterion_id === c.id);
        const values = spread.map((s) => s.score);
        return {
          ...c,
          spread,
          low: Math.min(...values),
          high: Math.max(...values),
          moderated: moderated.find((md) => md.criterion_id === c.id) ?? null,
        };
      });
      return { ok: true, opportunity: o, application: app, criteria } as const;
    },

    /** The agreed score for each criterion with a note; then totals and ranks are worked out again. */
    async moderate(actor: Actor, slug: string, reference: string, input: ModerationInput[]): Promise<Done | Refusal> {
      const page = await this.moderationPage(actor, slug, reference);
      if (!page.ok) return page;
      const { opportunity: o, application: app } = page;
      if (app.status !== 'submitted')
        return {
          ok: false,
          status: 409,
          message: 'The decision on this application has been made, so its scores cannot change.',
        };
      const issues: Issue[] = [];
      for (const c of o.criteria) {
        const s = input.find((i) => i.criterionId === c.id);
        if (!s || !Number.isInteger(s.score) || s.score < 0 || s.score > c.max_score)
          issues.push({
            field: `score-${c.id}`,
            message: `Give the agreed score for ${c.title} as a whole number from 0 to ${c.max_score}`,
          });
        if (!s?.note.trim())
          issues.push({ field: `note-${c.id}`, message: `Say how the panel agreed the score for ${c.title}` });
      }
      if (issues.length) return { ok: false, status: 400, message: 'Check the agreed scores', issues };
      await db.transaction().execute(async (trx) => {
        // Shares the lock a removal from the panel takes: the two go one after the other.
        await trx.selectFrom('opportunity').select('id').where('id', '=', o.id).forShare().execute();
        for (const c of o.criteria) {
          const s = input.find((i) => i.criterionId === c.id)!;
          await trx
            .insertInto('moderated_score')
            .values({
              application_id: app.id,
              criterion_id: c.id,
              score: s.score,
              note: s.note.trim(),
              moderated_by: actor.id,
            })
            .onConflict((oc) =>
              oc.columns(['application_id', 'criterion_id']).doUpdateSet({
                score: s.score,
                note: s.note.trim(),
                moderated_by: actor.id,
                moderated_at: new Date(),
              }),
            )
            .execute();
        }
        await rerank(o, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'assessment.moderated',
            entityType: 'application',
            entityId: app.id,
            detail: { scores: Object.fromEntries(input.map((i) => [i.criterionId, i.score])) },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /** The decision page: every submitted application with its total and rank. */
    async decisionPage(actor: Actor, slug: string) {
      if (!COMMISSIONERS.includes(actor.role)) return onlyCommissioners;
      const overview = await this.overview(actor, slug);
      if (!overview.ok) return overview;
      const cancelled = refuseIfCancelled(overview.opportunity);
      if (cancelled) return cancelled;
      const undecided = overview.applications.filter((a) => a.status === 'submitted');
      return { ...overview, undecided };
    },

    /**
     * Successful or unsuccessful for every application still waiting, each with written feedback; the lead's and
     * partners' members are told by e-mail.
     */
    async decide(actor: Actor, slug: string, input: DecisionInput[]): Promise<Done<{ count: number }> | Refusal> {
      const page = await this.decisionPage(actor, slug);
      if (!page.ok) return page;
      const { opportunity: o, undecided } = page;
      if (undecided.length === 0) return { ok: false, status: 409, message: 'Every application has its decision.' };
      const issues: Issue[] = [];
      for (const a of undecided) {
        if (a.moderated < o.criteria.length)
          issues.push({ field: `outcome-${a.id}`, message: `Moderate the scores of ${a.reference} before deciding` });
        const d = input.find((i) => i.applicationId === a.id);
        if (!d?.outcome)
          issues.push({ field: `outcome-${a.id}`, message: `Choose successful or unsuccessful for ${a.reference}` });
        if (!d?.feedback.trim())
          issues.push({ field: `feedback-${a.id}`, message: `Write feedback for ${a.lead_name} (${a.reference})` });
      }
      if (issues.length) return { ok: false, status: 400, message: 'Check the decisions', issues };
      return db.transaction().execute(async (trx): Promise<Done<{ count: number }> | Refusal> => {
        // Cancelling takes this row for update: a cancellation at the same moment either lands first and is seen
        // here, or waits until the decisions are made.
        const locked = await trx
          .selectFrom('opportunity')
          .select(['status', 'cancelled_at', 'updated_at'])
          .where('id', '=', o.id)
          .forShare()
          .executeTakeFirstOrThrow();
        const cancelled = refuseIfCancelled(locked);
        if (cancelled) return cancelled;
        const now = new Date();
        for (const a of undecided) {
          const d = input.find((i) => i.applicationId === a.id)!;
          const outcome = d.outcome as 'successful' | 'unsuccessful';
          await trx
            .updateTable('application')
            .set({
              status: outcome,
              feedback: d.feedback.trim(),
              decided_at: now,
              decided_by: actor.id,
              updated_at: now,
            })
            .where('id', '=', a.id)
            .where('status', '=', 'submitted')
            .execute();
          await audit.record(
            {
              userId: actor.id,
              action: `application.${outcome}`,
              entityType: 'application',
              entityId: a.id,
              detail: { reference: a.reference },
            },
            trx,
          );
          const emails = await memberEmails(await applications.organisationIds(a.id, trx), trx);
          for (const to of emails)
            await outbox.queue(
              {
                to,
                kind: 'application.decided',
                subject: `${o.title}: your application ${a.reference} was ${outcome}`,
                body: `The council has decided on your application ${a.reference} to "${o.title}": ${outcome}.\n\nFeedback from the panel:\n\n${d.feedback.trim()}\n\n${config.baseUrl}/applications/${a.reference}`,
              },
              trx,
            );
        }
        await opportunities.settleAfterDecisions(actor, o.id, trx, now);
        return { ok: true, count: undecided.length };
      });
    },
  };
}

export type AssessmentService = ReturnType<typeof createAssessmentService>;
