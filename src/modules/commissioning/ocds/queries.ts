import type { Database } from '../../../db/index.ts';
import { needsAssessments } from '../../needs/read-models.ts';
import { organisationIdentifiers, organisations } from '../../organisations/read-models.ts';
import { applicationPartners, applications } from '../applications/read-models.ts';
import { awards } from '../awards/read-models.ts';
import { lots, opportunities, opportunityDocuments } from '../opportunities/read-models.ts';
import { specifications } from '../specifications/read-models.ts';

// OCDS reads the whole chain, so it reads it in a few queries over what each owner publishes: one for the
// processes, one each for their lots, documents, awards and bids, and one for the organisations that bid.

/** Every published contracting process (or the one with this ocid), with its specification and need. */
export function publishedProcesses(db: Database, ocid?: string) {
  let q = db
    .selectFrom(opportunities(db).as('o'))
    .innerJoin(specifications(db).as('s'), 's.id', 'o.specification_id')
    .innerJoin(needsAssessments(db).as('n'), 'n.id', 's.needs_assessment_id')
    .select([
      'o.id',
      'o.slug',
      'o.ocid',
      'o.title',
      'o.summary',
      'o.status',
      'o.total_value_pence',
      'o.eligibility',
      'o.clarifications_close_at',
      'o.closes_at',
      'o.service_starts_on',
      'o.duration_months',
      'o.published_at',
      'o.updated_at',
      'o.cancelled_at',
      'o.cancellation_reason',
      's.slug as spec_slug',
      's.title as spec_title',
      'n.slug as need_slug',
      'n.title as need_title',
      'n.summary as need_summary',
      'n.need as need_text',
    ])
    // Drafts are never open data.
    .where('o.status', '<>', 'draft')
    .where('o.published_at', 'is not', null);
  if (ocid) q = q.where('o.ocid', '=', ocid);
  return q.orderBy('o.published_at').orderBy('o.ocid').execute();
}
export type ProcessRow = Awaited<ReturnType<typeof publishedProcesses>>[number];

/** The lots, documents, awards and bids of these processes. */
export async function processParts(db: Database, ids: string[]) {
  const [lotRows, documents, awardRows, bids] = await Promise.all([
    db.selectFrom(lots(db).as('l')).selectAll().where('l.opportunity_id', 'in', ids).orderBy('l.number').execute(),
    db
      .selectFrom(opportunityDocuments(db).as('d'))
      .select(['d.id', 'd.opportunity_id', 'd.title', 'd.file_name', 'd.file_type', 'd.created_at'])
      .where('d.opportunity_id', 'in', ids)
      .orderBy('d.created_at')
      .execute(),
    db
      .selectFrom(awards(db).as('a'))
      .selectAll()
      .where('a.opportunity_id', 'in', ids)
      .orderBy('a.awarded_at')
      .execute(),
    // Tenderers: every organisation in an application that was submitted (withdrawn ones are not bids).
    db
      .selectFrom(applications(db).as('a'))
      .leftJoin(applicationPartners(db).as('p'), 'p.application_id', 'a.id')
      .select(['a.id as application_id', 'a.opportunity_id', 'a.lead_organisation_id', 'p.organisation_id'])
      .where('a.opportunity_id', 'in', ids)
      .where('a.status', 'in', ['submitted', 'successful', 'unsuccessful'])
      .execute(),
  ]);
  return { lots: lotRows, documents, awards: awardRows, bids };
}
export type ProcessParts = Awaited<ReturnType<typeof processParts>>;

/** The names and registered identifiers of these organisations, one row per identifier (or one without). */
export function organisationsWithIdentifiers(db: Database, organisationIds: string[]) {
  return db
    .selectFrom(organisations(db).as('o'))
    .leftJoin(organisationIdentifiers(db).as('i'), 'i.organisation_id', 'o.id')
    .select(['o.id', 'o.name', 'i.identifier', 'i.scheme'])
    .where('o.id', 'in', organisationIds)
    .orderBy('i.identifier')
    .execute();
}
