import type { CoproductionLevel, NeedsEvidenceKind, NeedsStatus } from '../../db/schema.ts';
import { formatDate, londonDay } from '../../kernel/dates.ts';
import { type Refusal, refusal } from '../../kernel/result.ts';
import { checkDocument, parseDataTable } from './evidence.ts';

// The rules of needs assessments, without the database: when one takes contributions, and what evidence is.

export type AssessmentInput = {
  title: string;
  summary: string;
  need: string;
  populationGroups: string[];
  wards: string[];
  priorities: number[];
  coproductionLevel: CoproductionLevel;
  status: NeedsStatus;
  closesAt: string | null;
};

export type EvidenceInput =
  | { kind: 'text'; title: string; body: string }
  | { kind: 'link'; title: string; url: string; body?: string }
  | { kind: 'document'; title: string; fileName: string; bytes: Uint8Array; body?: string }
  | { kind: 'table'; title: string; csv: string; body?: string };

/** An assessment takes contributions and support while open, up to and including its closing day in London. */
export function acceptsInput(a: { status: NeedsStatus; closes_at: string | null }, now: Date): boolean {
  return a.status === 'open' && (!a.closes_at || londonDay(now) <= a.closes_at);
}

export const noAssessment = () => refusal(404, 'There is no such needs assessment.');
export const noEvidence = () => refusal(404, 'There is no such evidence.');
export const noContribution = () => refusal(404, 'There is no such contribution.');

export function closedRefusal(closesAt: string | null): Refusal {
  const when = closesAt ? ` It closed on ${formatDate(closesAt)}.` : '';
  return refusal(409, `This needs assessment is no longer open for contributions or support.${when}`);
}

/** Wards and priorities that do not exist are refused, so a stale form cannot link to nothing. */
export function referencesRefusal(input: AssessmentInput, found: { wards: number; priorities: number }) {
  if (input.wards.length && found.wards !== new Set(input.wards).size)
    return refusal(400, 'Select wards from the list', { field: 'wards' });
  if (input.priorities.length && found.priorities !== new Set(input.priorities).size)
    return refusal(400, 'Select priorities from the list', { field: 'priorities' });
  return null;
}

export type EvidenceRow = {
  kind: NeedsEvidenceKind;
  body: string;
  url?: string;
  file_name?: string;
  file_size?: number;
  file_type?: string;
  file_data?: Uint8Array;
  table_data?: string;
};

/** The row to store for a piece of evidence, or why it cannot be stored. */
export function evidenceRow(input: EvidenceInput): { title: string; row: EvidenceRow } | Refusal {
  const title = input.title.trim();
  if (!title) return refusal(400, 'Enter a title for the evidence', { field: 'title' });
  if (title.length > 200) return refusal(400, 'Title must be 200 characters or fewer', { field: 'title' });
  const row: EvidenceRow = { kind: input.kind, body: (input.body ?? '').trim() };
  if (input.kind === 'text') {
    if (!row.body) return refusal(400, 'Enter the evidence', { field: 'body' });
  } else if (input.kind === 'link') {
    let url: URL | undefined;
    try {
      url = new URL(input.url.trim());
    } catch {}
    if (!url || !['http:', 'https:'].includes(url.protocol))
      return refusal(400, 'Enter a web address starting with https://', { field: 'url' });
    row.url = url.toString();
  } else if (input.kind === 'document') {
    const check = checkDocument(input.fileName, input.bytes);
    if (!check.ok) return refusal(400, check.message, { field: 'file' });
    Object.assign(row, {
      file_name: check.fileName,
      file_size: input.bytes.length,
      file_type: check.mime,
      file_data: input.bytes,
    });
  } else {
    const check = parseDataTable(input.csv);
    if (!check.ok) return refusal(400, check.message, { field: 'csv' });
    row.table_data = JSON.stringify(check.table);
  }
  return { title, row };
}
