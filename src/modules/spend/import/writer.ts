import type { Database } from '../../../db/index.ts';
import type { Item } from '../../../imports/runner.ts';
import { isRedactedSupplier } from '../names.ts';
import { addCategories, insertPayments, type SupplierUpsert, upsertSuppliers } from './queries.ts';
import type { SpendRow } from './rows.ts';

// Writes one file's payments batch by batch inside the import's transaction, and keeps what the import needs to
// say at the end: the suppliers it saw, the sums imported and already held, and how many rows were already held.

type SupplierState = {
  id: number | undefined;
  name: string;
  charity: string | null;
  company: string | null;
  flag: boolean | null;
  categories: Set<string>;
  /** Categories seen since the supplier was last written: they are added once, at the end of the import. */
  newCategories: boolean;
};

const MAX_CATEGORIES = 20;
const SUPPLIERS_PER_STATEMENT = 5000;

/** Folds a row into its supplier's state; true when the supplier must be written (new, or a new identifier or flag). */
function foldRow(s: SupplierState, v: SpendRow, isNew: boolean): boolean {
  let changed = isNew;
  if (v.charityNumber && !s.charity) {
    s.charity = v.charityNumber;
    changed = true;
  }
  if (v.companyNumber && !s.company) {
    s.company = v.companyNumber;
    changed = true;
  }
  if (v.vcseFlag !== null && s.flag !== true && s.flag !== v.vcseFlag) {
    s.flag = v.vcseFlag || s.flag === null ? v.vcseFlag : s.flag;
    changed = true;
  }
  for (const c of [v.expenseType, v.procurementCategory]) {
    if (c && s.categories.size < MAX_CATEGORIES && !s.categories.has(c)) {
      s.categories.add(c);
      // A new category alone changes nothing else about the supplier (its classification included): it waits for
      // the end rather than rewriting the supplier in every batch.
      s.newCategories = true;
    }
  }
  return changed;
}

const upsertOf = (key: string, s: SupplierState): SupplierUpsert => ({
  key,
  name: s.name,
  charity: s.charity,
  company: s.company,
  flag: s.flag,
  categories: [...s.categories],
  classification: isRedactedSupplier(s.name) ? 'redacted' : 'unresolved',
});

export class SpendWriter {
  readonly #council: string;
  readonly #isDemo: boolean;
  readonly #suppliers = new Map<string, SupplierState>();
  /** The file's suppliers by key (those of rows already held included). */
  readonly fileSuppliers = new Set<string>();
  importedPence = 0;
  duplicatePence = 0;
  /** Rows the database already held (from an earlier or overlapping file). */
  heldRows = 0;
  /** The batch in the database while the next is read from the file. */
  #inFlight: Promise<void> = Promise.resolve();

  constructor(council: string, isDemo: boolean) {
    this.#council = council;
    this.#isDemo = isDemo;
  }

  /**
   * One batch in the database while the next is read from the file: waits for the one before, starts this one,
   * and returns at once. Rows already held are counted when `settle` has waited for the last batch.
   */
  async write(trx: Database, importId: string, items: Item<SpendRow>[]): Promise<void> {
    await this.#inFlight;
    const written = this.#writeBatch(trx, importId, items);
    this.#inFlight = written;
    // Kept from being reported as unhandled until it is awaited (by the next batch or by settle).
    written.catch(() => {});
  }

  /** Waits for the last batch, then adds the categories that suppliers gained along the way. */
  async settle(trx: Database): Promise<void> {
    await this.#inFlight;
    await this.#writeNewCategories(trx);
  }

  async #writeBatch(trx: Database, importId: string, items: Item<SpendRow>[]): Promise<void> {
    await this.#writeSuppliers(trx, items);
    const rows = items.map(({ line, value: v }) => ({
      supplierId: this.#suppliers.get(v.key)!.id!,
      line,
      date: v.date,
      pence: v.pence,
      name: v.name,
      department: v.department,
      purpose: v.purpose,
      expenseType: v.expenseType,
      procurementCategory: v.procurementCategory,
      transactionRef: v.transactionRef,
      rowKey: v.rowKey,
    }));
    const { n, pence } = await insertPayments(trx, {
      council: this.#council,
      importId,
      isDemo: this.#isDemo,
      rows,
    });
    const batchTotal = rows.reduce((sum, x) => sum + x.pence, 0);
    this.importedPence += pence;
    this.duplicatePence += batchTotal - pence;
    this.heldRows += items.length - n;
  }

  /** Suppliers first: new ones, and known ones with something new (an identifier, the council's flag). */
  async #writeSuppliers(trx: Database, items: Item<SpendRow>[]): Promise<void> {
    const changed = new Map<string, SupplierState>();
    for (const { value: v } of items) {
      this.fileSuppliers.add(v.key);
      let s = this.#suppliers.get(v.key);
      const isNew = !s;
      if (!s) {
        s = {
          id: undefined,
          name: v.name,
          charity: null,
          company: null,
          flag: null,
          categories: new Set(),
          newCategories: false,
        };
        this.#suppliers.set(v.key, s);
      }
      if (foldRow(s, v, isNew)) changed.set(v.key, s);
    }
    if (!changed.size) return;
    // Written now with every category seen so far.
    for (const s of changed.values()) s.newCategories = false;
    const rows = await upsertSuppliers(
      trx,
      this.#council,
      [...changed].map(([key, s]) => upsertOf(key, s)),
    );
    for (const r of rows) this.#suppliers.get(r.name_key)!.id = Number(r.id);
  }

  async #writeNewCategories(trx: Database): Promise<void> {
    let ids: number[] = [];
    let categories: string[] = [];
    for (const s of this.#suppliers.values()) {
      if (!s.newCategories) continue;
      s.newCategories = false;
      ids.push(s.id!);
      categories.push(JSON.stringify([...s.categories]));
      if (ids.length === SUPPLIERS_PER_STATEMENT) {
        await addCategories(trx, ids, categories);
        ids = [];
        categories = [];
      }
    }
    if (ids.length) await addCategories(trx, ids, categories);
  }
}
