import type { Database } from '../../../db/index.ts';
import { people } from '../../accounts/read-models.ts';
import { approvedMemberships, organisations } from '../../organisations/read-models.ts';
import { ASSESSED_STATUSES } from '../applications/lifecycle.ts';
import { applicationPartners, applications } from '../applications/read-models.ts';
import { awards } from '../awards/read-models.ts';
import { lots, opportunities } from '../opportunities/read-models.ts';

// The panel's tables (members, exclusions, scores, agreed scores), read and written here only; the applications,
// people and memberships they stand on through what their owners publish.

const ASSESSED = [...ASSESSED_STATUSES];

/* The opportunity --------------------------------------------------------------------------------------------- */

/**
 * The opportunity's row, locked until the transaction ends: `update` where the panel changes, a decision is made
 * or (in its owner) it is cancelled; `share` while agreed scores are written, so moderation waits for those.
 */
export function lockOpportunity(trx: Database, where: { id: string } | { slug: string }, mode: 'update' | 'share') {
  let q = trx
    .selectFrom(opportunities(trx).as('o'))
    .select(['o.id', 'o.slug', 'o.title', 'o.status', 'o.cancelled_at', 'o.updated_at']);
  q = 'id' in where ? q.where('o.id', '=', where.id) : q.where('o.slug', '=', where.slug);
  return (mode === 'update' ? q.forUpdate() : q.forShare()).executeTakeFirst();
}

/** The opportunities on whose panel this person sits, newest first. */
export const panelsOf = (db: Database, userId: string) =>
  db
    .selectFrom('panel_member as p')
    .innerJoin(opportunities(db).as('o'), 'o.id', 'p.opportunity_id')
    .select(['o.id', 'o.slug', 'o.title', 'o.status', 'o.closes_at', 'p.declared_at'])
    .where('p.user_id', '=', userId)
    .orderBy('o.closes_at', 'desc')
    .execute();

/* Applications under assessment -------------------------------------------------------------------------------- */

/** The opportunity's applications that went to assessment, with their lead, lot, rank and feedback. */
export const assessedApplications = (db: Database, opportunityId: string) =>
  db
    .selectFrom(applications(db).as('a'))
    .innerJoin(organisations(db).as('o'), 'o.id', 'a.lead_organisation_id')
    .leftJoin(lots(db).as('l'), 'l.id', 'a.lot_id')
    .select(['a.id', 'a.reference', 'a.title', 'a.status', 'a.lot_id', 'a.rank', 'a.feedback'])
    .select(['o.name as lead_name', 'l.number as lot_number'])
    .where('a.opportunity_id', '=', opportunityId)
    .where('a.status', 'in', ASSESSED)
    .orderBy('a.submitted_at')
    .orderBy('a.created_at')
    .execute();
export type AssessedApplication = Awaited<ReturnType<typeof assessedApplications>>[number];

/** The award made to each of the opportunity's applications. */
export const awardsOf = (db: Database, opportunityId: string) =>
  db
    .selectFrom(awards(db).as('w'))
    .select(['w.application_id', 'w.slug'])
    .where('w.opportunity_id', '=', opportunityId)
    .execute();

/* The panel ----------------------------------------------------------------------------------------------------- */

export const panelMembers = (db: Database, opportunityId: string) =>
  db
    .selectFrom('panel_member as p')
    .innerJoin(people(db).as('u'), 'u.id', 'p.user_id')
    .select(['p.user_id', 'u.name', 'u.email', 'u.role', 'p.declared_at', 'p.declaration', 'p.added_at'])
    .where('p.opportunity_id', '=', opportunityId)
    .orderBy('u.name')
    .execute();
export type PanelMember = Awaited<ReturnType<typeof panelMembers>>[number];

/** This person's place on the panel; with `share`, held so that a removal waits until the transaction ends. */
export function panelMember(db: Database, opportunityId: string, userId: string, lock?: 'share') {
  const q = db
    .selectFrom('panel_member')
    .selectAll()
    .where('opportunity_id', '=', opportunityId)
    .where('user_id', '=', userId);
  return (lock ? q.forShare() : q).executeTakeFirst();
}

