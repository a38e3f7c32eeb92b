import type { Database } from '../../../../db/index.ts';
import type { OpportunityRoute, OpportunityStatus } from '../../../../db/schema.ts';
import { organisationClassifications, organisations, organisationWards } from '../../../organisations/read-models.ts';
import { specifications } from '../../specifications/read-models.ts';
import { opportunitiesWithPhase } from '../read-models.ts';

// Lists of opportunities: the public list and its filters, drafts, the feed, and those made from a specification or
// answering a need. Filtered and ordered by phase, the state people see.

export type ListFilters = {
  route?: OpportunityRoute | undefined;
  serviceArea?: string | undefined;
  ward?: string | undefined;
  minPence?: number | undefined;
  maxPence?: number | undefined;
  /** Closing before this instant. */
  closingBefore?: Date | undefined;
  suitsSmall?: boolean | undefined;
  /** As people see it; without it, cancelled ones are left out of the published list. */
  status?: Exclude<OpportunityStatus, 'draft'> | undefined;
};

function filtered(db: Database, base: 'published' | 'drafts', filters: ListFilters, now: Date) {
  let q = db.selectFrom(opportunitiesWithPhase(db, now).as('o'));
  if (base === 'drafts') q = q.where('o.status', '=', 'draft');
  else q = q.where('o.status', '!=', 'draft').where('o.published_at', 'is not', null);
  if (filters.status) q = q.where('o.phase', '=', filters.status);
  else if (base === 'published') q = q.where('o.status', '!=', 'cancelled');
  if (filters.route) q = q.where('o.route', '=', filters.route);
  if (filters.serviceArea) q = q.where('o.service_area', '=', filters.serviceArea);
  if (filters.ward) {
    // An opportunity for the whole borough (no wards named) covers every ward.
    const ward = filters.ward;
    q = q.where((eb) => {
      const wardsOf = () =>
        eb.selectFrom('opportunity_ward as w').select('w.opportunity_id').whereRef('w.opportunity_id', '=', 'o.id');
      return eb.or([eb.exists(wardsOf().where('w.ward_code', '=', ward)), eb.not(eb.exists(wardsOf()))]);
    });
  }
  if (filters.minPence !== undefined) q = q.where('o.total_value_pence', '>=', filters.minPence);
  if (filters.maxPence !== undefined) q = q.where('o.total_value_pence', '<=', filters.maxPence);
  if (filters.closingBefore) q = q.where('o.closes_at', '<', filters.closingBefore);
  if (filters.suitsSmall) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('lot as l')
          .select('l.id')
          .whereRef('l.opportunity_id', '=', 'o.id')
          .where('l.suits_small', '=', true),
      ),
    );
  }
  return q;
}

/** One page of opportunities, open ones first and closing soonest, with how many there are in all. */
export async function listPage(
  db: Database,
  base: 'published' | 'drafts',
  filters: ListFilters,
  page: { limit: number; offset: number },
  now: Date,
) {
  const q = filtered(db, base, filters, now);
  const counted = await q.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('o')
    .select(({ selectFrom }) =>
      selectFrom('lot as l')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .whereRef('l.opportunity_id', '=', 'o.id')
        .where('l.suits_small', '=', true)
        .as('small_lots'),
    )
    .select(({ selectFrom }) =>
      selectFrom('lot as l')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .whereRef('l.opportunity_id', '=', 'o.id')
        .as('lot_count'),
    )
    .orderBy(({ eb }) => eb.case().when('o.phase', '=', 'open').then(0).else(1).end())
    .orderBy('o.closes_at', 'asc')
    .orderBy('o.title')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows, total: Number(counted.n) };
}

/** The most recently published opportunities, newest first. */
export const latestPublished = (db: Database, limit: number, now: Date) =>
  db
    .selectFrom(opportunitiesWithPhase(db, now).as('o'))
    .selectAll('o')
    .where('o.status', '!=', 'draft')
    .where('o.published_at', 'is not', null)
    .orderBy('o.published_at', 'desc')
    .limit(limit)
    .execute();

const SUMMARY = [
  'o.id',
  'o.slug',
  'o.ocid',
  'o.title',
  'o.status',
  'o.phase',
  'o.closes_at',
  'o.published_at',
] as const;

export const madeFromSpecification = (db: Database, specificationId: string, now: Date) =>
  db
    .selectFrom(opportunitiesWithPhase(db, now).as('o'))
    .select([...SUMMARY, 'o.total_value_pence'])
    .where('o.specification_id', '=', specificationId)
    .orderBy('o.created_at')
    .execute();

export const answeringNeed = (db: Database, needsAssessmentId: string, now: Date) =>
  db
    .selectFrom(opportunitiesWithPhase(db, now).as('o'))
    .innerJoin(specifications(db).as('s'), 's.id', 'o.specification_id')
    .select([...SUMMARY, 'o.total_value_pence', 's.slug as specification_slug'])
    .where('s.needs_assessment_id', '=', needsAssessmentId)
    .orderBy('o.created_at')
    .execute();

/**
 * How many local organisations could bid, by size band: active and listed in the directory, with a known income,
 * working in the service area and in at least one of the wards when these are given.
 */
export async function eligibleBySize(db: Database, serviceArea: string | null, wardCodes: string[]) {
  let q = db
    .selectFrom(organisations(db).as('org'))
    .select(['org.size_band', ({ fn }) => fn.countAll<number>().as('n')])
    .where('org.status', '=', 'active')
    .where('org.listed', '=', true)
    .where('org.size_band', 'is not', null);
  if (serviceArea) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom(organisationClassifications(db).as('c'))
          .select('c.organisation_id')
          .whereRef('c.organisation_id', '=', 'org.id')
          .where('c.list', '=', 'service_area')
          .where('c.code', '=', serviceArea),
      ),
    );
  }
  if (wardCodes.length) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom(organisationWards(db).as('w'))
          .select('w.organisation_id')
          .whereRef('w.organisation_id', '=', 'org.id')
          .where('w.ward_code', 'in', wardCodes),
      ),
    );
  }
  return q.groupBy('org.size_band').execute();
}
