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
