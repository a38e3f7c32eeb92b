/**
 * Finds, for many names at once, every register name whose trigram similarity (as pg_trgm computes it: trigrams
 * shared over trigrams in either) is at least a threshold, without comparing every pair.
 *
 * Prefix filtering: order all trigrams from rarest to most common. Two names with similarity ≥ t share at least
 * ⌈t·n⌉ of the n trigrams of each, so they must share one among the first n − ⌈t·n⌉ + 1 (rarest) trigrams of
 * each. Only those prefixes are indexed and probed, and a name can only be that similar to names of a size
 * between t·n and n/t; and, met first at a trigram deep in either name, too few may be left after it to share
 * enough (the positional filter of PPJoin). The answer is exact (the same names the trigram index would give).
 */

/** pg_trgm's trigrams of a name key (lower-case words): each word padded with two spaces before and one after. */
export function trigramSet(key: string): Set<string> {
  const set = new Set<string>();
  for (const word of key.split(' ')) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  }
  return set;
}

/** pg_trgm's similarity: trigrams shared over trigrams in either. */
export function trigramSimilarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  const total = a.size + b.size - shared;
  return total ? shared / total : 0;
}

// Slack for floating point in the bounds: a looser bound only lets through a pair that the exact check then drops.
const EPSILON = 1e-9;

const SIGNATURE_WORDS = 4;

