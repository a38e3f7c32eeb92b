import type { Database } from '../../../db/index.ts';
import { organisations } from '../../organisations/read-models.ts';
import { applications } from '../applications/read-models.ts';
import { awards } from '../awards/read-models.ts';
import { opportunities } from '../opportunities/read-models.ts';

// The chain owns no tables: it joins what opportunities, applications, awards and the directory publish.

/** The opportunities made from these specifications, drafts included, oldest first. */
export const opportunitiesOf = async (db: Database, specificationIds: string[]) =>
  specificationIds.length
    ? db
        .selectFrom(opportunities(db).as('o'))
        .select(['o.id', 'o.slug', 'o.title', 'o.status', 'o.closes_at', 'o.specification_id'])
        .where('o.specification_id', 'in', specificationIds)
        .orderBy('o.created_at')
        .execute()
    : [];

/** The awards made from these opportunities, each with the organisation that leads it, in the order awarded. */
export const awardsOf = async (db: Database, opportunityIds: string[]) =>
  opportunityIds.length
    ? db
        .selectFrom(awards(db).as('a'))
        .innerJoin(applications(db).as('ap'), 'ap.id', 'a.application_id')
        .innerJoin(organisations(db).as('org'), 'org.id', 'ap.lead_organisation_id')
        .select(['a.id', 'a.slug', 'a.title', 'a.status', 'a.opportunity_id', 'org.name as supplier'])
        .where('a.opportunity_id', 'in', opportunityIds)
        .orderBy('a.awarded_at')
        .execute()
    : [];

export const specificationOfOpportunity = async (db: Database, opportunityId: string) =>
  (
    await db
      .selectFrom(opportunities(db).as('o'))
      .select('o.specification_id')
      .where('o.id', '=', opportunityId)
      .executeTakeFirst()
  )?.specification_id;

export const opportunityOfAward = async (db: Database, awardId: string) =>
  (await db.selectFrom(awards(db).as('a')).select('a.opportunity_id').where('a.id', '=', awardId).executeTakeFirst())
    ?.opportunity_id;
