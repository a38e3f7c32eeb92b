import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../test/support/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const PASSWORD = 'plum kettle orbit lantern';
let n = 0;
const uniqueEmail = (label: string) => `${label}-${++n}-${Date.now()}@example.test`;

/** The path and query of the one link to this service in the newest e-mail to an address. */
async function linkIn(email: string, path: string): Promise<string> {
  const mail = await t.services.outbox.latestTo(email);
  expect(mail, `an e-mail to ${email}`).toBeTruthy();
  const match = new RegExp(`https?://[^\\s]+${path.replace('?', '\\?')}\\?token=[\\w-]+`).exec(mail!.body);
  expect(match, `a ${path} link in: ${mail!.body}`).toBeTruthy();
  const url = new URL(match![0]);
  return `${url.pathname}${url.search}`;
}

async function registered(options: { vcs?: boolean } = {}) {
  const email = uniqueEmail('person');
  const client = await t.as(null);
  await client.get('/register');
  const res = await client.post('/register', {
    name: 'Ada Okafor',
    email,
    password: PASSWORD,
    confirmPassword: PASSWORD,
    ...(options.vcs ? { vcs: 'yes' } : {}),
  });
  expect(res.statusCode).toBe(303);
  return { email, client };
}

async function signIn(client: TestClient, email: string, password = PASSWORD, next?: string) {
  await client.get('/sign-in');
  return client.post('/sign-in', { email, password, ...(next !== undefined ? { next } : {}) });
}

const user = (email: string) =>
  t.handle.db.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

