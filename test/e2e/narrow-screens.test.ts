import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/seed/demo.ts';
import { hasChromium, Site, useSiteAndBrowser } from './support/browser.ts';

// WCAG 1.4.10 (reflow): at 320 CSS pixels wide (a phone, or 1,280 pixels zoomed to 400%) no page scrolls
// sideways; a wide table scrolls inside its own region, which the page may. Charts keep their text at a size
// people can read there. The demo data fills the pages with real-looking tables and charts.
describe.skipIf(!hasChromium)('pages on a narrow screen', () => {
  const env = useSiteAndBrowser({ prepare: (site) => seedDemo(site.t.services, { scale: 'demo' }).then(() => {}) });

  /** A browser of this width, signed in as the demo account with this e-mail address (or no one). */
  async function visitor(width: number, email: string | null): Promise<Site> {
    const context: BrowserContext = await env.browser.newContext({ viewport: { width, height: 800 } });
    if (email) {
      const db = env.site.t.handle.db;
      const user = await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      const session = await env.site.t.services.sessions.create(user.id);
      await context.addCookies([{ name: 'sid', value: session.token, url: env.site.baseUrl }]);
    }
    return new Site(await context.newPage(), env.site.baseUrl);
  }

  /** How far the page itself is wider than the window: 0 when nothing but a table's own region scrolls. */
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  /** The first link on the page whose address starts so. */
  async function firstLink(s: Site, path: string, prefix: string): Promise<string> {
    await s.page.goto(env.site.baseUrl + path);
    const href = await s.page
      .locator(`#main-content a[href^="${prefix}"], main a[href^="${prefix}"], a[href^="${prefix}"]`)
      .first()
      .getAttribute('href');
    expect(href, `a link to ${prefix}… on ${path}`).toBeTruthy();
    return href!;
  }

  /** Visits each page (axe checks it) and returns those that scroll sideways, with how wide they are. */
  async function wide(s: Site, paths: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const path of paths) {
      await s.visit(path);
      expect(await s.page.locator('h1').count(), `a heading on ${path}`).toBeGreaterThan(0);
      // What is folded away counts too: open every "details" before measuring.
      await s.page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
      });
      const extra = await overflow(s.page);
      if (extra > 0) found.push(`${path} (${extra} px too wide)`);
    }
    return found;
  }

  /** Who looks, and where: every page linked from the navigation each of them has, and one of each kind of page. */
  const pages: [string, string | null, (s: Site) => Promise<string[]>][] = [
    [
      'a visitor',
      null,
      async (s) => [
        '/',
        '/spend',
        '/spend/councils',
        '/spend/councils/GB-LAE-BRY',
        '/spend/councils/GB-LAE-MRT',
        '/spend/methodology',
        '/organisations',
        await firstLink(s, '/organisations', '/organisations/'),
        '/opportunities',
        '/opportunities/demo-warm-spaces-network-grants',
        '/opportunities/demo-after-school-safe-spaces-grants',
        '/needs',
        '/needs/demo-respite-for-unpaid-carers',
        '/specifications/demo-warm-spaces-network',
        '/specifications/demo-warm-spaces-network/versions',
        '/awards',
        '/awards/demo-warm-spaces-north-croydon-partnership',
        '/priorities',
        '/cookies',
        '/accessibility',
        '/open-data',
        '/sign-in',
        '/register',
      ],
    ],
    [
      'an administrator',
      'admin@demo.example',
      async (s) => [
        '/staff',
        '/admin',
        '/admin/users',
        '/admin/audit',
        '/admin/outbox',
        '/admin/invitations',
        '/admin/priorities',
        '/admin/imports',
        '/organisations/verification',
        '/spend/imports',
        '/spend/published',
        '/spend/review',
        await firstLink(s, '/spend/review', '/spend/suppliers/'),
        '/specifications',
        '/specifications/demo-warm-spaces-network/versions/1/compare/2',
        '/opportunities/drafts',
        '/opportunities/demo-warm-spaces-network-grants/assessment',
        '/needs/demo-respite-for-unpaid-carers/edit',
      ],
    ],
    [
      'a commissioner on a panel',
      'commissioner@demo.example',
      async () => [
        '/panels',
        '/opportunities/demo-warm-spaces-network-grants/panel',
        '/opportunities/demo-warm-spaces-network-grants/panel/applications/DEMO-WARM-0001',
      ],
    ],
    [
      'a member of an organisation',
      'vcs@demo.example',
      async () => ['/account', '/applications', '/applications/DEMO-WARM-0001'],
    ],
  ];

  it.each(pages)('no page scrolls sideways at 320 pixels, for %s', async (_who, email, paths) => {
    const s = await visitor(320, email);
    expect(await wide(s, await paths(s))).toEqual([]);
    await s.page.context().close();
  });

  it('a wide table scrolls in a region of its own that the keyboard can reach, and says so', async () => {
    const s = await visitor(320, null);
    await s.visit('/spend');
    const region = s.page.locator('[role="region"]:has(table)').first();
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.getAttribute('aria-label')).toBeTruthy();
    const sizes = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    // Without JavaScript, shadows at the region's edges show there is more; they are uncovered only by scrolling.
    expect(await region.evaluate((el) => getComputedStyle(el).backgroundImage)).toContain('radial-gradient');
    // With it, words say so too, only where the table is wider than its region.
    expect(await region.evaluate((el) => el.classList.contains('app-table-region--overflowing'))).toBe(true);
    expect(await s.page.locator('.app-table-region__hint').first().isVisible()).toBe(true);
    await region.focus();
    await s.page.keyboard.press('ArrowRight');
    await s.page.waitForFunction((el) => el!.scrollLeft > 0, await region.elementHandle());
    await s.page.context().close();
  });

  /** Each chart's text as drawn: its font size times the SVG's scale, in CSS pixels. */
  const chartText = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll<SVGSVGElement>('svg.app-chart')]
        .filter((svg) => svg.getClientRects().length > 0)
        .map((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const sizes = [...svg.querySelectorAll('text')].map(
            (t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale,
          );
          return {
            id: svg.getAttribute('aria-labelledby'),
            smallest: Math.min(...sizes),
            width: svg.getBoundingClientRect().right,
          };
        }),
    );

  it('the spend charts are drawn for the screen: legible at 320 pixels, and /spend fits 1,280 pixels', async () => {
    for (const path of ['/spend', '/spend/councils/GB-LAE-BRY']) {
      const phone = await visitor(320, null);
      await phone.visit(path);
      const charts = await chartText(phone.page);
      expect(charts.length, `charts shown on ${path}`).toBeGreaterThanOrEqual(3);
      for (const chart of charts) {
        expect(chart.smallest, `the smallest text of ${chart.id} on ${path}`).toBeGreaterThanOrEqual(12);
        expect(chart.width, `the right edge of ${chart.id}`).toBeLessThanOrEqual(320);
      }
      await phone.page.context().close();
    }
    const desktop = await visitor(1280, null);
    await desktop.visit('/spend');
    expect(await overflow(desktop.page)).toBe(0);
    for (const chart of await chartText(desktop.page)) expect(chart.smallest).toBeGreaterThanOrEqual(12);
    await desktop.page.context().close();
  });
});
