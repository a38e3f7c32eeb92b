import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { addPerson, hasChromium, newContext, signInAs, useSiteAndBrowser } from './support/browser.ts';
import { contribute, openNeedsAssessment, respondToContribution } from './support/commissioning.ts';

// A commissioner opens a needs assessment; a resident contributes and supports it; the commissioner responds;
// the resident sees "You said, we did". Axe on every page. The commissioner browses with JavaScript off and the
// resident with it on (the commissioning journey has them the other way round), so that the forms JavaScript changes
// (the character counts of the need and of a contribution) are used both ways.
describe.skipIf(!hasChromium)('needs assessment: open, contribute, respond', () => {
  const env = useSiteAndBrowser();

  const person = (role: Role, email: string, name?: string) => addPerson(env.site, role, email, name);

  const signIn = (context: BrowserContext, email: string) => signInAs(context, env.site.baseUrl, email);

  it('with JavaScript off for the commissioner and on for the resident', async () => {
    const title = 'Lunch clubs for older people';
    const closes = new Date(Date.now() + 30 * 86_400_000);

    const c = await signIn(
      await newContext(env.browser, { javaScript: false }),
      await person('commissioner', 'commissioner-needs@example.test'),
    );
    const path = await openNeedsAssessment(c, {
      title,
      need: 'Older people living alone miss a hot meal and company.',
      ward: 'Shirley North',
      closes,
    });
    await c.follow('Edit this needs assessment');
    await c.page.getByLabel('A small table', { exact: true }).check();
    await c.fill('Title of the evidence', 'Meals served');
    await c.fill('Table (for a small table)', 'Month,Meals\nMay,120\nJune,140');
    await c.press('Add evidence');
    await c.follow('Cancel');
    expect(await c.heading()).toBe(title);
    expect(await c.page.locator('[aria-current="step"]').textContent()).toContain('Co-production');
    expect(await c.page.locator('table').textContent()).toContain('140');

    const r = await signIn(
      await newContext(env.browser, { javaScript: true }),
      await person('resident', 'resident-needs@example.test'),
    );
    await r.visit(path);
    await r.press('Add your contribution');
    expect(await r.page.locator('.govuk-error-summary').textContent()).toContain(
      'Select what kind of contribution this is',
    );
    expect(await r.page.locator('#body-hint').textContent()).toContain('with your name');
    await contribute(r, path, 'An idea', 'A lunch club at the Shirley community centre on Tuesdays');
    // The success message is where the person is: announced, focused and in view.
    const banner = r.page.locator('.govuk-notification-banner');
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await r.page.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner'))).toBe(
      true,
    );
    const box = (await banner.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(r.page.viewportSize()!.height);
    await r.press('I support this need');
    expect(await r.page.locator('body').textContent()).toContain('1 person supports this need');

    await respondToContribution(c, path, 'The specification now asks for a Tuesday lunch club in Shirley');

    await r.visit(path);
    const said = r.page.locator('#you-said-we-did');
    expect(await said.textContent()).toContain('You said, we did');
    expect(await r.page.locator('body').textContent()).toContain('a Tuesday lunch club in Shirley');
  });
});
