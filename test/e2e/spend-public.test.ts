import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/seed/demo.ts';
import { hasChromium, newContext, Site, useSiteAndBrowser } from './support/browser.ts';

describe.skipIf(!hasChromium)('a visitor reads how much the council spends with the VCS', () => {
  const env = useSiteAndBrowser({ prepare: (site) => seedDemo(site.t.services, { scale: 'demo' }).then(() => {}) });

  /** The headline figures, then the form that changes what is counted: the part of the visit JavaScript could change. */
  async function figures(javaScript: boolean): Promise<Site> {
    const context = await newContext(env.browser, { javaScript });
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/');
    await s.follow('Spend');
    expect(await s.heading()).toBe('Spend with the voluntary and community sector');
    expect(await s.page.getByText('These figures include made-up demonstration data').isVisible()).toBe(true);
    const share = ((await s.page.locator('#headline-share').textContent()) ?? '').trim();
    expect(share).toMatch(/^\d+\.\d\d%$/);
    expect(await s.page.locator('#headline-gap').textContent()).toMatch(/points$/);
    expect(await s.page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(3);

    // Change what is counted with the form: counting public bodies lowers the share.
    await s.page.getByText('Change the year, the benchmark or what is counted').click();
    await s.page.getByLabel('Payments to other public bodies').check();
    await s.press('Show figures');
    expect(s.page.url()).toContain('include=public_body');
    const wider = ((await s.page.locator('#headline-share').textContent()) ?? '').trim();
    expect(Number.parseFloat(wider)).toBeLessThan(Number.parseFloat(share));
    return s;
  }

  it('with JavaScript off: the figures and the form', async () => {
    const s = await figures(false);
    await s.page.context().close();
  });

  it('with JavaScript on', async () => {
    const s = await figures(true);
    await s.follow('How we measure this');
    expect(await s.heading()).toBe('How we measure spend with the VCS');
    expect(await s.page.getByText('Trigram similarity.').isVisible()).toBe(true);

    await s.visit('/spend');
    // The download link, fetched as the browser would (with the page's cookies).
    const link = s.page.locator('a[download][href*="table=quarters"]');
    expect(await link.textContent()).toContain('Download this table (CSV)');
    const response = await s.page.request.get(new URL((await link.getAttribute('href'))!, s.page.url()).href);
    expect(response.headers()['content-disposition']).toBe(
      'attachment; filename="spend-GB-LAE-CRY-quarters-2024-25-demo.csv"',
    );
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toBe('Quarter,Spend counted,Spend with the VCS,VCS share (%),Still uncertain');
    expect(csv).toContain('Q1 2023-24 (April to June 2023)');

    await s.follow('Every council with spend data');
    expect(await s.heading()).toBe('Councils’ spend with the VCS');
    await s.follow('London Borough of Bromley');
    expect(await s.heading()).toBe('Spend with the VCS: London Borough of Bromley');
    await s.page.context().close();
  });
});
