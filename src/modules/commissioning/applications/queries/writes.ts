import type { Database } from '../../../../db/index.ts';

// What the lead's members write while an application is a draft: the application itself, its partners, answers,
// budget and outcome commitments.

export async function insertApplication(
  trx: Database,
  row: {
    reference: string;
    opportunity_id: string;
    lot_id: string | null;
    lead_organisation_id: string;
    kind: 'single' | 'partnership';
    created_by: string;
  },
) {
  return (await trx.insertInto('application').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function writeAbout(trx: Database, id: string, title: string, requestedPence: number) {
  await trx
    .updateTable('application')
    .set({ title, requested_pence: requestedPence, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function insertPartner(
  trx: Database,
  row: {
    application_id: string;
    organisation_id: string;
    role: string;
    share_pence: number;
    is_lead?: boolean;
    confirmed_at?: Date;
    confirmed_by?: string;
  },
) {
  await trx.insertInto('application_partner').values(row).execute();
}

export const partnerRow = (trx: Database, applicationId: string, organisationId: string) =>
  trx
    .selectFrom('application_partner')
    .select(['is_lead', 'role', 'share_pence', 'confirmed_at'])
    .where('application_id', '=', applicationId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();

/** The lead's share of a single application: the whole amount requested. */
export async function writeLeadShare(trx: Database, applicationId: string, sharePence: number) {
  await trx
    .updateTable('application_partner')
    .set({ share_pence: sharePence })
    .where('application_id', '=', applicationId)
    .where('is_lead', '=', true)
    .execute();
}

export async function writePartner(
  trx: Database,
  applicationId: string,
  organisationId: string,
  values: { role?: string; share_pence?: number; confirmed_at?: Date | null; confirmed_by?: string | null },
) {
  await trx
    .updateTable('application_partner')
    .set(values)
    .where('application_id', '=', applicationId)
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Takes a partner (never the lead) out, answering whether there was one. */
export async function deletePartner(trx: Database, applicationId: string, organisationId: string) {
  const gone = await trx
    .deleteFrom('application_partner')
    .where('application_id', '=', applicationId)
    .where('organisation_id', '=', organisationId)
    .where('is_lead', '=', false)
    .returning('organisation_id')
    .executeTakeFirst();
  return !!gone;
}

export async function upsertAnswer(trx: Database, applicationId: string, questionId: string, body: string) {
  await trx
    .insertInto('application_answer')
    .values({ application_id: applicationId, question_id: questionId, body })
    .onConflict((oc) => oc.columns(['application_id', 'question_id']).doUpdateSet({ body }))
    .execute();
}

export async function replaceBudget(
  trx: Database,
  applicationId: string,
  lines: { heading: string; amountPence: number }[],
) {
  await trx.deleteFrom('application_budget_line').where('application_id', '=', applicationId).execute();
  if (!lines.length) return;
  await trx
    .insertInto('application_budget_line')
    .values(
      lines.map((l, position) => ({
        application_id: applicationId,
        position,
        heading: l.heading,
        amount_pence: l.amountPence,
      })),
    )
    .execute();
}

export async function deleteCommitment(trx: Database, applicationId: string, indicatorId: string) {
  await trx
    .deleteFrom('application_commitment')
    .where('application_id', '=', applicationId)
    .where('indicator_id', '=', indicatorId)
    .execute();
}

export async function upsertCommitment(
  trx: Database,
  applicationId: string,
  c: { indicatorId: string; target: string; note: string },
) {
  await trx
    .insertInto('application_commitment')
    .values({ application_id: applicationId, indicator_id: c.indicatorId, target: c.target, note: c.note })
    .onConflict((oc) => oc.columns(['application_id', 'indicator_id']).doUpdateSet({ target: c.target, note: c.note }))
    .execute();
}
