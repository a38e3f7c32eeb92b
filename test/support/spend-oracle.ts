import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../../src/db/index.ts';
import { organisations } from '../../src/modules/organisations/read-models.ts';
import type { Excludable } from '../../src/modules/spend/measure/queries.ts';

// The spend measure's figures computed straight from the payments, as the pages did before they read the
// summaries: the oracle the summaries are checked against (src/modules/spend/summary/summary.integration.test.ts).
const q = (n: number) => sql.lit(n);

/** Division done as numeric, rounded to six places. */
function shareOf(numerator: RawBuilder<unknown>, denominator: RawBuilder<unknown>) {
  return sql<string | null>`round((${numerator})::numeric / nullif((${denominator})::numeric, 0), 6)::text`;
}
function percentOf(numerator: RawBuilder<unknown>, denominator: RawBuilder<unknown>) {
  return sql<string | null>`round(100 * (${numerator})::numeric / nullif((${denominator})::numeric, 0), 2)::text`;
}

/** True for payments inside the denominator. */
function inDenominator(exclude: readonly Excludable[]) {
  if (exclude.length === 0) return sql<boolean>`true`;
  return sql<boolean>`s.classification not in (${sql.join(exclude.map((e) => sql.lit(e)))})`;
}

/** The denominator and the VCS sum of a group of payments `p` to suppliers `s`. */
function sums(exclude: readonly Excludable[]) {
  return {
    den: sql`coalesce(sum(p.amount_pence) filter (where ${inDenominator(exclude)}), 0)`,
    vcs: sql`coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)`,
  };
}

// Payment dates shifted back three months put April–March into one calendar year and quarters in order.
const fyStart = sql<number>`extract(year from (p.payment_date - interval '3 months'))::int`;
const fyQuarter = sql<number>`(floor((extract(month from (p.payment_date - interval '3 months')) - 1) / 3) + 1)::int`;

function fyRange(fy: number) {
  return sql`p.payment_date >= make_date(${q(fy)}, 4, 1) and p.payment_date < make_date(${q(fy + 1)}, 4, 1)`;
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
    select p.council_org_id as council, ${fyStart} as fy_start, count(*)::int as payments,
      sum(p.amount_pence)::bigint as total,
      ${den}::bigint as denominator,
      ${vcs}::bigint as vcs,
      coalesce(sum(p.amount_pence) filter (where s.classification in ('uncertain', 'unresolved')), 0)::bigint as uncertain,
      coalesce(sum(p.amount_pence) filter (where s.classification = 'redacted'), 0)::bigint as redacted,
      coalesce(sum(p.amount_pence) filter (where s.classification = 'public_body'), 0)::bigint as public_body,
      ${shareOf(vcs, den)} as share,
      ${percentOf(vcs, den)} as share_percent,
      bool_or(p.is_demo) as is_demo
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    where p.council_org_id in (${sql.join(councilIds)})
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
    select ${fyStart} as fy_start, ${fyQuarter} as quarter,
      ${den}::bigint as denominator, ${vcs}::bigint as vcs,
      coalesce(sum(p.amount_pence) filter (where s.classification in ('uncertain', 'unresolved')), 0)::bigint as uncertain,
      ${shareOf(vcs, den)} as share, ${percentOf(vcs, den)} as share_percent
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    where p.council_org_id = ${council}
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
    select coalesce(nullif(btrim(p.department), ''), 'Not stated') as department,
      ${den}::bigint as denominator, ${vcs}::bigint as vcs,
      ${shareOf(vcs, den)} as share, ${percentOf(vcs, den)} as share_percent
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    where p.council_org_id = ${council} and ${fyRange(fy)}
    group by 1 order by 2 desc, 1
  `.execute(db);
  return rows;
}

/** Spend with the VCS by the size band of the organisation paid (through the directory's read model). */
export async function sizeBandRows(db: Database, council: string, fy: number, denominatorPence: number) {
  const vcs = sql`sum(p.amount_pence)`;
  const { rows } = await sql<{
    band: string;
    vcs: number;
    organisations: number;
    of_vcs: string | null;
    of_denominator: string | null;
  }>`
    select coalesce(o.size_band, 'unknown') as band, ${vcs}::bigint as vcs,
      count(distinct coalesce(o.id::text, 's' || s.id::text))::int as organisations,
      ${percentOf(vcs, sql`sum(sum(p.amount_pence)) over ()`)} as of_vcs,
      ${percentOf(vcs, sql`${denominatorPence}::bigint`)} as of_denominator
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    left join (${organisations(db)}) o on o.id = s.organisation_id
    where p.council_org_id = ${council} and ${fyRange(fy)} and s.classification = 'vcs'
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
      sum(p.amount_pence)::bigint as vcs, count(*)::int as payments
    from spend_payment p join spend_supplier s on s.id = p.supplier_id
    left join (${organisations(db)}) o on o.id = s.organisation_id
    where p.council_org_id = ${council} and ${fyRange(fy)} and s.classification = 'vcs'
    group by o.id, o.slug, o.name, o.size_band, case when o.id is null then s.id end
    order by 5 desc, 3
    limit ${q(limit)}
  `.execute(db);
  return rows;
}
