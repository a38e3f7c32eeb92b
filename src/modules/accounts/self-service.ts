import type { Selectable } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { AccountThrottleTable, Role } from '../../db/schema.ts';
import { type AccountContext, type Problem, problem } from './context.ts';
import {
  alreadyRegisteredMessage,
  noAccountMessage,
  passwordChangedMessage,
  resetPasswordMessage,
  resetUnavailableMessage,
  unlockMessage,
} from './emails.ts';
import * as q from './queries.ts';
import {
  type Counter,
  EMAIL_REQUEST_LIMITS,
  emptyCounter,
  judgeSignIn,
  normaliseEmail,
  SIGN_IN,
  type SignInCounters,
} from './rules.ts';
import { hashToken } from './sessions.ts';

/** The purpose of the e-mailed link that clears a locked address (a kernel signed link). */
export const UNLOCK_PURPOSE = 'unlock-sign-in';

/** The counters of one attempt to sign in: the address and IP together, the address, and the IP. */
const signInKeys = (email: string, ip: string) => ({
  pair: { scope: 'pair' as const, key: `${email}|${ip}` },
  account: { scope: 'account' as const, key: email },
  ip: { scope: 'ip' as const, key: ip },
});

const toCounter = (row: Selectable<AccountThrottleTable> | undefined, now: Date): Counter =>
  row
    ? {
        count: row.count,
        accounts: row.accounts,
        windowStartedAt: new Date(row.window_started_at),
        lastAt: row.last_at ? new Date(row.last_at) : null,
        lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
        lockNotifiedAt: row.lock_notified_at ? new Date(row.lock_notified_at) : null,
        knownUntil: row.known_until ? new Date(row.known_until) : null,
      }
    : emptyCounter(now);

const fromCounter = (c: Counter) => ({
  count: c.count,
  accounts: c.accounts,
  window_started_at: c.windowStartedAt,
  last_at: c.lastAt,
  locked_until: c.lockedUntil,
  lock_notified_at: c.lockNotifiedAt,
  known_until: c.knownUntil,
});

export type SignInRefusal =
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'slow_down' | 'locked' | 'too_many_accounts'; retryAt: Date };

// What people do with their own account: register, confirm, sign in, reset and change their password and name.

