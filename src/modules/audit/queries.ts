import type { Database } from '../../db/index.ts';
import { people } from '../accounts/read-models.ts';

// The SQL of the audit log: one entry per change of data, written in the transaction of the change.

export async function insertEntry(
  db: Database,
  entry: { userId: string | null; action: string; entityType: string; entityId: string | null; detail: string },
) {
  await db
    .insertInto('audit_log')
    .values({
      user_id: entry.userId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      detail: entry.detail,
    })
    .execute();
}

/** Newest first, with who made each change; one more row than asked for says whether there is a next page. */
export function entries(db: Database, options: { limit: number; offset: number; entityType?: string | undefined }) {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin(people(db).as('u'), 'u.id', 'a.user_id')
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
  return query.orderBy('a.id', 'desc').limit(options.limit).offset(options.offset).execute();
}

/** The kinds of record the log mentions. */
export async function entityTypes(db: Database): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute();
  return rows.map((r) => r.entity_type);
}
