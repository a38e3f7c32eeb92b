import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/accounts/passwords.ts';
import { hasChromium, launchBrowser, newContext, Site, startSite } from './support/browser.ts';

// An officer imports a messy spend file whose amount and date columns are not recognised: uploads it, says which
// column is which, sees every row accounted for, and goes on to the review queue. JavaScript on and off.
const MESSY = join(import.meta.dirname, '../../src/modules/spend/import/fixtures/odd-headings.csv');

describe.skipIf(!hasChromium)('an officer imports a messy spend file', () => {
  let site: Awaited<ReturnType<typeof startSite>>;
  let browser: Browser;
  const password = 'a long test passphrase';

  beforeAll(async () => {
    site = await startSite();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function signIn(context: BrowserContext, email: string): Promise<Site> {
    await site.t.handle.db
      .insertInto('app_user')
      .values({
        email,
        name: 'Journey officer',
        role: 'officer',
        password_hash: await hashPassword(password),
        email_confirmed_at: new Date(),
      })
      .execute();
    const s = new Site(await context.newPage(), site.baseUrl);
    await s.visit('/sign-in');
    await s.fill('Email address', email);
    await s.fill('Password', password);
    await s.press('Sign in');
    return s;
  }

  /** Waits for the background import, then loads the job page again (the page also refreshes itself). */
  async function settle(s: Site) {
    await site.t.services.spendImportJobs.settled();
    await s.page.reload();
    await s.check();
  }

  for (const javaScript of [true, false]) {
    it(`with JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const mode = javaScript ? 'js' : 'nojs';
      const context = await newContext(browser, { javaScript });
      const s = await signIn(context, `spend-officer-${mode}@example.test`);

      await s.visit('/spend/imports');
      expect(await s.heading()).toBe('Spend imports');
      // The start button (a link styled as a button).
      await Promise.all([
        s.page.waitForURL('**/spend/imports/new'),
        s.page.getByRole('button', { name: 'Import a spend file' }).click(),
      ]);
      await s.check();
      await s.page.getByLabel('Spend file').setInputFiles(MESSY);
      if (javaScript) {
        await s.page.getByLabel('Council that published it').selectOption('GB-LAE-CRY');
      } else {
        // A council not yet known, by its org-id: named from the list of local authorities.
        await s.fill('Org-id', 'GB-LAE-SWK');
      }
      await s.press('Upload and import');
      await settle(s);

      // The amount and date columns are not recognised: the officer maps them.
      expect(await s.heading()).toBe('Say which column is which');
      await expect.poll(() => s.page.getByLabel('Supplier (beneficiary) name').inputValue()).toBe('Paid To');
      await s.page.getByLabel('Payment date').selectOption('Posted');
      await s.page.getByLabel('Amount', { exact: true }).selectOption('Sum');
      await s.page.getByLabel('Department or service area (optional)').selectOption('Cost Centre');
      await s.press('Save the columns and import');
      await settle(s);

      expect(await s.heading()).toBe('Import finished');
      const body = (await s.page.locator('main').textContent()) ?? '';
      expect(body).toContain('rows read 5 = imported 2 + already held 0 + rejected 2 + summary rows skipped 1');
      expect(body).toContain('£1,270.50');
      expect(body).toContain(javaScript ? 'GB-LAE-CRY' : 'London Borough of Southwark');
      // The rejected rows, with their lines and reasons.
      const rejected = s.page.locator('table', { hasText: 'Rejected rows' });
      await expect.poll(() => rejected.locator('tbody tr').count()).toBe(2);
      expect(await rejected.textContent()).toContain('The supplier name is blank');

      await s.visit('/spend/imports');
      expect((await s.page.locator('main').textContent()) ?? '').toContain('odd-headings.csv');

      // Back to the import from the list (newest first), and on to the review queue.
      await s.follow('odd-headings.csv');
      await s.follow('review queue');
      expect(new URL(s.page.url()).pathname).toBe('/spend/review');
      await context.close();
    });
  }
});
