import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const PASSWORD = 'copper wagon thistle moon';

async function invitationLink(email: string): Promise<string> {
  const mail = await t.services.outbox.latestTo(email);
  expect(mail?.kind).toBe('invitation');
  const match = /https?:\/\/\S+\/invitation\?token=[\w-]+/.exec(mail!.body);
  expect(match).toBeTruthy();
  const url = new URL(match![0]);
  return `${url.pathname}${url.search}`;
}

describe('the staff and admin home pages', () => {
  it('shows staff what they can do, and admins the admin pages too', async () => {
    const officer = await (await t.as('officer')).get('/staff');
    expect(officer.statusCode).toBe(200);
    expect(officer.body).toContain('href="/organisations/verification"');
    expect(officer.body).not.toContain('href="/admin/users"');
    const admin = await (await t.as('admin')).get('/staff');
    expect(admin.body).toContain('href="/admin/users"');
    const dashboard = await (await t.as('admin')).get('/admin');
    for (const href of ['/admin/users', '/admin/invitations', '/admin/audit', '/admin/outbox', '/admin/priorities']) {
      expect(dashboard.body).toContain(`href="${href}"`);
    }
  });
});

describe('the staff home', () => {
  it('counts what is waiting for someone to act, and links each role to the pages it may use', async () => {
    const officer = await t.as('officer');
    const quiet = await officer.get('/staff');
    expect(quiet.body).toContain('Nothing is waiting');
    expect(quiet.body).toContain('href="/admin/imports"');
    expect(quiet.body).toContain('href="/spend/imports"');
    const commissioner = await (await t.as('commissioner')).get('/staff');
    expect(commissioner.body).not.toContain('href="/admin/imports"');
    expect(commissioner.body).toContain('href="/needs/new"');
    // An administrator may use every page, so is offered both imports.
    const admin = await (await t.as('admin')).get('/staff');
    expect(admin.body).toContain('href="/spend/imports"');
    expect(admin.body).toContain('href="/admin/imports"');

    await t.handle.db.insertInto('council').values({ org_id: 'GB-LAE-STF', name: 'Staff Test Council' }).execute();
    await t.handle.db
      .insertInto('spend_supplier')
      .values({
        council_org_id: 'GB-LAE-STF',
        name: 'Maybe Group',
        name_key: 'maybe group',
        classification: 'uncertain',
      })
      .execute();
    const busy = await officer.get('/staff');
    expect(busy.body).toContain('1 supplier to review');
    expect(busy.body).not.toContain('Nothing is waiting');
  });
});

describe('the links on the staff home', () => {
  it('offers each staff role only pages it may open, each once', async () => {
    // Something waiting in every queue, so that every link the page can offer is on it.
    await t.services.organisations.insert({ name: 'Links Test Group' }, { source: 'test' });
    for (const role of ['officer', 'commissioner', 'admin'] as const) {
      const client = await t.as(role);
      const home = await client.get('/staff');
      expect(home.statusCode).toBe(200);
      const main = /<main[\s\S]*<\/main>/.exec(home.body)![0];
      const inMain = [...main.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!);
      expect(inMain.length).toBeGreaterThan(5);
      expect(
        inMain.filter((h, i) => inMain.indexOf(h) !== i),
        `${role} sees a link twice`,
      ).toEqual([]);
      const everywhere = new Set([...home.body.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!));
      for (const href of everywhere) {
        if (href.startsWith('/assets/')) continue;
        const res = await client.get(href);
        expect([href, res.statusCode]).not.toEqual([href, 403]);
      }
    }
  });
});

