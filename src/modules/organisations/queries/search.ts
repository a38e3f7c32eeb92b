import { type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { ClassificationList, DB, SizeBand } from '../../../db/schema.ts';
import { wards } from '../../place/read-models.ts';
import { identifierCandidates } from '../identifiers.ts';

// The directory's search: matches by name (misspellings welcome), identifier and filters, a page at a time.

export type SearchCriteria = {
  /** A name (misspellings welcome) or an identifier such as a charity number. */
  text?: string | undefined;
  wards?: string[] | undefined;
  serviceAreas?: string[] | undefined;
  beneficiaryGroups?: string[] | undefined;
  sizeBands?: SizeBand[] | undefined;
  includeRemoved?: boolean | undefined;
};

type OrgScope = ExpressionBuilder<DB & { o: DB['organisation'] }, 'o'>;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Holds one of the codes. The Charity Commission's codes are unique across its lists, so whatever list a code
 * was stored under, it means what its number says (as the profile shows it). */
function classificationFilter(eb: OrgScope, codes: string[]) {
  return eb.exists(
    eb
      .selectFrom('organisation_classification as c')
      .select('c.code')
      .whereRef('c.organisation_id', '=', 'o.id')
      .where('c.code', 'in', codes),
  );
}

/** The organisations matching the criteria, before ordering and paging, each with how close its name is. */
export function matching(db: Database, criteria: SearchCriteria) {
  const term = criteria.text?.trim().toLowerCase() ?? '';
  const ids = identifierCandidates(term);
  let query = db.selectFrom('organisation as o').where('o.listed', '=', true);
  if (!criteria.includeRemoved) query = query.where('o.status', '=', 'active');
  // The candidates and their scores come from directory_matches (migration 20261208000400): trigram and
  // substring matches on listed names and other names, from partial indexes, and identifiers, with a plan made
  // once per connection. The filters below then narrow the few candidates.
  const matches = term
    ? sql<{
        match_id: string;
        match_score: number;
      }>`directory_matches(${term}, ${`%${escapeLike(term)}%`}, ${ids}::text[])`
    : null;
  let scored = matches
    ? query
        .innerJoin(matches.as('m'), (join) => join.onRef('m.match_id', '=', 'o.id'))
        .select(sql<number>`m.match_score`.as('score'))
    : query.select(sql<number>`0`.as('score'));
  if (criteria.wards?.length) {
    const wards = criteria.wards;
    scored = scored.where((eb) =>
      eb.exists(
        eb
          .selectFrom('organisation_ward as w')
          .select('w.ward_code')
          .whereRef('w.organisation_id', '=', 'o.id')
          .where('w.ward_code', 'in', wards),
      ),
    );
  }
  if (criteria.serviceAreas?.length) {
    const codes = criteria.serviceAreas;
    scored = scored.where((eb) => classificationFilter(eb, codes));
  }
  if (criteria.beneficiaryGroups?.length) {
    const codes = criteria.beneficiaryGroups;
    scored = scored.where((eb) => classificationFilter(eb, codes));
  }
  if (criteria.sizeBands?.length) scored = scored.where('o.size_band', 'in', criteria.sizeBands);
  return scored;
}

export async function countMatching(db: Database, criteria: SearchCriteria): Promise<number> {
  const row = await db
    .selectFrom(matching(db, criteria).as('x'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type SearchRow = {
  id: string;
  slug: string;
  name: string;
  legal_form: string | null;
  size_band: SizeBand | null;
  latest_income_pence: number | null;
  income_period_end: string | null;
  status: 'active' | 'removed';
  verified_at: Date | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  publish_email: boolean;
  publish_phone: boolean;
  description: string;
  score: number;
  /** How many organisations match in all (the same on every row). */
  total: number;
  identifiers: string[];
  wards: { code: string; name: string }[];
  classifications: { list: ClassificationList; code: string }[];
};

/**
 * One page of matches, the closest names first when searching, otherwise by name: in one query, the page chosen
 * first and only its rows given their identifiers, wards and classifications.
 */
export async function searchPage(
  db: Database,
  criteria: SearchCriteria,
  { limit, offset }: { limit: number; offset: number },
): Promise<SearchRow[]> {
  const page = matching(db, criteria)
    .select([
      'o.id',
      'o.slug',
      'o.name',
      'o.legal_form',
      'o.size_band',
      'o.latest_income_pence',
      'o.income_period_end',
      'o.status',
      'o.verified_at',
      'o.website',
      'o.email',
      'o.phone',
      'o.publish_email',
      'o.publish_phone',
      'o.description',
      sql<number>`count(*) over ()`.as('total'),
    ])
    .orderBy('score', 'desc')
    .orderBy(sql`lower(o.name)`)
    .orderBy('o.id')
    .limit(limit)
    .offset(offset);
  const rows = await db
    .selectFrom(page.as('p'))
    .selectAll('p')
    .select((eb) => [
      sql<string[]>`coalesce(${eb
        .selectFrom('organisation_identifier as i')
        .select(sql`array_agg(i.identifier order by i.identifier)`.as('a'))
        .whereRef('i.organisation_id', '=', 'p.id')}, '{}')`.as('identifiers'),
      sql<{ code: string; name: string }[]>`coalesce(${eb
        .selectFrom('organisation_ward as ow')
        .innerJoin(wards(db).as('w'), 'w.code', 'ow.ward_code')
        .select(sql`json_agg(json_build_object('code', w.code, 'name', w.name) order by w.position)`.as('a'))
        .whereRef('ow.organisation_id', '=', 'p.id')}, '[]')`.as('wards'),
      sql<{ list: ClassificationList; code: string }[]>`coalesce(${eb
        .selectFrom('organisation_classification as c')
        .select(sql`json_agg(json_build_object('list', c.list, 'code', c.code) order by c.list, c.code)`.as('a'))
        .whereRef('c.organisation_id', '=', 'p.id')}, '[]')`.as('classifications'),
    ])
    .orderBy('p.score', 'desc')
    .orderBy(sql`lower(p.name)`)
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({ ...r, score: Number(r.score), total: Number(r.total) }));
}

/** Listed organisations whose names are close to `name`, closest first (duplicate warnings, matching). */
export async function similarNames(db: Database, name: string, limit = 5) {
  const term = name.trim().toLowerCase();
  if (!term) return [];
  return db
    .selectFrom('organisation as o')
    .select(['o.id', 'o.slug', 'o.name', 'o.status', sql<number>`similarity(lower(o.name), ${term})`.as('score')])
    .where((eb) =>
      eb.or([
        sql<SqlBool>`lower(o.name) % ${term}`,
        eb.exists(
          eb
            .selectFrom('organisation_name as n')
            .select('n.name')
            .whereRef('n.organisation_id', '=', 'o.id')
            .where(sql<SqlBool>`lower(n.name) % ${term}`),
        ),
      ]),
    )
    .orderBy('score', 'desc')
    .orderBy('o.name')
    .limit(limit)
    .execute();
}

/** Listed, active organisations for Open Referral UK, by name. */
export async function openReferralPage(db: Database, { limit, offset }: { limit: number; offset: number }) {
  const base = db.selectFrom('organisation as o').where('o.listed', '=', true).where('o.status', '=', 'active');
  const [rows, total] = await Promise.all([
    base
      .select(['o.id', 'o.slug', 'o.name', 'o.description', 'o.email', 'o.publish_email', 'o.website'])
      .orderBy(sql`lower(o.name)`)
      .orderBy('o.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** How many organisations the public directory lists (the home page). */
export async function listedCount(db: Database): Promise<number> {
  const row = await db
    .selectFrom('organisation')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('listed', '=', true)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
