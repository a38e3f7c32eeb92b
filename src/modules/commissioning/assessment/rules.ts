import type { Issue } from '../../../kernel/result.ts';

// The arithmetic of assessment, apart from the database so it reads (and is tested) on its own.

export type CriterionWeight = { id: string; weight: number; max_score: number };

/**
 * The weighted total as a percentage: Σ weight × (score ÷ max score), over the sum of the weights so that criteria
 * weighted to 100 read directly as a percentage. Null until every criterion has a score.
 */
export function weightedPercent(criteria: CriterionWeight[], scores: Map<string, number>): number | null {
  if (criteria.length === 0) return null;
  let sum = 0;
  let weights = 0;
  for (const c of criteria) {
    const s = scores.get(c.id);
    if (s === undefined) return null;
    sum += c.weight * (s / c.max_score);
    weights += c.weight;
  }
  return (sum / weights) * 100;
}

/** One decimal place, as shown: 73.25 → "73.3%". */
export const percentText = (p: number | null) => (p == null ? '' : `${(Math.round(p * 10) / 10).toFixed(1)}%`);

/**
 * Ranks within each lot, highest total first; equal totals share a rank (1, 2, 2, 4). Those without a total are
 * not ranked.
 */
export function rankByLot<T extends { id: string; lot_id: string | null; total: number | null }>(
  rows: T[],
): Map<string, number | null> {
  const ranks = new Map<string, number | null>();
  const byLot = new Map<string, T[]>();
  for (const r of rows) {
    if (r.total == null) {
      ranks.set(r.id, null);
      continue;
    }
    const key = r.lot_id ?? '';
    byLot.set(key, [...(byLot.get(key) ?? []), r]);
  }
  for (const group of byLot.values()) {
    // Compared at one decimal place, as shown, so that two totals that read the same share a rank.
    const shown = (r: T) => Math.round(r.total! * 10);
    const sorted = [...group].sort((a, b) => shown(b) - shown(a));
    sorted.forEach((r, i) => {
      const first = sorted.findIndex((o) => shown(o) === shown(r));
      ranks.set(r.id, first === -1 ? i + 1 : first + 1);
    });
  }
  return ranks;
}

/* Who may score what ------------------------------------------------------------------------------------------ */

type UserOn = { user_id: string; application_id: string };

/** The people kept from scoring an application: recorded exclusions, and memberships of its organisations now. */
export const excludedFrom = (applicationId: string, exclusions: UserOn[], conflicts: UserOn[]): Set<string> =>
  new Set([...exclusions, ...conflicts].filter((e) => e.application_id === applicationId).map((e) => e.user_id));

/** The members who score an application (those not excluded), and those of them still to score a criterion. */
export function scorers<M extends { user_id: string }>(
  panel: M[],
  excluded: Set<string>,
  scores: { user_id: string; criterion_id: string }[],
  criteria: { id: string }[],
) {
  const who = panel.filter((m) => !excluded.has(m.user_id));
  const missing = who.filter((m) =>
    criteria.some((c) => !scores.some((s) => s.user_id === m.user_id && s.criterion_id === c.id)),
  );
  return { scorers: who, missing };
}

/* What a form must hold --------------------------------------------------------------------------------------- */

type Criterion = { id: string; title: string; max_score: number };
const outOfRange = (s: { score: number } | undefined, c: Criterion) =>
  !s || !Number.isInteger(s.score) || s.score < 0 || s.score > c.max_score;

/** A score and a comment for every criterion, each score a whole number within the criterion's range. */
export function scoreIssues(criteria: Criterion[], input: { criterionId: string; score: number; comment: string }[]) {
  const issues: Issue[] = [];
  for (const c of criteria) {
    const s = input.find((i) => i.criterionId === c.id);
    if (outOfRange(s, c))
      issues.push({ field: `score-${c.id}`, message: `Score ${c.title} as a whole number from 0 to ${c.max_score}` });
    if (!s?.comment.trim()) issues.push({ field: `comment-${c.id}`, message: `Explain your score for ${c.title}` });
  }
  return issues;
}

/** An agreed score and a note of how it was agreed, for every criterion. */
export function moderationIssues(criteria: Criterion[], input: { criterionId: string; score: number; note: string }[]) {
  const issues: Issue[] = [];
  for (const c of criteria) {
    const s = input.find((i) => i.criterionId === c.id);
    if (outOfRange(s, c))
      issues.push({
        field: `score-${c.id}`,
        message: `Give the agreed score for ${c.title} as a whole number from 0 to ${c.max_score}`,
      });
    if (!s?.note.trim())
      issues.push({ field: `note-${c.id}`, message: `Say how the panel agreed the score for ${c.title}` });
  }
  return issues;
}

/** Every waiting application moderated, with an outcome and written feedback: none can be left out. */
export function decisionIssues(
  undecided: { id: string; reference: string; lead_name: string; moderated: number }[],
  criteriaCount: number,
  input: { applicationId: string; outcome: string; feedback: string }[],
) {
  const issues: Issue[] = [];
  for (const a of undecided) {
    if (a.moderated < criteriaCount)
      issues.push({ field: `outcome-${a.id}`, message: `Moderate the scores of ${a.reference} before deciding` });
    const d = input.find((i) => i.applicationId === a.id);
    if (!d?.outcome)
      issues.push({ field: `outcome-${a.id}`, message: `Choose successful or unsuccessful for ${a.reference}` });
    if (!d?.feedback.trim())
      issues.push({ field: `feedback-${a.id}`, message: `Write feedback for ${a.lead_name} (${a.reference})` });
  }
  return issues;
}

/** "No interests", or an interest with details in each application concerned, each one of those assessed. */
export function declarationIssues(
  applicationIds: string[],
  input: { none: boolean; interests: { applicationId: string; detail: string }[] },
) {
  const issues: Issue[] = [];
  if (!input.none && input.interests.length === 0)
    issues.push({ field: 'declaration', message: 'Say whether you have any interests to declare' });
  for (const i of input.interests) {
    if (!applicationIds.includes(i.applicationId))
      issues.push({ field: 'declaration', message: 'Choose an application from the list' });
    else if (!i.detail.trim())
      issues.push({ field: `detail-${i.applicationId}`, message: 'Describe your interest in this application' });
  }
  return issues;
}
