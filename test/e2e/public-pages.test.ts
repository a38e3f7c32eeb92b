import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, newContext, Site, startSite } from './support/browser.ts';

describe.skipIf(!hasChromium)('a visitor reads the pages every service has', () => {
  let site: Awaited<ReturnType<typeof startSite>>;
  let browser: Browser;
  beforeAll(async () => {
    site = await startSite();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const javaScript of [true, false]) {
    it(`with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const context = await newContext(browser, { javaScript });
      const s = new Site(await context.newPage(), site.baseUrl);
      await s.visit('/');
      expect(await s.heading()).toBe('Future Croydon Partnership');
      // Keyboard first: the skip link is the first thing a Tab reaches.
      await s.page.keyboard.press('Tab');
      expect((await s.page.locator(':focus').textContent())?.trim()).toBe('Skip to main content');
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
      await context.close();
    });
  }
});
