import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { passwords as argon2 } from '../../src/modules/accounts/passwords.ts';
import { forgetAttemptsBefore } from '../../src/modules/accounts/queries.ts';
import { SIGN_IN } from '../../src/modules/accounts/rules.ts';
import { type AccountDeps, createAccountService } from '../../src/modules/accounts/service.ts';
import { loadPlace } from '../../src/modules/place/config.ts';
import { type BudgetApp, budgetApp } from './harness.ts';

// The sign-in defences under parallel requests, on both databases: every attempt is counted before its password is
// checked, so a burst gets no more checks than the rules allow. Checks are counted in the database (one row of
// sign_in_attempt per password checked), never by timing.

let t: BudgetApp;
/** The same app on the same database, with the accounts service's clock stopped: a burst is judged at one instant. */
let frozen: FastifyInstance;
beforeAll(async () => {
  t = await budgetApp();
  const now = new Date();
  frozen = await buildApp({
    config: t.services.config,
    place: loadPlace('croydon'),
    services: { ...t.services, accounts: accountsWith({ now: () => now }) },
    logger: false,
  });
  await frozen.ready();
});
afterAll(async () => {
  await frozen?.close();
  await t?.close();
});

const PASSWORD = 'plum kettle orbit lantern';
let n = 0;
const uniqueEmail = (label: string) => `${label}-${++n}-${Date.now()}@example.test`;

async function person(label: string) {
  const email = uniqueEmail(label);
  const created = await t.services.accounts.createUser(
    { userId: null },
    { email, name: 'Sam Signer', role: 'resident', password: PASSWORD },
  );
  if (!created.ok) throw new Error(created.message);
  return { email, id: created.userId };
}

/** A CSRF cookie and token, as a browser showing the sign-in form holds. */
async function signInForm(app = frozen) {
  const page = await app.inject({ method: 'GET', url: '/sign-in' });
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return (fields: Record<string, string>, options: { from?: string; headers?: Record<string, string> } = {}) =>
    app.inject({
      method: 'POST',
      url: '/sign-in',
      remoteAddress: options.from ?? '127.0.0.1',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
}

/** How many passwords were checked for an address: one row per check. */
const checked = async (email: string) =>
  (await t.handle.db.selectFrom('sign_in_attempt').select('id').where('email', '=', email).execute()).length;

describe('a burst of parallel guesses', () => {
  it('from one connection gets only the free attempts checked, the right password among them or not', async () => {
    const { email, id } = await person('burst');
    const post = await signInForm();
    const guesses = Array.from({ length: 40 }, (_, i) =>
      post({ email, password: `wrong guess ${i}` }, { from: '198.51.100.20' }),
    );
    const right = post({ email, password: PASSWORD }, { from: '198.51.100.20' });
    const responses = await Promise.all([...guesses, right]);
    const answered = responses.filter((r) => r.statusCode !== 429);
    expect(await checked(email)).toBeLessThanOrEqual(SIGN_IN.freeFailures);
    expect(answered.length).toBe(await checked(email));
    // The right password signed in only if it was one of the few checked.
    const signedIn = responses.filter((r) => r.statusCode === 303).length;
    const sessions = await t.handle.db.selectFrom('user_session').select('id').where('user_id', '=', id).execute();
    expect(sessions.length).toBe(signedIn);
  });

  it('from many IPs on one address gets no more checked than the address allows, and locks it', async () => {
    const { email } = await person('spread');
    const post = await signInForm();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post({ email, password: `wrong guess ${i}` }, { from: `203.0.113.${i + 1}` }),
      ),
    );
    expect(await checked(email)).toBeLessThanOrEqual(SIGN_IN.accountFailures);
    expect(responses.filter((r) => r.statusCode !== 429).length).toBe(await checked(email));
    const locked = await post({ email, password: PASSWORD }, { from: '192.0.2.99' });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many attempts to sign in to this account');
    // The owner is told once, with a link to clear the lock.
    const mails = await t.handle.db.selectFrom('outbox').select('kind').where('to_address', '=', email).execute();
    expect(mails.filter((m) => m.kind === 'unlock_sign_in')).toHaveLength(1);
  });

  it('from one IP on many addresses gets only so many addresses checked', async () => {
    const post = await signInForm();
    const emails = Array.from({ length: 30 }, () => uniqueEmail('many'));
    await Promise.all(emails.map((email) => post({ email, password: 'wrong guess' }, { from: '198.51.100.30' })));
    let total = 0;
    for (const email of emails) total += await checked(email);
    expect(total).toBeLessThanOrEqual(SIGN_IN.accountsPerIp);
  });
});

