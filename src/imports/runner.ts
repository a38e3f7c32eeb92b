import type { Database } from '../db/index.ts';
import { ImportError } from './errors.ts';
import type { Table, TableRow } from './table.ts';

export type RejectedRow = { line: number; reason: string };

export type ImportSummary = {
  format: string;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Rows deliberately not imported (also counted in `unchanged`), e.g. a spend file's "Grand Total". */
  skipped: number;
  /** The first rejected rows (at most `MAX_REJECTED_LISTED`); `rejected` counts them all. */
  rejectedRows: RejectedRow[];
  /** Short remarks for people, e.g. how many duplicate rows were merged. */
  notes: string[];
};

export const MAX_REJECTED_LISTED = 1000;

export type Outcome = 'created' | 'updated' | 'unchanged';
export type Rejection = { reject: string };
/** A row that is deliberately not imported (it changes nothing): counted as unchanged. */
export type Skip = { skip: string };

export type Item<T> = { line: number; value: T; rows: number };
export type WriteResult = { line: number; outcome: Outcome } | RejectedRow;

/** What one kind of file needs: how to read a row (or a group of adjacent rows) and how to write a batch. */
export type Importer<T> = {
  /** Adjacent rows with the same key are read together (e.g. one club listed several times). */
  groupKey?: (row: TableRow) => string;
  read(rows: TableRow[]): T | Rejection | Skip;
  /** Writes a batch inside the import's transaction; one result per item, in any order. */
  write(trx: Database, items: Item<T>[]): Promise<WriteResult[]>;
  /** Called once at the end, inside the transaction (e.g. to audit-log the import). */
  finish?(trx: Database, summary: ImportSummary): Promise<void>;
};

export type RunOptions = {
  batchSize?: number;
  /** Rows read so far; called after every batch. Throwing stops the import and rolls it back. */
  onProgress?: (rowsRead: number) => void | Promise<void>;
};

/**
 * Runs an import in ONE transaction: all or nothing. A row that fails validation becomes a rejected row with
 * its line number and reason; any other error (a broken file, the database) rolls everything back.
 */
export async function runImport<T>(
  db: Database,
  table: Table,
  importer: Importer<T>,
  options: RunOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ImportSummary = {
    format: table.format.name,
    rowsRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    skipped: 0,
    rejectedRows: [],
    notes: [],
  };
  let merged = 0;
  const skipped = new Map<string, number>();
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    if (summary.rejectedRows.length < MAX_REJECTED_LISTED) summary.rejectedRows.push({ line, reason });
  };

  await db.transaction().execute(async (trx) => {
    let batch: Item<T>[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const results = await importer.write(trx, batch);
      for (const result of results) {
        if ('reason' in result) reject(result.line, result.reason);
        else summary[result.outcome]++;
      }
      batch = [];
      await options.onProgress?.(summary.rowsRead);
    };
    const take = async (group: TableRow[]) => {
      const first = group[0]!;
      const value = importer.read(group);
      // Rows merged into the first of their group change nothing on their own.
      summary.unchanged += group.length - 1;
      merged += group.length - 1;
      if (value && typeof value === 'object' && 'reject' in value) {
        reject(first.line, (value as Rejection).reject);
      } else if (value && typeof value === 'object' && 'skip' in value) {
        summary.unchanged++;
        summary.skipped++;
        const reason = (value as Skip).skip;
        skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      } else {
        batch.push({ line: first.line, value: value as T, rows: group.length });
        if (batch.length >= batchSize) await flush();
      }
    };

    let group: TableRow[] = [];
    let key: string | undefined;
    for await (const row of table.rows) {
      summary.rowsRead++;
      if (!importer.groupKey) {
        await take([row]);
        continue;
      }
      const k = importer.groupKey(row);
      if (group.length && k !== key) {
        await take(group);
        group = [];
      }
      key = k;
      group.push(row);
    }
    if (group.length) await take(group);
    await flush();
    await options.onProgress?.(summary.rowsRead);
    if (summary.rowsRead === 0) {
      throw new ImportError(
        `The file has the column headings of the ${table.format.label} but no rows of data. Check you exported the whole file.`,
      );
    }
    if (merged)
      summary.notes.push(`${merged.toLocaleString('en-GB')} duplicate rows were merged into the row above them.`);
    for (const [reason, count] of skipped) {
      summary.notes.push(
        `${count.toLocaleString('en-GB')} ${count === 1 ? 'row was' : 'rows were'} not imported (counted as unchanged): ${reason}.`,
      );
    }
    summary.rejectedRows.sort((a, b) => a.line - b.line);
    await importer.finish?.(trx, summary);
  });
  return summary;
}
