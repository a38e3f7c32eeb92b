import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/db.ts';
import type { DatabaseHandle } from '../../../db/index.ts';
import { TrigramIndex, trigramSet, trigramSimilarity } from './trigram-join.ts';

// Names that share words and slips of spelling, so that many pairs sit near any threshold.
const WORDS =
  'age concern croydon community trust friends of the park centre mind club youth action south norwood st'.split(' ');
function names(count: number, seed: number): string[] {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 1 + Math.floor(next() * 4) }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    let name = words.join(' ');
    // A slip: a letter dropped.
    if (next() < 0.3 && name.length > 4) {
      const at = Math.floor(next() * name.length);
      name = (name.slice(0, at) + name.slice(at + 1)).replace(/ +/g, ' ').trim();
    }
    out.push(name);
  }
  return out;
}

function bruteForce(register: Set<string>[], key: string, threshold: number) {
  const mine = trigramSet(key);
  return register
    .map((grams, index) => ({ index, similarity: trigramSimilarity(mine, grams) }))
    .filter((m) => m.similarity >= threshold)
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index);
}

describe('finding similar names with prefix filtering', () => {
  const register = names(1500, 7);
  const grams = register.map(trigramSet);
  // With trigrams no register name holds, beside ones they do.
  const queries = [
    ...names(300, 99),
    'qqqq zzzz',
    'age',
    'croydon age concern',
    'croydon age concern 583',
    'youth qz club',
  ];

  for (const threshold of [0.3, 0.6, 0.72, 1]) {
    it(`finds exactly the names a full comparison finds, at ${threshold}`, () => {
      const index = new TrigramIndex(register, threshold);
      let matched = 0;
      for (const key of queries) {
        const expected = bruteForce(grams, key, threshold);
        expect(index.search(key)).toEqual(expected);
        matched += expected.length;
      }
      // The data must put pairs on both sides of the threshold, or the comparison proves little.
      expect(matched).toBeGreaterThan(queries.length);
    });
  }

  it('refuses a threshold it cannot use', () => {
    expect(() => new TrigramIndex(register, 0)).toThrow(RangeError);
  });

  it('finds nothing for an empty key or an empty register', () => {
    expect(new TrigramIndex(register, 0.6).search('')).toEqual([]);
    expect(new TrigramIndex([], 0.6).search('age concern')).toEqual([]);
  });
});

describe('agreeing with pg_trgm', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await testDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('gives the similarity the database gives', async () => {
    const register = names(200, 3);
    const queries = names(40, 11);
    const index = new TrigramIndex(register, 0.5);
    const { rows } = await sql<{ q: number; r: number; sim: number }>`
      select q.n as q, r.n as r, similarity(q.k, r.k)::float8 as sim
      from unnest(${queries}::text[]) with ordinality as q(k, n)
      cross join unnest(${register}::text[]) with ordinality as r(k, n)
      where similarity(q.k, r.k) >= 0.5
    `.execute(handle.db);
    const fromDatabase = new Map<string, number>(rows.map((row) => [`${row.q - 1}:${row.r - 1}`, row.sim]));
    const fromIndex = new Map<string, number>();
    queries.forEach((key, q) => {
      for (const m of index.search(key)) fromIndex.set(`${q}:${m.index}`, m.similarity);
    });
    expect(fromDatabase.size).toBeGreaterThan(20);
    // pg_trgm works in single precision; the pairs must be the same, and the figures agree to that precision.
    expect([...fromIndex.keys()].sort()).toEqual([...fromDatabase.keys()].sort());
    for (const [pair, sim] of fromDatabase) expect(fromIndex.get(pair)).toBeCloseTo(sim, 5);
  });
});