export function createSelfService(ctx: AccountContext) {
  const { db, audit, outbox, sessions, serviceName, link, byEmail, now, passwords, signedLinks } = ctx;

  /** Counts a request for e-mail per IP and per address; false when either is over its limit. */
  async function withinLimits(kind: 'reset' | 'register', email: string, ip: string | undefined): Promise<boolean> {
    const at = now();
    const since = new Date(at.getTime() - EMAIL_REQUEST_LIMITS.windowMs);
    if (ip !== undefined) {
      const fromIp = await q.countRequest(db, { scope: `${kind}_ip`, key: ip }, at, since);
      if (fromIp > EMAIL_REQUEST_LIMITS[`${kind}_ip`]) return false;
    }
    const toAddress = await q.countRequest(db, { scope: `${kind}_address`, key: email }, at, since);
    return toAddress <= EMAIL_REQUEST_LIMITS[`${kind}_address`];
  }

  /** E-mails the owner of a locked address a link that clears the lock, signed with the lock's time. */
  async function queueUnlock(trx: Database, email: string, lockNotifiedAt: Date) {
    const user = await byEmail(email, trx);
    if (!user || user.disabled_at) return;
    const token = signedLinks.sign({
      purpose: UNLOCK_PURPOSE,
      subject: email,
      expiresAt: new Date(now().getTime() + SIGN_IN.unlockLinkMs),
      state: lockNotifiedAt.toISOString(),
    });
    await outbox.queue(
      {
        to: user.email,
        ...unlockMessage({
          serviceName,
          name: user.name,
          link: link('/unlock-sign-in', token),
          resetLink: link('/forgot-password'),
        }),
      },
      trx,
    );
  }

  /** The address an unlock link is for, when the link is genuine, unexpired and its lock is still the same. */
  async function unlockLinkFor(token: string, trx: Database = db): Promise<string | null> {
    const claimed = signedLinks.peek(token);
    if (!claimed || claimed.purpose !== UNLOCK_PURPOSE) return null;
    const row = await q.counter(trx, { scope: 'account', key: claimed.subject });
    if (!row?.lock_notified_at) return null;
    const link = signedLinks.verify(token, UNLOCK_PURPOSE, new Date(row.lock_notified_at).toISOString());
    return link ? link.subject : null;
  }

  return {
    /**
     * Creates a resident or VCS member and e-mails a confirmation link. When the address is already
     * registered, the owner gets a "you already have an account" e-mail instead: the page says the same either way.
     */
    async register(input: {
      name: string;
      email: string;
      password: string;
      vcs: boolean;
      ip?: string;
    }): Promise<{ ok: true } | { ok: false; reason: 'rate_limited' }> {
      const email = normaliseEmail(input.email);
      if (!(await withinLimits('register', email, input.ip))) return { ok: false, reason: 'rate_limited' };
      const passwordHash = await passwords.hash(input.password);
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
      return { ok: true };
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
     * Checks an e-mail and password. Each attempt is counted before its password is checked, under a row lock on its
     * counters in the database, so parallel attempts are judged one after another and every app process sees the
     * same counts: attempts from one IP on one address wait longer after each failure, an address that fails from
     * everywhere is locked (its owner is e-mailed a link to clear it), and one IP may try only so many addresses.
     */
    async signIn(input: {
      email: string;
      password: string;
      ip: string;
    }): Promise<{ ok: true; token: string; expiresAt: Date; user: { id: string; role: Role } } | SignInRefusal> {
      const email = normaliseEmail(input.email);
      const at = now();
      const keys = signInKeys(email, input.ip);
      const verdict = await db.transaction().execute(async (trx) => {
        const rows = await q.lockCounters(trx, [keys.account, keys.ip, keys.pair], at);
        const find = (k: q.CounterKey) => rows.find((r) => r.scope === k.scope && r.key === k.key);
        const current: SignInCounters = {
          pair: toCounter(find(keys.pair), at),
          account: toCounter(find(keys.account), at),
          ip: toCounter(find(keys.ip), at),
        };
        const judged = judgeSignIn(current, at);
        for (const name of ['pair', 'account', 'ip'] as const) {
          await q.writeCounter(trx, keys[name], fromCounter(judged.next[name]));
        }
        if (!judged.verdict.allowed && judged.verdict.notifyOwner) {
          await queueUnlock(trx, email, judged.next.account.lockNotifiedAt!);
        }
        return judged.verdict;
      });
      if (!verdict.allowed) return { ok: false, reason: verdict.reason, retryAt: verdict.retryAt };

      const user = await byEmail(email);
      const matches = await passwords.verify(user?.password_hash ?? (await ctx.dummy()), input.password);
      const valid = Boolean(user?.password_hash) && matches;
      const succeeded = valid && !user?.disabled_at;
      await q.recordAttempt(db, { email, ip: input.ip, succeeded, at });
      if (succeeded) {
        await q.takeBackFailure(db, keys, {
          now: at,
          knownUntil: new Date(at.getTime() + SIGN_IN.knownForMs),
          newAccountForIp: verdict.newAccountForIp,
        });
      }
      // Now and then, forget what is older than a day: no counter looks back that far.
      if (Math.random() < 0.01) await q.forgetAttemptsBefore(db, new Date(at.getTime() - 24 * 3600 * 1000));
      if (!valid || !user) return { ok: false, reason: 'invalid' };
      if (user.disabled_at) return { ok: false, reason: 'disabled' };
      const session = await sessions.create(user.id);
      return { ok: true, ...session, user: { id: user.id, role: user.role } };
    },

    /**
     * Which of these links (from e-mails in the outbox) still open something: a one-time link whose token is unused
     * and unexpired, or a signed link that still verifies. Whoever reads the outbox must not be able to use them.
     */
    async liveLinks(urls: string[]): Promise<Set<string>> {
      const tokens = new Map<string, string>();
      for (const url of urls) {
        try {
          const token = new URL(url).searchParams.get('token');
          if (token) tokens.set(url, token);
        } catch {
          // Not a link: nothing to hide.
        }
      }
      const live = await q.liveTokenIds(db, [...new Set([...tokens.values()].map(hashToken))]);
      const result = new Set<string>();
      for (const [url, token] of tokens) {
        if (live.has(hashToken(token)) || (await unlockLinkFor(token))) result.add(url);
      }
      return result;
    },

    /** Whether an e-mailed link to clear a locked address still works. */
    unlockLinkIsValid: async (token: string) => Boolean(await unlockLinkFor(token)),

    /**
     * Clears the lock on an address from the link e-mailed to its owner, and marks the connection it was opened on
     * as theirs. The link works once: clearing the lock changes the state it was signed with.
     */
    async unlockSignIn(token: string, ip: string): Promise<{ ok: boolean }> {
      return db.transaction().execute(async (trx) => {
        const claimed = signedLinks.peek(token);
        if (!claimed) return { ok: false };
        await q.lockCounters(trx, [{ scope: 'account', key: claimed.subject }], now());
        const email = await unlockLinkFor(token, trx);
        if (!email) return { ok: false };
        const row = await q.counter(trx, { scope: 'account', key: email });
        if (
          !row?.lock_notified_at ||
          !(await q.clearLock(trx, { scope: 'account', key: email }, row.lock_notified_at))
        ) {
          return { ok: false };
        }
        const at = now();
        await q.markKnown(trx, signInKeys(email, ip).pair, at, new Date(at.getTime() + SIGN_IN.knownForMs));
        const user = await byEmail(email, trx);
        await audit.record(
          { userId: user?.id ?? null, action: 'unlock_sign_in', entityType: 'user', entityId: user?.id ?? null },
          trx,
        );
        return { ok: true };
      });
    },

    /**
     * E-mails a reset link when there is such an account, and otherwise a note that there is none. Both branches do
     * the same work (the same statements, in the same order, the same e-mail written to the outbox) so neither the
     * page nor the time it takes says whether an account exists. Limited per address and per IP.
     */
    async requestPasswordReset(
      emailInput: string,
      ip?: string,
    ): Promise<{ ok: true } | { ok: false; reason: 'rate_limited' }> {
      const email = normaliseEmail(emailInput);
      if (!(await withinLimits('reset', email, ip))) return { ok: false, reason: 'rate_limited' };
      await db.transaction().execute(async (trx) => {
        const user = await byEmail(email, trx);
        const usable = user && !user.disabled_at ? user : undefined;
        // Only the newest link works. A token is written either way; one without an account opens nothing.
        await q.retireTokens(trx, 'reset_password', { email });
        const token = await ctx.issueToken(trx, 'reset_password', { email, userId: usable?.id ?? null });
        const message = usable
          ? resetPasswordMessage({ serviceName, name: usable.name, link: link('/reset-password', token) })
          : user
            ? resetUnavailableMessage({ serviceName, name: user.name })
            : noAccountMessage({ serviceName, registerLink: link('/register') });
        await outbox.queue({ to: user?.email ?? email, ...message }, trx);
        await audit.record(
          {
            userId: usable?.id ?? null,
            action: 'request_password_reset',
            entityType: 'user',
            entityId: user?.id ?? null,
          },
          trx,
        );
      });
      return { ok: true };
    },

    async resetTokenIsValid(token: string): Promise<boolean> {
      return Boolean((await ctx.peekToken(token, 'reset_password'))?.user_id);
    },

    /**
     * Sets a new password from a reset link and ends every session of that person. The link is checked before the
     * password is hashed, so a made-up token costs no hashing; it is used up atomically after.
     */
    async resetPassword(token: string, password: string): Promise<{ ok: true } | Problem> {
      const expired = problem('token', 'This link has expired or has already been used');
      if (!(await ctx.peekToken(token, 'reset_password'))?.user_id) return expired;
      const passwordHash = await passwords.hash(password);
      return ctx.mutate(async (trx, effects) => {
        const row = await ctx.consumeToken(trx, token, 'reset_password');
        if (!row?.user_id) return expired;
        await q.setPassword(trx, row.user_id, passwordHash, { confirm: true });
        await q.deleteSessionsOf(trx, row.user_id);
        // Whoever can read the address's e-mail may sign in again at once.
        await q.clearLock(trx, { scope: 'account', key: normaliseEmail(row.email) });
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
      if (!(await passwords.verify(user.password_hash, input.currentPassword))) {
        return problem('currentPassword', 'Your current password is not correct');
      }
      const passwordHash = await passwords.hash(input.newPassword);
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
