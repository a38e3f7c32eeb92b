import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { AppUserTable, Role } from '../../db/schema.ts';
import { approvedMemberships, organisations } from '../organisations/read-models.ts';

// The SQL of accounts: people, their sessions, one-time links and sign-in attempts.

export type TokenPurpose = 'confirm_email' | 'reset_password' | 'invitation';

// ---- People ----

export const userByEmail = (db: Database, email: string) =>
  db.selectFrom('app_user').selectAll().where(sql<string>`lower(email)`, '=', email).executeTakeFirst();

export const userById = (db: Database, id: string) =>
  db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();

/** A person's account without the password hash. */
export const accountById = (db: Database, id: string) =>
  db
    .selectFrom('app_user')
    .select(['id', 'email', 'name', 'role', 'email_confirmed_at', 'disabled_at', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();

/** Locks a person's row for a change of role or status. */
export const lockUser = (db: Database, id: string) =>
  db.selectFrom('app_user').select(['id', 'role', 'disabled_at']).where('id', '=', id).forUpdate().executeTakeFirst();

/** Adds a person unless the address is taken (in any case); undefined when it is. */
export const insertUser = (db: Database, values: Insertable<AppUserTable>) =>
  db
    .insertInto('app_user')
    .values(values)
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirst();

export async function confirmEmailOf(db: Database, userId: string) {
  await db
    .updateTable('app_user')
    .set({ email_confirmed_at: sql`coalesce(email_confirmed_at, now())` })
    .where('id', '=', userId)
    .execute();
}

/** Sets a password (and a name, when accepting an invitation); using a link sent to the address confirms it. */
export async function setPassword(
  db: Database,
  userId: string,
  passwordHash: string,
  options: { confirm: boolean; name?: string },
) {
  await db
    .updateTable('app_user')
    .set({
      password_hash: passwordHash,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.confirm ? { email_confirmed_at: sql`coalesce(email_confirmed_at, now())` } : {}),
    })
    .where('id', '=', userId)
    .execute();
}

export async function setName(db: Database, userId: string, name: string) {
  await db.updateTable('app_user').set({ name }).where('id', '=', userId).execute();
}

export async function setRole(db: Database, userId: string, role: Role) {
  await db.updateTable('app_user').set({ role }).where('id', '=', userId).execute();
}

export async function setDisabledAt(db: Database, userId: string, at: Date | null) {
  await db.updateTable('app_user').set({ disabled_at: at }).where('id', '=', userId).execute();
}

export async function listUsers(
  db: Database,
  options: { q?: string | undefined; role?: Role | undefined; limit: number; offset: number },
) {
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
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** How many accounts there are, and how many are disabled. */
export async function userCounts(db: Database) {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => [
      eb.fn.countAll<number>().as('all'),
      eb.fn.countAll<number>().filterWhere('disabled_at', 'is not', null).as('disabled'),
    ])
    .executeTakeFirstOrThrow();
  return { users: Number(row.all), disabled: Number(row.disabled) };
}

// ---- One-time links, stored by the hash of their token ----

export async function insertToken(
  db: Database,
  values: {
    id: string;
    purpose: TokenPurpose;
    email: string;
    userId: string | null;
    role: Role | null;
    invitedBy: string | null;
    expiresAt: Date;
  },
) {
  await db
    .insertInto('user_token')
    .values({
      id: values.id,
      purpose: values.purpose,
      email: values.email,
      user_id: values.userId,
      role: values.role,
      invited_by: values.invitedBy,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** Marks a token used and returns it, only if it is the right kind, unused and unexpired: one use, atomically. */
export const consumeToken = (db: Database, hash: string, purpose: TokenPurpose) =>
  db
    .updateTable('user_token')
    .set({ used_at: new Date() })
    .where('id', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();

export const liveToken = (db: Database, hash: string, purpose: TokenPurpose) =>
  db
    .selectFrom('user_token')
    .selectAll()
    .where('id', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();

/** Ends the unused links of a kind sent to a person (by account) or to an address. */
export async function retireTokens(db: Database, purpose: TokenPurpose, to: { userId: string } | { email: string }) {
  let query = db
    .updateTable('user_token')
    .set({ used_at: new Date() })
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null);
  query =
    'userId' in to ? query.where('user_id', '=', to.userId) : query.where(sql<string>`lower(email)`, '=', to.email);
  await query.execute();
}

export const pendingInvitations = (db: Database) =>
  db
    .selectFrom('user_token as t')
    .leftJoin('app_user as u', 'u.id', 't.invited_by')
    .select(['t.email', 't.role', 't.created_at', 't.expires_at', 'u.name as invited_by_name'])
    .where('t.purpose', '=', 'invitation')
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', new Date())
    .orderBy('t.created_at', 'desc')
    .execute();

// ---- Sign-in attempts ----

export async function recentFailures(db: Database, email: string, ip: string, since: Date) {
  const row = await db
    .selectFrom('sign_in_attempt')
    .select((eb) => [
      eb.fn.count<number>('id').filterWhere(sql<string>`lower(email)`, '=', email).as('email'),
      eb.fn.count<number>('id').filterWhere('ip', '=', ip).as('ip'),
    ])
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb(sql<string>`lower(email)`, '=', email), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();
  return { email: Number(row.email), ip: Number(row.ip) };
}

export async function recordAttempt(db: Database, values: { email: string; ip: string; succeeded: boolean }) {
  await db.insertInto('sign_in_attempt').values(values).execute();
}

export async function forgetAttemptsBefore(db: Database, before: Date) {
  await db.deleteFrom('sign_in_attempt').where('at', '<', before).execute();
}

// ---- Sessions, stored by the hash of the cookie's token ----

export async function insertSession(db: Database, values: { id: string; userId: string; expiresAt: Date }) {
  await db
    .insertInto('user_session')
    .values({ id: values.id, user_id: values.userId, expires_at: values.expiresAt })
    .execute();
}

/** The person behind a live session, unless their account is disabled. */
export const sessionUser = (db: Database, hash: string) =>
  db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 's.last_seen_at'])
    .where('s.id', '=', hash)
    .where('s.expires_at', '>', new Date())
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();

export async function touchSession(db: Database, hash: string) {
  await db.updateTable('user_session').set({ last_seen_at: new Date() }).where('id', '=', hash).execute();
}

export async function deleteSession(db: Database, hash: string) {
  await db.deleteFrom('user_session').where('id', '=', hash).execute();
}

/** Ends every session of a person, or every one but the session `except`. */
export async function deleteSessionsOf(db: Database, userId: string, except?: string) {
  let query = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (except) query = query.where('id', '!=', except);
  await query.execute();
}

/** The organisations a person has been approved to act for, as the directory publishes them. */
export const organisationsActedFor = (db: Database, userId: string) =>
  db
    .selectFrom(approvedMemberships(db).as('m'))
    .innerJoin(organisations(db).as('o'), 'o.id', 'm.organisation_id')
    .select(['o.id', 'o.slug', 'o.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.name')
    .execute();
