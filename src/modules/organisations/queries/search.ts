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

function classificationFilter(eb: OrgScope, list: ClassificationList, codes: string[]) {
  return eb.exists(
    eb
      .selectFrom('organisation_classification as c')
      .select('c.code')
      .whereRef('c.organisation_id', '=', 'o.id')
      .where('c.list', '=', list)
      .where('c.code', 'in', codes),
  );
}

/** The organisations matching the criteria, before ordering and paging. */
export function matching(db: Database, criteria: SearchCriteria) {
  const term = criteria.text?.trim().toLowerCase() ?? '';
  const ids = identifierCandidates(term);
  let query = db.selectFrom('organisation as o').where('o.listed', '=', true);
  if (!criteria.includeRemoved) query = query.where('o.status', '=', 'active');
  if (term) {
    // Candidates first, each arm answerable from a trigram or primary-key index, then the filters:
    // an OR across tables would make the planner read every organisation.
    const like = `%${escapeLike(term)}%`;
    const arms = [
      sql`select id from organisation where lower(name) % ${term}`,
      sql`select id from organisation where ${term} <% lower(name)`,
      sql`select id from organisation where lower(name) like ${like}`,
      sql`select organisation_id from organisation_name where lower(name) % ${term}`,
      sql`select organisation_id from organisation_name where ${term} <% lower(name)`,
      sql`select organisation_id from organisation_name where lower(name) like ${like}`,
      ...(ids.length
        ? [sql`select organisation_id from organisation_identifier where identifier in (${sql.join(ids)})`]
        : []),
    ];
    query = query.where(sql<SqlBool>`o.id in (${sql.join(arms, sql` union `)})`);
  }
  if (criteria.wards?.length) {
    const wards = criteria.wards;
    query = query.where((eb) =>
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
    query = query.where((eb) => classificationFilter(eb, 'service_area', codes));
  }
  if (criteria.beneficiaryGroups?.length) {
    const codes = criteria.beneficiaryGroups;
    query = query.where((eb) => classificationFilter(eb, 'beneficiary_group', codes));
  }
  if (criteria.sizeBands?.length) query = query.where('o.size_band', 'in', criteria.sizeBands);
  return { query, term, ids };
}

export async function countMatching(db: Database, criteria: SearchCriteria): Promise<number> {
  const { query } = matching(db, criteria);
  const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
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
};

/** One page of matches: the closest names first when searching, otherwise by name. */
export async function searchPage(
  db: Database,
  criteria: SearchCriteria,
  { limit, offset }: { limit: number; offset: number },
): Promise<SearchRow[]> {
  const term = criteria.text?.trim() ?? '';
  if (!term) return searchPageOn(db, criteria, { limit, offset });
  // The planner prices trigram operators as cheap and so reads small tables whole, computing similarity for
  // every row; the trigram indexes answer several times faster at every size, so prefer them here.
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    return searchPageOn(trx, criteria, { limit, offset });
  });
}

async function searchPageOn(
  db: Database,
  criteria: SearchCriteria,
  { limit, offset }: { limit: number; offset: number },
): Promise<SearchRow[]> {
  const { query, term, ids } = matching(db, criteria);
  const score = term
    ? sql<number>`greatest(
        similarity(lower(o.name), ${term}),
        word_similarity(${term}, lower(o.name)),
        coalesce((select max(greatest(similarity(lower(n.name), ${term}), word_similarity(${term}, lower(n.name))))
                    from organisation_name n where n.organisation_id = o.id), 0) * 0.95,
        ${
          ids.length
            ? sql`case when exists (select 1 from organisation_identifier i where i.organisation_id = o.id
                   and i.identifier in (${sql.join(ids)})) then 2 else 0 end`
            : sql`0`
        }
      )`
    : sql<number>`0`;
  const rows = await query
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
      score.as('score'),
      sql<number>`count(*) over ()`.as('total'),
    ])
    .orderBy('score', 'desc')
    .orderBy(sql`lower(o.name)`)
    .orderBy('o.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({ ...r, score: Number(r.score), total: Number(r.total) }));
}

export type RowDetails = {
  identifiers: Map<string, string[]>;
  wards: Map<string, { code: string; name: string }[]>;
  classifications: Map<string, { list: ClassificationList; code: string }[]>;
};

/** Identifiers, wards and classifications of several organisations at once (for a page of results). */
export async function detailsFor(db: Database, organisationIds: string[]): Promise<RowDetails> {
  const details: RowDetails = { identifiers: new Map(), wards: new Map(), classifications: new Map() };
  if (organisationIds.length === 0) return details;
  const [identifiers, wardRows, classifications] = await Promise.all([
    db
      .selectFrom('organisation_identifier')
      .select(['organisation_id', 'identifier'])
      .where('organisation_id', 'in', organisationIds)
      .orderBy('identifier')
      .execute(),
    db
      .selectFrom('organisation_ward as ow')
      .innerJoin(wards(db).as('w'), 'w.code', 'ow.ward_code')
      .select(['ow.organisation_id', 'w.code', 'w.name'])
      .where('ow.organisation_id', 'in', organisationIds)
      .orderBy('w.position')
      .execute(),
    db
      .selectFrom('organisation_classification')
      .select(['organisation_id', 'list', 'code'])
      .where('organisation_id', 'in', organisationIds)
      .orderBy('list')
      .orderBy('code')
      .execute(),
  ]);
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const r of identifiers) push(details.identifiers, r.organisation_id, r.identifier);
  for (const r of wardRows) push(details.wards, r.organisation_id, { code: r.code, name: r.name });
  for (const r of classifications) push(details.classifications, r.organisation_id, { list: r.list, code: r.code });
  return details;
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
