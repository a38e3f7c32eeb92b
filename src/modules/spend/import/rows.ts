import { hash as digestOf } from 'node:crypto';
import type { Rejection, Skip } from '../../../imports/runner.ts';
import type { TableRow } from '../../../imports/table.ts';
import { clean, parseDate, parsePence } from '../../../imports/values.ts';
import { excelSerialToIso } from '../../../imports/workbook.ts';
import { normaliseSupplierName } from '../names.ts';
import type { ColumnMapping, SpendField } from './columns.ts';

// One row of a spend file read into a payment, or rejected with a reason, or skipped as a summary row. Pure apart
// from what a reader remembers of the file so far (running totals, values seen, payments counted).

export type SpendRow = {
  date: string;
  pence: number;
  name: string;
  key: string;
  rowKey: string;
  department: string | null;
  purpose: string | null;
  expenseType: string | null;
  procurementCategory: string | null;
  transactionRef: string | null;
  charityNumber: string | null;
  companyNumber: string | null;
  vcseFlag: boolean | null;
};

/**
 * Remembers what `work` gave for the last few thousand distinct inputs: a spend file names the same suppliers
 * and dates on many rows. Forgets everything once full, so a file of all-different values costs little memory.
 */
export function remembered<T>(work: (text: string) => T, limit = 16_384): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    let value = known.get(text);
    if (value === undefined && !known.has(text)) {
      if (known.size >= limit) known.clear();
      value = work(text);
      known.set(text, value);
    }
    return value as T;
  };
}

/** Payment dates as councils print them, Excel serials included; years outside 1990–2100 are mistakes. */
export function parseSpendDate(text: string): string | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  let iso: string | undefined;
  if (/^\d{5}(?:\.\d+)?$/.test(t)) iso = excelSerialToIso(Number(t));
  else {
    const short = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$/.exec(t);
    const dashed = /^(\d{1,2})-(\d{1,2})-(\d{4})$/.exec(t);
    const parsed = parseDate(
      short ? `${short[1]}/${short[2]}/20${short[3]}` : dashed ? `${dashed[1]}/${dashed[2]}/${dashed[3]}` : t,
    );
    if (parsed.ok && parsed.value) iso = parsed.value;
  }
  if (!iso) return undefined;
  const year = Number(iso.slice(0, 4));
  return year >= 1990 && year <= 2100 ? iso : undefined;
}

function flag(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (/^(y|yes|true|t|1|vcse|vcs|voluntary)$/.test(t)) return true;
  if (/^(n|no|false|f|0|non vcse|not vcse)$/.test(t)) return false;
  return null;
}

function identifier(text: string): string | null {
  const t = clean(text).toUpperCase();
  if (!t || /^(N\/?A|NONE|NULL|-+|0+)$/.test(t)) return null;
  return t;
}

// A whole cell that says it is a total ("Grand Total", "TOTAL:", "Sub-total", "Total for period"), never a supplier
// whose name starts with the word ("Total Gas & Power Ltd").
const SUMMARY =
  /^(?:(?:grand|sub|report|overall|period|monthly)[\s-]?totals?|totals?|totals? (?:for|of) (?:the )?(?:period|month|quarter|year|report|all)\b.*)\s*:?$/i;
const SUMMARY_ROW: Skip = { skip: 'summary rows such as "Grand Total"' };

/**
 * Remembers how many times each payment tuple has been seen in this file, in a flat hash table of 52-bit hashes
 * (8 bytes a row): a file with the same payment twice keeps both, and re-importing keeps the same keys.
 */
export class OccurrenceCounter {
  #slots = new Float64Array(1 << 16);
  #size = 0;
  #repeats = new Map<number, number>();

