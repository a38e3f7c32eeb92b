import { escapeHtml } from '../../../web/html.ts';

// A readable difference between two texts, word by word, for people comparing versions of a specification.
// Longest common subsequence over tokens (words and the spaces between them), which is plenty for section-sized text.

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

/** Words and runs of whitespace, so that joining the tokens gives back the text exactly. */
export function tokenise(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

// Beyond this many token pairs the table would be too big; fall back to "all removed, all added".
const MAX_CELLS = 4_000_000;

export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokenise(before);
  const b = tokenise(after);
  // Common start and end are cheap to take off and keep the table small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    push('removed', midA.join(''));
    push('added', midB.join(''));
  } else {
    for (const part of lcsDiff(midA, midB)) push(part.kind, part.text);
  }
  push('same', a.slice(endA).join(''));
  return tidy(parts);
}

function lcsDiff(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // lengths[i * width + j] = length of the LCS of a[i..] and b[j..]
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      out.push({ kind: 'removed', text: a[i]! });
      i++;
    } else {
      out.push({ kind: 'added', text: b[j]! });
      j++;
    }
  }
  while (i < n) out.push({ kind: 'removed', text: a[i++]! });
  while (j < m) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/**
 * A lone space kept "the same" between two changes reads badly ("<del>old</del> <ins>new</ins>" twice over):
 * fold such whitespace into the changes around it, then merge neighbours of the same kind.
 */
function tidy(parts: DiffPart[]): DiffPart[] {
  const folded: DiffPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const prev = parts[k - 1];
    const next = parts[k + 1];
    if (
      part.kind === 'same' &&
      /^\s+$/.test(part.text) &&
      prev &&
      next &&
      prev.kind !== 'same' &&
      next.kind !== 'same'
    ) {
      folded.push({ kind: 'removed', text: part.text }, { kind: 'added', text: part.text });
    } else folded.push({ ...part });
  }
  // Group each run of changes as all its removals then all its additions.
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
    removed = '';
    added = '';
  };
  for (const part of folded) {
    if (part.kind === 'removed') removed += part.text;
    else if (part.kind === 'added') added += part.text;
    else {
      flush();
      const last = out.at(-1);
      if (last?.kind === 'same') last.text += part.text;
      else out.push(part);
    }
  }
  flush();
  return out;
}

/**
 * HTML for a difference: insertions in <ins>, deletions in <del>, each announced to screen readers in words,
 * since most of them do not say that text is inserted or deleted. Everything is escaped.
 */
export function diffToHtml(parts: DiffPart[]): string {
  return parts
    .map((part) => {
      const text = escapeHtml(part.text);
      if (part.kind === 'added')
        return `<ins class="app-diff__added"><span class="govuk-visually-hidden">[added: </span>${text}<span class="govuk-visually-hidden">]</span></ins>`;
      if (part.kind === 'removed')
        return `<del class="app-diff__removed"><span class="govuk-visually-hidden">[removed: </span>${text}<span class="govuk-visually-hidden">]</span></del>`;
      return text;
    })
    .join('');
}

export type DiffSummary = { added: number; removed: number };

/** How many words were added and removed, for a one-line summary per section. */
export function countWords(parts: DiffPart[]): DiffSummary {
  const words = (text: string) => tokenise(text).filter((t) => !/^\s+$/.test(t)).length;
  let added = 0;
  let removed = 0;
  for (const part of parts) {
    if (part.kind === 'added') added += words(part.text);
    if (part.kind === 'removed') removed += words(part.text);
  }
  return { added, removed };
}
