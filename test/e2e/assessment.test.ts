import { describe, expect, it } from 'vitest';
import { insertClosedOpportunity } from '../support/closed-opportunity.ts';
import { addPerson, hasChromium, newContext, Site, signInAs, useSiteAndBrowser } from './support/browser.ts';

// From a closed opportunity to a public award: a commissioner sets up a panel with a resident, an officer and a
// VCS member whose organisation is a partner in one application (shown as excluded from it), and removes a fourth
// member added by mistake; the panel declares and scores on their own with JavaScript off; the commissioner
// moderates, decides with feedback and makes the award with its payment schedule, with JavaScript off; a visitor
// reads the award. Every page is checked with axe.
describe.skipIf(!hasChromium)('assessing applications and making an award', () => {
  const env = useSiteAndBrowser();

  const body = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

  it('panel, scores, moderation, decision, award and the public page', async () => {
    const db = env.site.t.handle.db;
    const o = await insertClosedOpportunity(env.site.t.services, db, 'journey');
    const lead = await o.org('Selhurst Lunch Club');
    const partner = await o.org('Broad Green Kitchen');
    const partnership = await o.application(lead, o.lot1, {
      partners: [{ id: partner, role: 'Cooking', sharePence: 1_000_000 }],
    });
    const single = await o.application(await o.org('Waddon Meals'), o.lot1);

    const commissioner = await addPerson(
      env.site,
      'commissioner',
      'panel-commissioner@example.test',
      'Cara Commissioner',
    );
    const resident = await addPerson(env.site, 'resident', 'panel-resident@example.test', 'Rita Resident');
    const officer = await addPerson(env.site, 'officer', 'panel-officer@example.test', 'Olu Officer');
    const vcs = await addPerson(env.site, 'vcs_member', 'panel-vcs@example.test', 'Pat Partner');
    const vcsId = (await db.selectFrom('app_user').select('id').where('email', '=', vcs).executeTakeFirstOrThrow()).id;
    await o.member(vcsId, partner);

    // The commissioner sets up the panel, with JavaScript off.
    const c = await signInAs(await newContext(env.browser, { javaScript: false }), env.site.baseUrl, commissioner);
    await c.visit(`/opportunities/${o.slug}/assessment`);
    expect(await c.heading()).toBe('Assessment');
    await c.fill('Add a panel member', 'nobody@example.test');
    await c.press('Add to the panel');
    expect(await c.page.locator('.govuk-error-summary').textContent()).toContain('No one has an account');
    for (const email of [resident, officer, vcs]) {
      await c.fill('Add a panel member', email);
      await c.press('Add to the panel');
      expect(await body(c)).toContain('added to the panel');
    }
    const panelTable = (await c.page.locator('table').first().textContent()) ?? '';
    expect(panelTable).toContain('Rita Resident');
    expect(panelTable).toContain(`${partnership.reference}: member of the applicant`);
    // A fourth member, added by mistake, is removed again before anyone has scored.
    const extra = await addPerson(env.site, 'officer', 'panel-extra@example.test', 'Eve Extra');
    await c.fill('Add a panel member', extra);
    await c.press('Add to the panel');
    await c.follow('Remove Eve Extra from the panel');
    expect(await c.heading()).toBe('Remove Eve Extra from the panel?');
    expect(await body(c)).toContain('no scores: they have not scored any application');
    await c.press('Remove from the panel');
    expect(await body(c)).toContain('Eve Extra removed from the panel');
    expect(await c.page.locator('table').first().textContent()).not.toContain('Eve Extra');

    // Each member declares and scores, with JavaScript off.
    const scores: Record<string, [number, number]> = { [resident]: [4, 7], [officer]: [3, 8], [vcs]: [2, 5] };
    for (const email of [resident, officer, vcs]) {
      const m = await signInAs(await newContext(env.browser, { javaScript: false }), env.site.baseUrl, email);
      await m.visit('/panels');
      await m.follow('Hot meals journey');
      await m.press('Declare your interests');
      await m.page.getByLabel('No, I have no interests to declare').check();
      await m.press('Save declaration');
      expect(await body(m)).toContain('Declaration recorded');
      const refs = email === vcs ? [single.reference] : [partnership.reference, single.reference];
      if (email === vcs) {
        expect(await body(m)).toContain(
          'You cannot score this application because you are a member of an organisation',
        );
        await m.visit(`/opportunities/${o.slug}/panel/applications/${partnership.reference}`);
        expect(await m.heading()).toBe('You cannot score this application');
        await m.visit(`/opportunities/${o.slug}/panel`);
      }
      for (const ref of refs) {
        await m.follow(ref);
        expect(await m.heading()).toBe(`Score ${ref}`);
        expect(await body(m)).toContain('Through GPs and faith groups.');
        const [q, v] = scores[email]!;
        await m.page.locator(`#score-${o.quality}`).fill(String(q));
        await m.page.locator(`#comment-${o.quality}`).fill(`Quality seen by ${email}`);
        await m.page.locator(`#score-${o.value}`).fill(String(v));
        await m.page.locator(`#comment-${o.value}`).fill('Costs explained');
        await m.press('Save your scores');
        expect(await body(m)).toContain('Your scores have been saved');
        await m.visit(`/opportunities/${o.slug}/panel`);
      }
      await m.page.context().close();
    }

    // Moderation of each application, then the ranking.
    await c.visit(`/opportunities/${o.slug}/assessment`);
    for (const [ref, q, v] of [
      [partnership.reference, 4, 8],
      [single.reference, 3, 6],
    ] as const) {
      await c.follow(ref);
      expect(await c.heading()).toBe(`Moderate ${ref}`);
      expect(await body(c)).toContain('Quality seen by panel-resident@example.test');
      await c.fill('Agreed score for Quality of the service', String(q));
      await c.page.locator(`#note-${o.quality}`).fill('Agreed at the panel meeting');
      await c.fill('Agreed score for Value for money', String(v));
      await c.page.locator(`#note-${o.value}`).fill('Agreed at the panel meeting');
      await c.press('Save agreed scores');
      expect(await body(c)).toContain('Agreed scores recorded');
    }
    // 60 × 4/5 + 40 × 8/10 = 48 + 32 = 80.0%; 60 × 3/5 + 40 × 6/10 = 36 + 24 = 60.0%.
    const ranking = (await c.page.locator('table').nth(1).textContent()) ?? '';
    expect(ranking).toContain('80.0%');
    expect(ranking).toContain('60.0%');

    // Decisions, with feedback for both.
    await c.follow('Record the decisions and feedback');
    await c.page.locator(`#outcome-${partnership.id}`).check();
    await c.fill('Feedback for Selhurst Lunch Club journey', 'A strong partnership with a clear plan.');
    await c.page.locator(`#outcome-${single.id}-2`).check();
    await c.press('Record decisions and tell applicants');
    expect(await c.page.locator('.govuk-error-summary').textContent()).toContain(
      'Write feedback for Waddon Meals journey',
    );
    await c.fill('Feedback for Waddon Meals journey', 'Costs were not explained in enough detail.');
    await c.press('Record decisions and tell applicants');
    expect(await body(c)).toContain('Decisions recorded and 2 applicants told');

    // The award, with JavaScript off: first a schedule that does not add up, then one that does.
    await c.follow(`Make the award for ${partnership.reference}`);
    expect(await c.heading()).toBe('Make the award');
    expect(await c.page.getByLabel('Grant agreement').isChecked()).toBe(true);
    expect(await c.page.getByLabel('Standard').isChecked()).toBe(true);
    await c.fill('Title', 'Lunch clubs in Selhurst and Broad Green');
    await c.fill('Amount of payment 1', '30000');
    await c.press('Add another payment');
    await c.page.locator('#payment-2-due-day').fill('1');
    await c.page.locator('#payment-2-due-month').fill('10');
    await c.page.locator('#payment-2-due-year').fill('2027');
    await c.fill('Amount of payment 2', '5000');
    await c.press('Make the award');
    expect(await c.page.locator('.govuk-error-summary').textContent()).toContain('The payments add up to £35,000');
    await c.fill('Amount of payment 2', '10000');
    await c.press('Make the award');
    expect(await c.heading()).toBe('Lunch clubs in Selhurst and Broad Green');
    expect(await body(c)).toContain('Award made');
    const awardPath = new URL(c.page.url()).pathname;

    // The public sees it.
    const visitor = new Site(await (await newContext(env.browser, { javaScript: true })).newPage(), env.site.baseUrl);
    await visitor.visit('/awards');
    expect(await body(visitor)).toContain('Lunch clubs in Selhurst and Broad Green');
    await visitor.follow('Lunch clubs in Selhurst and Broad Green');
    expect(new URL(visitor.page.url()).pathname).toBe(awardPath);
    const text = await body(visitor);
    for (const part of [
      'Broad Green Kitchen journey',
      'Cooking',
      '£30,000.00',
      '£10,000.00',
      'People getting a hot meal each week',
      'Standard monitoring',
    ])
      expect(text).toContain(part);
    await visitor.follow(`Meals service journey`);
    expect(await visitor.heading()).toContain('Meals service journey');
  });
});
