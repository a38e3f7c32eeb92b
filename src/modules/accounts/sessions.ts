import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';
import * as q from './queries.ts';

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
      await q.insertSession(db, { id: hashToken(token), userId, expiresAt });
      return { token, expiresAt };
    },

    async load(token: string | undefined): Promise<CurrentUser | null> {
      if (!token) return null;
      const row = await q.sessionUser(db, hashToken(token));
      if (!row) return null;
      const organisations = await q.organisationsActedFor(db, row.id);
      // Touch at most every few minutes: a write per request would be waste.
      if (Date.now() - new Date(row.last_seen_at).getTime() > 5 * 60 * 1000) {
        await q.touchSession(db, hashToken(token));
      }
      return { id: row.id, email: row.email, name: row.name, role: row.role, organisations };
    },

    async destroy(token: string | undefined): Promise<void> {
      if (token) await q.deleteSession(db, hashToken(token));
    },

    async destroyAllFor(userId: string): Promise<void> {
      await q.deleteSessionsOf(db, userId);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