/** Sets a bit in the signature at `at` for each rank. */
function sign(ranks: Int32Array, into: Int32Array, at: number): void {
  for (let k = 0; k < ranks.length; k++) {
    const bit = ranks[k]! % (SIGNATURE_WORDS * 32);
    into[at + (bit >>> 5)]! |= 1 << (bit & 31);
  }
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export type TrigramMatch = { index: number; similarity: number };

export class TrigramIndex {
  readonly #threshold: number;
  /** Trigram → its rank, rarest first. */
  readonly #rank = new Map<string, number>();
  /** Each name's trigram ranks, ascending, one after another; name i's run from #starts[i] to #starts[i + 1]. */
  readonly #ranks: Int32Array;
  readonly #starts: Int32Array;
  /** For each rank, the names holding it in their prefix: #postings from #postingStarts[r] to [r + 1]. */
  readonly #postings: Int32Array;
  /** Where that trigram sits in the name's own ranks (for the positional filter). */
  readonly #positions: Int32Array;
  readonly #postingStarts: Int32Array;
  /** Beside each posting, that name's size and signature, so a scan reads one run of memory and jumps to a
   * name's trigrams only for a pair the cheap bounds leave open. */
  readonly #postingSizes: Int32Array;
  readonly #postingSignatures: Int32Array;
  /** Each name's signature: SIGNATURE_WORDS × 32 bits, a bit set for each of its trigrams (rank modulo the width). */
  readonly #signatures: Int32Array;
  /** A stamp per name, so each name is compared once per search without clearing a set. */
  readonly #seen: Int32Array;
  #turn = 0;

  constructor(names: readonly string[], threshold: number) {
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError('The threshold must be above 0 and at most 1');
    this.#threshold = threshold;
    // Trigrams as numbers in order of first sight, and how many names hold each.
    const ids = new Map<string, number>();
    const counts: number[] = [];
    const sets: Int32Array[] = new Array(names.length);
    let total = 0;
    for (let i = 0; i < names.length; i++) {
      const grams = trigramSet(names[i]!);
      const set = new Int32Array(grams.size);
      let k = 0;
      for (const g of grams) {
        let id = ids.get(g);
        if (id === undefined) {
          id = counts.length;
          ids.set(g, id);
          counts.push(0);
        }
        counts[id]!++;
        set[k++] = id;
      }
      sets[i] = set;
      total += set.length;
    }
    // Rank: rarest first, ties by first sight, so the order is total and the same for names and queries.
    const order = Int32Array.from(counts.keys()).sort((a, b) => counts[a]! - counts[b]! || a - b);
    const rankOfId = new Int32Array(counts.length);
    order.forEach((id, rank) => {
      rankOfId[id] = rank;
    });
    for (const [gram, id] of ids) this.#rank.set(gram, rankOfId[id]!);

    this.#ranks = new Int32Array(total);
    this.#starts = new Int32Array(names.length + 1);
    const postingCounts = new Int32Array(counts.length + 1);
    let at = 0;
    for (let i = 0; i < names.length; i++) {
      this.#starts[i] = at;
      const set = sets[i]!;
      for (let k = 0; k < set.length; k++) set[k] = rankOfId[set[k]!]!;
      set.sort();
      this.#ranks.set(set, at);
      at += set.length;
      const prefix = this.#prefixLength(set.length);
      for (let k = 0; k < prefix; k++) postingCounts[set[k]! + 1]!++;
    }
    this.#starts[names.length] = at;
    this.#signatures = new Int32Array(names.length * SIGNATURE_WORDS);
    for (let i = 0; i < names.length; i++) {
      sign(this.#ranks.subarray(this.#starts[i]!, this.#starts[i + 1]!), this.#signatures, i * SIGNATURE_WORDS);
    }
    // Counts to starts, then fill.
    for (let r = 1; r < postingCounts.length; r++) postingCounts[r]! += postingCounts[r - 1]!;
    this.#postingStarts = postingCounts.slice();
    this.#postings = new Int32Array(postingCounts[counts.length]!);
    this.#positions = new Int32Array(postingCounts[counts.length]!);
    this.#postingSizes = new Int32Array(postingCounts[counts.length]!);
    this.#postingSignatures = new Int32Array(postingCounts[counts.length]! * SIGNATURE_WORDS);
    const fill = postingCounts;
    // Filled smallest name first, so each list is in order of size and a search reads only the sizes it can use.
    const bySize = Int32Array.from(names.keys()).sort(
      (a, b) => this.#starts[a + 1]! - this.#starts[a]! - (this.#starts[b + 1]! - this.#starts[b]!) || a - b,
    );
    for (const i of bySize) {
      const from = this.#starts[i]!;
      const prefix = this.#prefixLength(this.#starts[i + 1]! - from);
      for (let k = 0; k < prefix; k++) {
        const r = this.#ranks[from + k]!;
        const p = fill[r]!++;
        this.#positions[p] = k;
        this.#postings[p] = i;
        this.#postingSizes[p] = this.#starts[i + 1]! - from;
        this.#postingSignatures.set(
          this.#signatures.subarray(i * SIGNATURE_WORDS, (i + 1) * SIGNATURE_WORDS),
          p * SIGNATURE_WORDS,
        );
      }
    }
    this.#seen = new Int32Array(names.length);
  }

  #prefixLength(size: number): number {
    return size ? size - Math.ceil(this.#threshold * size - EPSILON) + 1 : 0;
  }

  /** The first place in a list (ordered by size) of a name of at least this size. */
  #firstOfSize(from: number, to: number, size: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#postingSizes[mid]! < size) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The names at least `threshold` similar to the key, most similar first. */
  search(key: string): TrigramMatch[] {
    const grams = trigramSet(key);
    const size = grams.size;
    if (!size) return [];
    // Trigrams no name holds are the rarest of all: they come first in the order but match nothing.
    const known: number[] = [];
    for (const g of grams) {
      const r = this.#rank.get(g);
      if (r !== undefined) known.push(r);
    }
    const unknown = size - known.length;
    const mine = Int32Array.from(known).sort();
    // The query's signature; an unknown trigram has no rank, but it is in the query alone, so any bit will do.
    const signature = new Int32Array(SIGNATURE_WORDS);
    sign(mine, signature, 0);
    const extra = unknown;
    const probe = Math.min(this.#prefixLength(size) - unknown, mine.length);
    const t = this.#threshold;
    const smallest = t * size - EPSILON;
    const largest = size / t + EPSILON;
    const turn = ++this.#turn;
    const found: TrigramMatch[] = [];
    for (let k = 0; k < probe; k++) {
      const r = mine[k]!;
      // This trigram's place in the whole query order (the unknown trigrams come first).
      const at = unknown + k;
      // A name first met here shares at most the size − at trigrams from here on, and needs t/(1 + t) of both
      // sizes: so the deeper the probe, the smaller the names it can still find.
      const upTo = Math.min(largest, ((size - at) * (1 + t)) / t - size + EPSILON);
      const end = this.#postingStarts[r + 1]!;
      for (let p = this.#firstOfSize(this.#postingStarts[r]!, end, smallest); p < end; p++) {
        const theirs = this.#postingSizes[p]!;
        if (theirs > upTo) break;
        const i = this.#postings[p]!;
        if (this.#seen[i] === turn) continue;
        this.#seen[i] = turn;
        // Similarity ≥ t needs this many shared trigrams. Both orders agree, so the first probe that meets a name
        // meets its rarest shared trigram: at most one plus what follows it in the shorter remainder can be shared.
        const needed = Math.ceil((t / (1 + t)) * (size + theirs) - EPSILON);
        const j = this.#positions[p]!;
        if (1 + Math.min(size - at - 1, theirs - j - 1) < needed) continue;
        // Each bit set in one signature and not the other stands for a different trigram in one name only, so
        // the names share at most (size + theirs − those bits) / 2.
        let differ = extra;
        for (let w = 0, q = p * SIGNATURE_WORDS; w < SIGNATURE_WORDS; w++)
          differ += bitCount(signature[w]! ^ this.#postingSignatures[q + w]!);
        if (size + theirs - differ < 2 * needed) continue;
        const from = this.#starts[i]!;
        const to = this.#starts[i + 1]!;
        // Count from that trigram on, stopping as soon as too few are left to reach the threshold.
        let a = k;
        let b = from + j;
        let shared = 0;
        while (a < mine.length && b < to) {
          const x = mine[a]!;
          const y = this.#ranks[b]!;
          if (x === y) {
            shared++;
            a++;
            b++;
          } else {
            if (x < y) a++;
            else b++;
            if (shared + Math.min(mine.length - a, to - b) < needed) break;
          }
        }
        const similarity = shared / (size + theirs - shared);
        if (similarity >= t) found.push({ index: i, similarity });
      }
    }
    return found.sort((x, y) => y.similarity - x.similarity || x.index - y.index);
  }
}
