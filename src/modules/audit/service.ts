import type { Database } from '../../db/index.ts';

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
      await trx
        .insertInto('audit_log')
        .values({
          user_id: entry.userId,
          action: entry.action,
          entity_type: entry.entityType,
          entity_id: entry.entityId ?? null,
          detail: JSON.stringify(entry.detail ?? {}),
        })
        .execute();
    },

    async list(options: { page: number; pageSize?: number; entityType?: string | undefined }) {
      const pageSize = options.pageSize ?? 50;
      let query = db
        .selectFrom('audit_log as a')
        .leftJoin('app_user as u', 'u.id', 'a.user_id')
        .select([
          'a.id',
          'a.at',
          'a.action',
          'a.entity_type',
          'a.entity_id',
          'a.detail',
          'u.name as user_name',
          'u.email as user_email',
        ]);
      if (options.entityType) query = query.where('a.entity_type', '=', options.entityType);
      const rows = await query
        .orderBy('a.id', 'desc')
        .limit(pageSize + 1)
        .offset((options.page - 1) * pageSize)
        .execute();
      return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
