import { describe, expect, it } from 'vitest';
import { insertClosedOpportunity } from '../support/closed-opportunity.ts';
import { addPerson, hasChromium, newContext, Site, signInAs, useSiteAndBrowser } from './support/browser.ts';

// A commissioner cancels an open opportunity from its page: the confirmation page asks why and says what will
// happen; a visitor then reads the notice on the opportunity's page and finds it only under the cancelled status.
// The commissioner browses with JavaScript off and the visitor with it on; every page is checked with axe.
describe.skipIf(!hasChromium)('cancelling an opportunity', () => {
  const env = useSiteAndBrowser();

  const body = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

  it('confirmation page and public notice', async () => {
    const tag = 'cancel';
    const db = env.site.t.handle.db;
    const o = await insertClosedOpportunity(env.site.t.services, db, tag, {
      closesAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    });
    await o.application(await o.org('Norbury Lunch Club'), o.lot1);
    const title = (await db.selectFrom('opportunity').select('title').where('id', '=', o.id).executeTakeFirstOrThrow())
      .title;

    const commissioner = await addPerson(env.site, 'commissioner', `${tag}@example.test`, 'Cat Commissioner');
    const c = await signInAs(await newContext(env.browser, { javaScript: false }), env.site.baseUrl, commissioner);
    await c.visit(`/opportunities/${o.slug}`);
    await c.follow('Cancel this opportunity');
    expect(await c.heading()).toBe('Cancel this opportunity');
    const page = await body(c);
    expect(page).toContain('the 1 application waiting on it will not be assessed');
    expect(page).toContain('You cannot undo this.');

    // No reason: the form says so, and nothing is cancelled.
    await c.press('Cancel opportunity');
    expect(await c.page.locator('.govuk-error-summary').textContent()).toContain(
      'Say why the opportunity is being cancelled',
    );
    const still = await db.selectFrom('opportunity').select('status').where('id', '=', o.id).executeTakeFirstOrThrow();
    expect(still.status).toBe('open');

    await c.fill('Why is it being cancelled?', 'The service will be run with the NHS instead');
    await c.press('Cancel opportunity');
    expect(await c.heading()).toBe(title);
    expect(await body(c)).toContain('The opportunity is cancelled');
    await c.page.context().close();

    const visitor = new Site(await (await newContext(env.browser, { javaScript: true })).newPage(), env.site.baseUrl);
    await visitor.visit(`/opportunities/${o.slug}`);
    const banner = await visitor.page.locator('.govuk-notification-banner').textContent();
    expect(banner).toMatch(
      /This opportunity was cancelled on \d{1,2} \w+ \d{4}: The service will be run with the NHS instead/,
    );
    expect(await body(visitor)).not.toContain('Sign in to apply');

    await visitor.visit('/opportunities');
    expect(await visitor.page.getByRole('link', { name: title }).count()).toBe(0);
    await visitor.page.getByLabel('Status', { exact: true }).selectOption('cancelled');
    await visitor.press('Apply filters');
    expect(await visitor.page.getByRole('link', { name: title }).count()).toBe(1);
    await visitor.page.context().close();
  }, 120_000);
});
