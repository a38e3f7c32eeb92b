import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Organisations the user has been approved to act for. */
  organisations: { id: string; slug: string; name: string; role: 'member' | 'admin' }[];
};

export const SESSION_DAYS = 14;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

// Sessions live in the database (the app keeps no state), keyed by the hash of the cookie's token.
export function createSessionService(db: Database) {
  return {
    async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
      const token = newToken();
      const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
      await db
        .insertInto('user_session')
        .values({ id: hashToken(token), user_id: userId, expires_at: expiresAt })
        .execute();
      return { token, expiresAt };
    },

    async load(token: string | undefined): Promise<CurrentUser | null> {
      if (!token) return null;
      const row = await db
        .selectFrom('user_session as s')
        .innerJoin('app_user as u', 'u.id', 's.user_id')
        .select(['u.id', 'u.email', 'u.name', 'u.role', 's.last_seen_at'])
        .where('s.id', '=', hashToken(token))
        .where('s.expires_at', '>', new Date())
        .where('u.disabled_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const organisations = await db
        .selectFrom('membership as m')
        .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
        .select(['o.id', 'o.slug', 'o.name', 'm.role'])
        .where('m.user_id', '=', row.id)
        .where('m.status', '=', 'approved')
        .orderBy('o.name')
        .execute();
      // Touch at most every few minutes: a write per request would be waste.
      if (Date.now() - new Date(row.last_seen_at).getTime() > 5 * 60 * 1000) {
        await db
          .updateTable('user_session')
          .set({ last_seen_at: new Date() })
          .where('id', '=', hashToken(token))
          .execute();
      }
      return { id: row.id, email: row.email, name: row.name, role: row.role, organisations };
    },

    async destroy(token: string | undefined): Promise<void> {
      if (token) await db.deleteFrom('user_session').where('id', '=', hashToken(token)).execute();
    },

    async destroyAllFor(userId: string): Promise<void> {
      await db.deleteFrom('user_session').where('user_id', '=', userId).execute();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
