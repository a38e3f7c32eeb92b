import type { Database } from '../../../../db/index.ts';
import type { ApplicationStatus } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';
import { approvedMemberships, organisations } from '../../../organisations/read-models.ts';
import { panelExclusions } from '../../assessment/read-models.ts';
import { awards } from '../../awards/read-models.ts';
import { lots, opportunities } from '../../opportunities/read-models.ts';
import { LIVE_STATUSES } from '../lifecycle.ts';

// Who is in applications and who acts for them, through the directory's approved memberships, and the lists of
// applications by opportunity and by organisation.

/** The active organisations this person acts for, through an approved membership. */
export const organisationsOf = (trx: Database, userId: string) =>
  trx
    .selectFrom(approvedMemberships(trx).as('m'))
    .innerJoin(organisations(trx).as('o'), 'o.id', 'm.organisation_id')
    .select(['o.id', 'o.name', 'o.slug'])
    .where('m.user_id', '=', userId)
    .where('o.status', '=', 'active')
    .orderBy('o.name')
    .execute();

/** The approved members of these organisations, with their e-mail addresses. */
export const membersOf = (trx: Database, organisationIds: string[]) =>
  trx
    .selectFrom(approvedMemberships(trx).as('m'))
    .innerJoin(people(trx).as('u'), 'u.id', 'm.user_id')
    .select(['u.email', 'u.name', 'm.organisation_id'])
    .where('m.organisation_id', 'in', organisationIds)
    .execute();

/** The organisations in this application that this person is an approved member of. */
export const partOf = (trx: Database, userId: string, applicationId: string) =>
  trx
    .selectFrom('application_partner as p')
    .innerJoin(approvedMemberships(trx).as('m'), 'm.organisation_id', 'p.organisation_id')
    .select(['p.organisation_id', 'p.is_lead'])
    .where('p.application_id', '=', applicationId)
    .where('m.user_id', '=', userId)
    .execute();

/** The organisations of an application, the lead first, with the lead named on the application itself. */
export async function organisationIdsOf(trx: Database, applicationId: string) {
  const rows = await trx
    .selectFrom('application_partner')
    .select(['organisation_id', 'is_lead'])
    .where('application_id', '=', applicationId)
    .orderBy('is_lead', 'desc')
    .execute();
  const app = await trx
    .selectFrom('application')
    .select('lead_organisation_id')
    .where('id', '=', applicationId)
    .executeTakeFirst();
  return { ids: rows.map((r) => r.organisation_id), lead: app?.lead_organisation_id };
}

/** Active organisations in the directory whose name has this text in it, for adding a partner. */
export function activeOrganisationsNamed(db: Database, text: string, excludeIds: string[]) {
  let q = db
    .selectFrom(organisations(db).as('o'))
    .select(['o.id', 'o.name', 'o.slug', 'o.postcode'])
    .where('o.status', '=', 'active')
    .where('o.name', 'ilike', `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (excludeIds.length) q = q.where('o.id', 'not in', excludeIds);
  return q.orderBy('o.name').limit(20).execute();
}

/** Applications still waiting on an opportunity: live, or successful without an award yet. */
export const waitingOn = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('application as a')
    .leftJoin(awards(trx).as('w'), 'w.application_id', 'a.id')
    .select(['a.id', 'a.reference', 'a.status'])
    .where('a.opportunity_id', '=', opportunityId)
    .where((eb) =>
      eb.or([eb('a.status', 'in', LIVE_STATUSES), eb.and([eb('a.status', '=', 'successful'), eb('w.id', 'is', null)])]),
    )
    .orderBy('a.reference')
    .execute();

/** The approved members of every organisation in these applications, by application. */
export const membersOfApplications = (trx: Database, applicationIds: string[]) =>
  trx
    .selectFrom('application_partner as p')
    .innerJoin(approvedMemberships(trx).as('m'), 'm.organisation_id', 'p.organisation_id')
    .innerJoin(people(trx).as('u'), 'u.id', 'm.user_id')
    .select(['p.application_id', 'u.email', 'u.name'])
    .where('p.application_id', 'in', applicationIds)
    .orderBy('p.application_id')
    .orderBy('p.is_lead', 'desc')
    .orderBy('u.email')
    .execute();

/** An opportunity's applications, with the lead's name and the lot, oldest submission first. */
export function forOpportunity(db: Database, opportunityId: string, statuses?: ApplicationStatus[]) {
  let q = db
    .selectFrom('application as a')
    .innerJoin(organisations(db).as('o'), 'o.id', 'a.lead_organisation_id')
    .leftJoin(lots(db).as('l'), 'l.id', 'a.lot_id')
    .select([
      'a.id',
      'a.reference',
      'a.title',
      'a.kind',
      'a.status',
      'a.requested_pence',
      'a.lot_id',
      'a.submitted_at',
      'a.withdrawn_at',
      'a.lead_organisation_id',
      'o.name as lead_name',
      'o.slug as lead_slug',
      'l.number as lot_number',
      'l.title as lot_title',
    ])
    .where('a.opportunity_id', '=', opportunityId);
  if (statuses) q = q.where('a.status', 'in', statuses);
  return q.orderBy('a.submitted_at').orderBy('a.created_at').execute();
}

/** Every application these organisations are in, as lead or partner, most recently changed first. */
export const forOrganisations = (db: Database, organisationIds: string[]) =>
  db
    .selectFrom('application_partner as p')
    .innerJoin('application as a', 'a.id', 'p.application_id')
    .innerJoin(opportunities(db).as('op'), 'op.id', 'a.opportunity_id')
    .innerJoin(organisations(db).as('lead'), 'lead.id', 'a.lead_organisation_id')
    .innerJoin(organisations(db).as('me'), 'me.id', 'p.organisation_id')
    .select([
      'a.id',
      'a.reference',
      'a.title',
      'a.status',
      'a.kind',
      'a.requested_pence',
      'a.updated_at',
      'op.title as opportunity_title',
      'op.slug as opportunity_slug',
      'op.closes_at',
      'lead.name as lead_name',
      'me.name as organisation_name',
      'p.organisation_id',
      'p.is_lead',
      'p.role',
      'p.share_pence',
      'p.confirmed_at',
    ])
    .where('p.organisation_id', 'in', organisationIds)
    .orderBy('a.updated_at', 'desc')
    .execute();

/** The conflicts of interest that keep this person from these applications, one per application at most. */
export async function conflictsOf(db: Database, userId: string, applicationIds: string[]) {
  if (applicationIds.length === 0) return [];
  return db
    .selectFrom(panelExclusions(db).as('e'))
    .select(['e.application_id', 'e.reason', 'e.detail'])
    .where('e.user_id', '=', userId)
    .where('e.application_id', 'in', applicationIds)
    .execute();
}
