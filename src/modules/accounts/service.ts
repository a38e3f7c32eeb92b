import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';
import type { AuditService } from '../audit/service.ts';
import type { OutboxService } from '../outbox/service.ts';
import {
  alreadyRegisteredMessage,
  confirmEmailMessage,
  invitationMessage,
  passwordChangedMessage,
  resetPasswordMessage,
} from './emails.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { normaliseEmail, passwordProblem, SIGN_IN_WINDOW_MS, signInBlocked, TOKEN_LIFETIME_MS } from './rules.ts';
import { hashToken, newToken, type SessionService } from './sessions.ts';

export type AccountDeps = {
  db: Database;
  config: Config;
  serviceName: string;
  audit: AuditService;
  outbox: OutboxService;
  sessions: SessionService;
};

/** Who made a change: a signed-in person, or the command line (no person). */
export type Actor = { userId: string | null; source?: 'cli' | 'web' };

/** A rule was not met: which form field it belongs to and what to tell the person. */
export type Problem = { ok: false; field: string; message: string };
const problem = (field: string, message: string): Problem => ({ ok: false, field, message });

type TokenPurpose = keyof typeof TOKEN_LIFETIME_MS;

export const STAFF_ROLES = ['officer', 'commissioner', 'admin'] as const satisfies readonly Role[];