  next(hash: number): number {
    if (this.#size * 2 >= this.#slots.length) this.#grow();
    const mask = this.#slots.length - 1;
    let i = hash & mask;
    for (;;) {
      const slot = this.#slots[i]!;
      if (slot === 0) {
        this.#slots[i] = hash;
        this.#size++;
        return 1;
      }
      if (slot === hash) {
        const n = (this.#repeats.get(hash) ?? 1) + 1;
        this.#repeats.set(hash, n);
        return n;
      }
      i = (i + 1) & mask;
    }
  }

  #grow() {
    const old = this.#slots;
    this.#slots = new Float64Array(old.length * 2);
    const mask = this.#slots.length - 1;
    for (const hash of old) {
      if (hash === 0) continue;
      let i = hash & mask;
      while (this.#slots[i] !== 0) i = (i + 1) & mask;
      this.#slots[i] = hash;
    }
  }
}

/** Reads the rows of one file in order: what it remembers (totals, repeats, values seen) is this file's alone. */
export class SpendRowReader {
  readonly #mapping: ColumnMapping;
  readonly #occurrences = new OccurrenceCounter();
  readonly #supplierKey = remembered((name) => normaliseSupplierName(name) || name.toLowerCase());
  readonly #spendDate = remembered(parseSpendDate);
  // One copy of each repeated value (a supplier's name, a department, a category) rather than one per row: rows
  // wait in batches, and less held means less for the garbage collector to carry and room to keep.
  readonly #supplierName = remembered((name: string) => name);
  readonly #label = remembered((text: string) => text);
  /** The sum of every payment so far, and since the last summary row: an unnamed row of either is a total. */
  #runningTotal = 0;
  #sinceSummary = 0;

  constructor(mapping: ColumnMapping) {
    this.#mapping = mapping;
  }

  #get(row: TableRow, field: SpendField): string {
    const h = this.#mapping[field];
    return h ? row.get(h) : '';
  }

  #opt(row: TableRow, field: SpendField): string | null {
    return this.#label(clean(this.#get(row, field))) || null;
  }

  read(r: TableRow): SpendRow | Rejection | Skip {
    const name = this.#supplierName(clean(this.#get(r, 'supplier')));
    const dateText = this.#get(r, 'date');
    const amountText = this.#get(r, 'amount');
    const amount = parsePence(amountText);
    const department = this.#label(clean(this.#get(r, 'department')));
    if (this.#isSummary(name, dateText, department, this.#get(r, 'purpose'), amount)) {
      this.#sinceSummary = 0;
      return SUMMARY_ROW;
    }
    if (!name) return { reject: 'The supplier name is blank' };
    if (!amount.ok)
      return { reject: `The amount "${amountText}" is not a sum of money (for example 1234.56 or £1,234.56)` };
    if (amount.value === null) return { reject: 'The amount is blank' };
    const date = this.#spendDate(dateText);
    if (date === null) return { reject: 'The payment date is blank' };
    if (date === undefined) {
      return {
        reject: `The payment date "${dateText}" is not a date we recognise (for example 25/06/2012 or 2012-06-25)`,
      };
    }
    const key = this.#supplierKey(name);
    // Different on every row: not worth remembering.
    const transactionRef = clean(this.#get(r, 'transactionRef')) || null;
    const expenseType = this.#opt(r, 'expenseType');
    const rowKey = this.#rowKey([date, amount.value, key, transactionRef ?? '', department, expenseType ?? '']);
    this.#runningTotal += amount.value;
    this.#sinceSummary += amount.value;
    return {
      date,
      pence: amount.value,
      name,
      key,
      rowKey,
      department: department || null,
      purpose: this.#opt(r, 'purpose'),
      expenseType,
      procurementCategory: this.#opt(r, 'procurementCategory'),
      transactionRef,
      charityNumber: identifier(this.#get(r, 'charityNumber')),
      companyNumber: identifier(this.#get(r, 'companyNumber')),
      vcseFlag: this.#mapping.vcseFlag ? flag(this.#get(r, 'vcseFlag')) : null,
    };
  }

  /** "Grand Total", "Total" in any of the leading columns, or an unnamed row whose amount is the total so far. */
  #isSummary(
    name: string,
    dateText: string,
    department: string,
    purpose: string,
    amount: ReturnType<typeof parsePence>,
  ): boolean {
    if (SUMMARY.test(name) || SUMMARY.test(dateText) || SUMMARY.test(department) || SUMMARY.test(purpose)) return true;
    return (
      !name &&
      !dateText &&
      amount.ok &&
      amount.value !== null &&
      (amount.value === this.#runningTotal || amount.value === this.#sinceSummary)
    );
  }

  /** The payment's key: its tuple's digest and how many times the file has had that tuple so far. */
  #rowKey(tuple: (string | number)[]): string {
    const digest = digestOf('sha256', tuple.join('\u001f'), 'buffer');
    // 52 bits of the digest, never 0 (0 marks an empty slot).
    const hash = (digest.readUIntBE(0, 6) % 2 ** 52) + 1;
    return `${digest.subarray(0, 18).toString('base64url')}.${this.#occurrences.next(hash)}`;
  }
}
