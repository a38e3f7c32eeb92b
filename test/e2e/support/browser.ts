import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Role } from '../../../src/db/schema.ts';
import { hashPassword } from '../../../src/modules/accounts/passwords.ts';
import { createTestContext, type TestContext } from '../../support/app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM}. Install Debian's chromium package (as .ci/run does).`,
  );
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The real app on a fresh database of its own, listening on a free port. */
export async function startSite(): Promise<{ t: TestContext; baseUrl: string; close(): Promise<void> }> {
  const t = await createTestContext();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { t, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

/**
 * One site and one browser for a file's tests, started together before them and closed after: read them from the
 * object returned (its fields are set once the tests begin). `prepare` puts in what the file's tests share.
 */
export function useSiteAndBrowser(
  options: { prepare?: (site: Awaited<ReturnType<typeof startSite>>) => Promise<void> } = {},
): { site: Awaited<ReturnType<typeof startSite>>; browser: Browser } {
  const env = {} as { site: Awaited<ReturnType<typeof startSite>>; browser: Browser };
  beforeAll(async () => {
    const [site, browser] = await Promise.allSettled([
      startSite().then(async (site) => {
        env.site = site;
        await options.prepare?.(site);
        return site;
      }),
      launchBrowser().then((browser) => {
        env.browser = browser;
        return browser;
      }),
    ]);
    for (const started of [site, browser]) if (started.status === 'rejected') throw started.reason;
  }, 180_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newContext(browser: Browser, options: { javaScript: boolean }): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript,
    viewport: { width: 1280, height: 900 },
  });
  if (!options.javaScript) jsOff.add(context);
  return context;
}

const jsOff = new WeakSet<BrowserContext>();
const checkers = new WeakMap<Browser, Page>();

/**
 * A page that can run axe over the HTML of a page whose JavaScript is off: one per browser, kept, on the
 * same origin as the site so its stylesheet loads (our headers refuse cross-origin use of assets).
 */
async function checkerFor(page: Page): Promise<Page> {
  const browser = page.context().browser()!;
  let checker = checkers.get(browser);
  if (!checker) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    checker = await context.newPage();
    await checker.route('**/*', (route) =>
      route.request().resourceType() === 'script' ? route.abort() : route.continue(),
    );
    checkers.set(browser, checker);
  }
  const origin = new URL(page.url()).origin;
  if (new URL(checker.url() === 'about:blank' ? 'http://x' : checker.url()).origin !== origin) {
    await checker.goto(`${origin}/health`);
  }
  return checker;
}

type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/**
 * Runs axe (WCAG 2.2 A and AA rules) on the page and fails the test on any violation.
 * Evaluated through the DevTools protocol, so the page's CSP does not stop it.
 */
export async function expectAccessible(page: Page): Promise<void> {
  // With JavaScript off, the page cannot run axe: check the same HTML in a sibling page that can.
  let target = page;
  if (jsOff.has(page.context())) {
    target = await checkerFor(page);
    const html = await page.content();
    await target.setContent(html, { waitUntil: 'load' });
  }
  {
    const session = await target.context().newCDPSession(target);
    const { result, exceptionDetails } = (await session.send('Runtime.evaluate', {
      expression: `${axeSource};
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
        .then(r => JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) }))))`,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: string }; exceptionDetails?: unknown };
    await session.detach();
    if (exceptionDetails) throw new Error(`axe could not run: ${JSON.stringify(exceptionDetails)}`);
    const violations = JSON.parse(result.value) as AxeViolation[];
    const report = violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(report, `accessibility violations on ${page.url()}`).toEqual([]);
  }
}

/** A page object for the whole site: every page visited is checked with axe. */
export class Site {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async visit(path: string): Promise<void> {
    await this.page.goto(this.baseUrl + path);
    await expectAccessible(this.page);
  }

  /** After an action that loads a new page. */
  async check(): Promise<void> {
    await this.page.waitForLoadState('load');
    await expectAccessible(this.page);
  }

  async heading() {
    return (await this.page.locator('h1').first().textContent())?.trim() ?? '';
  }

  async fill(label: string, value: string) {
    await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  async press(buttonText: string) {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: buttonText }).click()]);
    await expectAccessible(this.page);
  }

  async follow(linkText: string) {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('link', { name: linkText }).first().click()]);
    await expectAccessible(this.page);
  }
}

/** The password of every person made by `addPerson`: journeys sign in with it through the real form. */
export const JOURNEY_PASSWORD = 'a long test passphrase';
let journeyHash: Promise<string> | undefined;

/** A person who can sign in with `JOURNEY_PASSWORD` (hashed once: argon2 is slow by design). */
export async function addPerson(
  site: { t: TestContext },
  role: Role,
  email: string,
  name = `Journey ${role}`,
): Promise<string> {
  journeyHash ??= hashPassword(JOURNEY_PASSWORD);
  await site.t.handle.db
    .insertInto('app_user')
    .values({ email, name, role, password_hash: await journeyHash, email_confirmed_at: new Date() })
    .execute();
  return email;
}

/** Signs in through the sign-in page, as a person would, and returns the page object. */
export async function signInAs(context: BrowserContext, baseUrl: string, email: string): Promise<Site> {
  const s = new Site(await context.newPage(), baseUrl);
  await s.visit('/sign-in');
  await s.fill('Email address', email);
  await s.fill('Password', JOURNEY_PASSWORD);
  await s.press('Sign in');
  return s;
}