describe('managing users', () => {
  it('finds users, changes a role, and shows the change in the audit log', async () => {
    const admin = await t.as('admin', { name: 'Ann Admin' });
    const person = await t.as('resident', { name: 'Rita Resident', email: 'rita@example.test' });

    const search = await admin.get('/admin/users?q=rita');
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('Rita Resident');
    expect(search.body).not.toContain('Ann Admin');
    const byRole = await admin.get('/admin/users?role=admin');
    expect(byRole.body).toContain('Ann Admin');
    expect(byRole.body).not.toContain('Rita Resident');
    const wild = await admin.get('/admin/users?q=%25');
    expect(wild.statusCode).toBe(200);
    expect(wild.body).toContain('No accounts match');

    const page = await admin.get(`/admin/users/${person.userId}`);
    expect(page.statusCode).toBe(200);
    const bad = await admin.post(`/admin/users/${person.userId}/role`, { role: 'emperor' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select a role');
    const changed = await admin.post(`/admin/users/${person.userId}/role`, { role: 'commissioner' });
    expect(changed.statusCode).toBe(303);
    // The new role applies at once, to the session the person already has.
    expect((await person.get('/staff')).statusCode).toBe(200);

    const log = await admin.get('/admin/audit?type=user');
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('change role');
    expect(log.body).toContain('from: resident');
    expect(log.body).toContain('to: commissioner');
    expect(log.body).toContain('Ann Admin');
    const entry = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'change_role')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ user_id: admin.userId, entity_type: 'user', entity_id: person.userId });
  });

  it('will not let an admin change their own role or disable themselves', async () => {
    const admin = await t.as('admin');
    const res = await admin.post(`/admin/users/${admin.userId}/role`, { role: 'resident' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot change your own role');
    const off = await admin.post(`/admin/users/${admin.userId}/disable`);
    expect(off.statusCode).toBe(400);
    expect(off.body).toContain('You cannot disable your own account');
    expect((await admin.get('/admin')).statusCode).toBe(200);
  });

  it('disables an account, which signs the person out, and enables it again', async () => {
    const admin = await t.as('admin');
    const person = await t.as('vcs_member');
    expect((await person.get('/account')).statusCode).toBe(200);
    expect((await admin.post(`/admin/users/${person.userId}/disable`)).statusCode).toBe(303);
    expect((await person.get('/account')).statusCode).toBe(303);
    expect((await admin.get(`/admin/users/${person.userId}`)).body).toContain('Disabled on');
    expect((await admin.post(`/admin/users/${person.userId}/enable`)).statusCode).toBe(303);
    const actions = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', person.userId!)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['disable', 'enable']);
  });

  it('answers 404 for a user that does not exist', async () => {
    const admin = await t.as('admin');
    expect((await admin.get('/admin/users/not-a-uuid')).statusCode).toBe(404);
    expect((await admin.get('/admin/users/4b8f3a52-4a55-4c3e-9b1e-1a2b3c4d5e6f')).statusCode).toBe(404);
    expect(
      (await admin.post('/admin/users/4b8f3a52-4a55-4c3e-9b1e-1a2b3c4d5e6f/role', { role: 'resident' })).statusCode,
    ).toBe(404);
  });
});

describe('inviting staff', () => {
  it('invites by e-mail; the invitee chooses a name and password and gets the role, email confirmed', async () => {
    const admin = await t.as('admin', { name: 'Ife Inviter' });
    await admin.get('/admin/invitations');
    const noRole = await admin.post('/admin/invitations', { email: 'new.officer@example.test', role: 'resident' });
    expect(noRole.statusCode).toBe(400);
    expect(noRole.body).toContain('Select a role');
    const sent = await admin.post('/admin/invitations', { email: 'New.Officer@example.test', role: 'officer' });
    expect(sent.statusCode).toBe(303);
    const listed = await admin.get('/admin/invitations');
    expect(listed.body).toContain('new.officer@example.test');
    expect(listed.body).toContain('Ife Inviter');

    const link = await invitationLink('new.officer@example.test');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const row = await t.handle.db
      .selectFrom('user_token')
      .selectAll()
      .where('purpose', '=', 'invitation')
      .executeTakeFirstOrThrow();
    const days = (new Date(row.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const invitee = await t.as(null);
    const form = await invitee.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('an infrastructure officer');
    const weak = await invitee.post('/invitation', {
      token,
      name: 'Olu',
      password: 'password123',
      confirmPassword: 'password123',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('harder to guess');
    const accepted = await invitee.post('/invitation', {
      token,
      name: 'Olu Officer',
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/staff');
    expect((await invitee.get('/staff')).statusCode).toBe(200);
    const created = await t.handle.db
      .selectFrom('app_user')
      .selectAll()
      .where('email', '=', 'new.officer@example.test')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({ name: 'Olu Officer', role: 'officer' });
    expect(created.email_confirmed_at).not.toBeNull();

    expect((await (await t.as(null)).get(link)).statusCode).toBe(400);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'invitation')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);

    const again = await admin.post('/admin/invitations', { email: 'new.officer@example.test', role: 'admin' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('There is already an account with this email address');
  });

  it('refuses a made-up invitation link', async () => {
    const res = await (await t.as(null)).get('/invitation?token=nothing-like-this');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This invitation cannot be used');
    const stranger = await t.as(null);
    await stranger.get('/sign-in');
    const post = await stranger.post('/invitation', {
      token: 'nothing',
      name: 'X',
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(post.statusCode).toBe(400);
  });
});

describe('the outbox', () => {
  it('shows every e-mail to admins with its body escaped, and pages', async () => {
    await t.services.outbox.queue({
      to: 'someone@example.test',
      subject: 'Hello <b>there</b>',
      body: 'Look: <script>alert(1)</script>\nhttp://localhost:3000/confirm-email?token=abc',
      kind: 'test',
    });
    const admin = await t.as('admin');
    const res = await admin.get('/admin/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
    expect(res.body).toContain('href="http://localhost:3000/confirm-email?token=abc"');

    for (let i = 0; i < 30; i++) {
      await t.services.outbox.queue({ to: `bulk${i}@example.test`, subject: `Bulk ${i}`, body: 'x', kind: 'test' });
    }
    const first = await admin.get('/admin/outbox');
    expect(first.body).toContain('href="/admin/outbox?page=2"');
    const second = await admin.get('/admin/outbox?page=2');
    expect(second.body).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
  });

  it('hides the links of e-mails whose token still works, and shows them once used', async () => {
    const email = `hidden-${Date.now()}@example.test`;
    const created = await t.services.accounts.createUser(
      { userId: null },
      { email, name: 'Hana Hidden', role: 'resident', password: PASSWORD },
    );
    expect(created.ok).toBe(true);
    await t.services.accounts.requestPasswordReset(email);
    const mail = await t.services.outbox.latestTo(email);
    const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail!.body)![0];
    const token = new URL(link).searchParams.get('token')!;

    const admin = await t.as('admin');
    const live = await admin.get('/admin/outbox');
    expect(live.body).not.toContain(token);
    expect(live.body).toContain('[link hidden]');

    expect((await t.services.accounts.resetPassword(token, 'amber lantern ninety foxes')).ok).toBe(true);
    const used = await admin.get('/admin/outbox');
    expect(used.body).toContain(token);
  });

  it('pages and filters the audit log', async () => {
    const admin = await t.as('admin');
    for (let i = 0; i < 55; i++) {
      await t.services.audit.record({ userId: null, action: 'test_entry', entityType: 'thing', entityId: String(i) });
    }
    const page1 = await admin.get('/admin/audit?type=thing');
    expect(page1.body).toContain('thing 54');
    expect(page1.body).toContain('href="/admin/audit?type=thing&amp;page=2"');
    const page2 = await admin.get('/admin/audit?type=thing&page=2');
    expect(page2.body).toContain('thing 0');
    expect(page2.body).not.toContain('thing 54');
    const unknown = await admin.get('/admin/audit?type=%3Cscript%3E&page=-3');
    expect(unknown.statusCode).toBe(200);
  });
});
