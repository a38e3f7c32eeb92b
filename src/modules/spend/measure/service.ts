import type { Database } from '../../../db/index.ts';
import type { AuditService } from '../../audit/service.ts';
import { labelFor, sizeBands } from '../../place/codelists.ts';
import type { PlaceConfig } from '../../place/config.ts';
import { refreshSummaries } from '../summary/queries.ts';
import { type NeighbourFigure, neighbourFigure, type YearTotals } from './neighbours.ts';
import { financialYearLabel, percentToFraction, quarterLabel, quarterShortLabel } from './periods.ts';
import * as q from './queries.ts';
import { type Excludable, excludable } from './queries.ts';

// VCS share of a council's spend: what counts (the denominator), how it splits (year, quarter, service area,
// size band of the recipient), and how it compares with the neighbours. Sums are integer pence and shares are
// numeric decimals, both computed by the database (queries.ts); JavaScript only carries them.

export type { NeighbourFigure, YearTotals } from './neighbours.ts';
export { type Excludable, excludable } from './queries.ts';
export type Benchmark = 'median' | 'mean';

export type MeasureOptions = {
  /** The financial year, "2024-25"; the latest with payments by default. */
  year?: string | undefined;
  /** Payments to these kinds of supplier are left out of the denominator; redacted and public bodies by default. */
  exclude?: readonly Excludable[];
  benchmark?: Benchmark;
};

function parseYear(year: string | undefined): number | null {
  const match = year ? /^(\d{4})-(\d{2})$/.exec(year) : null;
  if (!match) return null;
  const start = Number(match[1]);
  return (start + 1) % 100 === Number(match[2]) ? start : null;
}

const unknownBand = 'unknown';

/**
 * Views kept in memory, least recently used out first once `limit` are held. A build still running is shared by
 * the requests that ask for the same key meanwhile; one that fails is forgotten, and a request that was waiting for
 * it builds its own (the one that started it may have been cancelled because its client left). `builds` counts the
 * builds, for tests.
 */
export function createViewCache(limit = 300) {
  const entries = new Map<string, Promise<unknown>>();
  let builds = 0;
  const forget = (key: string, entry: Promise<unknown>) => {
    if (entries.get(key) === entry) entries.delete(key);
  };
  async function get<T>(key: string, build: () => Promise<T>): Promise<T> {
    const kept = entries.get(key) as Promise<T> | undefined;
    if (kept) {
      entries.delete(key);
      entries.set(key, kept);
      try {
        return await kept;
      } catch {
        // Built again below, for this request.
      }
    }
    builds++;
    const made = build();
    entries.set(key, made);
    if (entries.size > limit) entries.delete(entries.keys().next().value!);
    try {
      const value = await made;
      // Nothing is kept for an address that shows nothing (an unknown council), so such addresses cannot crowd out the pages.
      if (value === undefined) forget(key, made);
      return value;
    } catch (error) {
      forget(key, made);
      throw error;
    }
  }
  return {
    get,
    get builds() {
      return builds;
    },
    get size() {
      return entries.size;
    },
  };
}
export type ViewCache = ReturnType<typeof createViewCache>;

