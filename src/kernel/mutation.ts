import type { Database } from '../db/index.ts';
import { claimKey, forgetKeysBefore, keepResult } from './queries/idempotency.ts';
import { isRefusal, type Refusal, Refused, refusal } from './result.ts';

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
 * A create form's key (drawn into the form as `_idempotency`), what the form creates, and who sent it. The first
 * submission's result is kept with the key, so a second submission of the same form returns it and creates nothing.
 * The work's result must survive JSON (ids and slugs, not dates).
 */
export type Once = { key: string; purpose: string; userId: string | null };

/**
 * `mutate(work)` runs `work` in a new transaction, or in `trx` when a caller in another module already holds one
 * (the documented way for a transaction to span modules: pass it as `trx`).
 */
export function createMutate({ db, audit, outbox }: MutationDeps) {
  return async function mutate<T>(
    work: (trx: Database, effects: MutationEffects) => Promise<T | Refusal>,
    options: { trx?: Database; once?: Once | undefined } = {},
  ): Promise<T | Refusal> {
    const { once } = options;
    const run = async (trx: Database) => {
      if (once) {
        const claim = await claimKey(trx, once.key, once.purpose, once.userId);
        if (!claim.claimed) {
          // A key is drawn at random for one form; another purpose or person sending it is not a resubmission.
          if (claim.purpose !== once.purpose || claim.userId !== once.userId)
            return refusal(409, 'This form was already sent. Go back, reload the page and fill it in again.');
          return claim.result as T;
        }
      }
      const entries: AuditRecord[] = [];
      const emails: QueuedEmail[] = [];
      const result = await work(trx, { audit: (e) => entries.push(e), email: (m) => emails.push(m) });
      if (isRefusal(result)) throw new Refused(result);
      for (const entry of entries) await audit.record(entry, trx);
      if (emails.length && !outbox) throw new Error('This change sends e-mail but was given no outbox');
      for (const email of emails) await outbox!.queue(email, trx);
      if (once) await keepResult(trx, once.key, result);
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

/** Keys of forms sent more than a day ago: a form left open that long is drawn again before it is sent. */
export const forgetOldFormKeys = (db: Database) => forgetKeysBefore(db, new Date(Date.now() - 86_400_000));
