import { describe, expect, it } from 'vitest';
import { readySpecification } from '../support/opportunities.ts';
import { addPerson, hasChromium, newContext, Site, signInAs, useSiteAndBrowser } from './support/browser.ts';

// An opportunity from a ready specification to public questions and answers: a commissioner creates it, adds a lot
// that suits small organisations, sees how many local organisations of each size could bid, and publishes it, all
// with JavaScript off; a visitor finds it through the filters; a VCS member asks a question; staff answer it; the
// answer is public. Every page is checked with axe.
describe.skipIf(!hasChromium)('publishing an opportunity', () => {
  const env = useSiteAndBrowser();

  const body = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

  it('from specification to answered clarification', async () => {
    const db = env.site.t.handle.db;
    const { spec } = await readySpecification(env.site.t.services, db, 'Breaks for carers');
    // Two local charities in the service area and ward: one small, one medium.
    for (const [slug, name, income] of [
      ['th-carers', 'Thornton Heath Carers', 6_000_000],
      ['croydon-carers', 'Croydon Carers Centre', 40_000_000],
    ] as const) {
      const org = await db
        .insertInto('organisation')
        .values({ slug, name, latest_income_pence: income })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('organisation_classification')
        .values({ organisation_id: org.id, list: 'service_area', code: '103' })
        .execute();
      await db
        .insertInto('organisation_ward')
        .values({ organisation_id: org.id, ward_code: 'thornton-heath' })
        .execute();
    }

    // The commissioner, with JavaScript off.
    const commissioner = await addPerson(
      env.site,
      'commissioner',
      'opp-commissioner@example.test',
      'Chris Commissioner',
    );
    const cContext = await newContext(env.browser, { javaScript: false });
    const c = await signInAs(cContext, env.site.baseUrl, commissioner);
    await c.visit(`/specifications/${spec.slug}`);
    await c.press('Create an opportunity from this specification');
    expect(await c.heading()).toBe('Create an opportunity');

    // A mistake first: the form says what is wrong and keeps what was typed.
    const title = 'Sitting & breaks <Thornton Heath>';
    await c.fill('Title', title);
    await c.fill('Total value', 'forty thousand');
    await c.press('Create draft opportunity');
    expect(await c.page.locator('.govuk-error-summary').textContent()).toContain('Enter a summary in plain English');
    expect(await c.page.getByLabel('Title', { exact: true }).inputValue()).toBe(title);

    const year = String(new Date().getUTCFullYear() + 1);
    await c.fill('Summary', 'Regular breaks for unpaid carers in Thornton Heath.');
    await c.page.getByLabel('Grant', { exact: true }).check();
    await c.page.getByLabel('Service area (optional)').selectOption('103');
    await c.page.getByLabel('Thornton Heath', { exact: true }).check();
    await c.fill('Total value', '40,000');
    await c.fill('Duration', '12');
    await c.page.locator('#closes-day').fill('31');
    await c.page.locator('#closes-month').fill('1');
    await c.page.locator('#closes-year').fill(year);
    await c.fill('Closing time', '5pm');
    await c.press('Create draft opportunity');
    expect(await c.heading()).toBe(title);
    expect(await body(c)).toContain('Draft opportunity created');
    expect(await body(c)).toContain('This is a draft');
    const oppUrl = new URL(c.page.url()).pathname;

    // A lot that suits small organisations, then the size bands that could bid.
    await c.follow('Add a lot');
    expect(await c.heading()).toBe('Add a lot');
    await c.fill('Title', 'Weekly sitting service');
    await c.fill('Value', '40000');
    await c.page.getByLabel('This lot suits small organisations').check();
    await c.press('Save lot');
    expect(await body(c)).toContain('Lot added');
    expect(await body(c)).toContain('Suits small organisations');
    const table = c.page.locator('table', { hasText: 'Lot 1: who could bid' });
    const row = (band: string) => table.locator('tr', { hasText: band });
    expect(await row('Small (').locator('td').allTextContents()).toEqual(['1', 'Yes']);
    expect(await row('Medium (').locator('td').allTextContents()).toEqual(['1', 'Yes']);
    // A lot that suits small organisations is within reach of micro ones too, whatever its value.
    expect(await row('Micro (').locator('td').allTextContents()).toEqual(['0', 'Yes']);
    expect(await body(c)).not.toContain('No lot is within reach');

    // Publishing too early is refused, saying what is missing.
    await c.follow('Check and publish');
    await c.press('Publish opportunity');
    const summary = c.page.locator('.govuk-error-summary');
    expect(await summary.textContent()).toContain('This opportunity cannot be published yet');
    expect(await summary.textContent()).toContain('Add at least one application question');

    await c.visit(`${oppUrl}/questions`);
    await c.fill('Question', 'How will you reach carers who do not ask for help?');
    await c.fill('Word limit (optional)', '500');
    await c.press('Add question');
    expect(await body(c)).toContain('Question added');
    await c.visit(`${oppUrl}/criteria`);
    await c.fill('Title', 'Understanding of local need');
    await c.fill('Weight', '100');
    await c.press('Add criterion');
    expect(await body(c)).toContain('The weights add up to 100%');
    await c.follow('Change');
    expect(await c.heading()).toBe('Change a criterion');
    await c.fill('Highest score', '10');
    await c.press('Save criterion');
    expect(await body(c)).toContain('Criterion saved');
    // The other pages of a draft pass the same checks.
    await c.visit(`${oppUrl}/documents`);
    expect(await c.heading()).toBe('Documents for bidders');
    await c.visit(`${oppUrl}/details`);
    expect(await c.heading()).toBe('Opportunity details');
    await c.visit('/opportunities/drafts');
    expect(await body(c)).toContain(title);
    await c.visit(`${oppUrl}/publish`);
    await c.press('Publish opportunity');
    expect(await body(c)).toContain('The opportunity is published and open for bids');

    // A visitor finds it through the filters, with JavaScript off.
    const vContext = await newContext(env.browser, { javaScript: false });
    const v = new Site(await vContext.newPage(), env.site.baseUrl);
    await v.visit('/opportunities');
    await v.page.getByLabel('Ward', { exact: true }).selectOption('thornton-heath');
    await v.page.getByLabel('Has a lot that suits small organisations').check();
    await v.fill('At most', '50,000');
    await v.press('Apply filters');
    expect(await v.page.locator('#count').textContent()).toContain('1 opportunity match your filters');
    await v.follow(title);
    expect(await v.heading()).toBe(title);
    expect(await body(v)).toContain('No questions have been answered yet');

    // A VCS member of a listed organisation asks a question.
    const member = await addPerson(env.site, 'vcs_member', 'opp-member@example.test', 'Mo Member');
    const memberId = (
      await db.selectFrom('app_user').select('id').where('email', '=', member).executeTakeFirstOrThrow()
    ).id;
    const org = await db
      .selectFrom('organisation')
      .select('id')
      .where('slug', '=', 'th-carers')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('membership')
      .values({ user_id: memberId, organisation_id: org.id, status: 'approved' })
      .execute();
    const mContext = await newContext(env.browser, { javaScript: true });
    const m = await signInAs(mContext, env.site.baseUrl, member);
    await m.visit(oppUrl);
    await m.fill('Ask a question', 'Can two small groups share the lot?');
    await m.press('Send question');
    expect(await body(m)).toContain('Your question has been sent');

    // The Atom feed parses as XML, with the title escaped and read back intact.
    const feed = await m.page.request.get(`${env.site.baseUrl}/opportunities.atom`);
    expect(feed.headers()['content-type']).toContain('application/atom+xml');
    const xml = await feed.text();
    const parsed = await m.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const entry = doc.getElementsByTagName('entry')[0];
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        ns: doc.documentElement.namespaceURI,
        title: entry?.getElementsByTagName('title')[0]?.textContent,
        link: entry?.getElementsByTagName('link')[0]?.getAttribute('href'),
      };
    }, xml);
    expect(parsed).toEqual({
      errors: 0,
      ns: 'http://www.w3.org/2005/Atom',
      title,
      link: `${env.site.t.services.config.baseUrl}${oppUrl}`,
    });

    // Staff answer; the answer is public, without the asker's name.
    await c.visit(`${oppUrl}/clarifications`);
    expect(await body(c)).toContain('Can two small groups share the lot?');
    await c.fill('Answer', 'Yes, as a partnership with a lead organisation.');
    await c.press('Publish answer');
    expect(await body(c)).toContain('Answer published');
    await v.visit(oppUrl);
    expect(await body(v)).toContain('Can two small groups share the lot?');
    expect(await body(v)).toContain('Yes, as a partnership with a lead organisation.');
    expect(await body(v)).not.toContain('Mo Member');

    for (const context of [cContext, vContext, mContext]) await context.close();
  }, 180_000);
});