/** Someone with an account, by e-mail address in any case. */
export const personByEmail = (db: Database, email: string) =>
  db
    .selectFrom(people(db).as('u'))
    .select(['u.id', 'u.name'])
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();

/** Adds a member; false when they were on the panel already. */
export async function addPanelMember(trx: Database, opportunityId: string, userId: string, addedBy: string) {
  const added = await trx
    .insertInto('panel_member')
    .values({ opportunity_id: opportunityId, user_id: userId, added_by: addedBy })
    .onConflict((oc) => oc.columns(['opportunity_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return !!added;
}

/**
 * Removes a member with every score they gave and every exclusion recorded for them; what went, for the audit.
 * Their row first: a score being saved holds it, so its scores are in before they are removed.
 */
export async function removePanelMember(trx: Database, opportunityId: string, userId: string) {
  await trx
    .deleteFrom('panel_member')
    .where('opportunity_id', '=', opportunityId)
    .where('user_id', '=', userId)
    .execute();
  const scores = await trx
    .deleteFrom('assessment_score')
    .where('user_id', '=', userId)
    .where('application_id', 'in', (eb) =>
      eb.selectFrom(applications(trx).as('a')).select('a.id').where('a.opportunity_id', '=', opportunityId),
    )
    .returning(['application_id', 'criterion_id', 'score'])
    .execute();
  const exclusions = await trx
    .deleteFrom('panel_exclusion')
    .where('opportunity_id', '=', opportunityId)
    .where('user_id', '=', userId)
    .returning(['application_id', 'reason', 'detail'])
    .execute();
  return { scores, exclusions };
}

/* Conflicts of interest ----------------------------------------------------------------------------------------- */

/**
 * Panel members who are approved members of an organisation in an assessed application (its lead or a partner),
 * pair by pair.
 */
export const memberConflicts = (db: Database, opportunityId: string) =>
  db
    .selectFrom('panel_member as pm')
    .innerJoin(approvedMemberships(db).as('m'), 'm.user_id', 'pm.user_id')
    .innerJoin(applications(db).as('a'), 'a.opportunity_id', 'pm.opportunity_id')
    .innerJoin(organisations(db).as('o'), 'o.id', 'm.organisation_id')
    .select(['pm.user_id', 'a.id as application_id', 'o.name as organisation_name'])
    .where('pm.opportunity_id', '=', opportunityId)
    .where('a.status', 'in', ASSESSED)
    .where((eb) =>
      eb.or([
        eb('a.lead_organisation_id', '=', eb.ref('m.organisation_id')),
        eb.exists(
          eb
            .selectFrom(applicationPartners(db).as('ap'))
            .select('ap.application_id')
            .whereRef('ap.application_id', '=', 'a.id')
            .whereRef('ap.organisation_id', '=', 'm.organisation_id'),
        ),
      ]),
    )
    .execute();
export type Conflict = Awaited<ReturnType<typeof memberConflicts>>[number];

/** Records a membership conflict as an exclusion; false when it was recorded already. */
export async function recordConflict(trx: Database, opportunityId: string, c: Conflict) {
  const inserted = await trx
    .insertInto('panel_exclusion')
    .values({
      opportunity_id: opportunityId,
      user_id: c.user_id,
      application_id: c.application_id,
      reason: 'member_of_applicant',
      detail: `Member of ${c.organisation_name}`,
    })
    .onConflict((oc) => oc.columns(['user_id', 'application_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return !!inserted;
}

export const recordedExclusion = (db: Database, userId: string, applicationId: string) =>
  db
    .selectFrom('panel_exclusion')
    .select(['reason', 'detail'])
    .where('user_id', '=', userId)
    .where('application_id', '=', applicationId)
    .executeTakeFirst();

export const exclusions = (db: Database, opportunityId: string) =>
  db
    .selectFrom('panel_exclusion as e')
    .innerJoin(people(db).as('u'), 'u.id', 'e.user_id')
    .innerJoin(applications(db).as('a'), 'a.id', 'e.application_id')
    .select(['e.user_id', 'e.application_id', 'a.reference', 'e.reason', 'e.detail', 'u.name'])
    .where('e.opportunity_id', '=', opportunityId)
    .execute();
export type Exclusion = Awaited<ReturnType<typeof exclusions>>[number];

/** Declared interests (an interest once declared stays); how many this member has declared now. */
export async function declareInterests(
  trx: Database,
  opportunityId: string,
  userId: string,
  interests: { applicationId: string; detail: string }[],
) {
  for (const i of interests)
    await trx
      .insertInto('panel_exclusion')
      .values({
        opportunity_id: opportunityId,
        user_id: userId,
        application_id: i.applicationId,
        reason: 'declared_interest',
        detail: i.detail,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'application_id']).doUpdateSet({ reason: 'declared_interest', detail: i.detail }),
      )
      .execute();
  const declared = await trx
    .selectFrom('panel_exclusion')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('opportunity_id', '=', opportunityId)
    .where('user_id', '=', userId)
    .where('reason', '=', 'declared_interest')
    .executeTakeFirstOrThrow();
  return Number(declared.n);
}

export const recordDeclaration = (trx: Database, opportunityId: string, userId: string, text: string) =>
  trx
    .updateTable('panel_member')
    .set({ declared_at: new Date(), declaration: text })
    .where('opportunity_id', '=', opportunityId)
    .where('user_id', '=', userId)
    .execute();

/* Scores -------------------------------------------------------------------------------------------------------- */

/** Every score given on the opportunity's applications, with the scorer's name. */
export const scoresOn = (db: Database, opportunityId: string) =>
  db
    .selectFrom('assessment_score as s')
    .innerJoin(applications(db).as('a'), 'a.id', 's.application_id')
    .innerJoin(people(db).as('u'), 'u.id', 's.user_id')
    .select(['s.application_id', 's.criterion_id', 's.user_id', 's.score', 's.comment', 's.scored_at', 'u.name'])
    .where('a.opportunity_id', '=', opportunityId)
    .orderBy('u.name')
    .execute();
export type Score = Awaited<ReturnType<typeof scoresOn>>[number];

export async function saveScores(
  trx: Database,
  applicationId: string,
  userId: string,
  scores: { criterionId: string; score: number; comment: string }[],
) {
  for (const s of scores)
    await trx
      .insertInto('assessment_score')
      .values({
        application_id: applicationId,
        criterion_id: s.criterionId,
        user_id: userId,
        score: s.score,
        comment: s.comment,
      })
      .onConflict((oc) =>
        oc
          .columns(['application_id', 'criterion_id', 'user_id'])
          .doUpdateSet({ score: s.score, comment: s.comment, scored_at: new Date() }),
      )
      .execute();
}

/* Moderation ---------------------------------------------------------------------------------------------------- */

export async function moderatedFor(db: Database, applicationIds: string[]) {
  if (applicationIds.length === 0) return [];
  return db
    .selectFrom('moderated_score')
    .select(['application_id', 'criterion_id', 'score', 'note'])
    .where('application_id', 'in', applicationIds)
    .execute();
}
export type Moderated = Awaited<ReturnType<typeof moderatedFor>>[number];

/** Whether moderation has begun on any of the opportunity's applications. */
export async function moderationStarted(db: Database, opportunityId: string) {
  const row = await db
    .selectFrom('moderated_score as ms')
    .innerJoin(applications(db).as('a'), 'a.id', 'ms.application_id')
    .select('ms.application_id')
    .where('a.opportunity_id', '=', opportunityId)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

export async function saveModeration(
  trx: Database,
  applicationId: string,
  by: string,
  scores: { criterionId: string; score: number; note: string }[],
) {
  for (const s of scores)
    await trx
      .insertInto('moderated_score')
      .values({
        application_id: applicationId,
        criterion_id: s.criterionId,
        score: s.score,
        note: s.note,
        moderated_by: by,
      })
      .onConflict((oc) =>
        oc
          .columns(['application_id', 'criterion_id'])
          .doUpdateSet({ score: s.score, note: s.note, moderated_by: by, moderated_at: new Date() }),
      )
      .execute();
}

/* The people to tell ------------------------------------------------------------------------------------------- */

/** The e-mail addresses of the approved members of these organisations, each once. */
export async function memberEmails(db: Database, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  const rows = await db
    .selectFrom(approvedMemberships(db).as('m'))
    .innerJoin(people(db).as('u'), 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.organisation_id', 'in', organisationIds)
    .execute();
  return [...new Set(rows.map((r) => r.email))];
}
