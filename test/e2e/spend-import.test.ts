import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/accounts/passwords.ts';
import { hasChromium, newContext, Site, useSiteAndBrowser } from './support/browser.ts';

// An officer imports a messy spend file whose amount and date columns are not recognised: uploads it, says which
// column is which, sees every row accounted for, clears the top of the review queue, and the council's public
// figures change. JavaScript changes the upload page (its file input), so that page is used both ways: with JavaScript
// off an officer first imports the file for a council not yet known, as far as every row accounted for; then, with it
// on, for a known council through the review queue to the public figures.
const MESSY = join(import.meta.dirname, 'fixtures/spend-to-review.csv');

describe.skipIf(!hasChromium)('an officer imports a messy spend file', () => {
  const env = useSiteAndBrowser();
  const password = 'a long test passphrase';

  async function signIn(context: BrowserContext, email: string): Promise<Site> {
    await env.site.t.handle.db
      .insertInto('app_user')
      .values({
        email,
        name: 'Journey officer',
        role: 'officer',
        password_hash: await hashPassword(password),
        email_confirmed_at: new Date(),
      })
      .execute();
    const s = new Site(await context.newPage(), env.site.baseUrl);
    await s.visit('/sign-in');
    await s.fill('Email address', email);
    await s.fill('Password', password);
    await s.press('Sign in');
    return s;
  }

  /**
   * Waits for the background import, then loads the job page again. While the job ran the page refreshed itself
   * every few seconds, and one last refresh may race this load: then the load is tried once more.
   */
  async function settle(s: Site) {
    await env.site.t.services.spendImportJobs.settled();
    const url = s.page.url();
    await s.page.goto(url).catch(() => s.page.goto(url));
    await s.check();
  }

  /** Uploads the messy file for a council, says which column is which, and sees every row accounted for. */
  async function importMessyFile(javaScript: boolean): Promise<Site> {
    const mode = javaScript ? 'js' : 'nojs';
    const context = await newContext(env.browser, { javaScript });
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
    expect(body).toContain('rows read 6 = imported 3 + already held 0 + rejected 2 + summary rows skipped 1');
    expect(body).toContain('£3,770.50');
    expect(body).toContain(javaScript ? 'GB-LAE-CRY' : 'London Borough of Southwark');
    // The rejected rows, with their lines and reasons.
    const rejected = s.page.locator('table', { hasText: 'Rejected rows' });
    await expect.poll(() => rejected.locator('tbody tr').count()).toBe(2);
    expect(await rejected.textContent()).toContain('The supplier name is blank');

    await s.visit('/spend/imports');
    expect((await s.page.locator('main').textContent()) ?? '').toContain('spend-to-review.csv');
    return s;
  }

  it('with JavaScript off: a council not yet known, as far as every row accounted for', async () => {
    const s = await importMessyFile(false);
    await s.page.context().close();
  });

  it('with JavaScript on: a known council, through the review queue to the public figures', async () => {
    const s = await importMessyFile(true);

    // Back to the import from the list (newest first), and on to the review queue.
    await s.follow('spend-to-review.csv');
    await s.follow('review queue');
    expect(new URL(s.page.url()).pathname).toBe('/spend/review');
    const council = 'GB-LAE-CRY';
    const share = async () => {
      await s.visit(`/spend/councils/${council}`);
      return ((await s.page.locator('#share-sentence strong').textContent()) ?? '').trim();
    };
    // Before the review: the uncertain supplier is counted in the denominator but not as VCS.
    expect(await share()).toBe('33.70%');

    // The top of the queue is the supplier with the most money at stake.
    await s.visit(`/spend/review?council=${council}`);
    const top = s.page.locator('#suppliers tbody tr').first();
    expect(await top.textContent()).toContain('Friends of Elm Park School');
    await top.getByLabel('Select Friends of Elm Park School').check();
    await s.page.getByLabel('Voluntary, community or social enterprise organisations').check();
    await s.fill('Note (optional)', 'A parents’ charity, not the school itself');
    await s.press('Save the decision for the ticked suppliers');
    expect(await s.page.locator('body').textContent()).not.toContain('Friends of Elm Park School');

    // The public figures follow the decision.
    expect(await share()).toBe('100.00%');
    const recipients = s.page.locator('table', { hasText: 'The VCS organisations paid most' });
    expect(await recipients.locator('tbody tr').first().textContent()).toContain('Friends of Elm Park School');
    await s.page.context().close();
  });
});