/** Thrown inside a transaction to roll it back and answer with a problem. */
class Refusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export function createAccountService({ db, config, serviceName, audit, outbox, sessions }: AccountDeps) {
  const link = (path: string, token?: string) =>
    `${config.baseUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  // Verifying against a real hash when there is no such user keeps a wrong e-mail as slow as a wrong password.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return dummyHash;
  };

  const byEmail = (email: string, trx: Database = db) =>
    trx
      .selectFrom('app_user')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', normaliseEmail(email))
      .executeTakeFirst();

  async function issueToken(
    trx: Database,
    purpose: TokenPurpose,
    values: { email: string; userId?: string | null; role?: Role | null; invitedBy?: string | null },
  ): Promise<string> {
    const token = newToken();
    await trx
      .insertInto('user_token')
      .values({
        id: hashToken(token),
        purpose,
        email: values.email,
        user_id: values.userId ?? null,
        role: values.role ?? null,
        invited_by: values.invitedBy ?? null,
        expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS[purpose]),
      })
      .execute();
    return token;
  }

  /** Marks a token used and returns it, only if it is the right kind, unused and unexpired: one use, atomically. */
  function consumeToken(trx: Database, token: string, purpose: TokenPurpose) {
    return trx
      .updateTable('user_token')
      .set({ used_at: new Date() })
      .where('id', '=', hashToken(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returningAll()
      .executeTakeFirst();
  }

  function peekToken(token: string, purpose: TokenPurpose) {
    if (!token) return Promise.resolve(undefined);
    return db
      .selectFrom('user_token')
      .selectAll()
      .where('id', '=', hashToken(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
  }

  async function queueConfirmation(trx: Database, user: { id: string; email: string; name: string }) {
    const token = await issueToken(trx, 'confirm_email', { email: user.email, userId: user.id });
    await outbox.queue(
      { to: user.email, ...confirmEmailMessage({ serviceName, name: user.name, link: link('/confirm-email', token) }) },
      trx,
    );
  }

  async function inTransaction<T>(work: (trx: Database) => Promise<T>): Promise<T | Problem> {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (error instanceof Refusal) return error.problem;
      throw error;
    }
  }

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
        const created = await trx
          .insertInto('app_user')
          .values({ email, name: input.name, role, password_hash: passwordHash })
          .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
          .returning(['id', 'email', 'name'])
          .executeTakeFirst();
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
        await queueConfirmation(trx, created);
        await audit.record(
          { userId: created.id, action: 'register', entityType: 'user', entityId: created.id, detail: { role } },
          trx,
        );
      });
    },

    async confirmEmail(token: string): Promise<{ ok: boolean }> {
      if (!token) return { ok: false };
      return db.transaction().execute(async (trx) => {
        const row = await consumeToken(trx, token, 'confirm_email');
        if (!row?.user_id) return { ok: false };
        await trx
          .updateTable('app_user')
          .set({ email_confirmed_at: sql`coalesce(email_confirmed_at, now())` })
          .where('id', '=', row.user_id)
          .execute();
        await audit.record(
          { userId: row.user_id, action: 'confirm_email', entityType: 'user', entityId: row.user_id },
          trx,
        );
        return { ok: true };
      });
    },

    async resendConfirmation(userId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
        if (!user || user.email_confirmed_at) return;
        await queueConfirmation(trx, user);
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
      const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
      const failures = await db
        .selectFrom('sign_in_attempt')
        .select((eb) => [
          eb.fn.count<number>('id').filterWhere(sql<string>`lower(email)`, '=', email).as('email'),
          eb.fn.count<number>('id').filterWhere('ip', '=', input.ip).as('ip'),
        ])
        .where('succeeded', '=', false)
        .where('at', '>', since)
        .where((eb) => eb.or([eb(sql<string>`lower(email)`, '=', email), eb('ip', '=', input.ip)]))
        .executeTakeFirstOrThrow();
      if (signInBlocked({ email: Number(failures.email), ip: Number(failures.ip) })) {
        return { ok: false, reason: 'rate_limited' };
      }
      const user = await byEmail(email);
      const matches = await verifyPassword(user?.password_hash ?? (await dummy()), input.password);
      const valid = Boolean(user?.password_hash) && matches;
      await db
        .insertInto('sign_in_attempt')
        .values({ email, ip: input.ip, succeeded: valid && !user?.disabled_at })
        .execute();
      // Now and then, forget attempts older than a day: only the last 15 minutes ever count.
      if (Math.random() < 0.01) {
        await db
          .deleteFrom('sign_in_attempt')
          .where('at', '<', new Date(Date.now() - 24 * 3600 * 1000))
          .execute();
      }
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
        await trx
          .updateTable('user_token')
          .set({ used_at: new Date() })
          .where('purpose', '=', 'reset_password')
          .where('user_id', '=', user.id)
          .where('used_at', 'is', null)
          .execute();
        const token = await issueToken(trx, 'reset_password', { email: user.email, userId: user.id });
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
      return Boolean(await peekToken(token, 'reset_password'));
    },

    /** Sets a new password from a reset link and ends every session of that person. */
    async resetPassword(token: string, password: string): Promise<{ ok: true } | Problem> {
      const passwordHash = await hashPassword(password);
      return inTransaction(async (trx) => {
        const row = await consumeToken(trx, token, 'reset_password');
        if (!row?.user_id) throw new Refusal(problem('token', 'This link has expired or has already been used'));
        await trx
          .updateTable('app_user')
          .set({ password_hash: passwordHash, email_confirmed_at: sql`coalesce(email_confirmed_at, now())` })
          .where('id', '=', row.user_id)
          .execute();
        await trx.deleteFrom('user_session').where('user_id', '=', row.user_id).execute();
        await audit.record(
          { userId: row.user_id, action: 'reset_password', entityType: 'user', entityId: row.user_id },
          trx,
        );
        return { ok: true as const };
      });
    },

    async getAccount(userId: string) {
      return db
        .selectFrom('app_user')
        .select(['id', 'email', 'name', 'role', 'email_confirmed_at', 'disabled_at', 'created_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
    },

    async changeName(userId: string, name: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('app_user').select('name').where('id', '=', userId).executeTakeFirst();
        if (!before || before.name === name) return;
        await trx.updateTable('app_user').set({ name }).where('id', '=', userId).execute();
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
      const user = await db.selectFrom('app_user').selectAll().where('id', '=', input.userId).executeTakeFirst();
      if (!user) return problem('currentPassword', 'Your account could not be found');
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        return problem('currentPassword', 'Your current password is not correct');
      }
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('app_user').set({ password_hash: passwordHash }).where('id', '=', user.id).execute();
        let others = trx.deleteFrom('user_session').where('user_id', '=', user.id);
        if (input.sessionToken) others = others.where('id', '!=', hashToken(input.sessionToken));
        await others.execute();
        await outbox.queue(
          {
            to: user.email,
            ...passwordChangedMessage({ serviceName, name: user.name, resetLink: link('/forgot-password') }),
          },
          trx,
        );
        await audit.record({ userId: user.id, action: 'change_password', entityType: 'user', entityId: user.id }, trx);
      });
      return { ok: true };
    },

    // ---- Administration ----

    async listUsers(options: { q?: string | undefined; role?: Role | undefined; page: number; pageSize?: number }) {
      const pageSize = options.pageSize ?? 50;
      let query = db.selectFrom('app_user');
      if (options.q) {
        const pattern = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
      }
      if (options.role) query = query.where('role', '=', options.role);
      const [rows, count] = await Promise.all([
        query
          .select(['id', 'email', 'name', 'role', 'email_confirmed_at', 'disabled_at', 'created_at', 'password_hash'])
          .orderBy('name')
          .orderBy('email')
          .limit(pageSize)
          .offset((options.page - 1) * pageSize)
          .execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const total = Number(count.n);
      return {
        rows: rows.map(({ password_hash, ...row }) => ({ ...row, has_password: password_hash !== null })),
        total,
        hasNext: options.page * pageSize < total,
      };
    },

    async findUserByEmail(email: string) {
      const user = await byEmail(email);
      if (!user) return undefined;
      const { password_hash: _, ...rest } = user;
      return rest;
    },

    async setRole(actor: Actor, userId: string, role: Role): Promise<{ ok: true; changed: boolean } | Problem> {
      if (actor.userId === userId) return problem('role', 'You cannot change your own role. Ask another administrator');
      return inTransaction(async (trx) => {
        const user = await trx
          .selectFrom('app_user')
          .select(['id', 'role'])
          .where('id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!user) throw new Refusal(problem('role', 'There is no such user'));
        if (user.role === role) return { ok: true as const, changed: false };
        await trx.updateTable('app_user').set({ role }).where('id', '=', userId).execute();
        await audit.record(
          {
            userId: actor.userId,
            action: 'change_role',
            entityType: 'user',
            entityId: userId,
            detail: { from: user.role, to: role, ...(actor.source ? { source: actor.source } : {}) },
          },
          trx,
        );
        return { ok: true as const, changed: true };
      });
    },

    /** Disabling signs the person out everywhere; their records stay. */
    async setDisabled(actor: Actor, userId: string, disabled: boolean): Promise<{ ok: true } | Problem> {
      if (actor.userId === userId) return problem('status', 'You cannot disable your own account');
      return inTransaction(async (trx) => {
        const user = await trx
          .selectFrom('app_user')
          .select(['id', 'disabled_at'])
          .where('id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!user) throw new Refusal(problem('status', 'There is no such user'));
        if (Boolean(user.disabled_at) === disabled) return { ok: true as const };
        await trx
          .updateTable('app_user')
          .set({ disabled_at: disabled ? new Date() : null })
          .where('id', '=', userId)
          .execute();
        if (disabled) await trx.deleteFrom('user_session').where('user_id', '=', userId).execute();
        await audit.record(
          {
            userId: actor.userId,
            action: disabled ? 'disable' : 'enable',
            entityType: 'user',
            entityId: userId,
            detail: actor.source ? { source: actor.source } : {},
          },
          trx,
        );
        return { ok: true as const };
      });
    },

    /** Invites a member of staff by e-mail; the account is made when they accept. Returns the link. */
    async invite(actor: Actor, input: { email: string; role: Role }): Promise<{ ok: true; link: string } | Problem> {
      const email = normaliseEmail(input.email);
      if (await byEmail(email)) {
        return problem(
          'email',
          'There is already an account with this email address. Change its role on the users page instead',
        );
      }
      return inTransaction(async (trx) => {
        // A new invitation replaces any earlier one to the same address.
        await trx
          .updateTable('user_token')
          .set({ used_at: new Date() })
          .where('purpose', '=', 'invitation')
          .where(sql<string>`lower(email)`, '=', email)
          .where('used_at', 'is', null)
          .execute();
        const token = await issueToken(trx, 'invitation', { email, role: input.role, invitedBy: actor.userId });
        const inviter = actor.userId
          ? await trx.selectFrom('app_user').select('name').where('id', '=', actor.userId).executeTakeFirst()
          : undefined;
        const url = link('/invitation', token);
        await outbox.queue(
          {
            to: email,
            ...invitationMessage({ serviceName, role: input.role, link: url, invitedBy: inviter?.name ?? null }),
          },
          trx,
        );
        await audit.record(
          {
            userId: actor.userId,
            action: 'invite',
            entityType: 'invitation',
            detail: { email, role: input.role, ...(actor.source ? { source: actor.source } : {}) },
          },
          trx,
        );
        return { ok: true as const, link: url };
      });
    },

    async pendingInvitations() {
      return db
        .selectFrom('user_token as t')
        .leftJoin('app_user as u', 'u.id', 't.invited_by')
        .select(['t.email', 't.role', 't.created_at', 't.expires_at', 'u.name as invited_by_name'])
        .where('t.purpose', '=', 'invitation')
        .where('t.used_at', 'is', null)
        .where('t.expires_at', '>', new Date())
        .orderBy('t.created_at', 'desc')
        .execute();
    },

    /** What an invitation link is for, if it still works. */
    async invitation(token: string) {
      const row = await peekToken(token, 'invitation');
      if (!row?.role) return undefined;
      const user = row.user_id
        ? await db.selectFrom('app_user').select('name').where('id', '=', row.user_id).executeTakeFirst()
        : undefined;
      return { email: row.email, role: row.role, name: user?.name ?? '' };
    },

    /**
     * Accepts an invitation: creates the account with the invited role and a confirmed e-mail (or, for an
     * account made on the command line without a password, completes it) and signs the person in.
     */
    async acceptInvitation(
      token: string,
      input: { name: string; password: string },
    ): Promise<{ ok: true; token: string; expiresAt: Date; user: { id: string; role: Role } } | Problem> {
      const passwordHash = await hashPassword(input.password);
      const result = await inTransaction(async (trx) => {
        const row = await consumeToken(trx, token, 'invitation');
        if (!row?.role) throw new Refusal(problem('token', 'This invitation has expired or has already been used'));
        let userId = row.user_id;
        if (userId) {
          await trx
            .updateTable('app_user')
            .set({
              name: input.name,
              password_hash: passwordHash,
              email_confirmed_at: sql`coalesce(email_confirmed_at, now())`,
            })
            .where('id', '=', userId)
            .execute();
        } else {
          const created = await trx
            .insertInto('app_user')
            .values({
              email: row.email,
              name: input.name,
              role: row.role,
              password_hash: passwordHash,
              email_confirmed_at: new Date(),
            })
            .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!created) {
            throw new Refusal(
              problem(
                'token',
                'There is already an account with this email address. Sign in, or reset your password if you have forgotten it',
              ),
            );
          }
          userId = created.id;
        }
        const user = await trx
          .selectFrom('app_user')
          .select(['id', 'role'])
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            userId: user.id,
            action: 'accept_invitation',
            entityType: 'user',
            entityId: user.id,
            detail: { role: user.role, invitedBy: row.invited_by },
          },
          trx,
        );
        return { ok: true as const, user };
      });
      if (!result.ok) return result;
      const session = await sessions.create(result.user.id);
      return { ok: true, ...session, user: result.user };
    },

    /**
     * Creates an account directly (command line). With a password the account is ready; without one,
     * the person gets a one-time link to choose their password, which is returned to show to the operator.
     */
    async createUser(
      actor: Actor,
      input: { email: string; name: string; role: Role; password?: string | undefined },
    ): Promise<{ ok: true; userId: string; link: string | null } | Problem> {
      const email = normaliseEmail(input.email);
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return problem('email', 'Enter a valid email address');
      if (!input.name.trim()) return problem('name', 'Enter a name');
      if (await byEmail(email)) return problem('email', 'There is already an account with this email address');
      if (input.password !== undefined) {
        const weak = passwordProblem(input.password, { email, name: input.name });
        if (weak) return problem('password', weak);
      }
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      return inTransaction(async (trx) => {
        const created = await trx
          .insertInto('app_user')
          .values({
            email,
            name: input.name.trim(),
            role: input.role,
            password_hash: passwordHash,
            email_confirmed_at: new Date(),
          })
          .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!created) throw new Refusal(problem('email', 'There is already an account with this email address'));
        let url: string | null = null;
        if (passwordHash === null) {
          const token = await issueToken(trx, 'invitation', {
            email,
            userId: created.id,
            role: input.role,
            invitedBy: actor.userId,
          });
          url = link('/invitation', token);
        }
        await audit.record(
          {
            userId: actor.userId,
            action: 'create',
            entityType: 'user',
            entityId: created.id,
            detail: {
              email,
              role: input.role,
              withPassword: passwordHash !== null,
              ...(actor.source ? { source: actor.source } : {}),
            },
          },
          trx,
        );
        return { ok: true as const, userId: created.id, link: url };
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
