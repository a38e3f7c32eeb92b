import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { Actor } from '../../../kernel/actor.ts';
import { createMutate, type MutationEffects } from '../../../kernel/mutation.ts';
import type { AuditService } from '../../audit/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import type { ApplicationService } from '../applications/service.ts';
import type { OpportunityService } from '../opportunities/service.ts';
import { refusals } from './present.ts';
import * as q from './queries.ts';
import { excludedFrom } from './rules.ts';

// What the parts of the assessment service share: their dependencies, the opportunity as its owner gives it, and
// the state of its panel (members, exclusions, conflicts and scores), read in one go.

export type AssessmentDeps = {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
  opportunities: OpportunityService;
  applications: ApplicationService;
};
export type Opportunity = NonNullable<Awaited<ReturnType<OpportunityService['bySlug']>>>;

export function assessmentContext(deps: AssessmentDeps) {
  const { db, audit, outbox, opportunities } = deps;
  const mutate = createMutate({ db, audit, outbox });

  /** Members, exclusions, live membership conflicts and every score given, for one opportunity. */
  async function panelState(opportunityId: string, trx: Database = db) {
    const [panel, exclusions, conflicts, scores] = await Promise.all([
      q.panelMembers(trx, opportunityId),
      q.exclusions(trx, opportunityId),
      q.memberConflicts(trx, opportunityId),
      q.scoresOn(trx, opportunityId),
    ]);
    const excluded = (applicationId: string) => excludedFrom(applicationId, exclusions, conflicts);
    /**
     * The scores that count for an application: without those of anyone excluded from it since (a declared
     * interest, or a membership approved after they scored).
     */
    const counted = (applicationId: string) => {
      const out = excluded(applicationId);
      return scores.filter((s) => s.application_id === applicationId && !out.has(s.user_id));
    };
    return { panel, exclusions, conflicts, scores, excluded, counted };
  }
  /** Records every membership conflict as an exclusion, so the panel and the commissioner see it. */
  async function recordConflicts(opportunityId: string, trx: Database, effects: MutationEffects) {
    for (const c of await q.memberConflicts(trx, opportunityId))
      if (await q.recordConflict(trx, opportunityId, c))
        effects.audit({
          userId: null,
          action: 'panel.excluded',
          entityType: 'application',
          entityId: c.application_id,
          detail: { userId: c.user_id, reason: 'member_of_applicant', organisation: c.organisation_name },
        });
  }

  /**
   * Why this person may not score this application, checked afresh each time (the recorded exclusions and their
   * memberships now), so that no request can get round it.
   */
  async function exclusionOf(opportunityId: string, userId: string, applicationId: string, trx: Database = db) {
    const recorded = await q.recordedExclusion(trx, userId, applicationId);
    if (recorded) return recorded;
    const live = (await q.memberConflicts(trx, opportunityId)).find(
      (c) => c.user_id === userId && c.application_id === applicationId,
    );
    return live ? { reason: 'member_of_applicant' as const, detail: `Member of ${live.organisation_name}` } : undefined;
  }

  /** The panel member row for this person, or a refusal. */
  async function asMember(actor: Actor, slug: string) {
    const o = await opportunities.bySlug(slug);
    if (!o) return { refusal: refusals.notFound };
    const member = await q.panelMember(db, o.id, actor.id);
    if (!member) return { refusal: refusals.notMember };
    return { o, member };
  }

  return { ...deps, mutate, panelState, recordConflicts, exclusionOf, asMember };
}

export type AssessmentContext = ReturnType<typeof assessmentContext>;
export type PanelState = Awaited<ReturnType<AssessmentContext['panelState']>>;
