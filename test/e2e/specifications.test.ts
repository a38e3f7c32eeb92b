import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { addPerson, hasChromium, newContext, type Site, signInAs, useSiteAndBrowser } from './support/browser.ts';
import { addOutcomeWithIndicator } from './support/commissioning.ts';

// A co-produced specification, from a need to publication, the commissioner with JavaScript off and the resident
// with it on (the commissioning journey has them the other way round): a commissioner drafts it from a needs assessment and invites a resident; the resident comments and signs off;
// creating an opportunity without an outcomes framework is refused with what is missing; the framework is added and an
// indicator changed, which makes a new version for the co-producer to sign off; the opportunity form opens.
describe.skipIf(!hasChromium)('co-producing a specification', () => {
  const env = useSiteAndBrowser();

  const person = (role: Role, email: string, name?: string) => addPerson(env.site, role, email, name);

  const signIn = (context: BrowserContext, email: string) => signInAs(context, env.site.baseUrl, email);

  const body = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

  it('with JavaScript off for the commissioner and on for the co-producer', async () => {
    const mode = 'journey';
    const need = await env.site.t.handle.db
      .insertInto('needs_assessment')
      .values({ slug: `young-carers-${mode}`, title: `Young carers in Selhurst ${mode}` })
      .returning('slug')
      .executeTakeFirstOrThrow();
    const commissioner = await person('commissioner', `commissioner-${mode}@example.test`, 'Chris Commissioner');
    const resident = await person('resident', `resident-${mode}@example.test`, `Rita Resident ${mode}`);

    // The commissioner drafts from the need and invites a co-producer.
    const cContext = await newContext(env.browser, { javaScript: false });
    const c = await signIn(cContext, commissioner);
    await c.visit(`/needs/${need.slug}/specifications/new`);
    expect(await c.heading()).toBe('Draft a specification');
    await c.fill('Title', `Breaks for young carers ${mode}`);
    await c.fill('Context', 'Young carers in Selhurst told us they miss out on clubs and homework time.');
    await c.fill('Service requirements', 'After-school sessions twice a week.');
    await c.fill('Budget', '£60,000 a year.');
    await c.press('Save draft');
    expect(await c.heading()).toBe(`Breaks for young carers ${mode}`);
    expect(await body(c)).toContain(`Young carers in Selhurst ${mode}`);
    const specUrl = new URL(c.page.url()).pathname;

    await c.fill('Email address', resident);
    await c.fill('Taking part as', 'Parent of a young carer');
    await c.press('Invite co-producer');
    expect(await body(c)).toContain(`Rita Resident ${mode} is invited as a co-producer`);

    // The co-producer comments on a section and signs off.
    const rContext = await newContext(env.browser, { javaScript: true });
    const r = await signIn(rContext, resident);
    await r.visit(specUrl);
    await r.page.getByLabel('Section', { exact: true }).selectOption('service_requirements');
    await r.fill('Your comment', 'Saturday mornings too: weekdays are when they care most.');
    await r.press('Add comment');
    expect(await body(r)).toContain('Your comment has been added');
    expect(await body(r)).toContain('Saturday mornings too');
    await r.press('Sign off version 1');
    expect(await body(r)).toContain('Every co-producer has now signed it off');

    // Creating an opportunity without an outcomes framework is refused, saying what is missing.
    await c.visit(specUrl);
    expect(await body(c)).toContain('Saturday mornings too');
    await c.press('Create an opportunity from this specification');
    const summary = c.page.locator('.govuk-error-summary');
    expect(await summary.textContent()).toContain('An opportunity cannot be created from this specification yet');
    expect(await summary.textContent()).toContain('Add at least one outcome to the outcomes framework');
    expect(await summary.textContent()).not.toContain('signed off');

    // The framework is added: an outcome, then an indicator.
    await c.visit(specUrl);
    await addOutcomeWithIndicator(c, 'Young carers have time for themselves', {
      name: 'Young carers attending a session at least twice a month',
      unit: 'young carers',
      baseline: '12',
      target: '40',
      direction: 'Increase',
      frequency: 'Quarterly',
      dataSource: 'Session registers kept by the provider',
      byWard: true,
      byGroup: false,
    });

    // The indicator is changed from its change link.
    await c.follow('Change indicator: Young carers attending a session at least twice a month');
    expect(await c.heading()).toBe('Change the indicator');
    await c.fill('Target', '45');
    await c.press('Save changes');
    expect(await body(c)).toContain('Indicator changed. This is version 4');

    // The framework is part of what is signed off, so the co-producer signs off the version that has it.
    await r.visit(specUrl);
    await r.press('Sign off version 4');
    expect(await body(r)).toContain('Every co-producer has now signed it off');
    await c.visit(specUrl);

    // Now the specification is ready to become an opportunity.
    await c.press('Create an opportunity from this specification');
    expect(await c.heading()).toBe('Create an opportunity');

    // The need links to the specification that answers it.
    await c.visit(`/needs/${need.slug}`);
    expect(await body(c)).toContain(`Breaks for young carers ${mode}`);
    await c.follow(`Breaks for young carers ${mode}`);
    await c.follow('All versions and changes');
    expect(await c.heading()).toBe('Versions');

    for (const context of [cContext, rContext]) await context.close();
  });
});
