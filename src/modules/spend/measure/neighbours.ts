import { financialYearLabel } from './periods.ts';

// Which figure stands for each neighbour in a year: its own spend, else its published figure, else its latest of
// either. Pure.

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

export type Published = {
  financial_year: string;
  vcs_share: string | number;
  share_percent: string;
  source: string;
  source_url: string | null;
  is_demo: boolean;
};

type Council = { org_id: string; name: string };

const fromSpend = (n: Council, t: YearTotals): NeighbourFigure => ({
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

const fromPublished = (n: Council, p: Published): NeighbourFigure => ({
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

const noFigure = (n: Council): NeighbourFigure => ({
  orgId: n.org_id,
  name: n.name,
  source: 'none',
  financialYear: null,
  share: null,
  sharePercent: null,
  sourceText: null,
  sourceUrl: null,
  isDemo: false,
});

/** `years` are the neighbour's own totals, oldest first; `published` its published figures, newest first. */
export function neighbourFigure(n: Council, fy: number, years: YearTotals[], published: Published[]): NeighbourFigure {
  const spend = years.filter((t) => t.share !== null);
  const sameYearSpend = spend.find((t) => t.fyStart === fy);
  if (sameYearSpend) return fromSpend(n, sameYearSpend);
  const sameYearPublished = published.find((p) => p.financial_year === financialYearLabel(fy));
  if (sameYearPublished) return fromPublished(n, sameYearPublished);
  const latestSpend = spend.at(-1);
  const latestPublished = published[0];
  if (latestSpend && (!latestPublished || latestSpend.financialYear >= latestPublished.financial_year))
    return fromSpend(n, latestSpend);
  if (latestPublished) return fromPublished(n, latestPublished);
  return noFigure(n);
}
