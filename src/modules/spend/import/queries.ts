import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { jobs } from '../../../imports/read-models.ts';
import { people } from '../../accounts/read-models.ts';
import { councils } from '../../place/read-models.ts';
import type { ColumnMapping } from './columns.ts';

// Spend imports' tables: the import, its suppliers and payments, and each council's saved column mappings.

export async function savedProfiles(db: Database, council: string): Promise<Map<string, ColumnMapping>> {
  const rows = await db
    .selectFrom('spend_import_profile')
    .select(['header_signature', 'mapping'])
    .where('council_org_id', '=', council)
    .execute();
  return new Map(rows.map((r) => [r.header_signature, r.mapping as ColumnMapping]));
}

export async function upsertProfile(
  db: Database,
  p: { council: string; signature: string; mapping: ColumnMapping; userId: string | null },
): Promise<void> {
  const mapping = JSON.stringify(p.mapping);
  await db
    .insertInto('spend_import_profile')
    .values({ council_org_id: p.council, header_signature: p.signature, mapping, updated_by: p.userId })
    .onConflict((oc) =>
      oc
        .columns(['council_org_id', 'header_signature'])
        .doUpdateSet({ mapping, updated_by: p.userId, updated_at: new Date() }),
    )
    .execute();
}

export async function insertImport(
  db: Database,
  i: {
    council: string;
    fileName: string;
    sha256: string;
    mapping: ColumnMapping;
    isDemo: boolean;
    userId: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('spend_import')
    .values({
      council_org_id: i.council,
      file_name: i.fileName,
      file_sha256: i.sha256,
      mapping: JSON.stringify(i.mapping),
      is_demo: i.isDemo,
      created_by: i.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type SupplierUpsert = {
  key: string;
  name: string;
  charity: string | null;
  company: string | null;
  flag: boolean | null;
  categories: string[];
  classification: 'redacted' | 'unresolved';
};

/**
 * New suppliers, and known ones with something new: identifiers are kept once known, a category list grows, and a
 * change of the council's own flag sends the supplier back to be resolved unless a person decided it.
 */
export async function upsertSuppliers(db: Database, council: string, s: SupplierUpsert[]) {
  const { rows } = await sql<{ id: number; name_key: string }>`
    insert into spend_supplier
      (council_org_id, name_key, name, charity_number, company_number, council_vcse_flag, categories, classification)
    select ${council}, k, n, c, co, f, array(select jsonb_array_elements_text(cats::jsonb)), cl
    from unnest(${s.map((x) => x.key)}::text[], ${s.map((x) => x.name)}::text[], ${s.map((x) => x.charity)}::text[],
      ${s.map((x) => x.company)}::text[], ${s.map((x) => x.flag)}::boolean[],
      ${s.map((x) => JSON.stringify(x.categories))}::text[], ${s.map((x) => x.classification)}::text[])
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
  `.execute(db);
  return rows;
}

export type PaymentRow = {
  supplierId: number;
  line: number;
  date: string;
  pence: number;
  name: string;
  department: string | null;
  purpose: string | null;
  expenseType: string | null;
  procurementCategory: string | null;
  transactionRef: string | null;
  rowKey: string;
};

/** Payments not already held (by row key): how many were new, and their sum in pence. */
export async function insertPayments(
  db: Database,
  p: { council: string; importId: string; isDemo: boolean; rows: PaymentRow[] },
): Promise<{ n: number; pence: number }> {
  const v = p.rows;
  const inserted = await sql<{ n: number; pence: string | number }>`
    with ins as (
      insert into spend_payment (council_org_id, import_id, supplier_id, line, payment_date, amount_pence,
        supplier_name, department, purpose, expense_type, procurement_category, transaction_ref, row_key, is_demo)
      select ${p.council}, ${p.importId}::uuid, s, l, d, a, n, dep, pu, e, pc, tr, rk, ${p.isDemo}
      from unnest(${v.map((x) => x.supplierId)}::bigint[], ${v.map((x) => x.line)}::int[],
        ${v.map((x) => x.date)}::date[], ${v.map((x) => x.pence)}::bigint[], ${v.map((x) => x.name)}::text[],
        ${v.map((x) => x.department)}::text[], ${v.map((x) => x.purpose)}::text[], ${v.map((x) => x.expenseType)}::text[],
        ${v.map((x) => x.procurementCategory)}::text[], ${v.map((x) => x.transactionRef)}::text[],
        ${v.map((x) => x.rowKey)}::text[]) as t(s, l, d, a, n, dep, pu, e, pc, tr, rk)
      on conflict (council_org_id, row_key) do nothing
      returning amount_pence
    )
    select count(*)::int as n, coalesce(sum(amount_pence), 0)::text as pence from ins
  `.execute(db);
  return { n: Number(inserted.rows[0]!.n), pence: Number(inserted.rows[0]!.pence) };
}

/** Adds categories (a JSON list per supplier) to suppliers' lists. */
export async function addCategories(db: Database, ids: number[], categories: string[]): Promise<void> {
  await sql`
    update spend_supplier s
    set categories = array(select distinct unnest(s.categories || array(select jsonb_array_elements_text(t.cats::jsonb))))
    from unnest(${ids}::bigint[], ${categories}::text[]) as t(id, cats)
    where s.id = t.id
  `.execute(db);
}

export async function recordImportCounts(
  db: Database,
  id: string,
  c: {
    rowsRead: number;
    rowsImported: number;
    rowsDuplicate: number;
    rowsRejected: number;
    rowsSkipped: number;
    totalPence: number;
    rejected: unknown;
  },
): Promise<void> {
  await db
    .updateTable('spend_import')
    .set({
      rows_read: c.rowsRead,
      rows_imported: c.rowsImported,
      rows_duplicate: c.rowsDuplicate,
      rows_rejected: c.rowsRejected,
      rows_skipped: c.rowsSkipped,
      total_pence: c.totalPence,
      rejected: JSON.stringify(c.rejected),
    })
    .where('id', '=', id)
    .execute();
}

/** The import's payments in pence: all, and those to suppliers classified as VCS. */
export async function importVcsTotals(db: Database, importId: string): Promise<{ vcs: bigint; total: bigint }> {
  const { rows } = await sql<{ vcs: string; total: string }>`
    select coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)::text as vcs,
           coalesce(sum(p.amount_pence), 0)::text as total
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    where p.import_id = ${importId}::uuid
  `.execute(db);
  return { vcs: BigInt(rows[0]!.vcs), total: BigInt(rows[0]!.total) };
}

/** Every spend import held, newest first, with its council, who ran it, and the upload job it came from. */
export function listImports(db: Database, jobKind: string, limit: number) {
  return db
    .selectFrom('spend_import as i')
    .innerJoin(councils(db).as('c'), 'c.org_id', 'i.council_org_id')
    .leftJoin(people(db).as('u'), 'u.id', 'i.created_by')
    .leftJoin(jobs(db).as('j'), (join) =>
      join
        .on('j.kind', '=', jobKind)
        .on(sql<string>`j.summary -> 'result' ->> 'importId'`, '=', sql<string>`i.id::text`),
    )
    .select([
      'i.id',
      'i.council_org_id',
      'c.name as council_name',
      'i.file_name',
      'i.created_at',
      'u.name as created_by_name',
      'i.rows_read',
      'i.rows_imported',
      'i.rows_duplicate',
      'i.rows_rejected',
      'i.rows_skipped',
      'i.total_pence',
      'j.id as job_id',
    ])
    .orderBy('i.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Upload jobs of a kind waiting for a person (status queued) since before the cutoff. */
export const waitingJobsBefore = (db: Database, jobKind: string, cutoff: Date) =>
  db
    .selectFrom(jobs(db).as('j'))
    .select(['j.id', 'j.summary'])
    .where('j.kind', '=', jobKind)
    .where('j.status', '=', 'queued')
    .where('j.created_at', '<', cutoff)
    .execute();

/** What jobs of a kind still running or waiting hold in their summaries. */
export const openJobSummaries = (db: Database, jobKind: string) =>
  db
    .selectFrom(jobs(db).as('j'))
    .select('j.summary')
    .where('j.kind', '=', jobKind)
    .where('j.status', 'in', ['queued', 'running'])
    .execute();
