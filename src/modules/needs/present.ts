import type { CoproductionLevel, NeedsContributionKind, NeedsStatus } from '../../db/schema.ts';
import { type Actor, isStaff } from '../../kernel/actor.ts';
import { toGovukTable } from '../../web/table.ts';
import type { DataTable } from './evidence.ts';

// The words and page models of needs assessments.

export const statuses: { value: NeedsStatus; text: string; hint: string }[] = [
  { value: 'draft', text: 'Draft', hint: 'Only staff can see it.' },
  { value: 'open', text: 'Open for input', hint: 'Residents and VCS members can add to it until the closing date.' },
  { value: 'closed', text: 'Closed', hint: 'Visible to everyone; no more contributions.' },
  {
    value: 'published',
    text: 'Published',
    hint: 'The finished assessment, with what was done about what people said.',
  },
];

// Think Local Act Personal's ladder of co-production, lowest rung first.
export const ladder: { value: CoproductionLevel; text: string; hint: string }[] = [
  { value: 'informing', text: 'Informing', hint: 'We tell people what has been decided and why.' },
  { value: 'consultation', text: 'Consultation', hint: 'We ask for views on our plans, and decide.' },
  { value: 'engagement', text: 'Engagement', hint: 'People help shape the plans, and we still decide.' },
  { value: 'co_design', text: 'Co-design', hint: 'People with lived experience design it with us.' },
  {
    value: 'co_production',
    text: 'Co-production',
    hint: 'Equal partners from start to finish: sharing power, design, delivery and decisions.',
  },
];

export const contributionKinds: { value: NeedsContributionKind; text: string; hint: string }[] = [
  { value: 'lived_experience', text: 'Lived experience', hint: 'What happened to you or people you know.' },
  { value: 'idea', text: 'An idea', hint: 'Something that would help.' },
  { value: 'comment', text: 'A comment', hint: 'Anything else about this need.' },
];

export const statusLabel = (s: NeedsStatus) => statuses.find((x) => x.value === s)?.text ?? s;
export const kindLabel = (k: NeedsContributionKind) => contributionKinds.find((x) => x.value === k)?.text ?? k;

/** The ladder with the assessment's rung marked, and the rungs below it reached. */
export function ladderAt(level: CoproductionLevel) {
  const rung = ladder.findIndex((l) => l.value === level);
  return ladder.map((l, i) => ({ ...l, current: i === rung, reached: i <= rung }));
}

/** Hidden contributions are shown only to staff and to the person who wrote them. */
export function visibleContributions<
  C extends { kind: NeedsContributionKind; author_id: string | null; hidden_at: Date | null },
>(contributions: C[], viewer: Actor | null) {
  const me = viewer?.id;
  const staff = isStaff(viewer);
  const mine = (c: C) => !!me && c.author_id === me;
  return contributions
    .filter((c) => !c.hidden_at || staff || mine(c))
    .map((c) => ({ ...c, kindLabel: kindLabel(c.kind), mine: mine(c) }));
}

/** A pasted table of evidence, for `govukTable`: a column of figures is aligned as numbers. */
export const dataTable = (table: DataTable) =>
  toGovukTable({
    columns: table.headers.map((header, i) => ({
      header,
      value: (row: string[]) => row[i] ?? '',
      numeric: table.rows.every((r) => /^-?[£]?[\d,]+(\.\d+)?%?$/.test(r[i] ?? '') || r[i] === ''),
    })),
    rows: table.rows,
  });

export const evidenceItems = <E extends { table: DataTable | null }>(evidence: E[]) =>
  evidence.map((e) => ({ ...e, tableModel: e.table ? dataTable(e.table) : null }));
