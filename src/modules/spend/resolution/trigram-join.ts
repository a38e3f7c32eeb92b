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

/**
 * The same trigrams as numbers, distinct and in ascending order, written into `out`; returns how many. Three
 * characters below 128 (a normalised key is mostly such) pack into 21 bits, a small integer that a Map hashes
 * fastest; any other trigram gets a code above those, from its three UTF-16 units.
 */
export function trigramCodes(key: string, out: number[]): number {
  let n = 0;
  let a = 32;
  let b = 32;
  const end = key.length;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? key.charCodeAt(i) : 32;
    if (c === 32) {
      // A word ends: its last trigram is padded with one space (none for a run of spaces).
      if (b !== 32) out[n++] = code(a, b, 32);
      a = 32;
      b = 32;
      continue;
    }
    out[n++] = code(a, b, c);
    a = b;
    b = c;
  }
  // Insertion sort: a name has a few dozen trigrams, mostly in order already.
  for (let k = 1; k < n; k++) {
    const x = out[k]!;
    let j = k - 1;
    while (j >= 0 && out[j]! > x) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = x;
  }
  let m = 0;
  for (let k = 0; k < n; k++) if (k === 0 || out[k] !== out[m - 1]) out[m++] = out[k]!;
  return m;
}

/** Codes below this are three characters below 128: looked up in a table rather than a Map. */
const SMALL_CODES = 2 ** 21;

