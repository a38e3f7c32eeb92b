import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { organisations } from '../../organisations/read-models.ts';
import { councils } from '../../place/read-models.ts';

// The spend measure's SQL: sums are integer pence and shares are numeric decimals, both computed by the database.
// Figures come from the summaries, never from the payments, so a page reads hundreds of rows at any council's
// volume: spend_summary by council, year and classification, and by quarter (its rows with department '') or by
// service area (its rows with quarter 0); spend_supplier_year by council, year and supplier. The summaries are
// rebuilt with the payments and the decisions (summary/queries.ts).

/** Classifications that can be left out of the denominator. */
export const excludable = ['redacted', 'public_body'] as const;
export type Excludable = (typeof excludable)[number];

const q = (n: number) => sql.lit(n);

/** Division done as numeric, rounded to six places. */
function shareOf(numerator: RawBuilder<unknown>, denominator: RawBuilder<unknown>) {
  return sql<string | null>`round((${numerator})::numeric / nullif((${denominator})::numeric, 0), 6)::text`;
}
function percentOf(numerator: RawBuilder<unknown>, denominator: RawBuilder<unknown>) {
  return sql<string | null>`round(100 * (${numerator})::numeric / nullif((${denominator})::numeric, 0), 2)::text`;
}

/** True for summary rows inside the denominator. */
function inDenominator(exclude: readonly Excludable[]) {
  if (exclude.length === 0) return sql<boolean>`true`;
  return sql<boolean>`m.classification not in (${sql.join(exclude.map((e) => sql.lit(e)))})`;
}

/** Pence of the summary rows `m` of these classifications. */
const amountOf = (...classifications: string[]) =>
  sql`coalesce(sum(m.amount_pence) filter (where m.classification in (${sql.join(classifications.map((c) => sql.lit(c)))})), 0)`;

/** The denominator and the VCS sum of a group of summary rows `m`. */
function sums(exclude: readonly Excludable[]) {
  return {
    den: sql`coalesce(sum(m.amount_pence) filter (where ${inDenominator(exclude)}), 0)`,
    vcs: amountOf('vcs'),
  };
}

/** Totals per council and financial year. */
export async function yearTotalRows(db: Database, councilIds: string[], exclude: readonly Excludable[]) {
  const { den, vcs } = sums(exclude);
  const { rows } = await sql<{
    council: string;
    fy_start: number;
    payments: number;
    total: number;
    denominator: number;
    vcs: number;
    uncertain: number;
    redacted: number;
    public_body: number;
    share: string | null;
    share_percent: string | null;
    is_demo: boolean;
  }>`
    select m.council_org_id as council, m.fy_start, sum(m.payments)::int as payments,
      sum(m.amount_pence)::bigint as total,
      ${den}::bigint as denominator,
      ${vcs}::bigint as vcs,
      ${amountOf('uncertain', 'unresolved')}::bigint as uncertain,
      ${amountOf('redacted')}::bigint as redacted,
      ${amountOf('public_body')}::bigint as public_body,
      ${shareOf(vcs, den)} as share,
      ${percentOf(vcs, den)} as share_percent,
      bool_or(m.is_demo) as is_demo
    from spend_summary m
    where m.council_org_id in (${sql.join(councilIds)}) and m.department = ''
    group by 1, 2
    order by 1, 2
  `.execute(db);
  return rows;
}

export async function quarterRows(db: Database, council: string, exclude: readonly Excludable[]) {
  const { den, vcs } = sums(exclude);
  const { rows } = await sql<{
    fy_start: number;
    quarter: number;
    denominator: number;
    vcs: number;
    uncertain: number;
    share: string | null;
    share_percent: string | null;
  }>`
    select m.fy_start, m.quarter::int as quarter,
      ${den}::bigint as denominator, ${vcs}::bigint as vcs,
      ${amountOf('uncertain', 'unresolved')}::bigint as uncertain,
      ${shareOf(vcs, den)} as share, ${percentOf(vcs, den)} as share_percent
    from spend_summary m
    where m.council_org_id = ${council} and m.department = ''
    group by 1, 2 order by 1, 2
  `.execute(db);
  return rows;
}

