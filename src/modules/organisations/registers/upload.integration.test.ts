import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import { newUploadPath } from '../../../imports/uploads.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

/** Posts the upload form as a browser does: multipart body, CSRF token in the form's action. */
async function upload(client: TestClient, file: { name: string; bytes: Buffer }, format = '', csrf?: string) {
  const page = await client.get('/admin/imports/register');
  const action = /action="([^"]+)"/
    .exec(page.body.slice(page.body.indexOf('enctype="multipart') - 300))?.[1]
    ?.replace(/&amp;/g, '&');
  const token = csrf ?? /_csrf=([^"&]+)/.exec(action ?? '')?.[1];
  const boundary = '----partnership-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\n${format}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/admin/imports/register?_csrf=${token}`,
    payload: body,
    headers: { cookie: client.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

describe('the register upload pages', () => {
  it('lets officers and admins in, and no one else', async () => {
    for (const role of ['resident', 'vcs_member', 'commissioner'] as const) {
      expect((await (await t.as(role)).get('/admin/imports/register')).statusCode).toBe(403);
    }
    expect((await (await t.as(null)).get('/admin/imports')).statusCode).toBe(303);
    for (const role of ['officer', 'admin'] as const) {
      const page = await (await t.as(role)).get('/admin/imports/register');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Recognise from the file');
      expect(page.body).toContain('enctype="multipart/form-data"');
      expect(page.body).toMatch(/action="\/admin\/imports\/register\?_csrf=[^"]+"/);
    }
  });

  it('uploads a register, runs it in the background and shows the summary with rejected rows', async () => {
    const officer = await t.as('officer');
    const res = await upload(officer, {
      name: 'publicextract.charity.txt',
      bytes: fixture('publicextract.charity.txt'),
    });
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/admin\/imports\/[0-9a-f-]{36}$/);
    await t.services.registers.settled();
    const page = await officer.get(location);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Import finished');
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(page.headers.refresh).toBeUndefined();
    expect(page.body).toContain('Charity Commission for England and Wales register');
    expect(page.body).toContain('Rows that were not imported');
    expect(page.body).toContain('11900X2');
    const csv = await officer.get(`${location}/rejected.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Line,Reason');

    const job = await t.handle.db
      .selectFrom('job')
      .selectAll()
      .where('id', '=', location.split('/').pop()!)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({
      kind: 'register-import',
      status: 'succeeded',
      progress: 7,
      created_by: officer.userId,
    });
    expect(job.summary).toMatchObject({ rowsRead: 7, created: 4, rejected: 2 });
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'register.import')
      .where('entity_id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ user_id: officer.userId });
    expect(audit.detail).toMatchObject({ file: 'publicextract.charity.txt', rowsRead: 7, created: 4 });

    const list = await officer.get('/admin/imports');
    expect(list.body).toContain('publicextract.charity.txt');
    expect(list.body).toContain('Finished');
  });

  it('clears uploads a stopped process left behind, and keeps those still being imported', async () => {
    const left = await newUploadPath('register', `left-${randomUUID()}`);
    const fresh = await newUploadPath('register', `fresh-${randomUUID()}`);
    await writeFile(left, 'name\n');
    await writeFile(fresh, 'name\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(left, twoDaysAgo, twoDaysAgo);
    const officer = await t.as('officer');
    expect((await officer.get('/admin/imports')).statusCode).toBe(200);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    await rm(fresh);
  });

  it('shows a page that refreshes itself while the import is running', async () => {
    const admin = await t.as('admin');
    const job = await t.handle.db
      .insertInto('job')
      .values({
        kind: 'register-import',
        status: 'running',
        progress: 1500,
        file_name: 'big.csv',
        created_by: admin.userId!,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const page = await admin.get(`/admin/imports/${job.id}`);
    expect(page.headers.refresh).toBe('2');
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(page.body).toContain('1,500 rows read so far');

    // WCAG 2.2.1: the reloading can be turned off, from the first link in the main content.
    const main = page.body.slice(page.body.indexOf('<main'));
    const firstLink = /<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/.exec(main);
    expect(firstLink?.slice(1)).toEqual([`/admin/imports/${job.id}?updates=off`, 'Stop updating this page']);
    const stopped = await admin.get(`/admin/imports/${job.id}?updates=off`);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.headers.refresh).toBeUndefined();
    expect(stopped.body).not.toContain('http-equiv="refresh"');
    expect(stopped.body).toContain('This page no longer updates itself');
    expect(stopped.body).toContain('1,500 rows read so far');
    // Checking again keeps it still; the other link turns the reloading back on.
    expect(stopped.body).toContain(`href="/admin/imports/${job.id}?updates=off">See how far it has got</a>`);
    expect(stopped.body).toContain(`href="/admin/imports/${job.id}">update this page every few seconds again</a>`);

    // Once the import has ended there is nothing to update, and no link.
    await t.handle.db
      .updateTable('job')
      .set({ status: 'failed', error: 'Broken file', finished_at: new Date() })
      .where('id', '=', job.id)
      .execute();
    const ended = await admin.get(`/admin/imports/${job.id}?updates=off`);
    expect(ended.headers.refresh).toBeUndefined();
    expect(ended.body).toContain('Import failed');
    expect(ended.body).not.toContain('updates=off');
  });

  it('explains a failed import and what to do, with nothing saved', async () => {
    const admin = await t.as('admin');
    const before = await t.handle.db.selectFrom('organisation').select('id').execute();
    const res = await upload(admin, { name: 'register.csv', bytes: fixture('not-really.csv') });
    expect(res.statusCode).toBe(303);
    await t.services.registers.settled();
    const page = await admin.get(String(res.headers.location));
    expect(page.body).toContain('Import failed');
    expect(page.body).toContain('is a PDF document, not a CSV file');
    expect(page.body).toContain('What to do');
    expect(await t.handle.db.selectFrom('organisation').select('id').execute()).toHaveLength(before.length);
  });

  it('asks for a file when none is chosen, and refuses an upload without the CSRF token', async () => {
    const admin = await t.as('admin');
    const empty = await upload(admin, { name: '', bytes: Buffer.alloc(0) });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('Select a register file to import');
    const forged = await upload(admin, { name: 'x.csv', bytes: fixture('publicextract.charity.txt') }, '', 'forged');
    expect(forged.statusCode).toBe(403);
  });
});