function code(a: number, b: number, c: number): number {
  return (a | b | c) < 128 ? (a << 14) | (b << 7) | c : SMALL_CODES + a * 2 ** 32 + b * 2 ** 16 + c;
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

/** Name indexes ordered by size (their number of trigrams), then by index: a counting sort. */
function namesBySize(starts: Int32Array): Int32Array {
  const count = starts.length - 1;
  let largest = 0;
  for (let i = 0; i < count; i++) largest = Math.max(largest, starts[i + 1]! - starts[i]!);
  const place = new Int32Array(largest + 2);
  for (let i = 0; i < count; i++) place[starts[i + 1]! - starts[i]! + 1]!++;
  for (let z = 1; z < place.length; z++) place[z]! += place[z - 1]!;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[place[starts[i + 1]! - starts[i]!]!++] = i;
  return out;
}

export type TrigramMatch = { index: number; similarity: number };

export class TrigramIndex {
  readonly #threshold: number;
  /** Trigram → its rank, rarest first. */
  readonly #rank = new Map<number, number>();
  /** The same for small codes: rank + 1, or 0. */
  readonly #smallRanks: Int32Array;
  /** Each name's trigram ranks, ascending, one after another; name i's run from #starts[i] to #starts[i + 1]. */
  readonly #ranks: Int32Array;
  readonly #starts: Int32Array;
  /** For each rank, the names holding it in their prefix: #postings from #postingStarts[r] to [r + 1]. */
  readonly #postings: Int32Array;
  /** For each posting, the first of the next size in its list. */
  readonly #nextSize: Int32Array;
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
  readonly #scratch: number[] = [];

  // Long: one pass that fills the index's flat typed arrays in order; split into calls it reads no better.
  constructor(names: readonly string[], threshold: number) {
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError('The threshold must be above 0 and at most 1');
    this.#threshold = threshold;
    // Each name's trigrams as ids in order of first sight, one name after another, and how many names hold each.
    // Ids of small codes in a table (one more than the id; 0 for none yet), of others in a Map.
    const smallIds = new Int32Array(SMALL_CODES);
    const ids = new Map<number, number>();
    const counts: number[] = [];
    const flat: number[] = [];
    const scratch: number[] = [];
    this.#starts = new Int32Array(names.length + 1);
    for (let i = 0; i < names.length; i++) {
      this.#starts[i] = flat.length;
      const n = trigramCodes(names[i]!, scratch);
      for (let k = 0; k < n; k++) {
        const c = scratch[k]!;
        let id = c < SMALL_CODES ? smallIds[c]! - 1 : (ids.get(c) ?? -1);
        if (id < 0) {
          id = counts.length;
          if (c < SMALL_CODES) smallIds[c] = id + 1;
          else ids.set(c, id);
          counts.push(0);
        }
        counts[id]!++;
        flat.push(id);
      }
    }
    this.#starts[names.length] = flat.length;
    // Rank: rarest first, ties by first sight, so the order is total and the same for names and queries.
    const order = Int32Array.from(counts.keys()).sort((x, y) => counts[x]! - counts[y]! || x - y);
    const rankOfId = new Int32Array(counts.length);
    for (let rank = 0; rank < order.length; rank++) rankOfId[order[rank]!] = rank;
    // The table turns from ids into ranks (again one more, 0 for a trigram no name holds).
    for (let c = 0; c < SMALL_CODES; c++) if (smallIds[c]) smallIds[c] = rankOfId[smallIds[c]! - 1]! + 1;
    this.#smallRanks = smallIds;
    for (const [c, id] of ids) this.#rank.set(c, rankOfId[id]!);

    this.#ranks = new Int32Array(flat.length);
    for (let k = 0; k < flat.length; k++) this.#ranks[k] = rankOfId[flat[k]!]!;
    const postingCounts = new Int32Array(counts.length + 1);
    for (let i = 0; i < names.length; i++) {
      const from = this.#starts[i]!;
      const to = this.#starts[i + 1]!;
      this.#ranks.subarray(from, to).sort();
      const prefix = this.#prefixLength(to - from);
      for (let k = 0; k < prefix; k++) postingCounts[this.#ranks[from + k]! + 1]!++;
    }
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
    // Filled smallest name first, so each list is in order of size and a search reads only the sizes it can use;
    // and among names of one size, in order of where the trigram sits in them, so that a search can leave a size
    // at the first name in which it sits too deep to share enough after it.
    const bySize = namesBySize(this.#starts);
    for (let g = 0; g < bySize.length; ) {
      const first = bySize[g]!;
      const size = this.#starts[first + 1]! - this.#starts[first]!;
      let h = g;
      while (h < bySize.length && this.#starts[bySize[h]! + 1]! - this.#starts[bySize[h]!]! === size) h++;
      const prefix = this.#prefixLength(size);
      for (let k = 0; k < prefix; k++) {
        for (let x = g; x < h; x++) {
          const i = bySize[x]!;
          const p = fill[this.#ranks[this.#starts[i]! + k]!]!++;
          this.#positions[p] = k;
          this.#postings[p] = i;
          this.#postingSizes[p] = size;
          for (let w = 0; w < SIGNATURE_WORDS; w++) {
            this.#postingSignatures[p * SIGNATURE_WORDS + w] = this.#signatures[i * SIGNATURE_WORDS + w]!;
          }
        }
      }
      g = h;
    }
    // For each posting, where the next size begins in its list.
    this.#nextSize = new Int32Array(this.#postings.length);
    for (let r = 0; r < counts.length; r++) {
      const start = this.#postingStarts[r]!;
      const end = this.#postingStarts[r + 1]!;
      for (let p = end - 1; p >= start; p--) {
        this.#nextSize[p] =
          p + 1 < end && this.#postingSizes[p + 1] === this.#postingSizes[p] ? this.#nextSize[p + 1]! : p + 1;
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
    const grams = this.#scratch;
    const size = trigramCodes(key, grams);
    if (!size) return [];
    // Trigrams no name holds are the rarest of all: they come first in the order but match nothing.
    const known: number[] = [];
    for (let k = 0; k < size; k++) {
      const c = grams[k]!;
      const r = c < SMALL_CODES ? this.#smallRanks[c]! - 1 : (this.#rank.get(c) ?? -1);
      if (r >= 0) known.push(r);
    }
    const unknown = size - known.length;
    const mine = Int32Array.from(known).sort();
    // The query's signature, of the trigrams with a rank; the others are in the query alone, so each differs.
    const signature = new Int32Array(SIGNATURE_WORDS);
    sign(mine, signature, 0);
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
      for (let p = this.#firstOfSize(this.#postingStarts[r]!, end, smallest); p < end; ) {
        const theirs = this.#postingSizes[p]!;
        if (theirs > upTo) break;
        // Similarity ≥ t needs this many shared trigrams. Both orders agree, so the first probe that meets a name
        // meets its rarest shared trigram: at most one plus what follows it in the shorter remainder can be shared.
        // Too few left in the query, or in this name (and so in every later name of its size, where the trigram
        // sits deeper still): on to the next size. A name met again at a later probe fails the same test.
        const needed = Math.ceil((t / (1 + t)) * (size + theirs) - EPSILON);
        const j = this.#positions[p]!;
        if (size - at < needed || theirs - j < needed) {
          p = this.#nextSize[p]!;
          continue;
        }
        const here = p++;
        const i = this.#postings[here]!;
        if (this.#seen[i] === turn) continue;
        this.#seen[i] = turn;
        // Each bit set in one signature and not the other stands for a different trigram in one name only, so
        // the names share at most (size + theirs − those bits) / 2.
        let differ = unknown;
        for (let w = 0, q = here * SIGNATURE_WORDS; w < SIGNATURE_WORDS; w++)
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