export async function serviceAreaRows(db: Database, council: string, fy: number, exclude: readonly Excludable[]) {
  const { den, vcs } = sums(exclude);
  const { rows } = await sql<{
    department: string;
    denominator: number;
    vcs: number;
    share: string | null;
    share_percent: string | null;
  }>`
    select m.department,
      ${den}::bigint as denominator, ${vcs}::bigint as vcs,
      ${shareOf(vcs, den)} as share, ${percentOf(vcs, den)} as share_percent
    from spend_summary m
    where m.council_org_id = ${council} and m.fy_start = ${q(fy)} and m.quarter = 0
    group by 1 order by 2 desc, 1
  `.execute(db);
  return rows;
}

/** The year's VCS suppliers `y`, each with its supplier `s` and the directory's organisation `o` (size band, name). */
function vcsSuppliersOfYear(db: Database, council: string, fy: number) {
  return sql`spend_supplier_year y join spend_supplier s on s.id = y.supplier_id
    left join (${organisations(db)}) o on o.id = s.organisation_id
    where y.council_org_id = ${council} and y.fy_start = ${q(fy)} and y.classification = 'vcs'`;
}

/** Spend with the VCS by the size band of the organisation paid (through the directory's read model). */
export async function sizeBandRows(db: Database, council: string, fy: number, denominatorPence: number) {
  const vcs = sql`sum(y.amount_pence)`;
  const { rows } = await sql<{
    band: string;
    vcs: number;
    organisations: number;
    of_vcs: string | null;
    of_denominator: string | null;
  }>`
    select coalesce(o.size_band, 'unknown') as band, ${vcs}::bigint as vcs,
      count(distinct coalesce(o.id::text, 's' || s.id::text))::int as organisations,
      ${percentOf(vcs, sql`sum(sum(y.amount_pence)) over ()`)} as of_vcs,
      ${percentOf(vcs, sql`${denominatorPence}::bigint`)} as of_denominator
    from ${vcsSuppliersOfYear(db, council, fy)}
    group by 1
  `.execute(db);
  return rows;
}

export async function topRecipientRows(db: Database, council: string, fy: number, limit: number) {
  const { rows } = await sql<{
    organisation_id: string | null;
    slug: string | null;
    name: string;
    size_band: string | null;
    vcs: number;
    payments: number;
  }>`
    select o.id as organisation_id, o.slug, coalesce(o.name, min(s.name)) as name, o.size_band,
      sum(y.amount_pence)::bigint as vcs, sum(y.payments)::int as payments
    from ${vcsSuppliersOfYear(db, council, fy)}
    group by o.id, o.slug, o.name, o.size_band, case when o.id is null then s.id end
    order by 5 desc, 3
    limit ${q(limit)}
  `.execute(db);
  return rows;
}

/** The place's neighbours (not the place itself), by name. */
export const neighbourCouncils = (db: Database) =>
  db
    .selectFrom(councils(db).as('c'))
    .select(['c.org_id', 'c.name'])
    .where('c.is_neighbour', '=', true)
    .where('c.is_place', '=', false)
    .orderBy('c.name')
    .execute();

export const findCouncil = (db: Database, orgId: string) =>
  db.selectFrom(councils(db).as('c')).selectAll('c').where('c.org_id', '=', orgId).executeTakeFirst();

const sharePercent = sql<string>`round(vcs_share * 100, 2)::text`;

/** Published figures of these councils, newest year first. */
export const publishedFor = (db: Database, councilIds: string[]) =>
  db
    .selectFrom('published_vcs_share')
    .selectAll()
    .select(sharePercent.as('share_percent'))
    .where('council_org_id', 'in', councilIds)
    .orderBy('financial_year', 'desc')
    .execute();

/**
 * The neighbours' median and mean of these shares (numeric text with six places), each as a percentage, and the
 * gap from the council's share to each in points and in pence of its denominator (null without a share): one
 * query, all numeric.
 */
