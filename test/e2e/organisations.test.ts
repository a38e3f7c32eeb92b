import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { hasChromium, newContext, Site, useSiteAndBrowser } from './support/browser.ts';

describe.skipIf(!hasChromium)('the organisation directory in a browser', () => {
  let slug = '';
  const env = useSiteAndBrowser({
    prepare: async (site) => {
      const o = site.t.services.organisations;
      const made = await o.insert(
        { name: 'Croydon Foodbank', legalForm: 'cio', description: 'Emergency food', latestIncomePence: 45_000_000 },
        { source: 'test' },
      );
      slug = made.slug;
      await o.addIdentifiers(made.id, ['GB-CHC-1146179']);
      await o.setWards(made.id, ['fairfield']);
      await o.setClassifications(made.id, 'service_area', ['105']);
      await o.insert({ name: 'Norbury Youth Football Club' }, { source: 'test' });
    },
  });

  /** A browser signed in as a new user with this role. */
  async function signedIn(context: BrowserContext, role: Role) {
    const user = await env.site.t.handle.db
      .insertInto('app_user')
      .values({
        email: `${role}-${Date.now()}@example.test`,
        name: `E2E ${role}`,
        role,
        email_confirmed_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await env.site.t.services.sessions.create(user.id);
    await context.addCookies([{ name: 'sid', value: session.token, url: env.site.baseUrl }]);
    return user.id;
  }

  /** A visitor's search with a typo, in a browser with JavaScript on or off. */
  async function search(javaScript: boolean): Promise<Site> {
    const context = await newContext(env.browser, { javaScript });
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/organisations');
    expect(await s.heading()).toBe('Find a voluntary or community organisation');
    await s.fill('Search by name or charity or company number', 'Croydn Fodbank');
    await s.press('Search');
    expect(await s.page.locator('.app-results').textContent()).toContain('Croydon Foodbank');
    return s;
  }

  // The directory's pages are the same with JavaScript off (the officer's test below browses them so); the search
  // form is used both ways.
  it('a visitor searches with a typo, filters and opens a profile (JavaScript on; the search with it off too)', async () => {
    const off = await search(false);
    await off.page.context().close();
    const s = await search(true);
    await s.visit('/organisations?q=zzzz');
    expect(await s.page.locator('body').textContent()).toContain('No organisations found');
    await s.visit('/organisations?area=105');
    await s.follow('Croydon Foodbank');
    expect(await s.heading()).toBe('Croydon Foodbank');
    expect(await s.page.locator('body').textContent()).toContain('Not verified yet');
    await s.page.context().close();
  });

  it('an officer edits a profile (with an error first), verifies it and sees the queue', async () => {
    const context = await newContext(env.browser, { javaScript: false });
    await signedIn(context, 'officer');
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit(`/organisations/${slug}/edit`);
    await s.fill('Latest yearly income (optional)', 'abc');
    await s.press('Save profile');
    expect(await s.page.locator('.govuk-error-summary').textContent()).toContain('Enter the latest income');
    await s.fill('Latest yearly income (optional)', '450000');
    await s.press('Save profile');
    expect(await s.heading()).toBe('Croydon Foodbank');
    await s.visit('/organisations/verification');
    expect(await s.page.locator('body').textContent()).toContain('Croydon Foodbank');
    await s.visit(`/organisations/${slug}`);
    await s.press('Verify');
    expect(await s.page.locator('body').textContent()).toContain('Verified by Croydon Voluntary Action on');
    await s.visit(`/organisations/${slug}/unverify`);
    await s.visit(`/organisations/${slug}/members`);
    await context.close();
  });

  it('an organisation’s administrator lets a member start applications, on a page of checkboxes', async () => {
    const db = env.site.t.handle.db;
    const org = await env.site.t.services.organisations.insert({ name: 'Waddon Carers Circle' }, { source: 'test' });
    const member = await db
      .insertInto('app_user')
      .values({ email: `member-${Date.now()}@example.test`, name: 'Mo Member', role: 'vcs_member' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('membership')
      .values({ user_id: member.id, organisation_id: org.id, role: 'member', status: 'approved' })
      .execute();
    const context = await newContext(env.browser, { javaScript: false });
    const adminId = await signedIn(context, 'vcs_member');
    await db
      .insertInto('membership')
      .values({ user_id: adminId, organisation_id: org.id, role: 'admin', status: 'approved' })
      .execute();
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit(`/organisations/${org.slug}/members`);
    await s.follow('Change what Mo Member can do');
    expect(await s.page.locator('legend').textContent()).toContain('What Mo Member can do');
    await s.page.getByLabel('Start applications for funding').check();
    await s.press('Save');
    expect(await s.page.locator('body').textContent()).toContain('What Mo Member can do has been saved');
    expect(await s.page.locator('table').textContent()).toContain('Start applications for funding');
    await context.close();
  });

  it('a VCS member claims an organisation and adds a community group', async () => {
    const context = await newContext(env.browser, { javaScript: true });
    await signedIn(context, 'vcs_member');
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/organisations/norbury-youth-football-club');
    // A GOV.UK start-style link button has the button role.
    await s.press('Claim this organisation');
    await s.fill('Your role in the organisation', 'I am the secretary');
    await s.press('Send claim');
    expect(await s.page.locator('body').textContent()).toContain('You have claimed this organisation');
    await s.visit('/organisations/new');
    await s.fill('Name of the group', 'Norbury Youth Footbal Club');
    await s.fill('What the group does', 'Saturday football');
    await s.press('Add the group');
    expect(await s.page.locator('body').textContent()).toContain('Is your group already listed?');
    await s.press('None of these: add the group');
    expect(await s.heading()).toBe('Norbury Youth Footbal Club');
    await context.close();
  });
});
