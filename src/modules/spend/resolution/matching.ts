import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { byLikeness, type Candidate } from './outcomes.ts';
import { allNameKeys, namesWithKeys, trigramQuery, trigramSettings } from './queries.ts';
import { searchInWorker } from './trigram-search.ts';

// Suppliers' name keys against the directory's names: exact, then by trigram similarity.

/** Trigram matching: accept the best only at or above this similarity, and this far ahead of the next organisation. */
export const TRIGRAM_ACCEPT = 0.72;
export const TRIGRAM_MARGIN = 0.08;
/** Below this, a register name is not even shown as a candidate. It is also the GIN index's threshold: the
 * higher it is, the more of the index's long lists (common trigrams such as those of "community") it skips. */
export const TRIGRAM_CANDIDATE = 0.6;

/** From this many names on, step 4 compares in memory (TrigramIndex) instead of asking the trigram index per name. */
export const BLOCKING_FROM = 200;

export type ExactMatch = { organisationId: string; matchedName: string };

/** Exact matches of keys against organisations' names and other names, one organisation once per key. */
export async function exactMatches(db: Database, keys: string[]): Promise<Map<string, ExactMatch[]>> {
  const result = new Map<string, ExactMatch[]>();
  for (let i = 0; i < keys.length; i += 5000) {
    for (const r of await namesWithKeys(db, keys.slice(i, i + 5000))) {
      const list = result.get(r.key) ?? [];
      if (!list.some((m) => m.organisationId === r.organisation_id)) {
        list.push({ organisationId: r.organisation_id, matchedName: r.matched_name });
      }
      result.set(r.key, list);
    }
  }
  return result;
}

/**
 * For many names at once. One trigram index lookup costs milliseconds however it is planned (the lists of common
 * trigrams are long), so a run of many suppliers reads the registers' name keys once and finds the same matches
 * in memory (see TrigramIndex).
 */
async function blockedTrigramMatches(db: Database, keys: string[]): Promise<Map<string, Candidate[]>> {
  const entries = await allNameKeys(db);
  // Seconds of comparing at a register's volume: done in a worker thread, off the event loop.
  const { matches } = await searchInWorker(
    entries.map((e) => e.key),
    keys,
    TRIGRAM_CANDIDATE,
  );
  const result = new Map<string, Candidate[]>();
  for (const [k, key] of keys.entries()) {
    const best = new Map<string, Candidate>();
    for (const { index: i, similarity } of matches[k]!) {
      const e = entries[i]!;
      // Most similar first, so an organisation's first hit is its best.
      if (best.has(e.organisation_id)) continue;
      best.set(e.organisation_id, {
        organisationId: e.organisation_id,
        name: e.name,
        matchedName: e.matched_name,
        similarity: Math.round(similarity * 1000) / 1000,
      });
    }
    // The best four, ties in name order: the rows came in no particular order, and the outcome must not depend on it.
    if (best.size) result.set(key, [...best.values()].sort(byLikeness).slice(0, 4));
  }
  return result;
}

/** The best few trigram matches per key: through the trigram index for a few keys, in memory for many. */
export async function trigramMatches(db: Database, keys: string[]): Promise<Map<string, Candidate[]>> {
  const result = new Map<string, Candidate[]>();
  if (!keys.length) return result;
  if (keys.length >= BLOCKING_FROM) return blockedTrigramMatches(db, keys);
  await db.transaction().execute(async (trx) => {
    await trigramSettings(trx, TRIGRAM_CANDIDATE);
    for (let i = 0; i < keys.length; i += 2000) {
      const rows = await trigramQuery(trx, keys.slice(i, i + 2000)).execute(trx);
      for (const r of rows.rows) {
        const list = result.get(r.key) ?? [];
        if (!list.some((c) => c.organisationId === r.organisation_id)) {
          list.push({
            organisationId: r.organisation_id,
            name: r.name,
            matchedName: r.matched_name,
            similarity: Math.round(r.sim * 1000) / 1000,
          });
        }
        result.set(r.key, list);
      }
    }
  });
  for (const list of result.values()) list.sort(byLikeness);
  return result;
}

/** The plan and timings of one trigram chunk, for the benchmark (PostgreSQL's EXPLAIN ANALYZE). */
export async function explainTrigram(db: Database, keys: string[]): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await trigramSettings(trx, TRIGRAM_CANDIDATE);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${trigramQuery(trx, keys)}`.execute(
      trx,
    );
    return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}
