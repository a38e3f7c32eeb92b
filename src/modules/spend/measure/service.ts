import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { AuditService } from '../../audit/service.ts';
import { labelFor, sizeBands } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import { financialYearLabel, percentToFraction, quarterLabel, quarterShortLabel } from './money.ts';

// VCS share of a council's spend: what counts (the denominator), how it splits (year, quarter, service area,
// size band of the recipient), and how it compares with the neighbours. Sums are integer pence and shares are
// numeric decimals, both computed by the database; JavaScript only carries them.

/** Classifications that can be left out of the denominator. */
export const excludable = ['redacted', 'public_body'] as const;
export type Excludable = (typeof excludable)[number];
export type Benchmark = 'median' | 'mean';

export type MeasureOptions = {
  /** The financial year, "2024-25"; the latest with payments by default. */
  year?: string | undefined;
  /** Payments to these kinds of supplier are left out of the denominator; redacted and public bodies by default. */
  exclude?: readonly Excludable[];
  benchmark?: Benchmark;
};

export type YearTotals = {
  fyStart: number;
  financialYear: string;
  payments: number;
  totalPence: number;
  denominatorPence: number;
  vcsPence: number;
  uncertainPence: number;
  redactedPence: number;
  publicBodyPence: number;
  /** Fraction with six decimal places, "0.043210"; null when the denominator is nothing. */
  share: string | null;
  /** Percentage with two decimal places, "4.32". */
  sharePercent: string | null;
  isDemo: boolean;
};

export type NeighbourFigure = {
  orgId: string;
  name: string;
  source: 'spend' | 'published' | 'none';
  financialYear: string | null;
  share: string | null;
  sharePercent: string | null;
  sourceText: string | null;
  sourceUrl: string | null;
  isDemo: boolean;
};

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

// Payment dates shifted back three months put April–March into one calendar year and quarters in order.
const fyStart = sql<number>`extract(year from (p.payment_date - interval '3 months'))::int`;
const fyQuarter = sql<number>`(floor((extract(month from (p.payment_date - interval '3 months')) - 1) / 3) + 1)::int`;

function fyRange(fy: number) {
  return sql`p.payment_date >= make_date(${q(fy)}, 4, 1) and p.payment_date < make_date(${q(fy + 1)}, 4, 1)`;
}

function parseYear(year: string | undefined): number | null {
  const match = year ? /^(\d{4})-(\d{2})$/.exec(year) : null;
  if (!match) return null;
  const start = Number(match[1]);
  return (start + 1) % 100 === Number(match[2]) ? start : null;
}

