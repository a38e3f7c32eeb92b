import { type Insertable, sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { DB } from '../../../db/schema.ts';

// The demo loader's queries on accounts (src/seed): demo people are marked `is_demo`, and only they are removed.

export const insertDemoPeople = (trx: Database, rows: Insertable<DB['app_user']>[]) =>
  trx.insertInto('app_user').values(rows).execute();

/** Which of these addresses (compared without case) already belong to an account. */
export async function accountsWithEmails(trx: Database, emails: string[]): Promise<string[]> {
  const lower = emails.map((e) => e.toLowerCase());
  const taken: string[] = [];
  for (let i = 0; i < lower.length; i += 1000) {
    const rows = await trx
      .selectFrom('app_user')
      .select('email')
      .where(sql<string>`lower(email)`, 'in', lower.slice(i, i + 1000))
      .execute();
    taken.push(...rows.map((r) => r.email));
  }
  return taken;
}

export async function hasAnyAccount(db: Database): Promise<boolean> {
  return Boolean(await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
}

export async function hasDemoPeople(db: Database): Promise<boolean> {
  return Boolean(await db.selectFrom('app_user').select('id').where('is_demo', '=', true).limit(1).executeTakeFirst());
}

/** Every demo account, by e-mail address. */
export const demoPeople = (trx: Database) =>
  trx.selectFrom('app_user').select(['id', 'email', 'role']).where('is_demo', '=', true).orderBy('email').execute();

/** Real invitations sent by demo people lose the pointer (their own tokens go with them). */
export async function detachFromDemo(trx: Database): Promise<void> {
  const demo = trx.selectFrom('app_user').select('id').where('is_demo', '=', true);
  await trx.updateTable('user_token').set({ invited_by: null }).where('invited_by', 'in', demo).execute();
}

export async function deleteDemoPeople(trx: Database): Promise<number> {
  const result = await trx.deleteFrom('app_user').where('is_demo', '=', true).executeTakeFirst();
  return Number(result.numDeletedRows);
}