describe('the client address', () => {
  const production = { NODE_ENV: 'production', BASE_URL: 'http://localhost:3000' };

  it('is the connection, not X-Forwarded-For, when TRUST_PROXY names no proxy', async () => {
    const app = await budgetApp({ env: production });
    try {
      const post = await signInForm(app.app);
      const statuses: number[] = [];
      for (let i = 0; i <= SIGN_IN.accountsPerIp; i++) {
        const res = await post(
          { email: uniqueEmail('xff'), password: 'wrong guess' },
          { from: '198.51.100.40', headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } },
        );
        statuses.push(res.statusCode);
      }
      // A new X-Forwarded-For on every request does not make a new client.
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

/** The accounts service on the test database, with a clock and a password hasher of the test's own. */
function accountsWith(options: Partial<AccountDeps>) {
  const { services, handle } = t;
  return createAccountService({
    db: handle.db,
    config: services.config,
    serviceName: 'Test',
    audit: services.audit,
    outbox: services.outbox,
    sessions: services.sessions,
    ...options,
  });
}

describe('slowing without locking the owner out', () => {
  it('makes each attempt from one IP on one address wait longer, while the owner elsewhere signs in', async () => {
    const { email } = await person('slowed');
    let clock = new Date();
    const later = (ms: number) => new Date(clock.getTime() + ms);
    const accounts = accountsWith({ now: () => clock });
    const attacker = { email, password: 'wrong guess', ip: '198.51.100.50' };
    for (let i = 0; i < SIGN_IN.freeFailures; i++)
      expect(await accounts.signIn(attacker)).toMatchObject({ reason: 'invalid' });

    expect(await accounts.signIn(attacker)).toEqual({ ok: false, reason: 'slow_down', retryAt: later(5_000) });
    clock = later(5_000);
    expect(await accounts.signIn(attacker)).toMatchObject({ reason: 'invalid' });
    expect(await accounts.signIn(attacker)).toEqual({ ok: false, reason: 'slow_down', retryAt: later(10_000) });
    expect(await checked(email)).toBe(SIGN_IN.freeFailures + 1);

    // The owner, on another connection, is not slowed.
    expect(await accounts.signIn({ email, password: PASSWORD, ip: '192.0.2.50' })).toMatchObject({ ok: true });
  });

  it('locks an address guessed from everywhere, except where its owner signed in; the e-mailed link clears it once', async () => {
    const { email } = await person('locked');
    const clock = new Date();
    const accounts = accountsWith({ now: () => clock });
    const home = '192.0.2.60';
    expect(await accounts.signIn({ email, password: PASSWORD, ip: home })).toMatchObject({ ok: true });
    for (let i = 0; i < SIGN_IN.accountFailures; i++) {
      expect(await accounts.signIn({ email, password: 'wrong guess', ip: `203.0.113.${100 + i}` })).toMatchObject({
        reason: 'invalid',
      });
    }
    const refused = await accounts.signIn({ email, password: PASSWORD, ip: '192.0.2.61' });
    expect(refused).toMatchObject({ ok: false, reason: 'locked' });
    expect(await accounts.signIn({ email, password: PASSWORD, ip: home })).toMatchObject({ ok: true });

    const mail = await t.services.outbox.latestTo(email);
    expect(mail?.kind).toBe('unlock_sign_in');
    const link = new URL(/https?:\/\/\S+\/unlock-sign-in\?token=[\w.-]+/.exec(mail!.body)![0]);
    const page = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(page.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const unlock = () =>
      t.app.inject({
        method: 'POST',
        url: '/unlock-sign-in',
        remoteAddress: '192.0.2.62',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: link.searchParams.get('token')!, _csrf: csrf }).toString(),
      });
    expect((await unlock()).statusCode).toBe(303);
    expect(await accounts.signIn({ email, password: PASSWORD, ip: '192.0.2.61' })).toMatchObject({ ok: true });
    // Once used, the link works no more.
    expect((await unlock()).statusCode).toBe(400);
  });
});

describe('forgetting', () => {
  it('drops counters and attempts older than asked, but keeps a connection still known to its owner', async () => {
    const { email } = await person('forgotten');
    const accounts = accountsWith({});
    await accounts.signIn({ email, password: PASSWORD, ip: '192.0.2.70' });
    await accounts.signIn({ email, password: 'wrong guess', ip: '192.0.2.71' });
    await forgetAttemptsBefore(t.handle.db, new Date(Date.now() + 60_000));
    const left = await t.handle.db
      .selectFrom('account_throttle')
      .select(['scope', 'key'])
      .where('key', 'like', `${email}%`)
      .execute();
    expect(left).toEqual([{ scope: 'pair', key: `${email}|192.0.2.70` }]);
    expect(await checked(email)).toBe(0);
  });
});

/** Records the kind of each statement and the first table it names. */
function statementRecorder() {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }: { node: RootOperationNode }) {
      const table = /"identifier":\{"kind":"IdentifierNode","name":"(\w+)"\}/.exec(JSON.stringify(node))?.[1];
      statements.push(`${node.kind} ${table ?? ''}`);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { statements, plugin };
}

describe('asking for e-mail', () => {
  it('does the same work to reset a password whether or not there is an account', async () => {
    const { email } = await person('reset');
    const recorder = statementRecorder();
    const accounts = accountsWith({ db: t.handle.db.withPlugin(recorder.plugin) });
    await accounts.requestPasswordReset(email, '198.51.100.70');
    const known = recorder.statements.splice(0);
    await accounts.requestPasswordReset(uniqueEmail('nobody'), '198.51.100.70');
    expect(recorder.statements).toEqual(known);
    expect(known).toContain('InsertQueryNode outbox');
  });

  it('limits requests to reset a password and to register, per address and per IP', async () => {
    const accounts = accountsWith({});
    const { email } = await person('limited');
    for (let i = 0; i < 3; i++)
      expect(await accounts.requestPasswordReset(email, `198.51.100.${80 + i}`)).toEqual({ ok: true });
    expect(await accounts.requestPasswordReset(email, '198.51.100.83')).toEqual({ ok: false, reason: 'rate_limited' });

    const ip = '198.51.100.90';
    for (let i = 0; i < 20; i++) expect((await accounts.requestPasswordReset(uniqueEmail('r'), ip)).ok).toBe(true);
    expect(await accounts.requestPasswordReset(uniqueEmail('r'), ip)).toEqual({ ok: false, reason: 'rate_limited' });

    const registration = (address: string, from: string) =>
      accounts.register({ name: 'Rae', email: address, password: PASSWORD, vcs: false, ip: from });
    const address = uniqueEmail('register');
    for (let i = 0; i < 3; i++) expect((await registration(address, `198.51.100.${100 + i}`)).ok).toBe(true);
    expect(await registration(address, '198.51.100.103')).toEqual({ ok: false, reason: 'rate_limited' });
  });

  it('checks a reset link before hashing the new password', async () => {
    let hashes = 0;
    const accounts = accountsWith({
      passwords: {
        ...argon2,
        hash: (password) => {
          hashes++;
          return argon2.hash(password);
        },
      },
    });
    expect(await accounts.resetPassword('made-up-token', 'violet harbour seven clocks')).toMatchObject({ ok: false });
    expect(hashes).toBe(0);
  });
});

describe('a form token', () => {
  it('works only in the session it was made for', async () => {
    const [a, b] = [await person('csrf-a'), await person('csrf-b')];
    const sidA = (await t.services.sessions.create(a.id)).token;
    const sidB = (await t.services.sessions.create(b.id)).token;
    /** The CSRF cookie and token of a page shown with these cookies. */
    const formOf = async (cookie: string) => {
      const page = await t.app.inject({ method: 'GET', url: '/account/name', headers: { cookie } });
      const secret = page.cookies.find((c) => c.name === '_csrf')?.value;
      return { secret, token: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
    };
    const rename = (sid: string, secret: string, token: string) =>
      t.app.inject({
        method: 'POST',
        url: '/account/name',
        headers: { cookie: `sid=${sid}; _csrf=${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ name: 'Renamed', _csrf: token }).toString(),
      });

    const ofA = await formOf(`sid=${sidA}`);
    // The same browser's CSRF cookie, but another person's session: refused.
    expect((await rename(sidB, ofA.secret!, ofA.token)).statusCode).toBe(403);
    expect((await rename(sidA, ofA.secret!, ofA.token)).statusCode).toBe(303);

    // A token from before signing in is refused after it.
    const anonymous = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const secret = anonymous.cookies.find((c) => c.name === '_csrf')!.value;
    const token = /name="_csrf" value="([^"]+)"/.exec(anonymous.body)![1]!;
    expect((await rename(sidA, secret, token)).statusCode).toBe(403);
  });
});
