import type { Database } from '../../db/index.ts';

// The SQL of the outbox: e-mails written in the caller's transaction, and their delivery.

export async function insertEmail(db: Database, email: { to: string; subject: string; body: string; kind: string }) {
  await db
    .insertInto('outbox')
    .values({ to_address: email.to, subject: email.subject, body: email.body, kind: email.kind })
    .execute();
}

/** E-mails not yet sent that have not failed too often, oldest first. */
export const pending = (db: Database, limit: number, maxAttempts: number) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .orderBy('id')
    .limit(limit)
    .execute();

export async function markSent(db: Database, id: number, attempts: number) {
  await db.updateTable('outbox').set({ sent_at: new Date(), attempts }).where('id', '=', id).execute();
}

export async function markFailed(db: Database, id: number, attempts: number, error: string) {
  await db.updateTable('outbox').set({ attempts, last_error: error }).where('id', '=', id).execute();
}

/** Newest first, to one address when given; `limit` and `offset` page through them. */
export function emails(db: Database, options: { limit: number; offset?: number; to?: string | undefined }) {
  let query = db.selectFrom('outbox').selectAll();
  if (options.to) {
    const to = options.to.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', ['to_address']), '=', to));
  }
  return query
    .orderBy('id', 'desc')
    .limit(options.limit)
    .offset(options.offset ?? 0)
    .execute();
}

/** How many e-mails wait to be sent. */
export async function unsentCount(db: Database): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
