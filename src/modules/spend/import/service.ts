import { createHash, hash as digestOf } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import { ImportError } from '../../../imports/errors.ts';
import { openAnySource } from '../../../imports/open.ts';
import { type Importer, type ImportSummary, type Item, runImport } from '../../../imports/runner.ts';
import { type FormatSpec, normaliseHeading, openTable, type TableRow } from '../../../imports/table.ts';
import { clean, parseDate, parsePence } from '../../../imports/values.ts';
import { excelSerialToIso } from '../../../imports/workbook.ts';
import type { AuditService } from '../../audit/service.ts';
import { isRedactedSupplier, normaliseSupplierName } from '../names.ts';
import {
  type ColumnMapping,
  FIELD_LABELS,
  headerSignature,
  missingFields,
  recogniseColumns,
  SPEND_FIELDS,
  type SpendField,
} from './columns.ts';
import { localAuthorityName } from './local-authorities.ts';

/** The file's columns could not all be recognised: a person maps them (form or --map), then it runs again. */
export class MappingNeeded extends ImportError {
  constructor(
    message: string,
    readonly labels: string[],
    readonly missing: SpendField[],
    readonly suggested: ColumnMapping,
  ) {
    super(message);
  }
}

export type SpendImportOptions = {
  council: string;
  councilName?: string | undefined;
  /** Our field → the file's heading as written ("Net Amt"), from --map or the mapping form. */
  map?: Partial<Record<string, string>> | undefined;
  userId: string | null;
  fileName?: string | undefined;
  jobId?: string | undefined;
  isDemo?: boolean;
  batchSize?: number;
  onProgress?: (rowsRead: number) => void | Promise<void>;
  /** Called once the import's transaction has committed, before the suppliers are matched (outside it). */
  onCommitted?: () => void | Promise<void>;
};

export type SpendImportResult = {
  importId: string;
  council: string;
  councilName: string;
  file: string;
  origin: string | null;
  rowsRead: number;
  rowsImported: number;
  rowsDuplicate: number;
  rowsRejected: number;
  rowsSkipped: number;
  rejected: { line: number; reason: string }[];
  totalAmount: string;
  duplicateAmount: string;
  suppliers: number;
  vcsAmount: string;
  vcsShare: number | null;
  resolved: boolean;
  mapping: Record<string, string>;
  notes: string[];
};

