import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ImportError } from './errors.ts';
import type { OpenedSource } from './source.ts';

export type SheetRow = { line: number; cells: string[] };

/** 1 January 1900 is serial 1 in Excel, which also counts a 29 February 1900 that never was. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  const date = new Date(EXCEL_EPOCH + Math.floor(serial) * 86_400_000);
  return date.toISOString().slice(0, 10);
}

/** A cell as text: formulas give their cached result, dates their ISO day, numbers without float noise. */
export function cellToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const iso = value.toISOString();
    // Dates stored with a time of day keep it; plain days read as days.
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('result' in v) return cellToText(v.result);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if (Array.isArray(v.richText))
      return (v.richText as { text: string }[])
        .map((r) => r.text)
        .join('')
        .trim();
    if ('text' in v) return cellToText(v.text);
    if ('error' in v) return '';
  }
  return String(value).trim();
}

const FIRST_ROWS = 30;

/**
 * Opens an XLSX workbook as rows of cells, streaming (the sheets are never held whole). With several sheets, the
 * first whose opening rows `accept` takes is read, and `sheet` says which; when none is taken, the first sheet with
 * anything in it is read, so the caller can say what its headings lack.
 */
export async function openWorkbook(
  path: string,
  options: { name: string; accept?: (firstRows: string[][]) => boolean },
): Promise<OpenedSource & { sheets: string[] }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheets: string[] = [];
  const accept = options.accept ?? (() => true);
  let chosen: string | undefined;
  let fallback: { name: string; rows: SheetRow[] } | undefined;

  // One pass: sheets that come before the chosen one are read to their end (the format is a stream) and dropped.
  const queue: SheetRow[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let decided: (() => void) | undefined;
  const decision = new Promise<void>((resolve) => {
    decided = resolve;
  });
  const push = (row: SheetRow) => {
    queue.push(row);
    wake?.();
  };

  const pump = (async () => {
    try {
      for await (const worksheet of reader) {
        const sheetName = (worksheet as unknown as { name: string }).name;
        sheets.push(sheetName);
        const head: SheetRow[] = [];
        let taking = false;
        for await (const row of worksheet) {
          const values = (row.values as unknown[]).slice(1).map(cellToText);
          const record = { line: row.number, cells: values };
          if (taking) {
            push(record);
            // Do not read ahead of the import by more than a few thousand rows.
            while (queue.length > 5000) await new Promise<void>((r) => setTimeout(r, 1));
            continue;
          }
          if (chosen !== undefined) continue;
          if (values.every((c) => c === '')) continue;
          head.push(record);
          if (head.length === FIRST_ROWS) {
            if (accept(head.map((r) => r.cells))) {
              chosen = sheetName;
              taking = true;
              for (const r of head) push(r);
              decided?.();
            }
          }
        }
        if (chosen === undefined && head.length > 0 && head.length < FIRST_ROWS) {
          if (accept(head.map((r) => r.cells))) {
            chosen = sheetName;
            for (const r of head) push(r);
            decided?.();
          }
        }
        if (chosen === undefined && !fallback && head.length) fallback = { name: sheetName, rows: head };
      }
      if (chosen === undefined && fallback) {
        // Only the opening rows of the fallback sheet are kept: enough for the caller to explain what is missing.
        chosen = fallback.name;
        for (const r of fallback.rows) push(r);
      }
    } catch (error) {
      failure = new ImportError(
        `${options.name} cannot be read as an Excel workbook (${(error as Error).message}). Open it in a spreadsheet, save it again as .xlsx or as "CSV UTF-8", and try again.`,
      );
    } finally {
      done = true;
      decided?.();
      wake?.();
    }
  })();

  await decision;
  if (failure) throw failure;
  if (chosen === undefined) {
    throw new ImportError(
      sheets.length
        ? `${options.name} has no data in any of its sheets (${sheets.join(', ')}). Check you chose the right file.`
        : `${options.name} has no sheets. Check you chose the right file.`,
    );
  }

  async function* rows(): AsyncGenerator<SheetRow> {
    for (;;) {
      if (queue.length) {
        yield queue.shift()!;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
  void pump;
  return {
    name: options.name,
    compressed: true,
    shape: 'rows',
    delimiter: ',',
    text: Readable.from([]),
    rows: rows(),
    sheet: chosen,
    sheets,
    encoding: () => 'utf-8',
  };
}
