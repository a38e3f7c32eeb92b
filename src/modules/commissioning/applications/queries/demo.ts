import type { Insertable } from 'kysely';
import type { Database } from '../../../../db/index.ts';
import type { DB } from '../../../../db/schema.ts';
import { people } from '../../../accounts/read-models.ts';
import { organisations } from '../../../organisations/read-models.ts';

// The demo loader's queries on applications (src/seed): demo applications are marked `is_demo` and refreshed by
// reference, keeping their ids; partners, answers, budget lines and commitments hang below them.

/** The demo applications with these references. */
export const demoApplicationsByReference = (trx: Database, references: string[]) =>
  trx
    .selectFrom('application')
    .select(['id', 'reference'])
    .where('reference', 'in', references)
    .where('is_demo', '=', true)
    .execute();

/** Whether any application, demo or real, has one of these references. */
export async function applicationReferencesTaken(trx: Database, references: string[]): Promise<boolean> {
  const rows = await trx.selectFrom('application').select('id').where('reference', 'in', references).execute();
  return rows.length > 0;
}

export const insertDemoApplication = (trx: Database, row: Insertable<DB['application']>) =>
  trx.insertInto('application').values(row).execute();
export const insertPartners = (trx: Database, rows: Insertable<DB['application_partner']>[]) =>
  trx.insertInto('application_partner').values(rows).execute();
export const insertAnswers = (trx: Database, rows: Insertable<DB['application_answer']>[]) =>
  trx.insertInto('application_answer').values(rows).execute();
export const insertBudgetLines = (trx: Database, rows: Insertable<DB['application_budget_line']>[]) =>
  trx.insertInto('application_budget_line').values(rows).execute();
export const insertCommitments = (trx: Database, rows: Insertable<DB['application_commitment']>[]) =>
  trx.insertInto('application_commitment').values(rows).execute();

export async function demoApplicationIds(trx: Database): Promise<string[]> {
  return (await trx.selectFrom('application').select('id').where('is_demo', '=', true).execute()).map((r) => r.id);
}

/** Deletes applications (their partners, answers, budget lines and commitments cascade). */
export async function deleteApplications(trx: Database, ids: string[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('application').where('id', 'in', ids).execute();
}

/** Deletes every application to these opportunities. */
export async function deleteApplicationsTo(trx: Database, opportunityIds: string[]): Promise<void> {
  if (opportunityIds.length)
    await trx.deleteFrom('application').where('opportunity_id', 'in', opportunityIds).execute();
}

/** Deletes the commitments made against these outcome indicators. */
export async function deleteCommitmentsTo(trx: Database, indicatorIds: string[]): Promise<void> {
  if (indicatorIds.length)
    await trx.deleteFrom('application_commitment').where('indicator_id', 'in', indicatorIds).execute();
}

/**
 * Applications led by a demo organisation, and a demo organisation's place as a partner, go with the demo; real
 * applications lose their pointers to demo people.
 */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demoOrganisations = trx.selectFrom(organisations(trx).as('o')).select('o.id').where('o.is_demo', '=', true);
  await trx.deleteFrom('application').where('lead_organisation_id', 'in', demoOrganisations).execute();
  await trx.deleteFrom('application_partner').where('organisation_id', 'in', demoOrganisations).execute();
  const demo = trx.selectFrom(people(trx).as('p')).select('p.id').where('p.is_demo', '=', true);
  await trx.updateTable('application').set({ created_by: null }).where('created_by', 'in', demo).execute();
  await trx.updateTable('application').set({ decided_by: null }).where('decided_by', 'in', demo).execute();
  await trx.updateTable('application').set({ submitted_by: null }).where('submitted_by', 'in', demo).execute();
  await trx.updateTable('application').set({ withdrawn_by: null }).where('withdrawn_by', 'in', demo).execute();
  await trx.updateTable('application_partner').set({ confirmed_by: null }).where('confirmed_by', 'in', demo).execute();
}
