import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';
import { type AccountContext, type Problem, problem } from './context.ts';
import { alreadyRegisteredMessage, passwordChangedMessage, resetPasswordMessage } from './emails.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import * as q from './queries.ts';
import { normaliseEmail, SIGN_IN_WINDOW_MS, signInBlocked } from './rules.ts';
import { hashToken } from './sessions.ts';

// What people do with their own account: register, confirm, sign in, reset and change their password and name.

export function createSelfService(ctx: AccountContext) {
  const { db, audit, outbox, sessions, serviceName, link, byEmail } = ctx;

  return {
    /**
     * Creates a resident or VCS member and e-mails a confirmation link. When the address is already
     * registered, the owner gets a "you already have an account" e-mail instead: the page says the same either way.
     */
    async register(input: { name: string; email: string; password: string; vcs: boolean }): Promise<void> {
      const email = normaliseEmail(input.email);
      const passwordHash = await hashPassword(input.password);
      const role: Role = input.vcs ? 'vcs_member' : 'resident';
      await db.transaction().execute(async (trx) => {
        const created = await q.insertUser(trx, { email, name: input.name, role, password_hash: passwordHash });
        if (!created) {
          const existing = await byEmail(email, trx);
          if (!existing) return;
          await outbox.queue(
            {
              to: existing.email,
              ...alreadyRegisteredMessage({
                serviceName,
                name: existing.name,
                signInLink: link('/sign-in'),
                resetLink: link('/forgot-password'),
              }),
            },
            trx,
          );
          return;
        }
        await ctx.queueConfirmation(trx, created);
        await audit.record(
          { userId: created.id, action: 'register', entityType: 'user', entityId: created.id, detail: { role } },
          trx,
        );
      });
    },

    async confirmEmail(token: string): Promise<{ ok: boolean }> {
      if (!token) return { ok: false };
      return db.transaction().execute(async (trx) => {
        const row = await ctx.consumeToken(trx, token, 'confirm_email');
        if (!row?.user_id) return { ok: false };
        await q.confirmEmailOf(trx, row.user_id);
        await audit.record(
          { userId: row.user_id, action: 'confirm_email', entityType: 'user', entityId: row.user_id },
          trx,
        );
        return { ok: true };
      });
    },

    async resendConfirmation(userId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const user = await q.userById(trx, userId);
        if (!user || user.email_confirmed_at) return;
        await ctx.queueConfirmation(trx, user);
      });
    },

    /**
     * Checks an e-mail and password. Failed attempts are counted per address and per IP in the
     * database, so every app process sees the same counts.
     */
    async signIn(input: {
      email: string;
      password: string;
      ip: string;
    }): Promise<
      | { ok: true; token: string; expiresAt: Date; user: { id: string; role: Role } }
      | { ok: false; reason: 'invalid' | 'rate_limited' | 'disabled' }
    > {
      const email = normaliseEmail(input.email);
      const failures = await q.recentFailures(db, email, input.ip, new Date(Date.now() - SIGN_IN_WINDOW_MS));
      if (signInBlocked(failures)) return { ok: false, reason: 'rate_limited' };
      const user = await byEmail(email);
      const matches = await verifyPassword(user?.password_hash ?? (await ctx.dummy()), input.password);
      const valid = Boolean(user?.password_hash) && matches;
      await q.recordAttempt(db, { email, ip: input.ip, succeeded: valid && !user?.disabled_at });
      // Now and then, forget attempts older than a day: only the last 15 minutes ever count.
      if (Math.random() < 0.01) await q.forgetAttemptsBefore(db, new Date(Date.now() - 24 * 3600 * 1000));
      if (!valid || !user) return { ok: false, reason: 'invalid' };
      if (user.disabled_at) return { ok: false, reason: 'disabled' };
      const session = await sessions.create(user.id);
      return { ok: true, ...session, user: { id: user.id, role: user.role } };
    },

    /** E-mails a reset link when there is such an account; says nothing either way. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const user = await byEmail(emailInput, trx);
        if (!user || user.disabled_at) return;
        // Only the newest link works.
        await q.retireTokens(trx, 'reset_password', { userId: user.id });
        const token = await ctx.issueToken(trx, 'reset_password', { email: user.email, userId: user.id });
        await outbox.queue(
          {
            to: user.email,
            ...resetPasswordMessage({ serviceName, name: user.name, link: link('/reset-password', token) }),
          },
          trx,
        );
        await audit.record(
          { userId: user.id, action: 'request_password_reset', entityType: 'user', entityId: user.id },
          trx,
        );
      });
    },

    async resetTokenIsValid(token: string): Promise<boolean> {
      return Boolean(await ctx.peekToken(token, 'reset_password'));
    },

    /** Sets a new password from a reset link and ends every session of that person. */
    async resetPassword(token: string, password: string): Promise<{ ok: true } | Problem> {
      const passwordHash = await hashPassword(password);
      return ctx.mutate(async (trx, effects) => {
        const row = await ctx.consumeToken(trx, token, 'reset_password');
        if (!row?.user_id) return problem('token', 'This link has expired or has already been used');
        await q.setPassword(trx, row.user_id, passwordHash, { confirm: true });
        await q.deleteSessionsOf(trx, row.user_id);
        effects.audit({ userId: row.user_id, action: 'reset_password', entityType: 'user', entityId: row.user_id });
        return { ok: true as const };
      }) as Promise<{ ok: true } | Problem>;
    },

    getAccount: (userId: string, trx: Database = db) => q.accountById(trx, userId),

    async changeName(userId: string, name: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await q.userById(trx, userId);
        if (!before || before.name === name) return;
        await q.setName(trx, userId, name);
        await audit.record(
          {
            userId,
            action: 'change_name',
            entityType: 'user',
            entityId: userId,
            detail: { from: before.name, to: name },
          },
          trx,
        );
      });
    },

    /** Changes a password after checking the current one; every other session of that person ends. */
    async changePassword(input: {
      userId: string;
      sessionToken: string | undefined;
      currentPassword: string;
      newPassword: string;
    }): Promise<{ ok: true } | Problem> {
      const user = await q.userById(db, input.userId);
      if (!user) return problem('currentPassword', 'Your account could not be found');
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        return problem('currentPassword', 'Your current password is not correct');
      }
      const passwordHash = await hashPassword(input.newPassword);
      await ctx.mutate(async (trx, effects) => {
        await q.setPassword(trx, user.id, passwordHash, { confirm: false });
        await q.deleteSessionsOf(trx, user.id, input.sessionToken ? hashToken(input.sessionToken) : undefined);
        effects.email({
          to: user.email,
          ...passwordChangedMessage({ serviceName, name: user.name, resetLink: link('/forgot-password') }),
        });
        effects.audit({ userId: user.id, action: 'change_password', entityType: 'user', entityId: user.id });
      });
      return { ok: true };
    },
  };
}
