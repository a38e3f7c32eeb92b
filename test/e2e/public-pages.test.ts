import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, newContext, Site, useSiteAndBrowser } from './support/browser.ts';

// These pages are the same with JavaScript on and off but for the layout (the header's navigation and the skip
// link), which is checked both ways on the home page; the rest of the visit is made with JavaScript on.
describe.skipIf(!hasChromium)('a visitor reads the pages every service has', () => {
  const env = useSiteAndBrowser();

  /** Opens the home page and reaches the skip link with the keyboard. */
  async function home(browser: Browser, javaScript: boolean): Promise<Site> {
    const context = await newContext(browser, { javaScript });
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/');
    expect(await s.heading()).toBe('Future Croydon Partnership');
    // Keyboard first: the skip link is the first thing a Tab reaches.
    await s.page.keyboard.press('Tab');
    expect((await s.page.locator(':focus').textContent())?.trim()).toBe('Skip to main content');
    return s;
  }

  it('with JavaScript off: the home page and its skip link', async () => {
    const s = await home(env.browser, false);
    await s.page.context().close();
  });

  it('with JavaScript on', async () => {
    const s = await home(env.browser, true);
    for (const [link, heading] of [
      ['Cookies', 'Cookies'],
      ['Accessibility statement', 'Accessibility statement for Future Croydon Partnership'],
      ['Privacy notice', 'Privacy notice'],
      ['Open data', 'Open data'],
    ] as const) {
      await s.follow(link);
      expect(await s.heading()).toBe(heading);
    }
    await s.visit('/priorities');
    expect(await s.heading()).toBe('Local priorities');
    await s.visit('/no-such-page');
    expect(await s.heading()).toBe('Page not found');
    await s.page.context().close();
  });
});
