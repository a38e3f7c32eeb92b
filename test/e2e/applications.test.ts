import { describe, expect, it } from 'vitest';
import {
  approveMember,
  insertOpenOpportunity,
  insertOrganisation,
  type OpenOpportunity,
} from '../support/applications.ts';
import { addPerson, hasChromium, newContext, type Site, signInAs, useSiteAndBrowser } from './support/browser.ts';
import { completeApplicationTasks } from './support/commissioning.ts';

// Applying for an open opportunity. With JavaScript off, a small organisation applies alone: it starts from the
// opportunity's page, works through the task list (one answer too long first), and submits. With JavaScript on, two
// organisations apply jointly: the lead adds its partner from the directory, the partner's member confirms its part
// from their dashboard, and the lead submits. Every page is checked with axe.
describe.skipIf(!hasChromium)('applying for an opportunity', () => {
  const env = useSiteAndBrowser();

  const body = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

  async function memberOf(email: string, name: string, orgName: string) {
    await addPerson(env.site, 'vcs_member', email, name);
    const user = await env.site.t.handle.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const org = await insertOrganisation(env.site.t.services, orgName);
    await approveMember(env.site.t.handle.db, user.id, org.id);
    return org;
  }

  /** The application's tasks but its partners, with the same answers and targets for every application here. */
  const completeTasks = (s: Site, o: OpenOpportunity, requested: string, budget: [string, string][]) =>
    completeApplicationTasks(s, {
      title: 'Weekly breaks for carers',
      requested,
      answers: {
        [o.questions[0]!.prompt]: 'Through GP surgeries and the carers centre',
        [o.questions[1]!.prompt]: 'Two sessional workers and trained volunteers.',
      },
      budget,
      targets: Object.fromEntries(o.indicators.map((i) => [i.name, '60'])),
      notes: { [o.indicators[0]!.name]: 'From our session register' },
    });

  it('a small organisation applies alone with JavaScript off', async () => {
    const o = await insertOpenOpportunity(env.site.t.handle.db, 'alone');
    const email = 'norbury.knitters@example.test';
    await memberOf(email, 'Nia Knitter', 'Norbury Knitters');
    const s = await signInAs(await newContext(env.browser, { javaScript: false }), env.site.baseUrl, email);

    await s.visit(`/opportunities/${o.slug}`);
    await s.press('Start an application');
    expect(await s.heading()).toBe('Start an application');
    expect(await s.page.getByLabel('Norbury Knitters').isChecked()).toBe(true);
    await s.press('Start application');
    expect(await body(s)).toMatch(/Application APP-\d{4}-\d{6} started/);
    const reference = /APP-\d{4}-\d{6}/.exec(s.page.url())![0];
    expect(await body(s)).toContain('You have completed 0 of 4 sections');

    // An answer over its word limit is refused, with what was typed kept.
    await s.follow('Answers to the questions');
    const tooLong = 'We will put posters in every GP surgery library and community centre';
    await s.page.locator(`#answer-${o.questions[0]!.id}`).fill(tooLong);
    await s.press('Save and return');
    expect(await s.page.locator('.govuk-error-summary').textContent()).toContain('Answer 1 must be 10 words or fewer');
    expect(await s.page.locator(`#answer-${o.questions[0]!.id}`).inputValue()).toBe(tooLong);
    await s.follow('Cancel');

    await completeTasks(s, o, '12,500', [
      ['Sessional workers', '10000'],
      ['Venue hire', '2500'],
    ]);
    expect(await body(s)).toContain('You have completed 4 of 4 sections');
    await s.follow('Check and submit');
    expect(await s.heading()).toBe('Check your application before you submit it');
    expect(await body(s)).toContain('£12,500.00');
    await s.press('Submit application');
    expect(await body(s)).toContain('Application submitted');
    expect(await body(s)).toContain('Submitted');
    expect(await body(s)).not.toContain('Check and submit');

    await s.visit('/applications');
    expect(await body(s)).toContain(reference);
    await s.visit(`/applications/${reference}/withdraw`);
    expect(await s.heading()).toBe('Withdraw the application');

    // Staff find it among the applications received.
    const officer = await addPerson(env.site, 'officer', 'applications.officer@example.test', 'Olu Officer');
    const staff = await signInAs(await newContext(env.browser, { javaScript: false }), env.site.baseUrl, officer);
    await staff.visit(`/opportunities/${o.slug}`);
    await staff.follow('Applications received');
    expect(await body(staff)).toContain(reference);
    await staff.follow(reference);
    expect(await body(staff)).toContain('Weekly breaks for carers');
  });

  it('two organisations apply jointly with JavaScript on; the partner confirms, the lead submits', async () => {
    const o = await insertOpenOpportunity(env.site.t.handle.db, 'jointly');
    const leadEmail = 'lead.partnership@example.test';
    const partnerEmail = 'bensham.sitting@example.test';
    const lead = await memberOf(leadEmail, 'Lee Lead', 'Croydon Carers Partnership');
    const partner = await memberOf(partnerEmail, 'Pat Partner', 'Bensham Sitting Service');

    const s = await signInAs(await newContext(env.browser, { javaScript: true }), env.site.baseUrl, leadEmail);
    await s.visit(`/opportunities/${o.slug}/apply`);
    await s.page.getByLabel('As a partnership of organisations').check();
    await s.press('Start application');
    const reference = /APP-\d{4}-\d{6}/.exec(s.page.url())![0];
    await completeTasks(s, o, '10000', [['Staff', '10000']]);

    await Promise.all([
      s.page.waitForNavigation(),
      s.page.getByRole('link', { name: 'Partners', exact: true }).click(),
    ]);
    await s.check();
    await s.fill('Search the directory by name', 'Bensham');
    await s.press('Search');
    expect(await s.page.getByLabel(partner.name).isChecked()).toBe(true);
    await s.fill('Role in the partnership', 'Runs the sitting service');
    await s.fill('Share of the value', '4000');
    await s.press('Add partner');
    expect(await body(s)).toContain(`${partner.name} added`);
    await s.follow(`Change ${lead.name}`);
    await s.fill('Role in the partnership', 'Leads and runs the peer groups');
    await s.fill('Share of the value', '6000');
    await s.press('Save');
    await s.follow('Back to the application');
    await s.follow('Check and submit');
    expect(await body(s)).toContain(`${partner.name} has not yet confirmed its part`);

    // The partner's member sees the confirmation waiting and confirms.
    const p = await signInAs(await newContext(env.browser, { javaScript: true }), env.site.baseUrl, partnerEmail);
    await p.visit('/applications');
    expect(await body(p)).toContain('Waiting for you to confirm');
    await p.follow(reference);
    expect(await body(p)).toContain('Runs the sitting service');
    await p.press(`Confirm ${partner.name}’s part`);
    expect(await body(p)).toContain(`You confirmed ${partner.name}’s part`);

    await s.visit(`/applications/${reference}/check`);
    expect(await body(s)).not.toContain('has not yet confirmed');
    await s.press('Submit application');
    expect(await body(s)).toContain('Application submitted');
    await p.visit(`/applications/${reference}`);
    expect(await body(p)).toContain('Submitted');
  });
});