type SpendRow = {
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

const ORG_ID = /^GB-[A-Z]+-[A-Za-z0-9]+$/;
const MAX_CATEGORIES = 20;
const SUPPLIERS_PER_STATEMENT = 5000;

/**
 * Remembers what `work` gave for the last few thousand distinct inputs: a spend file names the same suppliers
 * and dates on many rows. Forgets everything once full, so a file of all-different values costs little memory.
 */
function remembered<T>(work: (text: string) => T, limit = 16_384): (text: string) => T {
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

/** Integer pence → "19513182.88", exactly. */
export function penceToPounds(pence: number | bigint): string {
  const p = BigInt(pence);
  const negative = p < 0n;
  const abs = negative ? -p : p;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
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

/**
 * Remembers how many times each payment tuple has been seen in this file, in a flat hash table of 52-bit hashes
 * (8 bytes a row): a file with the same payment twice keeps both, and re-importing keeps the same keys.
 */
class OccurrenceCounter {
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

export function createSpendImportService({
  db,
  config,
  audit,
  resolveCouncil,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  /** Classifies the council's unresolved suppliers after an import (the resolution service). */
  resolveCouncil?: ((councilOrgId: string) => Promise<unknown>) | undefined;
}) {
  async function councilName(orgId: string, given?: string): Promise<{ name: string; exists: boolean }> {
    const row = await db.selectFrom('council').select('name').where('org_id', '=', orgId).executeTakeFirst();
    if (row) return { name: row.name, exists: true };
    const name = clean(given) || localAuthorityName(orgId);
    if (!name) {
      throw new ImportError(
        `${orgId} is not a council we know, and it is not in the list of local authorities. Give its name (on the command line: --council-name "Name of the council") and try again.`,
      );
    }
    return { name, exists: false };
  }

  async function fileHash(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async function profiles(council: string): Promise<Map<string, ColumnMapping>> {
    const rows = await db
      .selectFrom('spend_import_profile')
      .select(['header_signature', 'mapping'])
      .where('council_org_id', '=', council)
      .execute();
    return new Map(rows.map((r) => [r.header_signature, r.mapping as ColumnMapping]));
  }

  function explicitMapping(map: SpendImportOptions['map']): ColumnMapping | undefined {
    if (!map || Object.keys(map).length === 0) return undefined;
    const mapping: ColumnMapping = {};
    for (const [field, heading] of Object.entries(map)) {
      if (!(SPEND_FIELDS as readonly string[]).includes(field)) {
        throw new ImportError(`There is no column called "${field}" to map. Map one of: ${SPEND_FIELDS.join(', ')}.`);
      }
      const h = normaliseHeading(heading ?? '');
      if (h) mapping[field as SpendField] = h;
    }
    return mapping;
  }

  async function importFile(
    input: { path: string; name?: string },
    options: SpendImportOptions,
  ): Promise<SpendImportResult> {
    const council = options.council
      .trim()
      .toUpperCase()
      .replace(/^(GB-[A-Z]+-)(.*)$/, (_m, a, b) => a + b);
    if (!ORG_ID.test(council)) {
      throw new ImportError(
        `"${options.council}" is not a council org-id. Use the form GB-LAE-CRY (GB-LAE- and the council's code from the list of English local authorities).`,
      );
    }
    const { name: councilLabel, exists } = await councilName(council, options.councilName);
    const saved = await profiles(council);
    const explicit = explicitMapping(options.map);
    const mappingFor = (headings: string[]) =>
      recogniseColumns(headings, explicit ?? saved.get(headerSignature(headings)) ?? {});

    const format: FormatSpec = {
      name: 'spend',
      label: 'council spend file',
      required: ['date', 'amount', 'supplier'],
      recognise(headings) {
        const mapping = mappingFor(headings);
        const missing = missingFields(mapping);
        const found = Object.keys(mapping).length;
        return { score: (3 - missing.length) * 100 + found, complete: missing.length === 0, missing };
      },
      unrecognised(closest, searched) {
        if (!closest || closest.labels.length < 2) {
          return new ImportError(
            `We could not find a row of column headings in the first ${searched} rows of the file. Check it is a spend file with a heading row (payment date, amount, supplier name).`,
          );
        }
        const suggested = mappingFor(closest.labels.map(normaliseHeading));
        const missing = missingFields(suggested);
        const labels = closest.labels;
        return new MappingNeeded(
          `We could not tell which column holds the ${missing.map((f) => FIELD_LABELS[f].toLowerCase()).join(', the ')}. The file's columns are: ${labels.map((l) => `"${l}"`).join(', ')}. Say which is which, for example --map ${missing
            .map((f) => `${f}="${labels[0]}"`)
            .join(' --map ')} (the mapping is kept for this council's files with the same columns).`,
          labels,
          missing,
          suggested,
        );
      },
    };

    const maxBytes = config.uploadLimitBytes;
    const source = await openAnySource(input.path, {
      ...(input.name ? { name: input.name } : {}),
      maxBytes,
      accept: (rows) => rows.some((cells) => format.recognise!(cells.map(normaliseHeading)).complete),
    });
    try {
      const fileName = options.fileName ?? source.name;
      const sha256 = await fileHash(input.path);
      const table = await openTable(source, [format]);
      const mapping = mappingFor(table.headings);
      const col = (field: SpendField) => mapping[field];
      const get = (row: TableRow, field: SpendField) => {
        const h = col(field);
        return h ? row.get(h) : '';
      };

      const occurrences = new OccurrenceCounter();
      const supplierKey = remembered((name) => normaliseSupplierName(name) || name.toLowerCase());
      const spendDate = remembered(parseSpendDate);
      // One copy of each repeated value (a supplier's name, a department, a category) rather than one per row:
      // rows wait in batches, and less held means less for the garbage collector to carry and room to keep.
      const supplierName = remembered((name: string) => name);
      const label = remembered((text: string) => text);
      const suppliers = new Map<string, SupplierState>();
      const fileSuppliers = new Set<string>();
      let runningTotal = 0;
      let sinceSummary = 0;
      let importedPence = 0;
      let duplicatePence = 0;
      let importId: string | undefined;

      const ensureImport = async (trx: Database) => {
        if (importId) return importId;
        if (!exists) {
          await trx
            .insertInto('council')
            .values({ org_id: council, name: councilLabel })
            .onConflict((oc) => oc.column('org_id').doNothing())
            .execute();
        }
        const row = await trx
          .insertInto('spend_import')
          .values({
            council_org_id: council,
            file_name: fileName,
            file_sha256: sha256,
            mapping: JSON.stringify(mapping),
            is_demo: options.isDemo ?? false,
            created_by: options.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        importId = row.id;
        return importId;
      };

      const importer: Importer<SpendRow> = {
        read([row]) {
          const r = row!;
          const name = supplierName(clean(get(r, 'supplier')));
          const dateText = get(r, 'date');
          const amountText = get(r, 'amount');
          const amount = parsePence(amountText);
          const department = label(clean(get(r, 'department')));
          // Summary rows: "Grand Total", "Total" in any of the leading columns, or an unnamed row whose amount is
          // the total so far.
          if (
            SUMMARY.test(name) ||
            SUMMARY.test(dateText) ||
            SUMMARY.test(department) ||
            SUMMARY.test(get(r, 'purpose'))
          ) {
            sinceSummary = 0;
            return { skip: 'summary rows such as "Grand Total"' };
          }
          if (!name && !dateText && amount.ok && amount.value !== null) {
            if (amount.value === runningTotal || amount.value === sinceSummary) {
              sinceSummary = 0;
              return { skip: 'summary rows such as "Grand Total"' };
            }
          }
          if (!name) return { reject: 'The supplier name is blank' };
          if (!amount.ok)
            return { reject: `The amount "${amountText}" is not a sum of money (for example 1234.56 or £1,234.56)` };
          if (amount.value === null) return { reject: 'The amount is blank' };
          const date = spendDate(dateText);
          if (date === null) return { reject: 'The payment date is blank' };
          if (date === undefined) {
            return {
              reject: `The payment date "${dateText}" is not a date we recognise (for example 25/06/2012 or 2012-06-25)`,
            };
          }
          const key = supplierKey(name);
          const opt = (field: SpendField) => label(clean(get(r, field))) || null;
          // Different on every row: not worth remembering.
          const transactionRef = clean(get(r, 'transactionRef')) || null;
          const expenseType = opt('expenseType');
          const tuple = [date, amount.value, key, transactionRef ?? '', department, expenseType ?? ''].join('\u001f');
          const digest = digestOf('sha256', tuple, 'buffer');
          // 52 bits of the digest, never 0 (0 marks an empty slot).
          const hash = (digest.readUIntBE(0, 6) % 2 ** 52) + 1;
          const n = occurrences.next(hash);
          runningTotal += amount.value;
          sinceSummary += amount.value;
          return {
            date,
            pence: amount.value,
            name,
            key,
            rowKey: `${digest.subarray(0, 18).toString('base64url')}.${n}`,
            department: department || null,
            purpose: opt('purpose'),
            expenseType,
            procurementCategory: opt('procurementCategory'),
            transactionRef,
            charityNumber: identifier(get(r, 'charityNumber')),
            companyNumber: identifier(get(r, 'companyNumber')),
            vcseFlag: col('vcseFlag') ? flag(get(r, 'vcseFlag')) : null,
          };
        },

        async write(trx, items) {
          const id = await ensureImport(trx);
          // One batch in the database while the next is read from the file: wait for the one before, start this
          // one, and return at once. Every row is counted as imported for now; rows the database already held are
          // moved to "already held" in finish(), which waits for the last batch.
          await inFlight;
          const written = writeBatch(trx, id, items);
          inFlight = written;
          // Kept from being reported as unhandled until it is awaited (by the next batch or by finish).
          written.catch(() => {});
          return items.map((item) => ({ line: item.line, outcome: 'created' as const }));
        },

        async finish(trx, summary) {
          await inFlight;
          await writeNewCategories(trx);
          summary.created -= heldRows;
          summary.unchanged += heldRows;
          await finishImport(trx, summary);
        },
      };

      let inFlight: Promise<void> = Promise.resolve();
      let heldRows = 0;

      async function writeBatch(trx: Database, id: string, items: Item<SpendRow>[]): Promise<void> {
        // Suppliers first: new ones, and known ones with something new (an identifier, a category).
        const changed = new Map<string, SupplierState>();
        for (const { value: v } of items) {
          fileSuppliers.add(v.key);
          let s = suppliers.get(v.key);
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
            suppliers.set(v.key, s);
            changed.set(v.key, s);
          }
          if (v.charityNumber && !s.charity) {
            s.charity = v.charityNumber;
            changed.set(v.key, s);
          }
          if (v.companyNumber && !s.company) {
            s.company = v.companyNumber;
            changed.set(v.key, s);
          }
          if (v.vcseFlag !== null && s.flag !== true && s.flag !== v.vcseFlag) {
            s.flag = v.vcseFlag || s.flag === null ? v.vcseFlag : s.flag;
            changed.set(v.key, s);
          }
          for (const c of [v.expenseType, v.procurementCategory]) {
            if (c && s.categories.size < MAX_CATEGORIES && !s.categories.has(c)) {
              s.categories.add(c);
              // A new category alone changes nothing else about the supplier (its classification included): it
              // waits for the end rather than rewriting the supplier in every batch.
              s.newCategories = true;
            }
          }
        }
        for (const s of changed.values()) s.newCategories = false;
        if (changed.size) {
          const keys = [...changed.keys()];
          const states = [...changed.values()];
          const rows = await sql<{ id: number; name_key: string }>`
            insert into spend_supplier
              (council_org_id, name_key, name, charity_number, company_number, council_vcse_flag, categories, classification)
            select ${council}, k, n, c, co, f, array(select jsonb_array_elements_text(cats::jsonb)), cl
            from unnest(${keys}::text[], ${states.map((s) => s.name)}::text[], ${states.map((s) => s.charity)}::text[],
              ${states.map((s) => s.company)}::text[], ${states.map((s) => s.flag)}::boolean[],
              ${states.map((s) => JSON.stringify([...s.categories]))}::text[],
              ${states.map((s) => (isRedactedSupplier(s.name) ? 'redacted' : 'unresolved'))}::text[])
              as t(k, n, c, co, f, cats, cl)
            on conflict (council_org_id, name_key) do update set
              charity_number = coalesce(spend_supplier.charity_number, excluded.charity_number),
              company_number = coalesce(spend_supplier.company_number, excluded.company_number),
              council_vcse_flag = coalesce(excluded.council_vcse_flag, spend_supplier.council_vcse_flag),
              categories = array(select distinct unnest(spend_supplier.categories || excluded.categories)),
              classification = case when spend_supplier.classification = 'unresolved' or
                (spend_supplier.method is distinct from 'decision' and excluded.council_vcse_flag is distinct from spend_supplier.council_vcse_flag)
                then 'unresolved' else spend_supplier.classification end
            returning id, name_key
          `.execute(trx);
          for (const r of rows.rows) suppliers.get(r.name_key)!.id = Number(r.id);
        }
        const v = items.map((i) => i.value);
        const inserted = await sql<{ n: number; pence: string | number }>`
          with ins as (
            insert into spend_payment (council_org_id, import_id, supplier_id, line, payment_date, amount_pence,
              supplier_name, department, purpose, expense_type, procurement_category, transaction_ref, row_key, is_demo)
            select ${council}, ${id}::uuid, s, l, d, a, n, dep, p, e, pc, tr, rk, ${options.isDemo ?? false}
            from unnest(${v.map((x) => suppliers.get(x.key)!.id)}::bigint[], ${items.map((i) => i.line)}::int[],
              ${v.map((x) => x.date)}::date[], ${v.map((x) => x.pence)}::bigint[], ${v.map((x) => x.name)}::text[],
              ${v.map((x) => x.department)}::text[], ${v.map((x) => x.purpose)}::text[], ${v.map((x) => x.expenseType)}::text[],
              ${v.map((x) => x.procurementCategory)}::text[], ${v.map((x) => x.transactionRef)}::text[],
              ${v.map((x) => x.rowKey)}::text[]) as t(s, l, d, a, n, dep, p, e, pc, tr, rk)
            on conflict (council_org_id, row_key) do nothing
            returning amount_pence
          )
          select count(*)::int as n, coalesce(sum(amount_pence), 0)::text as pence from ins
        `.execute(trx);
        const n = Number(inserted.rows[0]!.n);
        const pence = Number(inserted.rows[0]!.pence);
        const batchTotal = v.reduce((sum, x) => sum + x.pence, 0);
        importedPence += pence;
        duplicatePence += batchTotal - pence;
        heldRows += items.length - n;
      }

      async function writeNewCategories(trx: Database): Promise<void> {
        let ids: number[] = [];
        let categories: string[] = [];
        const flush = async () => {
          await sql`
            update spend_supplier s
            set categories = array(select distinct unnest(s.categories || array(select jsonb_array_elements_text(t.cats::jsonb))))
            from unnest(${ids}::bigint[], ${categories}::text[]) as t(id, cats)
            where s.id = t.id
          `.execute(trx);
          ids = [];
          categories = [];
        };
        for (const s of suppliers.values()) {
          if (!s.newCategories) continue;
          s.newCategories = false;
          ids.push(s.id!);
          categories.push(JSON.stringify([...s.categories]));
          if (ids.length === SUPPLIERS_PER_STATEMENT) await flush();
        }
        if (ids.length) await flush();
      }

      async function finishImport(trx: Database, summary: ImportSummary): Promise<void> {
        const id = await ensureImport(trx);
        const duplicates = summary.unchanged - summary.skipped;
        await trx
          .updateTable('spend_import')
          .set({
            rows_read: summary.rowsRead,
            rows_imported: summary.created,
            rows_duplicate: duplicates,
            rows_rejected: summary.rejected,
            rows_skipped: summary.skipped,
            total_pence: importedPence,
            rejected: JSON.stringify(summary.rejectedRows),
          })
          .where('id', '=', id)
          .execute();
        if (explicit) {
          await trx
            .insertInto('spend_import_profile')
            .values({
              council_org_id: council,
              header_signature: headerSignature(table.headings),
              mapping: JSON.stringify(mapping),
              updated_by: options.userId,
            })
            .onConflict((oc) =>
              oc.columns(['council_org_id', 'header_signature']).doUpdateSet({
                mapping: JSON.stringify(mapping),
                updated_by: options.userId,
                updated_at: new Date(),
              }),
            )
            .execute();
        }
        await audit.record(
          {
            userId: options.userId,
            action: 'spend.import',
            entityType: 'spend_import',
            entityId: id,
            detail: {
              council,
              file: fileName,
              origin: source.origin ?? null,
              rowsRead: summary.rowsRead,
              rowsImported: summary.created,
              rowsDuplicate: duplicates,
              rowsRejected: summary.rejected,
              rowsSkipped: summary.skipped,
              totalAmount: penceToPounds(importedPence),
              councilAdded: !exists,
              profileSaved: Boolean(explicit),
            },
          },
          trx,
        );
      }

      const summary: ImportSummary = await runImport(db, table, importer, {
        batchSize: options.batchSize ?? 5000,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });

      await options.onCommitted?.();
      let resolved = false;
      if (resolveCouncil) {
        await resolveCouncil(council);
        resolved = true;
      }
      const vcs = await sql<{ vcs: string; total: string }>`
        select coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)::text as vcs,
               coalesce(sum(p.amount_pence), 0)::text as total
        from spend_payment p join spend_supplier s on s.id = p.supplier_id
        where p.import_id = ${importId!}::uuid
      `.execute(db);
      const vcsPence = BigInt(vcs.rows[0]!.vcs);
      const totalPence = BigInt(vcs.rows[0]!.total);
      const notes: string[] = [];
      if (source.origin) notes.push(`Read from ${source.origin}.`);
      if (!exists) notes.push(`${councilLabel} (${council}) was added to the councils.`);
      const duplicates = summary.unchanged - summary.skipped;
      if (duplicates) {
        notes.push(
          `${duplicates.toLocaleString('en-GB')} rows (£${penceToPounds(duplicatePence)}) were already held from an earlier or overlapping file and were not counted again.`,
        );
      }
      return {
        importId: importId!,
        council,
        councilName: councilLabel,
        file: fileName,
        origin: source.origin ?? null,
        rowsRead: summary.rowsRead,
        rowsImported: summary.created,
        rowsDuplicate: duplicates,
        rowsRejected: summary.rejected,
        rowsSkipped: summary.skipped,
        rejected: summary.rejectedRows,
        totalAmount: penceToPounds(importedPence),
        duplicateAmount: penceToPounds(duplicatePence),
        suppliers: fileSuppliers.size,
        vcsAmount: penceToPounds(vcsPence),
        vcsShare:
          resolved && totalPence > 0n ? Math.round(Number((vcsPence * 1_000_000n) / totalPence)) / 1_000_000 : null,
        resolved,
        mapping: mapping as Record<string, string>,
        notes,
      };
    } finally {
      await source.cleanup();
    }
  }

  /** A failed import leaves nothing in its own transaction: say so in the audit log. */
  async function recordFailure(userId: string | null, council: string, fileName: string, message: string) {
    await audit.record({
      userId,
      action: 'spend.import.failed',
      entityType: 'spend_import',
      entityId: null,
      detail: { council, file: fileName, error: message },
    });
  }

  async function saveProfile(council: string, labels: string[], map: Record<string, string>, userId: string | null) {
    const mapping = explicitMapping(map)!;
    const headings = labels.map(normaliseHeading);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('spend_import_profile')
        .values({
          council_org_id: council,
          header_signature: headerSignature(headings),
          mapping: JSON.stringify(mapping),
          updated_by: userId,
        })
        .onConflict((oc) =>
          oc
            .columns(['council_org_id', 'header_signature'])
            .doUpdateSet({ mapping: JSON.stringify(mapping), updated_by: userId, updated_at: new Date() }),
        )
        .execute();
      await audit.record(
        { userId, action: 'spend.import_profile.save', entityType: 'council', entityId: council, detail: { mapping } },
        trx,
      );
    });
  }

  return { importFile, recordFailure, saveProfile, councilName };
}

export type SpendImportService = ReturnType<typeof createSpendImportService>;