export async function benchmarkRow(db: Database, shares: string[], share: string | null, denominatorPence: number) {
  const values = sql.join(shares.map((s) => sql`(${s}::numeric)`));
  const { rows } = await sql<{
    median: string;
    mean: string;
    median_percent: string;
    mean_percent: string;
    median_points: string | null;
    mean_points: string | null;
    median_pence: number | null;
    mean_pence: number | null;
  }>`
    with s(v) as (values ${values}),
    o as (select v, row_number() over (order by v) as rn, count(*) over () as n from s),
    b as (
      select (select round(avg(v), 6) from o where rn in ((n + 1) / 2, (n + 2) / 2)) as median,
        (select round(avg(v), 6) from s) as mean, ${share}::numeric as share, ${denominatorPence}::bigint as den
    )
    select median::text, mean::text,
      round(median * 100, 2)::text as median_percent, round(mean * 100, 2)::text as mean_percent,
      round((median - share) * 100, 2)::text as median_points, round((mean - share) * 100, 2)::text as mean_points,
      round((median - share) * den)::bigint as median_pence, round((mean - share) * den)::bigint as mean_pence
    from b
  `.execute(db);
  return rows[0]!;
}

/** Pounds per resident to the penny, as numeric text. */
export async function perResidentRow(db: Database, vcsPence: number, denominatorPence: number, population: number) {
  const { rows } = await sql<{ vcs: string; den: string }>`
    select round(${vcsPence}::numeric / ${population} / 100, 2)::text as vcs,
      round(${denominatorPence}::numeric / ${population} / 100, 2)::text as den
  `.execute(db);
  return rows[0]!;
}

/** Councils with imported spend, and the place and its neighbours whether or not they have any. */
export async function councilsWithSpend(db: Database) {
  const { rows } = await sql<{
    org_id: string;
    name: string;
    is_place: boolean;
    is_neighbour: boolean;
    payments: number;
    first_date: string | null;
    last_date: string | null;
    is_demo: boolean | null;
    published: number;
  }>`
    select c.org_id, c.name, c.is_place, c.is_neighbour,
      coalesce(p.payments, 0)::int as payments, p.first_date, p.last_date, p.is_demo,
      (select count(*) from published_vcs_share v where v.council_org_id = c.org_id)::int as published
    from (${councils(db)}) c
    left join (
      select council_org_id, sum(payments) as payments, min(first_date) as first_date,
        max(last_date) as last_date, bool_or(is_demo) as is_demo
      from spend_summary where department = '' group by 1
    ) p on p.council_org_id = c.org_id
    where c.is_place or c.is_neighbour or p.payments > 0
    order by c.is_place desc, c.name
  `.execute(db);
  return rows;
}

/** The generation stamps of what the public pages show, by council ('' for every council's): a few rows. */
export const generations = (db: Database) =>
  db
    .selectFrom('spend_summary_generation')
    .select(['council_org_id', 'generation'])
    .orderBy('council_org_id')
    .execute();

/** Whether any spend or published figure is demonstration data. */
export async function anyDemo(db: Database): Promise<boolean> {
  const p = await db
    .selectFrom('spend_summary')
    .select('council_org_id')
    .where('is_demo', '=', true)
    .limit(1)
    .executeTakeFirst();
  const v = await db
    .selectFrom('published_vcs_share')
    .select('id')
    .where('is_demo', '=', true)
    .limit(1)
    .executeTakeFirst();
  return Boolean(p || v);
}

export const listPublished = (db: Database) =>
  db
    .selectFrom('published_vcs_share as v')
    .innerJoin(councils(db).as('c'), 'c.org_id', 'v.council_org_id')
    .select([
      'v.id',
      'v.council_org_id',
      'c.name as council_name',
      'v.financial_year',
      'v.vcs_share',
      'v.source',
      'v.source_url',
      'v.is_demo',
      'v.entered_at',
      sql<string>`round(v.vcs_share * 100, 2)::text`.as('share_percent'),
    ])
    .orderBy('c.name')
    .orderBy('v.financial_year', 'desc')
    .execute();

/** Records (or replaces) a council's published share for a year; the row's id. */
export async function upsertPublished(
  db: Database,
  p: {
    councilOrgId: string;
    financialYear: string;
    share: string;
    source: string;
    sourceUrl: string | null;
    actorId: string;
  },
): Promise<number> {
  const set = { vcs_share: p.share, source: p.source, source_url: p.sourceUrl, is_demo: false, entered_by: p.actorId };
  const row = await db
    .insertInto('published_vcs_share')
    .values({ council_org_id: p.councilOrgId, financial_year: p.financialYear, ...set })
    .onConflict((oc) =>
      oc.columns(['council_org_id', 'financial_year']).doUpdateSet({ ...set, entered_at: new Date() }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
