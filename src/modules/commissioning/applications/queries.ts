import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus } from '../../../db/schema.ts';
import { ASSESSED_STATUSES } from './lifecycle.ts';

// The application's tables, read and written here only.

/** The application row, locked for update until the transaction ends: one change of state at a time. */
export const lockApplication = (trx: Database, id: string) =>
  trx.selectFrom('application').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export type StatusColumns = {
  submitted_at?: Date;
  submitted_by?: string | null;
  withdrawn_at?: Date;
  withdrawn_by?: string | null;
  withdrawal_reason?: string;
  decided_at?: Date;
  decided_by?: string | null;
  feedback?: string;
};

export async function writeStatus(
  trx: Database,
  id: string,
  status: ApplicationStatus,
  columns: StatusColumns,
  now: Date,
) {
  await trx
    .updateTable('application')
    .set({ ...columns, status, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function writeRank(trx: Database, id: string, rank: number | null) {
  await trx.updateTable('application').set({ rank }).where('id', '=', id).execute();
}

/** The statuses of an opportunity's applications that went to assessment. */
export const assessedOn = (trx: Database, opportunityId: string) =>
  trx
    .selectFrom('application')
    .select('status')
    .where('opportunity_id', '=', opportunityId)
    .where('status', 'in', ASSESSED_STATUSES)
    .execute();