describe('registering and confirming an email address', () => {
  it('registers, e-mails a confirmation link, confirms, signs in and signs out', async () => {
    const { email, client } = await registered();
    expect((await client.get('/check-your-email')).body).toContain('Check your email');
    const created = await user(email);
    expect(created.role).toBe('resident');
    expect(created.email_confirmed_at).toBeNull();
    expect(created.password_hash).toMatch(/^\$argon2id\$/);

    const tokenRow = await t.handle.db
      .selectFrom('user_token')
      .selectAll()
      .where('user_id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(tokenRow.purpose).toBe('confirm_email');
    const link = await linkIn(email, '/confirm-email');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    // Only the hash is stored, and the link lasts a day.
    expect(tokenRow.id).not.toBe(token);
    expect(tokenRow.id).toMatch(/^[0-9a-f]{64}$/);
    const hours = (new Date(tokenRow.expires_at).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    const confirmed = await client.get(link);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Your email address is confirmed');
    expect((await user(email)).email_confirmed_at).not.toBeNull();
    expect((await client.get(link)).statusCode).toBe(400);

    const signedIn = await signIn(client, email);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
    const account = await client.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Ada Okafor');
    expect(account.body).toContain('Resident');
    expect(account.body).not.toContain('Confirm your email address');

    const out = await client.post('/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(client.cookies.has('sid')).toBe(false);
    const after = await client.get('/account');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/sign-in?next=%2Faccount');

    const actions = await t.handle.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity_id', '=', created.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['register', 'confirm_email']);
    expect(JSON.stringify(actions)).not.toContain(token);
  });

  it('makes a VCS member of someone who works or volunteers for an organisation', async () => {
    const { email } = await registered({ vcs: true });
    expect((await user(email)).role).toBe('vcs_member');
  });

  it('explains every problem in an error summary and keeps what was typed, never the password', async () => {
    const client = await t.as(null);
    await client.get('/register');
    const bad = await client.post('/register', {
      name: '',
      email: 'not-an-email',
      password: 'password123',
      confirmPassword: 'password123',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Enter your full name');
    expect(bad.body).toContain('Enter an email address in the correct format');
    expect(bad.body).toContain('Choose a password that is harder to guess');
    expect(bad.body).toContain('href="#password"');
    expect(bad.body).toContain('value="not-an-email"');
    expect(bad.body).not.toContain('value="password123"');
    expect(bad.body).toMatch(/<title>Error: /);

    const short = await client.post('/register', {
      name: 'B',
      email: 'b@example.test',
      password: 'short',
      confirmPassword: 'short',
    });
    expect(short.body).toContain('Password must be 10 characters or more');
    const mismatch = await client.post('/register', {
      name: 'B',
      email: 'b@example.test',
      password: PASSWORD,
      confirmPassword: `${PASSWORD}x`,
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('Passwords do not match');
    expect(
      await t.handle.db.selectFrom('app_user').select('id').where('email', '=', 'b@example.test').execute(),
    ).toEqual([]);
  });

  it('does not reveal that an address is registered: the owner is e-mailed instead', async () => {
    const { email } = await registered();
    const before = await user(email);
    const again = await t.as(null);
    await again.get('/register');
    const res = await again.post('/register', {
      name: 'Someone Else',
      email: email.toUpperCase(),
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/check-your-email');
    const mail = await t.services.outbox.latestTo(email);
    expect(mail?.kind).toBe('already_registered');
    expect(mail?.body).toContain('/forgot-password');
    const after = await user(email);
    expect(after.name).toBe(before.name);
    expect(after.password_hash).toBe(before.password_hash);
  });

  it('lets an unconfirmed person sign in, reminds them, and sends a new link on request', async () => {
    const { email, client } = await registered();
    await signIn(client, email);
    const account = await client.get('/account');
    expect(account.body).toContain('Confirm your email address');
    expect(account.body).toContain('Not confirmed');
    const resent = await client.post('/account/confirmation');
    expect(resent.statusCode).toBe(303);
    const link = await linkIn(email, '/confirm-email');
    expect((await client.get(link)).statusCode).toBe(200);
    expect((await client.get('/account')).body).not.toContain('Not confirmed');
  });
});

describe('signing in', () => {
  it('sets a secure session cookie, starts a new session each time, and refuses a wrong password', async () => {
    const { email, client } = await registered();
    const wrong = await signIn(client, email, 'not the password at all');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Enter a correct email address and password');
    expect(wrong.body).toContain(`value="${email}"`);

    const first = await signIn(client, email);
    const cookie = (first.cookies as { name: string; [k: string]: unknown }[]).find((c) => c.name === 'sid')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 14 * 24 * 3600 });
    expect(cookie.secure).toBeFalsy(); // only in production
    const firstToken = client.cookies.get('sid')!;

    // A form from before signing in is refused after (its token was tied to no session): take a new one.
    await client.get('/account');
    const second = await client.post('/sign-in', { email, password: PASSWORD });
    expect(second.statusCode).toBe(303);
    const secondToken = client.cookies.get('sid')!;
    expect(secondToken).not.toBe(firstToken);
    expect(await t.services.sessions.load(firstToken)).toBeNull();
    expect((await t.services.sessions.load(secondToken))?.email).toBe(email);
  });

  it('follows a local next address only, never another site', async () => {
    const { email } = await registered();
    const cases: [string, string][] = [
      ['/admin/users?q=a', '/admin/users?q=a'],
      ['/organisations/some-org', '/organisations/some-org'],
      ['https://evil.example/', '/account'],
      ['//evil.example/path', '/account'],
      ['/\\evil.example', '/account'],
      ['/\t/evil.example', '/account'],
      ['javascript:alert(1)', '/account'],
      ['', '/account'],
    ];
    for (const [next, expected] of cases) {
      const client = await t.as(null);
      const res = await signIn(client, email, PASSWORD, next);
      expect(res.statusCode, next).toBe(303);
      expect(res.headers.location, next).toBe(expected);
    }
    // The form does not carry an unsafe address forward either.
    const page = await (await t.as(null)).get('/sign-in?next=https%3A%2F%2Fevil.example%2F');
    expect(page.body).not.toContain('evil.example');
    const safe = await (await t.as(null)).get('/sign-in?next=%2Fadmin');
    expect(safe.body).toContain('name="next" value="/admin"');
  });

  it('sends staff to the staff home page', async () => {
    const email = uniqueEmail('officer');
    await t.services.accounts.createUser(
      { userId: null },
      { email, name: 'Olu Officer', role: 'officer', password: PASSWORD },
    );
    const res = await signIn(await t.as(null), email);
    expect(res.headers.location).toBe('/staff');
  });

  it('refuses a disabled account', async () => {
    const email = uniqueEmail('disabled');
    const created = await t.services.accounts.createUser(
      { userId: null },
      { email, name: 'Dee', role: 'resident', password: PASSWORD },
    );
    if (!created.ok) throw new Error(created.message);
    await t.services.accounts.setDisabled({ userId: null }, created.userId, true);
    const res = await signIn(await t.as(null), email);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This account has been disabled');
  });

  it('slows a run of wrong passwords from one connection, answering 429 before checking even the right one', async () => {
    const { email } = await registered();
    const client = await t.as(null);
    await client.get('/sign-in');
    for (let i = 0; i < 3; i++) {
      expect((await client.post('/sign-in', { email, password: `wrong password ${i}` })).statusCode).toBe(400);
    }
    const blocked = await client.post('/sign-in', { email, password: PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('5');
    expect(blocked.body).toContain('There is a problem');
    expect(blocked.body).toContain('Too many attempts to sign in. Wait 5 seconds');
    expect(client.cookies.has('sid')).toBe(false);

    // Once the wait is over, the next attempt is checked.
    await t.handle.db
      .updateTable('account_throttle')
      .set({ last_at: new Date(Date.now() - 6000) })
      .where('scope', '=', 'pair')
      .where('key', 'like', `${email}|%`)
      .execute();
    expect((await client.post('/sign-in', { email, password: PASSWORD })).statusCode).toBe(303);
  });

  it('limits how many addresses one IP may try, without locking out people who signed in there before', async () => {
    const { email: regular } = await registered();
    const { email: newcomer } = await registered();
    const client = await t.as(null);
    const page = await client.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const attempt = (from: string, body: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress: from,
        headers: { cookie: client.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...body, _csrf: csrf }).toString(),
      });
    expect((await attempt('198.51.100.7', { email: regular, password: PASSWORD })).statusCode).toBe(303);
    for (let i = 0; i < 10; i++) {
      const res = await attempt('198.51.100.7', { email: `nobody-${i}@example.test`, password: 'wrong password!' });
      expect(res.statusCode).toBe(400);
    }
    const blocked = await attempt('198.51.100.7', { email: newcomer, password: PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many attempts to sign in from your network');
    expect((await attempt('203.0.113.9', { email: newcomer, password: PASSWORD })).statusCode).toBe(303);
    expect((await attempt('198.51.100.7', { email: regular, password: PASSWORD })).statusCode).toBe(303);
  });
});

describe('resetting a forgotten password', () => {
  it('e-mails a one-hour link, sets the new password and ends every session', async () => {
    const { email } = await registered();
    const elsewhere = await t.as(null);
    await signIn(elsewhere, email);
    expect((await elsewhere.get('/account')).statusCode).toBe(200);

    const client = await t.as(null);
    await client.get('/forgot-password');
    const asked = await client.post('/forgot-password', { email });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/check-your-email?for=reset');
    const link = await linkIn(email, '/reset-password');
    const tokenRow = await t.handle.db
      .selectFrom('user_token')
      .selectAll()
      .where('purpose', '=', 'reset_password')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect((new Date(tokenRow.expires_at).getTime() - Date.now()) / 60_000).toBeLessThanOrEqual(60);

    const form = await client.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Choose a new password');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const weak = await client.post('/reset-password', { token, password: 'qwertyuiop', confirmPassword: 'qwertyuiop' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('harder to guess');

    const newPassword = 'violet harbour seven clocks';
    const done = await client.post('/reset-password', { token, password: newPassword, confirmPassword: newPassword });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in');
    expect((await elsewhere.get('/account')).statusCode).toBe(303);
    expect(
      (
        await t.handle.db
          .selectFrom('user_session')
          .select('id')
          .where('user_id', '=', (await user(email)).id)
          .execute()
      ).length,
    ).toBe(0);

    expect((await client.get(link)).statusCode).toBe(400);
    expect((await signIn(await t.as(null), email, PASSWORD)).statusCode).toBe(400);
    expect((await signIn(await t.as(null), email, newPassword)).statusCode).toBe(303);
  });

  it('says the same for an unknown address, and e-mails it that there is no account, with no link to reset', async () => {
    const email = uniqueEmail('unknown');
    const client = await t.as(null);
    await client.get('/forgot-password');
    const res = await client.post('/forgot-password', { email });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/check-your-email?for=reset');
    const mail = await t.services.outbox.latestTo(email);
    expect(mail?.kind).toBe('reset_password_no_account');
    expect(mail?.body).not.toContain('/reset-password');
  });

  it('refuses an expired or made-up link', async () => {
    expect((await (await t.as(null)).get('/reset-password?token=made-up')).statusCode).toBe(400);
    expect((await (await t.as(null)).get('/reset-password')).statusCode).toBe(400);
    const { email } = await registered();
    await t.services.accounts.requestPasswordReset(email);
    const link = await linkIn(email, '/reset-password');
    await t.handle.db
      .updateTable('user_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('purpose', '=', 'reset_password')
      .where('email', '=', email)
      .execute();
    const res = await (await t.as(null)).get(link);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This link has expired');
  });
});

describe('your account', () => {
  it('lists your contributions to needs assessments', async () => {
    const commissioner = await t.as('commissioner');
    const wards = await t.services.place.wards();
    const created = await t.services.needs.create(
      { id: commissioner.userId!, role: 'commissioner' },
      {
        title: 'Respite for unpaid carers',
        summary: 'A short summary',
        need: 'Unpaid carers cannot find respite.',
        populationGroups: ['Unpaid carers'],
        wards: [wards[0]!.code],
        priorities: [],
        coproductionLevel: 'co_design',
        status: 'open',
        closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      },
    );
    if (!created.ok) throw new Error(created.message);
    const resident = await t.as('resident');
    const before = await resident.get('/account');
    expect(before.body).toContain('You have not contributed to a needs assessment yet');
    const contributed = await t.services.needs.contribute({ id: resident.userId!, role: 'resident' }, created.slug, {
      kind: 'idea',
      body: 'A sitting service on Saturday mornings would help.',
    });
    expect(contributed.ok).toBe(true);
    const after = await resident.get('/account');
    expect(after.body).toContain(`href="/needs/${created.slug}#contribution-`);
    expect(after.body).toContain('Respite for unpaid carers');
    expect(after.body).toContain('A sitting service on Saturday mornings would help.');
  });

  it('shows your details, role and organisations', async () => {
    const client = await t.as('vcs_member', { name: 'Mina Member' });
    const org = await t.handle.db
      .insertInto('organisation')
      .values({ slug: `friends-${n++}`, name: 'Friends of Norbury Park' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.handle.db
      .insertInto('membership')
      .values({ user_id: client.userId!, organisation_id: org.id, role: 'admin', status: 'approved' })
      .execute();
    const page = await client.get('/account');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mina Member');
    expect(page.body).toContain('VCS member');
    expect(page.body).toContain('Friends of Norbury Park');
    expect(page.body).toContain('you manage this page');

    const none = await (await t.as('resident')).get('/account');
    expect(none.body).toContain('You are not part of an organisation yet');
  });

  it('changes your name, audit-logged', async () => {
    const client = await t.as('resident', { name: 'Old Name' });
    await client.get('/account/name');
    const empty = await client.post('/account/name', { name: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your full name');
    const res = await client.post('/account/name', { name: 'New Name' });
    expect(res.statusCode).toBe(303);
    const account = await client.get('/account');
    expect(account.body).toContain('New Name');
    expect(account.body).toContain('Your name has been changed');
    expect(account.body).toContain('id="main-content"');
    const entry = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'change_name')
      .where('entity_id', '=', client.userId!)
      .executeTakeFirstOrThrow();
    expect(entry.detail).toEqual({ from: 'Old Name', to: 'New Name' });
  });

  it('changes your password after checking the current one, and signs you out elsewhere', async () => {
    const { email, client } = await registered();
    await signIn(client, email);
    const other = await t.as(null);
    await signIn(other, email);
    await client.get('/account/password');
    const wrong = await client.post('/account/password', {
      currentPassword: 'not my password',
      password: 'granite meadow falcon',
      confirmPassword: 'granite meadow falcon',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Your current password is not correct');
    const ok = await client.post('/account/password', {
      currentPassword: PASSWORD,
      password: 'granite meadow falcon',
      confirmPassword: 'granite meadow falcon',
    });
    expect(ok.statusCode).toBe(303);
    expect((await client.get('/account')).statusCode).toBe(200);
    expect((await other.get('/account')).statusCode).toBe(303);
    expect((await t.services.outbox.latestTo(email))?.kind).toBe('password_changed');
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'change_password')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.detail)).not.toContain('granite');
  });
});
