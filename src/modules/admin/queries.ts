import type { Database } from '../../db/index.ts';

/** The kinds of record the audit log mentions, for the filter on the audit page. */
export async function auditEntityTypes(db: Database): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute();
  return rows.map((r) => r.entity_type);
}

/** Counts for the admin dashboard. */
export async function adminCounts(db: Database) {
  const [users, pendingOutbox] = await Promise.all([
    db
      .selectFrom('app_user')
      .select((eb) => [
        eb.fn.countAll<number>().as('all'),
        eb.fn.countAll<number>().filterWhere('disabled_at', 'is not', null).as('disabled'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sent_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { users: Number(users.all), disabledUsers: Number(users.disabled), pendingEmails: Number(pendingOutbox.n) };
}
