import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';
import { type AccountContext, type Initiator, type Problem, problem, sourceOf } from './context.ts';
import { invitationMessage } from './emails.ts';
import * as q from './queries.ts';
import { normaliseEmail, passwordProblem } from './rules.ts';

// Managing other people's accounts: roles, disabling, invitations of staff and accounts made on the command line.

type Session = { ok: true; token: string; expiresAt: Date; user: { id: string; role: Role } };

export function createAdministration(ctx: AccountContext) {
  const { db, sessions, serviceName, link, byEmail, mutate } = ctx;
  const noSuchUser = (field: string) => problem(field, 'There is no such user', 404);

  async function setRole(by: Initiator, userId: string, role: Role): Promise<{ ok: true; changed: boolean } | Problem> {
    if (by.userId === userId) return problem('role', 'You cannot change your own role. Ask another administrator');
    return mutate(async (trx, effects) => {
      const user = await q.lockUser(trx, userId);
      if (!user) return noSuchUser('role');
      if (user.role === role) return { ok: true as const, changed: false };
      await q.setRole(trx, userId, role);
      effects.audit({
        userId: by.userId,
        action: 'change_role',
        entityType: 'user',
        entityId: userId,
        detail: { from: user.role, to: role, ...sourceOf(by) },
      });
      return { ok: true as const, changed: true };
    }) as Promise<{ ok: true; changed: boolean } | Problem>;
  }

  /**
   * Belonging to an organisation is what makes a resident a VCS member: the directory calls this, inside its own
   * transaction, when it approves a membership. Staff and VCS members keep their role. True when it changed.
   */
  async function promoteToVcsMember(by: Initiator, userId: string, because: string, trx: Database = db) {
    const user = await q.lockUser(trx, userId);
    if (user?.role !== 'resident') return false;
    await q.setRole(trx, userId, 'vcs_member');
    await ctx.audit.record(
      {
        userId: by.userId,
        action: 'user.role',
        entityType: 'app_user',
        entityId: userId,
        detail: { from: 'resident', to: 'vcs_member', because },
      },
      trx,
    );
    return true;
  }

  /** Disabling signs the person out everywhere; their records stay. */
  async function setDisabled(by: Initiator, userId: string, disabled: boolean): Promise<{ ok: true } | Problem> {
    if (by.userId === userId) return problem('status', 'You cannot disable your own account');
    return mutate(async (trx, effects) => {
      const user = await q.lockUser(trx, userId);
      if (!user) return noSuchUser('status');
      if (Boolean(user.disabled_at) === disabled) return { ok: true as const };
      await q.setDisabledAt(trx, userId, disabled ? new Date() : null);
      if (disabled) await q.deleteSessionsOf(trx, userId);
      effects.audit({
        userId: by.userId,
        action: disabled ? 'disable' : 'enable',
        entityType: 'user',
        entityId: userId,
        detail: sourceOf(by),
      });
      return { ok: true as const };
    }) as Promise<{ ok: true } | Problem>;
  }

  /** Invites a member of staff by e-mail; the account is made when they accept. Returns the link. */
  async function invite(
    by: Initiator,
    input: { email: string; role: Role },
  ): Promise<{ ok: true; link: string } | Problem> {
    const email = normaliseEmail(input.email);
    if (await byEmail(email)) {
      return problem(
        'email',
        'There is already an account with this email address. Change its role on the users page instead',
      );
    }
    return mutate(async (trx, effects) => {
      // A new invitation replaces any earlier one to the same address.
      await q.retireTokens(trx, 'invitation', { email });
      const token = await ctx.issueToken(trx, 'invitation', { email, role: input.role, invitedBy: by.userId });
      const inviter = by.userId ? await q.userById(trx, by.userId) : undefined;
      const url = link('/invitation', token);
      effects.email({
        to: email,
        ...invitationMessage({ serviceName, role: input.role, link: url, invitedBy: inviter?.name ?? null }),
      });
      effects.audit({
        userId: by.userId,
        action: 'invite',
        entityType: 'invitation',
        detail: { email, role: input.role, ...sourceOf(by) },
      });
      return { ok: true as const, link: url };
    }) as Promise<{ ok: true; link: string } | Problem>;
  }

  /** What an invitation link is for, if it still works. */
  async function invitation(token: string) {
    const row = await ctx.peekToken(token, 'invitation');
    if (!row?.role) return undefined;
    const user = row.user_id ? await q.userById(db, row.user_id) : undefined;
    return { email: row.email, role: row.role, name: user?.name ?? '' };
  }

  /**
   * Accepts an invitation: creates the account with the invited role and a confirmed e-mail (or, for an
   * account made on the command line without a password, completes it) and signs the person in.
   */
  async function acceptInvitation(
    token: string,
    input: { name: string; password: string },
  ): Promise<Session | Problem> {
    const passwordHash = await ctx.passwords.hash(input.password);
    const result = await mutate(async (trx, effects) => {
      const row = await ctx.consumeToken(trx, token, 'invitation');
      if (!row?.role) return problem('token', 'This invitation has expired or has already been used');
      let userId = row.user_id;
      if (userId) {
        await q.setPassword(trx, userId, passwordHash, { confirm: true, name: input.name });
      } else {
        const created = await q.insertUser(trx, {
          email: row.email,
          name: input.name,
          role: row.role,
          password_hash: passwordHash,
          email_confirmed_at: new Date(),
        });
        if (!created) {
          return problem(
            'token',
            'There is already an account with this email address. Sign in, or reset your password if you have forgotten it',
          );
        }
        userId = created.id;
      }
      const user = (await q.userById(trx, userId))!;
      effects.audit({
        userId: user.id,
        action: 'accept_invitation',
        entityType: 'user',
        entityId: user.id,
        detail: { role: user.role, invitedBy: row.invited_by },
      });
      return { ok: true as const, user: { id: user.id, role: user.role } };
    });
    if (!result.ok) return result as Problem;
    const session = await sessions.create(result.user.id);
    return { ok: true, ...session, user: result.user };
  }

  /**
   * Creates an account directly (command line). With a password the account is ready; without one,
   * the person gets a one-time link to choose their password, which is returned to show to the operator.
   */
  async function createUser(
    by: Initiator,
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
    const passwordHash = input.password === undefined ? null : await ctx.passwords.hash(input.password);
    return mutate(async (trx, effects) => {
      const created = await q.insertUser(trx, {
        email,
        name: input.name.trim(),
        role: input.role,
        password_hash: passwordHash,
        email_confirmed_at: new Date(),
      });
      if (!created) return problem('email', 'There is already an account with this email address');
      let url: string | null = null;
      if (passwordHash === null) {
        const invitedBy = by.userId;
        const token = await ctx.issueToken(trx, 'invitation', {
          email,
          userId: created.id,
          role: input.role,
          invitedBy,
        });
        url = link('/invitation', token);
      }
      effects.audit({
        userId: by.userId,
        action: 'create',
        entityType: 'user',
        entityId: created.id,
        detail: { email, role: input.role, withPassword: passwordHash !== null, ...sourceOf(by) },
      });
      return { ok: true as const, userId: created.id, link: url };
    }) as Promise<{ ok: true; userId: string; link: string | null } | Problem>;
  }

  return {
    async listUsers(options: { q?: string | undefined; role?: Role | undefined; page: number; pageSize?: number }) {
      const pageSize = options.pageSize ?? 50;
      const { rows, total } = await q.listUsers(db, {
        q: options.q,
        role: options.role,
        limit: pageSize,
        offset: (options.page - 1) * pageSize,
      });
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

    /** How many accounts there are, and how many are disabled (the admin dashboard). */
    counts: () => q.userCounts(db),

    setRole,
    promoteToVcsMember,
    setDisabled,
    invite,
    pendingInvitations: () => q.pendingInvitations(db),
    invitation,
    acceptInvitation,
    createUser,
  };
}
