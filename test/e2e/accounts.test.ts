import { describe, expect, it } from 'vitest';
import { hasChromium, newContext, Site, useSiteAndBrowser } from './support/browser.ts';

const PASSWORD = 'plum kettle orbit lantern';

describe.skipIf(!hasChromium)('accounts in a browser', () => {
  const env = useSiteAndBrowser({
    prepare: async (site) => {
      await site.t.services.accounts.createUser(
        { userId: null },
        { email: 'admin@example.test', name: 'Ann Admin', role: 'admin', password: PASSWORD },
      );
    },
  });

  /** The path of the service link in the newest e-mail to an address. */
  async function emailedLink(to: string, path: string): Promise<string> {
    const mail = await env.site.t.services.outbox.latestTo(to);
    const match = new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`).exec(mail?.body ?? '');
    expect(match, `a ${path} link e-mailed to ${to}`).toBeTruthy();
    const url = new URL(match![0]);
    return `${url.pathname}${url.search}`;
  }

  for (const javaScript of [true, false]) {
    it(`registers, confirms, signs in, resets a password and signs out with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const email = `resident-${javaScript ? 'js' : 'nojs'}@example.test`;
      const context = await newContext(env.browser, { javaScript });
      const s = new Site(await context.newPage(), env.site.baseUrl);

      await s.visit('/');
      await s.follow('Create an account');
      expect(await s.heading()).toBe('Create an account');
      await s.press('Create account');
      expect(await s.page.locator('.govuk-error-summary').textContent()).toContain('Enter your full name');
      await s.fill('Full name', 'Ada Okafor');
      await s.fill('Email address', email);
      await s.fill('Create a password', PASSWORD);
      await s.fill('Confirm your password', PASSWORD);
      await s.press('Create account');
      expect(await s.heading()).toBe('Check your email');

      await s.visit(await emailedLink(email, '/confirm-email'));
      expect(await s.heading()).toBe('Your email address is confirmed');

      await s.visit('/account');
      expect(await s.heading()).toBe('Sign in');
      await s.fill('Email address', email);
      await s.fill('Password', PASSWORD);
      await s.press('Sign in');
      expect(await s.heading()).toBe('Your account');
      await s.follow('Change name');
      await s.fill('Change your name', 'Ada N. Okafor');
      await s.press('Save name');
      expect(await s.heading()).toBe('Your account');
      expect(await s.page.locator('.govuk-summary-list').textContent()).toContain('Ada N. Okafor');
      await s.visit('/account/password');
      expect(await s.heading()).toBe('Change your password');

      await s.press('Sign out');
      expect(await s.heading()).toBe('Future Croydon Partnership');

      await s.visit('/sign-in');
      await s.follow('I have forgotten my password');
      await s.fill('Email address', email);
      await s.press('Send me a link');
      expect(await s.heading()).toBe('Check your email');
      await s.visit(await emailedLink(email, '/reset-password'));
      await s.fill('Create a password', 'violet harbour seven clocks');
      await s.fill('Confirm your password', 'violet harbour seven clocks');
      await s.press('Save new password');
      expect(await s.heading()).toBe('Sign in');
      await context.close();
    });
  }

  it('lets an admin manage users, invite staff and read the audit log and outbox', async () => {
    const context = await newContext(env.browser, { javaScript: true });
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/sign-in?next=%2Fadmin');
    await s.fill('Email address', 'admin@example.test');
    await s.fill('Password', PASSWORD);
    await s.press('Sign in');
    expect(await s.heading()).toBe('Administration');

    await s.follow('Invite staff');
    await s.fill('Email address', 'new.commissioner@example.test');
    await s.page.getByLabel('Commissioner', { exact: true }).check();
    await s.press('Send invitation');
    expect(await s.page.locator('.govuk-table').textContent()).toContain('new.commissioner@example.test');

    await s.visit('/admin/users');
    await s.fill('Name or email address', 'ada');
    await s.press('Search');
    await s.visit('/admin/users');
    await s.follow('Ann Admin');
    expect(await s.heading()).toBe('Ann Admin');
    await s.visit('/admin/audit');
    await s.visit('/admin/outbox');
    await s.visit('/staff');
    await s.press('Sign out');

    const invitee = new Site(await (await newContext(env.browser, { javaScript: false })).newPage(), env.site.baseUrl);
    await invitee.visit(await emailedLink('new.commissioner@example.test', '/invitation'));
    expect(await invitee.heading()).toBe('Accept your invitation');
    await invitee.fill('Full name', 'Cara Commissioner');
    await invitee.fill('Create a password', 'saffron bridge ninety owls');
    await invitee.fill('Confirm your password', 'saffron bridge ninety owls');
    await invitee.press('Create account');
    expect(await invitee.heading()).toBe('Staff home');
    await context.close();
  });
});
