import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

describe('the pages every service has', () => {
  it('serves the home page with the place service name and council header, not GOV.UK', async () => {
    const res = await (await t.as(null)).get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Future Croydon Partnership');
    expect(res.body).toContain('London Borough of Croydon');
    expect(res.body).toContain('govuk-skip-link');
    expect(res.body).toMatch(/<main[^>]+id="main-content"/);
    expect(res.body).toContain('govuk-phase-banner');
    expect(res.body).not.toContain('Crown copyright');
    expect(res.body).not.toContain('govuk-logo');
  });

  it('leads from the home page to each part of the partnership, and each answers', async () => {
    const visitor = await t.as(null);
    const home = (await visitor.get('/')).body;
    for (const [href, text] of [
      ['/opportunities', 'Funding opportunities'],
      ['/needs', 'Needs assessments'],
      ['/spend', 'Spend with the sector'],
      ['/organisations', 'Organisations'],
      ['/awards', 'Awards'],
      ['/priorities', 'Local priorities'],
      ['/open-data', 'open data'],
    ]) {
      expect(home).toContain(`href="${href}">${text}</a>`);
      expect((await visitor.get(href!)).statusCode).toBe(200);
    }
  });

  it.each(['/cookies', '/accessibility', '/privacy', '/contact', '/open-data', '/priorities'])(
    'serves %s',
    async (url) => {
      const res = await (await t.as(null)).get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    },
  );

  it('sends security headers with a CSP nonce that matches the page scripts', async () => {
    const res = await (await t.as(null)).get('/');
    const csp = String(res.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.body).toContain(`nonce="${nonce}"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers an unknown page with a GOV.UK-style 404', async () => {
    const res = await (await t.as(null)).get('/no-such-page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
  });

  it('reports health: database reachable and migrations current', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok', pendingMigrations: [] });
  });

  it('serves the stylesheet and GOV.UK assets but not templates or Sass sources', async () => {
    expect((await t.app.inject('/assets/app.css')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/govuk-frontend.min.js')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/govuk/images/favicon.ico')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/govuk/../components/button/template.njk')).statusCode).toBe(404);
    expect((await t.app.inject('/assets/../src/web/styles/app.scss')).statusCode).toBe(404);
  });

  it('refuses a form post without a CSRF token', async () => {
    const admin = await t.as('admin');
    const res = await admin.post('/admin/priorities/new', { title: 'x', active: 'yes' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your form has expired');
  });

  it('lets an admin add a local priority, audit-logged, with GOV.UK errors for a bad form', async () => {
    const admin = await t.as('admin');
    const bad = await admin.post('/admin/priorities/new', { title: '', active: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Enter a title for the priority');
    const good = await admin.post('/admin/priorities/new', {
      title: 'Clean air',
      description: 'Less pollution',
      active: 'yes',
    });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/admin/priorities');
    const list = await admin.get('/admin/priorities');
    expect(list.body).toContain('Priority saved');
    expect((await admin.get('/admin/priorities')).body).not.toContain('Priority saved');
    expect((await admin.get('/priorities')).body).toContain('Clean air');
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'local_priority')
      .execute();
    expect(audit.length).toBe(1);
  });
});
