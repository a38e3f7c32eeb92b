import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import * as q from './queries.ts';

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
const MAX_ATTEMPTS = 5;

export function createOutboxService(db: Database, config: Config, adapter: DeliveryAdapter) {
  return {
    adapter,
    /** The site's address, whose links an e-mail may carry. */
    baseUrl: config.baseUrl,
    /** One-time links in e-mails may be followed from the outbox page only outside production. */
    linksClickable: config.env !== 'production',
    async queue(email: Email, trx: Database = db): Promise<void> {
      await q.insertEmail(trx, email);
    },

    async deliverPending(limit = 100): Promise<{ sent: number; failed: number }> {
      let sent = 0;
      let failed = 0;
      for (const row of await q.pending(db, limit, MAX_ATTEMPTS)) {
        try {
          await adapter.deliver({
            to: row.to_address,
            subject: row.subject,
            body: row.body,
            kind: row.kind,
            from: config.mail.from,
          });
          await q.markSent(db, row.id, row.attempts + 1);
          sent++;
        } catch (error) {
          await q.markFailed(db, row.id, row.attempts + 1, String((error as Error).message ?? error));
          failed++;
        }
      }
      return { sent, failed };
    },

    async list(options: { page: number; pageSize?: number; to?: string | undefined }) {
      const pageSize = options.pageSize ?? 50;
      const rows = await q.emails(db, { limit: pageSize + 1, offset: (options.page - 1) * pageSize, to: options.to });
      return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
    },

    /** The newest e-mail to an address (used by the development outbox page and by tests). */
    async latestTo(to: string) {
      return (await q.emails(db, { limit: 1, to }))[0];
    },

    /** How many e-mails wait to be sent (the admin dashboard). */
    unsentCount: () => q.unsentCount(db),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
