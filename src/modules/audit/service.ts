import type { Database } from '../../db/index.ts';
import * as q from './queries.ts';

export type AuditEntry = {
  userId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  detail?: Record<string, unknown>;
};

// Every change of data in every module is recorded here, inside the same transaction as the change.
export function createAuditService(db: Database) {
  return {
    async record(entry: AuditEntry, trx: Database = db): Promise<void> {
      await q.insertEntry(trx, {
        userId: entry.userId,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      });
    },

    async list(options: { page: number; pageSize?: number; entityType?: string | undefined }) {
      const pageSize = options.pageSize ?? 50;
      const rows = await q.entries(db, {
        limit: pageSize + 1,
        offset: (options.page - 1) * pageSize,
        entityType: options.entityType,
      });
      return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
    },

    /** The kinds of record the log mentions, for the filter on the audit page. */
    entityTypes: () => q.entityTypes(db),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
