import { type AssessmentDeps, assessmentContext } from './context.ts';
import { decisionActions } from './decisions.ts';
import { panelActions } from './panel.ts';
import { reasonText } from './present.ts';
import * as q from './queries.ts';
import { scoringActions } from './scoring.ts';

// Assessment of an opportunity's applications: the panel and its declarations (panel.ts), scoring and moderation
// (scoring.ts), the overview and the decisions (decisions.ts).

export type { DecisionInput } from './decisions.ts';
export type { ExclusionReason } from './present.ts';
export type { ModerationInput, ScoreInput } from './scoring.ts';

export function createAssessmentService(deps: AssessmentDeps) {
  const ctx = assessmentContext(deps);
  const { db } = deps;
  return {
    reasonText,
    exclusionOf: ctx.exclusionOf,

    /** The opportunities on whose panel this person sits, newest first: how a member finds their way back. */
    async panelsFor(userId: string) {
      return q.panelsOf(db, userId);
    },

    /** Whether this person sits on the opportunity's panel (for a link from the opportunity's page). */
    async isMember(opportunityId: string, userId: string) {
      return !!(await q.panelMember(db, opportunityId, userId));
    },

    ...panelActions(ctx),
    ...scoringActions(ctx),
    ...decisionActions(ctx),
  };
}

export type AssessmentService = ReturnType<typeof createAssessmentService>;