export function createSpendMeasureService({
  db,
  place,
  audit,
}: {
  db: Database;
  place: PlaceConfig;
  audit: AuditService;
}) {
  /** Totals per council and financial year, for any councils. */
  async function yearTotals(councils: string[], exclude: readonly Excludable[]) {
    if (councils.length === 0) return new Map<string, YearTotals[]>();
    const inDen = inDenominator(exclude);
    const den = sql`coalesce(sum(p.amount_pence) filter (where ${inDen}), 0)`;
    const vcs = sql`coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)`;
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
      where p.council_org_id in (${sql.join(councils)})
      group by 1, 2
      order by 1, 2
    `.execute(db);
    const byCouncil = new Map<string, YearTotals[]>();
    for (const r of rows) {
      const list = byCouncil.get(r.council) ?? [];
      list.push({
        fyStart: Number(r.fy_start),
        financialYear: financialYearLabel(Number(r.fy_start)),
        payments: Number(r.payments),
        totalPence: Number(r.total),
        denominatorPence: Number(r.denominator),
        vcsPence: Number(r.vcs),
        uncertainPence: Number(r.uncertain),
        redactedPence: Number(r.redacted),
        publicBodyPence: Number(r.public_body),
        share: r.share,
        sharePercent: r.share_percent,
        isDemo: Boolean(r.is_demo),
      });
      byCouncil.set(r.council, list);
    }
    return byCouncil;
  }

  async function quarters(council: string, exclude: readonly Excludable[]) {
    const inDen = inDenominator(exclude);
    const den = sql`coalesce(sum(p.amount_pence) filter (where ${inDen}), 0)`;
    const vcs = sql`coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)`;
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
    return rows.map((r) => ({
      financialYear: financialYearLabel(Number(r.fy_start)),
      quarter: Number(r.quarter),
      label: quarterLabel(Number(r.fy_start), Number(r.quarter)),
      shortLabel: quarterShortLabel(Number(r.fy_start), Number(r.quarter)),
      denominatorPence: Number(r.denominator),
      vcsPence: Number(r.vcs),
      uncertainPence: Number(r.uncertain),
      share: r.share,
      sharePercent: r.share_percent,
    }));
  }

  async function serviceAreas(council: string, fy: number, exclude: readonly Excludable[]) {
    const inDen = inDenominator(exclude);
    const den = sql`coalesce(sum(p.amount_pence) filter (where ${inDen}), 0)`;
    const vcs = sql`coalesce(sum(p.amount_pence) filter (where s.classification = 'vcs'), 0)`;
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
    return rows.map((r) => ({
      department: r.department,
      denominatorPence: Number(r.denominator),
      vcsPence: Number(r.vcs),
      share: r.share,
      sharePercent: r.share_percent,
    }));
  }

  async function bySizeBand(council: string, fy: number, denominatorPence: number) {
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
      left join organisation o on o.id = s.organisation_id
      where p.council_org_id = ${council} and ${fyRange(fy)} and s.classification = 'vcs'
      group by 1
    `.execute(db);
    const found = new Map(rows.map((r) => [r.band, r]));
    const bands = [...sizeBands.map((b) => b.code as string), 'unknown'];
    return bands.map((code) => {
      const r = found.get(code);
      return {
        band: code,
        label: code === 'unknown' ? 'Size not known' : labelFor(sizeBands, code),
        vcsPence: r ? Number(r.vcs) : 0,
        organisations: r ? Number(r.organisations) : 0,
        percentOfVcs: r?.of_vcs ?? '0.00',
        percentOfDenominator: r?.of_denominator ?? (denominatorPence === 0 ? null : '0.00'),
      };
    });
  }

  async function topRecipients(council: string, fy: number, limit: number) {
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
      left join organisation o on o.id = s.organisation_id
      where p.council_org_id = ${council} and ${fyRange(fy)} and s.classification = 'vcs'
      group by o.id, o.slug, o.name, o.size_band, case when o.id is null then s.id end
      order by 5 desc, 3
      limit ${q(limit)}
    `.execute(db);
    return rows.map((r) => ({
      organisationId: r.organisation_id,
      slug: r.slug,
      name: r.name,
      sizeBand: r.size_band,
      sizeBandLabel: r.size_band ? labelFor(sizeBands, r.size_band) : 'Size not known',
      vcsPence: Number(r.vcs),
      payments: Number(r.payments),
    }));
  }

  /** Each neighbour's figure for the year: its own spend, else its published figure, else its latest of either. */
  async function neighbourFigures(fy: number, exclude: readonly Excludable[]): Promise<NeighbourFigure[]> {
    const neighbours = await db
      .selectFrom('council')
      .select(['org_id', 'name'])
      .where('is_neighbour', '=', true)
      .where('is_place', '=', false)
      .orderBy('name')
      .execute();
    const totals = await yearTotals(
      neighbours.map((n) => n.org_id),
      exclude,
    );
    const published = neighbours.length
      ? await db
          .selectFrom('published_vcs_share')
          .select([
            'council_org_id',
            'financial_year',
            'vcs_share',
            'source',
            'source_url',
            'is_demo',
            sql<string>`round(vcs_share * 100, 2)::text`.as('share_percent'),
          ])
          .where(
            'council_org_id',
            'in',
            neighbours.map((n) => n.org_id),
          )
          .orderBy('financial_year', 'desc')
          .execute()
      : [];
    const year = financialYearLabel(fy);
    return neighbours.map((n) => {
      const spend = (totals.get(n.org_id) ?? []).filter((t) => t.share !== null);
      const pub = published.filter((p) => p.council_org_id === n.org_id);
      const fromSpend = (t: YearTotals): NeighbourFigure => ({
        orgId: n.org_id,
        name: n.name,
        source: 'spend',
        financialYear: t.financialYear,
        share: t.share,
        sharePercent: t.sharePercent,
        sourceText: `Its own spend data, ${t.payments.toLocaleString('en-GB')} payments`,
        sourceUrl: `/spend/councils/${n.org_id}`,
        isDemo: t.isDemo,
      });
      const fromPublished = (p: (typeof pub)[number]): NeighbourFigure => ({
        orgId: n.org_id,
        name: n.name,
        source: 'published',
        financialYear: p.financial_year,
        share: String(p.vcs_share),
        sharePercent: p.share_percent,
        sourceText: p.source,
        sourceUrl: p.source_url,
        isDemo: p.is_demo,
      });
      const sameYearSpend = spend.find((t) => t.fyStart === fy);
      if (sameYearSpend) return fromSpend(sameYearSpend);
      const sameYearPublished = pub.find((p) => p.financial_year === year);
      if (sameYearPublished) return fromPublished(sameYearPublished);
      const latestSpend = spend.at(-1);
      const latestPublished = pub[0];
      if (latestSpend && (!latestPublished || latestSpend.financialYear >= latestPublished.financial_year))
        return fromSpend(latestSpend);
      if (latestPublished) return fromPublished(latestPublished);
      return {
        orgId: n.org_id,
        name: n.name,
        source: 'none',
        financialYear: null,
        share: null,
        sharePercent: null,
        sourceText: null,
        sourceUrl: null,
        isDemo: false,
      };
    });
  }

  /** The neighbours' median and mean, the gap in points and in pence for the year's denominator: all numeric. */
  async function benchmarkOf(shares: string[], councilShare: string | null, denominatorPence: number) {
    if (shares.length === 0) return null;
    const values = sql.join(shares.map((s) => sql`(${s}::numeric)`));
    const { rows } = await sql<{ median: string; mean: string }>`
      with s(v) as (values ${values}),
      o as (select v, row_number() over (order by v) as rn, count(*) over () as n from s)
      select (select round(avg(v), 6) from o where rn in ((n + 1) / 2, (n + 2) / 2))::text as median,
        (select round(avg(v), 6) from s)::text as mean
    `.execute(db);
    const { median, mean } = rows[0]!;
    const gap = async (target: string) => {
      if (councilShare === null) return { points: null, pence: null, percent: null };
      const { rows: g } = await sql<{ points: string; pence: number; percent: string }>`
        select round((${target}::numeric - ${councilShare}::numeric) * 100, 2)::text as points,
          round((${target}::numeric - ${councilShare}::numeric) * ${denominatorPence}::bigint)::bigint as pence,
          round(${target}::numeric * 100, 2)::text as percent
      `.execute(db);
      return { points: g[0]!.points, pence: Number(g[0]!.pence), percent: g[0]!.percent };
    };
    const [m, a] = await Promise.all([gap(median), gap(mean)]);
    const pct = async (v: string) =>
      (await sql<{ p: string }>`select round(${v}::numeric * 100, 2)::text as p`.execute(db)).rows[0]!.p;
    return {
      count: shares.length,
      median: { share: median, sharePercent: m.percent ?? (await pct(median)), gapPoints: m.points, gapPence: m.pence },
      mean: { share: mean, sharePercent: a.percent ?? (await pct(mean)), gapPoints: a.points, gapPence: a.pence },
    };
  }

  async function council(orgId: string) {
    return db.selectFrom('council').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  return {
    excludable,
    parseYear,

    /** Councils with imported spend, and the place and its neighbours whether or not they have any. */
    async councils() {
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
        from council c
        left join (
          select council_org_id, count(*) as payments, min(payment_date) as first_date, max(payment_date) as last_date,
            bool_or(is_demo) as is_demo
          from spend_payment group by 1
        ) p on p.council_org_id = c.org_id
        where c.is_place or c.is_neighbour or p.payments > 0
        order by c.is_place desc, c.name
      `.execute(db);
      return rows.map((r) => ({
        orgId: r.org_id,
        name: r.name,
        isPlace: r.is_place,
        isNeighbour: r.is_neighbour,
        payments: Number(r.payments),
        firstDate: r.first_date,
        lastDate: r.last_date,
        isDemo: Boolean(r.is_demo),
        published: Number(r.published),
      }));
    },

    council,

    /** Whether any spend or published figure shown anywhere is demonstration data. */
    async hasDemo(): Promise<boolean> {
      const p = await db
        .selectFrom('spend_payment')
        .select('id')
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
    },

    /** Everything the spend page and the API show for one council; undefined for an unknown council. */
    async summary(orgId: string, options: MeasureOptions = {}) {
      const c = await council(orgId);
      if (!c) return undefined;
      const exclude = options.exclude ?? excludable;
      const benchmarkMethod: Benchmark = options.benchmark ?? 'median';
      const years = (await yearTotals([orgId], exclude)).get(orgId) ?? [];
      const requested = parseYear(options.year);
      const current = years.find((y) => y.fyStart === requested) ?? years.at(-1) ?? null;
      const fy = current?.fyStart ?? null;
      const published = await db
        .selectFrom('published_vcs_share')
        .selectAll()
        .select(sql<string>`round(vcs_share * 100, 2)::text`.as('share_percent'))
        .where('council_org_id', '=', orgId)
        .orderBy('financial_year', 'desc')
        .execute();

      const [trend, areas, bands, recipients] = current
        ? await Promise.all([
            quarters(orgId, exclude),
            serviceAreas(orgId, current.fyStart, exclude),
            bySizeBand(orgId, current.fyStart, current.denominatorPence),
            topRecipients(orgId, current.fyStart, 20),
          ])
        : [[], [], [], []];

      const population = c.population;
      // Pounds per resident to the penny, as numeric text.
      let perResident: { population: number; vcsPounds: string; denominatorPounds: string } | null = null;
      if (current && population) {
        const { rows } = await sql<{ vcs: string; den: string }>`
          select round(${current.vcsPence}::numeric / ${population} / 100, 2)::text as vcs,
            round(${current.denominatorPence}::numeric / ${population} / 100, 2)::text as den
        `.execute(db);
        perResident = { population, vcsPounds: rows[0]!.vcs, denominatorPounds: rows[0]!.den };
      }

      // Neighbours and the benchmark belong to the place: other councils are shown on their own.
      const neighbours = c.is_place && fy !== null ? await neighbourFigures(fy, exclude) : [];
      const withFigures = neighbours.filter((n) => n.share !== null);
      const bench =
        c.is_place && current
          ? await benchmarkOf(
              withFigures.map((n) => n.share!),
              current.share,
              current.denominatorPence,
            )
          : null;
      const chosen = bench ? bench[benchmarkMethod] : null;

      return {
        council: { orgId: c.org_id, name: c.name, isPlace: c.is_place, isNeighbour: c.is_neighbour, population },
        financialYear: current?.financialYear ?? null,
        years,
        current,
        exclude,
        denominatorText: describeDenominator(exclude),
        perResident,
        quarters: trend,
        serviceAreas: areas,
        sizeBands: bands,
        topRecipients: recipients,
        published: published.map((p) => ({
          financialYear: p.financial_year,
          share: String(p.vcs_share),
          sharePercent: p.share_percent,
          source: p.source,
          sourceUrl: p.source_url,
          isDemo: p.is_demo,
        })),
        neighbours,
        benchmark: chosen
          ? {
              method: benchmarkMethod,
              neighbours: bench!.count,
              ...chosen,
              median: bench!.median.share,
              mean: bench!.mean.share,
            }
          : null,
        isDemo: years.some((y) => y.isDemo) || neighbours.some((n) => n.isDemo) || published.some((p) => p.is_demo),
      };
    },

    async listPublished() {
      return db
        .selectFrom('published_vcs_share as v')
        .innerJoin('council as c', 'c.org_id', 'v.council_org_id')
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
    },

    /**
     * Records (or replaces) a council's published VCS share for a year. The percentage arrives as text with up
     * to two decimal places and is stored as an exact fraction.
     */
    async savePublished(
      actorId: string,
      input: {
        councilOrgId: string;
        financialYear: string;
        sharePercent: string;
        source: string;
        sourceUrl: string | null;
      },
    ): Promise<{ ok: true } | { ok: false; field: string; message: string }> {
      if (!(await council(input.councilOrgId))) {
        return { ok: false, field: 'council', message: 'Select a council from the list' };
      }
      const share = percentToFraction(input.sharePercent);
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('published_vcs_share')
          .values({
            council_org_id: input.councilOrgId,
            financial_year: input.financialYear,
            vcs_share: share,
            source: input.source,
            source_url: input.sourceUrl,
            is_demo: false,
            entered_by: actorId,
          })
          .onConflict((oc) =>
            oc.columns(['council_org_id', 'financial_year']).doUpdateSet({
              vcs_share: share,
              source: input.source,
              source_url: input.sourceUrl,
              is_demo: false,
              entered_by: actorId,
              entered_at: new Date(),
            }),
          )
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            userId: actorId,
            action: 'save',
            entityType: 'published_vcs_share',
            entityId: String(row.id),
            detail: { ...input, vcsShare: share },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /** The place's configured population and where it comes from, for the methodology. */
    populationSource: place.council.populationSource ?? null,
  };
}

export function describeDenominator(exclude: readonly Excludable[]): string {
  const left = [];
  if (exclude.includes('redacted')) left.push('payments whose recipient is redacted (usually personal information)');
  if (exclude.includes('public_body'))
    left.push('payments to other public bodies (NHS, councils, schools, government)');
  if (left.length === 0)
    return 'All payments in the council’s published spend, including redacted ones and public bodies.';
  return `All payments in the council’s published spend, except ${left.join(' and ')}.`;
}

export type SpendMeasureService = ReturnType<typeof createSpendMeasureService>;
export type SpendSummary = NonNullable<Awaited<ReturnType<SpendMeasureService['summary']>>>;
