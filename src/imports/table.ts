import { parse } from 'csv-parse';
import { ImportError } from './errors.ts';
import { jsonRecords } from './json-records.ts';
import type { OpenedSource } from './source.ts';

/** A kind of file the pipeline can recognise from its column headings. */
export type FormatSpec = {
  name: string;
  /** Shown to people: "Charity Commission for Northern Ireland register". */
  label: string;
  /** Column headings that must all be present, normalised (see `normaliseHeading`). */
  required: string[];
  /** Recognition by meaning rather than exact headings (e.g. spend files, named differently by every council). */
  recognise?(headings: string[]): { score: number; complete: boolean; missing: string[] };
  /** The message when no row among the first ones is recognised, given the closest row's own headings. */
  unrecognised?(closest: { labels: string[]; missing: string[] } | undefined, rowsSearched: number): Error;
};

export type TableRow = {
  /** The line in the file where this row starts (1 is the first line). */
  line: number;
  /** Cells by normalised heading, trimmed; absent columns read as ''. */
  get(heading: string): string;
};

export type Table = {
  format: FormatSpec;
  headerLine: number;
  headings: string[];
  /** The headings as the file writes them, in the same order as `headings`. */
  labels: string[];
  rows: AsyncIterable<TableRow>;
};

/** "E&W Charity Number" → "e_w_charity_number": headings compare without case, spacing or punctuation. */
export function normaliseHeading(heading: string): string {
  return heading
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A delimited row: one object per row and no closure, as files run to millions of rows. */
class CellsRow implements TableRow {
  constructor(
    readonly line: number,
    readonly cells: string[],
    readonly position: Map<string, number>,
  ) {}

  get(heading: string): string {
    const i = this.position.get(heading);
    return i === undefined ? '' : (this.cells[i] ?? '').trim();
  }
}

type RawRecord = { line: number; cells: string[] } | { line: number; object: Record<string, unknown> };

async function* delimitedRecords(source: OpenedSource): AsyncGenerator<RawRecord> {
  const parser = parse({
    delimiter: source.delimiter,
    // Tab-separated registers do not quote: a quote mark there is part of the text.
    quote: source.delimiter === '\t' ? false : '"',
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: 1024 * 1024,
  });
  // Each record is pushed as soon as it is complete, when the parser's line count is the one `info: true` would
  // copy into a new object for every record: read it there instead, without that object.
  const push = parser.push.bind(parser);
  parser.push = (record: string[] | null) => push(record && { cells: record, lines: parser.info.lines });
  source.text.on('error', (error) => parser.destroy(error));
  source.text.pipe(parser);
  let previousEnd = 0;
  try {
    for await (const { cells, lines } of parser as AsyncIterable<{ cells: string[]; lines: number }>) {
      const line = previousEnd + 1;
      previousEnd = lines;
      yield { line, cells };
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const where = previousEnd ? ` near line ${previousEnd + 1}` : '';
    throw new ImportError(
      `${source.name} cannot be read as ${source.delimiter === '\t' ? 'tab-separated text' : 'CSV'}${where}: ${(error as Error).message}. Check it is the file you meant, saved as CSV.`,
    );
  }
}

async function* objectRecords(source: OpenedSource): AsyncGenerator<RawRecord> {
  for await (const { line, value } of jsonRecords(source.text, source.name)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      yield { line, object: value as Record<string, unknown> };
    }
  }
}

const cellText = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value.trim() : String(value);

function recognise(headings: string[], format: FormatSpec): { score: number; complete: boolean; missing: string[] } {
  if (format.recognise) return format.recognise(headings);
  const present = new Set(headings);
  const missing = format.required.filter((h) => !present.has(h));
  return { score: format.required.length - missing.length, complete: missing.length === 0, missing };
}

/**
 * Finds the header row among the first rows (files often start with a title, notes or blank lines), recognises
 * which format it is from its headings (or checks the one asked for), and streams the data rows after it.
 */
export async function openTable(
  source: OpenedSource,
  formats: FormatSpec[],
  options: { format?: string | undefined; searchRows?: number } = {},
): Promise<Table> {
  const candidates = options.format ? formats.filter((f) => f.name === options.format) : formats;
  if (options.format && candidates.length === 0) {
    throw new ImportError(
      `There is no format called "${options.format}". Use one of: ${formats.map((f) => f.name).join(', ')}.`,
    );
  }
  const records =
    source.shape === 'rows' && source.rows
      ? source.rows
      : source.shape === 'json'
        ? objectRecords(source)
        : delimitedRecords(source);
  const iterator = records[Symbol.asyncIterator]();
  const searched: RawRecord[] = [];
  const limit = options.searchRows ?? 30;
  let best: { format: FormatSpec; score: number; missing: string[]; labels: string[] } | undefined;
  let found: { index: number; format: FormatSpec; headings: string[]; labels: string[] } | undefined;
  while (searched.length < limit) {
    const next = await iterator.next();
    if (next.done) break;
    const record = next.value;
    searched.push(record);
    const labels = ('cells' in record ? record.cells : Object.keys(record.object)).map((c) => c.trim());
    const headings = labels.map(normaliseHeading);
    if (headings.every((h) => h === '')) continue;
    const complete = candidates
      .map((format) => ({ format, ...recognise(headings, format) }))
      .sort((a, b) => b.score - a.score);
    const top = complete.find((c) => c.complete);
    if (top) {
      found = { index: searched.length - 1, format: top.format, headings, labels };
      break;
    }
    for (const c of complete) {
      if (!best || c.score > best.score) best = { format: c.format, score: c.score, missing: c.missing, labels };
    }
    // JSON objects all have the same keys: the first one decides.
    if (source.shape === 'json') break;
  }
  if (!found) {
    if (searched.length === 0) throw new ImportError(`${source.name} has no rows. Check you chose the right file.`);
    const custom = candidates.length === 1 ? candidates[0]!.unrecognised : undefined;
    if (custom) {
      throw custom(best && { labels: best.labels.filter(Boolean), missing: best.missing }, searched.length);
    }
    if (options.format && best) {
      throw new ImportError(
        `${source.name} does not have the columns of the ${best.format.label}: ${best.missing.join(', ')} ${best.missing.length === 1 ? 'is' : 'are'} missing. Check the file, or choose another format.`,
      );
    }
    const hint =
      best && best.score > 0
        ? ` It looks closest to the ${best.format.label}, but ${best.missing.join(', ')} ${best.missing.length === 1 ? 'is' : 'are'} missing.`
        : '';
    throw new ImportError(
      `We could not recognise ${source.name}: none of its first ${searched.length} rows has the column headings of a file we know.${hint} Check it is a register download with its heading row, or choose the format.`,
    );
  }
  const { format, headings, labels, index } = found;
  const headerLine = searched[index]!.line;
  const position = new Map<string, number>();
  headings.forEach((h, i) => {
    if (h && !position.has(h)) position.set(h, i);
  });

  function toRow(record: RawRecord): TableRow | undefined {
    if ('cells' in record) {
      if (record.cells.every((c) => c.trim() === '')) return undefined;
      return new CellsRow(record.line, record.cells, position);
    }
    const byHeading = new Map(Object.entries(record.object).map(([k, v]) => [normaliseHeading(k), cellText(v)]));
    return { line: record.line, get: (h) => byHeading.get(h) ?? '' };
  }

  const rest = searched.slice(source.shape === 'json' ? index : index + 1);
  async function* rows(): AsyncGenerator<TableRow> {
    for (const record of rest) {
      const row = toRow(record);
      if (row) yield row;
    }
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const row = toRow(next.value);
      if (row) yield row;
    }
  }
  return {
    format,
    headerLine,
    headings: headings.filter(Boolean),
    labels: labels.filter((_, i) => headings[i] !== ''),
    rows: rows(),
  };
}
