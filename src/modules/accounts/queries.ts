import type { Insertable, Selectable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { AccountThrottleTable, AppUserTable, Role, ThrottleScope } from '../../db/schema.ts';
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

/** Which of these token hashes are of links that still work (unused and unexpired), whatever their kind. */
export async function liveTokenIds(db: Database, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_token')
    .select('id')
    .where('id', 'in', hashes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .execute();
  return new Set(rows.map((r) => r.id));
}

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

// ---- Sign-in attempts: the log of every password checked, and the counters that decide whether to check one ----

export async function recordAttempt(db: Database, values: { email: string; ip: string; succeeded: boolean; at: Date }) {
  await db.insertInto('sign_in_attempt').values(values).execute();
}

export async function forgetAttemptsBefore(db: Database, before: Date) {
  await db.deleteFrom('sign_in_attempt').where('at', '<', before).execute();
  await db
    .deleteFrom('account_throttle')
    .where(sql<Date>`coalesce(last_at, window_started_at)`, '<', before)
    .where((eb) => eb.or([eb('known_until', 'is', null), eb('known_until', '<', before)]))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .execute();
}

export type CounterKey = { scope: ThrottleScope; key: string };
type CounterRow = Selectable<AccountThrottleTable>;

/**
 * The counters named, locked for the rest of the transaction: a parallel attempt on any of them waits here until
 * this one has written its count. Missing counters are created first, always in the same order, so two attempts
 * never wait on each other.
 */
export async function lockCounters(trx: Database, keys: CounterKey[], now: Date): Promise<CounterRow[]> {
  const sorted = [...keys].sort((a, b) => `${a.scope} ${a.key}`.localeCompare(`${b.scope} ${b.key}`));
  await trx
    .insertInto('account_throttle')
    .values(sorted.map((k) => ({ scope: k.scope, key: k.key, window_started_at: now })))
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .execute();
  return trx
    .selectFrom('account_throttle')
    .selectAll()
    .where((eb) => eb.or(sorted.map((k) => eb.and([eb('scope', '=', k.scope), eb('key', '=', k.key)]))))
    .orderBy('scope')
    .orderBy('key')
    .forUpdate()
    .execute();
}

export async function writeCounter(
  trx: Database,
  k: CounterKey,
  values: Omit<Updateable<AccountThrottleTable>, 'scope' | 'key'>,
) {
  await trx.updateTable('account_throttle').set(values).where('scope', '=', k.scope).where('key', '=', k.key).execute();
}

const takeOne = (trx: Database, k: CounterKey, column: 'count' | 'accounts') =>
  trx
    .updateTable('account_throttle')
    .set({ [column]: sql<number>`greatest(${sql.ref(column)} - 1, 0)` })
    .where('scope', '=', k.scope)
    .where('key', '=', k.key)
    .execute();

/** Takes back a counted failure after a right password, under the same locks, so parallel writes cannot lose it. */
export async function takeBackFailure(
  db: Database,
  keys: { pair: CounterKey; account: CounterKey; ip: CounterKey },
  values: { now: Date; knownUntil: Date; newAccountForIp: boolean },
) {
  await db.transaction().execute(async (trx) => {
    await lockCounters(trx, [keys.account, keys.ip, keys.pair], values.now);
    await takeOne(trx, keys.account, 'count');
    if (values.newAccountForIp) await takeOne(trx, keys.ip, 'accounts');
    await writeCounter(trx, keys.pair, { count: 0, last_at: values.now, known_until: values.knownUntil });
  });
}

/** The counter of an address, for the lock its owner may clear. */
export const counter = (db: Database, k: CounterKey) =>
  db
    .selectFrom('account_throttle')
    .selectAll()
    .where('scope', '=', k.scope)
    .where('key', '=', k.key)
    .executeTakeFirst();

/**
 * Clears an address's lock and failures; with `lockNotifiedAt`, only while the lock is still that one. True when
 * this call cleared it.
 */
export async function clearLock(trx: Database, k: CounterKey, lockNotifiedAt?: Date) {
  let query = trx
    .updateTable('account_throttle')
    .set({ count: 0, locked_until: null, lock_notified_at: null })
    .where('scope', '=', k.scope)
    .where('key', '=', k.key);
  if (lockNotifiedAt) query = query.where('lock_notified_at', '=', lockNotifiedAt);
  return Boolean(await query.returning('key').executeTakeFirst());
}

/** Marks a connection as the owner's, after they proved it from an e-mailed link. */
export async function markKnown(trx: Database, k: CounterKey, now: Date, knownUntil: Date) {
  await trx
    .insertInto('account_throttle')
    .values({ scope: k.scope, key: k.key, window_started_at: now, last_at: now, known_until: knownUntil })
    .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ count: 0, known_until: knownUntil }))
    .execute();
}

/**
 * Counts one request against a quota in one statement (an upsert that increments and returns), so parallel
 * requests each see their own number. A window older than `since` starts again at 1.
 */
export async function countRequest(db: Database, k: CounterKey, now: Date, since: Date): Promise<number> {
  const row = await db
    .insertInto('account_throttle')
    .values({ scope: k.scope, key: k.key, count: 1, window_started_at: now, last_at: now })
    .onConflict((oc) =>
      oc.columns(['scope', 'key']).doUpdateSet({
        count: sql`case when account_throttle.window_started_at <= ${since} then 1 else account_throttle.count + 1 end`,
        window_started_at: sql`case when account_throttle.window_started_at <= ${since} then ${now} else account_throttle.window_started_at end`,
        last_at: now,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
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
