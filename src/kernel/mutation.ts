import type { Database } from '../db/index.ts';
import { isRefusal, type Refusal, Refused } from './result.ts';

// The one skeleton of a change of data: in one transaction, the work (which guards itself with a locked read or a
// conditional update, and may refuse), then the audit entry and the e-mails it asked for. A refusal, returned or
// thrown as `Refused`, rolls all of it back, so nothing is audited or sent for a change that did not happen.

export type AuditRecord = {
  userId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  detail?: Record<string, unknown>;
};
export type QueuedEmail = { to: string; subject: string; body: string; kind: string };

export type MutationEffects = {
  audit(entry: AuditRecord): void;
  email(message: QueuedEmail): void;
};

export type MutationDeps = {
  db: Database;
  audit: { record(entry: AuditRecord, trx?: Database): Promise<void> };
  outbox?: { queue(email: QueuedEmail, trx?: Database): Promise<void> };
};

/**
 * `mutate(work)` runs `work` in a new transaction, or in `trx` when a caller in another module already holds one
 * (the documented way for a transaction to span modules: pass it as `trx`).
 */
export function createMutate({ db, audit, outbox }: MutationDeps) {
  return async function mutate<T>(
    work: (trx: Database, effects: MutationEffects) => Promise<T | Refusal>,
    options: { trx?: Database } = {},
  ): Promise<T | Refusal> {
    const run = async (trx: Database) => {
      const entries: AuditRecord[] = [];
      const emails: QueuedEmail[] = [];
      const result = await work(trx, { audit: (e) => entries.push(e), email: (m) => emails.push(m) });
      if (isRefusal(result)) throw new Refused(result);
      for (const entry of entries) await audit.record(entry, trx);
      if (emails.length && !outbox) throw new Error('This change sends e-mail but was given no outbox');
      for (const email of emails) await outbox!.queue(email, trx);
      return result;
    };
    try {
      return options.trx ? await run(options.trx) : await db.transaction().execute(run);
    } catch (error) {
      if (error instanceof Refused) return error.refusal;
      throw error;
    }
  };
}

export type Mutate = ReturnType<typeof createMutate>;