// A factory: the short functions below share its dependencies and hold no state.
export function createSpendMeasureService({
  db,
  place,
  audit,
  views = createViewCache(),
}: {
  db: Database;
  place: PlaceConfig;
  audit: AuditService;
  /** The public pages' views, kept per generation of the figures they read. */
  views?: ViewCache;
}) {
  /** Totals per council and financial year, for any councils. */
  async function yearTotals(councils: string[], exclude: readonly Excludable[]) {
    const byCouncil = new Map<string, YearTotals[]>();
    if (councils.length === 0) return byCouncil;
    for (const r of await q.yearTotalRows(db, councils, exclude)) {
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
    return (await q.quarterRows(db, council, exclude)).map((r) => ({
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
    return (await q.serviceAreaRows(db, council, fy, exclude)).map((r) => ({
      department: r.department,
      denominatorPence: Number(r.denominator),
      vcsPence: Number(r.vcs),
      share: r.share,
      sharePercent: r.share_percent,
    }));
  }

  /** Every size band, with nothing where no VCS organisation of that size was paid. */
  async function bySizeBand(council: string, fy: number, denominatorPence: number) {
    const found = new Map((await q.sizeBandRows(db, council, fy, denominatorPence)).map((r) => [r.band, r]));
    return [...sizeBands.map((b) => b.code as string), unknownBand].map((code) => {
      const r = found.get(code);
      return {
        band: code,
        label: code === unknownBand ? 'Size not known' : labelFor(sizeBands, code),
        vcsPence: r ? Number(r.vcs) : 0,
        organisations: r ? Number(r.organisations) : 0,
        percentOfVcs: r?.of_vcs ?? '0.00',
        percentOfDenominator: r?.of_denominator ?? (denominatorPence === 0 ? null : '0.00'),
      };
    });
  }

  async function topRecipients(council: string, fy: number, limit: number) {
    return (await q.topRecipientRows(db, council, fy, limit)).map((r) => ({
      organisationId: r.organisation_id,
      slug: r.slug,
      name: r.name,
      sizeBand: r.size_band,
      sizeBandLabel: r.size_band ? labelFor(sizeBands, r.size_band) : 'Size not known',
      vcsPence: Number(r.vcs),
      payments: Number(r.payments),
    }));
  }

  /** The neighbours, their own totals and their published figures, read before the year is known. */
  async function neighbourData(exclude: readonly Excludable[]) {
    const neighbours = await q.neighbourCouncils(db);
    const ids = neighbours.map((n) => n.org_id);
    const [totals, published] = await Promise.all([
      yearTotals(ids, exclude),
      ids.length ? q.publishedFor(db, ids) : [],
    ]);
    return { neighbours, totals, published };
  }

  /** Each neighbour's figure for the year: its own spend, else its published figure, else its latest of either. */
  function neighbourFigures(data: Awaited<ReturnType<typeof neighbourData>>, fy: number): NeighbourFigure[] {
    return data.neighbours.map((n) =>
      neighbourFigure(
        n,
        fy,
        data.totals.get(n.org_id) ?? [],
        data.published.filter((p) => p.council_org_id === n.org_id),
      ),
    );
  }

  /** The neighbours' median and mean, the gap in points and in pence for the year's denominator: all numeric. */
  async function benchmarkOf(shares: string[], councilShare: string | null, denominatorPence: number) {
    if (shares.length === 0) return null;
    const b = await q.benchmarkRow(db, shares, councilShare, denominatorPence);
    const pence = (v: number | null) => (v === null ? null : Number(v));
    return {
      count: shares.length,
      median: {
        share: b.median,
        sharePercent: b.median_percent,
        gapPoints: b.median_points,
        gapPence: pence(b.median_pence),
      },
      mean: { share: b.mean, sharePercent: b.mean_percent, gapPoints: b.mean_points, gapPence: pence(b.mean_pence) },
    };
  }

  const council = (orgId: string) => q.findCouncil(db, orgId);

  /** The figures of the council's chosen year, and of its other years. */
  async function yearFigures(orgId: string, exclude: readonly Excludable[], year: string | undefined) {
    const years = (await yearTotals([orgId], exclude)).get(orgId) ?? [];
    const requested = parseYear(year);
    const current = years.find((y) => y.fyStart === requested) ?? years.at(-1) ?? null;
    const [trend, areas, bands, recipients] = current
      ? await Promise.all([
          quarters(orgId, exclude),
          serviceAreas(orgId, current.fyStart, exclude),
          bySizeBand(orgId, current.fyStart, current.denominatorPence),
          topRecipients(orgId, current.fyStart, 20),
        ])
      : [[], [], [], []];
    return { years, current, trend, areas, bands, recipients };
  }

  async function perResident(current: YearTotals | null, population: number | null) {
    if (!current || !population) return null;
    const r = await q.perResidentRow(db, current.vcsPence, current.denominatorPence, population);
    return { population, vcsPounds: r.vcs, denominatorPounds: r.den };
  }

  /** Everything the spend page and the API show for one council; undefined for an unknown council. */
  async function summary(orgId: string, options: MeasureOptions = {}) {
    const c = await council(orgId);
    if (!c) return undefined;
    const exclude = options.exclude ?? excludable;
    const benchmarkMethod: Benchmark = options.benchmark ?? 'median';
    // Read together: none needs another's answer. Neighbours and the benchmark belong to the place: other
    // councils are shown on their own.
    const [{ years, current, trend, areas, bands, recipients }, published, nearby] = await Promise.all([
      yearFigures(orgId, exclude, options.year),
      q.publishedFor(db, [orgId]),
      c.is_place ? neighbourData(exclude) : null,
    ]);
    const neighbours = nearby && current ? neighbourFigures(nearby, current.fyStart) : [];
    const withFigures = neighbours.filter((n) => n.share !== null);
    const [bench, residents] = await Promise.all([
      c.is_place && current
        ? benchmarkOf(
            withFigures.map((n) => n.share!),
            current.share,
            current.denominatorPence,
          )
        : null,
      perResident(current, c.population),
    ]);
    const chosen = bench ? bench[benchmarkMethod] : null;
    return {
      council: {
        orgId: c.org_id,
        name: c.name,
        isPlace: c.is_place,
        isNeighbour: c.is_neighbour,
        population: c.population,
      },
      financialYear: current?.financialYear ?? null,
      years,
      current,
      exclude,
      denominatorText: describeDenominator(exclude),
      perResident: residents,
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
  }

  type Summary = NonNullable<Awaited<ReturnType<typeof summary>>>;

  /**
   * The generation stamps a council's figures are read from: its own, and '' (the councils themselves); the place's
   * page reads its neighbours' too, so it takes every council's.
   */
  async function stampOf(orgId: string): Promise<string> {
    const rows = await q.generations(db);
    return rows
      .filter((r) => orgId === place.council.orgId || r.council_org_id === '' || r.council_org_id === orgId)
      .map((r) => `${r.council_org_id}=${r.generation}`)
      .join(',');
  }

  /**
   * A view of a council's figures for the public pages and downloads (what `build` makes, named by `kind`), kept
   * until a figure it reads changes: the key holds the generations read first, so a view built from figures newer
   * than its key is only rebuilt early, never served stale. Nothing in it may depend on who is looking.
   */
  async function publicView<T>(
    kind: string,
    orgId: string,
    options: MeasureOptions,
    build: (s: Summary) => T,
  ): Promise<T | undefined> {
    const stamp = await stampOf(orgId);
    // The year as the figures read it: one the query cannot name falls back to the latest, as an absent one does.
    const choices = [
      parseYear(options.year) ?? '',
      options.benchmark ?? 'median',
      [...(options.exclude ?? excludable)].sort().join('+'),
    ].join(';');
    return views.get(JSON.stringify([kind, orgId, choices, stamp]), async () => {
      const s = await summary(orgId, options);
      return s && build(s);
    });
  }

  return {
    excludable,
    parseYear,
    publicView,
    /** The kept views, for tests: how many were built. */
    views,

    /** Councils with imported spend, and the place and its neighbours whether or not they have any. */
    async councils() {
      return (await q.councilsWithSpend(db)).map((r) => ({
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
    hasDemo: () => q.anyDemo(db),

    summary,

    listPublished: () => q.listPublished(db),

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
        const id = await q.upsertPublished(trx, { ...input, share, actorId });
        await audit.record(
          {
            userId: actorId,
            action: 'save',
            entityType: 'published_vcs_share',
            entityId: String(id),
            detail: { ...input, vcsShare: share },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /**
     * Rebuilds the summaries the figures are read from: the councils named, or every council. Imports, resolution
     * runs and decisions rebuild their councils themselves; this is for a change made elsewhere (a merge of
     * organisations that moves suppliers) and for the command line.
     */
    refreshSummaries: (councils?: readonly string[], trx: Database = db) =>
      trx.isTransaction
        ? refreshSummaries(trx, councils)
        : trx.transaction().execute((t) => refreshSummaries(t, councils)),

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
