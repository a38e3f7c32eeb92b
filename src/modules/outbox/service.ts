import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';

export type Email = { to: string; subject: string; body: string; kind: string };

/** Delivers one e-mail or throws. */
export type DeliveryAdapter = { name: string; deliver(email: Email & { from: string }): Promise<void> };

export function logAdapter(log: (message: string) => void = (m) => console.log(m)): DeliveryAdapter {
  return {
    name: 'log',
    async deliver(email) {
      log(`E-mail to ${email.to}: ${email.subject}`);
    },
  };
}

// All e-mail is written to the outbox inside the caller's transaction, so a change and its e-mail
// stand or fall together; `deliverPending` sends what is waiting through the configured adapter.
export function createOutboxService(db: Database, config: Config, adapter: DeliveryAdapter) {
  return {
    adapter,
    async queue(email: Email, trx: Database = db): Promise<void> {
      await trx
        .insertInto('outbox')
        .values({ to_address: email.to, subject: email.subject, body: email.body, kind: email.kind })
        .execute();
    },

    async deliverPending(limit = 100): Promise<{ sent: number; failed: number }> {
      const pending = await db
        .selectFrom('outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('attempts', '<', 5)
        .orderBy('id')
        .limit(limit)
        .execute();
      let sent = 0;
      let failed = 0;
      for (const row of pending) {
        try {
          await adapter.deliver({
            to: row.to_address,
            subject: row.subject,
            body: row.body,
            kind: row.kind,
            from: config.mail.from,
          });
          await db
            .updateTable('outbox')
            .set({ sent_at: new Date(), attempts: row.attempts + 1 })
            .where('id', '=', row.id)
            .execute();
          sent++;
        } catch (error) {
          await db
            .updateTable('outbox')
            .set({ attempts: row.attempts + 1, last_error: String((error as Error).message ?? error) })
            .where('id', '=', row.id)
            .execute();
          failed++;
        }
      }
      return { sent, failed };
    },

    async list(options: { page: number; pageSize?: number; to?: string | undefined }) {
      const pageSize = options.pageSize ?? 50;
      let query = db.selectFrom('outbox').selectAll();
      if (options.to) query = query.where((eb) => eb(eb.fn('lower', ['to_address']), '=', options.to!.toLowerCase()));
      const rows = await query
        .orderBy('id', 'desc')
        .limit(pageSize + 1)
        .offset((options.page - 1) * pageSize)
        .execute();
      return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
    },

    /** The newest e-mail to an address (used by the development outbox page and by tests). */
    async latestTo(to: string) {
      return db
        .selectFrom('outbox')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['to_address']), '=', to.toLowerCase()))
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
