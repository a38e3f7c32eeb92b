import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));
const SAMPLE = join(
  import.meta.dirname,
  '../../../../../shared/standards/samples/oxford_city_council_expenditure_over_500_jan-mar-2018.csv',
);
const hasSample = existsSync(SAMPLE);
if (!hasSample) console.warn(`Real-sample upload test skipped: ${SAMPLE} is absent (../shared/standards not present).`);

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

/** Posts the upload form as a browser does: multipart body, the CSRF token in the form's action. */
async function upload(
  client: TestClient,
  file: { name: string; bytes: Buffer },
  fields: Record<string, string> = { council: 'GB-LAE-CRY' },
) {
  const page = await client.get('/spend/imports/new');
  expect(page.statusCode).toBe(200);
  const action = /action="(\/spend\/imports\/new\?_csrf=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  expect(action).toBeDefined();
  const boundary = '----spend-upload-test';
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  const body = Buffer.concat([
    ...parts,
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: action!,
    payload: body,
    headers: { cookie: client.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

/** Uploads, waits for the background job, and returns its page. */
async function uploadAndWait(
  client: TestClient,
  file: { name: string; bytes: Buffer },
  fields?: Record<string, string>,
) {
  const res = await upload(client, file, fields);
  expect(res.statusCode).toBe(303);
  const location = String(res.headers.location);
  expect(location).toMatch(/^\/spend\/imports\/jobs\/[0-9a-f-]{36}$/);
  await t.services.spendImportJobs.settled();
  return { location, page: await client.get(location) };
}

const selectedOption = (html: string, name: string) => {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option value="([^"]*)" selected/.exec(select)?.[1];
};

/** Whether the job's upload is still kept on disk. */
const uploadKept = async (location: string) => {
  const job = await t.services.spendImportJobs.job(location.split('/').pop()!);
  const path = job?.summary?.input.path;
  expect(path).toBeTruthy();
  return existsSync(path!);
};

describe('spend upload pages', () => {
  it('lets commissioners, officers and admins in, and refuses residents and VCS members', async () => {
    for (const role of ['resident', 'vcs_member'] as const) {
      const client = await t.as(role);
      expect((await client.get('/spend/imports')).statusCode).toBe(403);
      expect((await client.get('/spend/imports/new')).statusCode).toBe(403);
    }
    expect((await (await t.as(null)).get('/spend/imports')).statusCode).toBe(303);
    for (const role of ['commissioner', 'officer', 'admin'] as const) {
      const page = await (await t.as(role)).get('/spend/imports/new');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('enctype="multipart/form-data"');
      expect(page.body).toMatch(/<option value="GB-LAE-CRY"/);
    }
    const empty = await (await t.as('officer')).get('/spend/imports');
    expect(empty.body).toContain('No spend imported yet');
    expect(empty.body).toContain('href="/spend/imports/new"');
  });

  it.skipIf(!hasSample)('imports a real file in the background and shows the reconciliation', async () => {
    const officer = await t.as('officer');
    const { location, page } = await uploadAndWait(
      officer,
      { name: 'oxford.csv', bytes: readFileSync(SAMPLE) },
      { council: '', otherOrgId: 'gb-lae-oxo', otherName: '' },
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Import finished');
    expect(page.headers.refresh).toBeUndefined();
    const r = (await t.services.spendImportJobs.job(location.split('/').pop()!))!.summary!.result!;
    expect(r.rowsRead).toBe(1220);
    expect(r.rowsRead).toBe(r.rowsImported + r.rowsDuplicate + r.rowsRejected + r.rowsSkipped);
    expect(page.body).toContain(
      `rows read 1,220 = imported ${r.rowsImported.toLocaleString('en-GB')} + already held 0 + rejected ${r.rowsRejected} + summary rows skipped 0`,
    );
    const [whole, pence] = r.totalAmount.split('.');
    expect(page.body).toContain(`£${Number(whole).toLocaleString('en-GB')}.${pence}`);
    expect(page.body).toContain('href="/spend/review"');
    expect(page.body).toContain('href="/spend"');
    if (r.rowsRejected) {
      expect(page.body).toContain('Rows that were not imported');
      const csv = await officer.get(`${location}/rejected.csv`);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body.split('\n')[0]).toContain('Line,Reason');
      expect(csv.body).toContain('The supplier name is blank');
    }
    // Its upload is gone; the list shows it with its figures.
    expect(await uploadKept(location)).toBe(false);
    const list = await officer.get('/spend/imports');
    expect(list.body).toContain('Oxford');
    expect(list.body).toContain(`href="${location}"`);
    expect(list.body).toContain(r.rowsImported.toLocaleString('en-GB'));
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select(['user_id', 'detail'])
      .where('action', '=', 'spend.import')
      .where('entity_id', '=', r.importId)
      .executeTakeFirstOrThrow();
    expect(audit.user_id).toBe(officer.userId);
  });

  it('asks which column is which, keeps the mapping, and needs none the next time', async () => {
    const officer = await t.as('officer');
    const file = { name: 'anytown.csv', bytes: fixture('odd-headings.csv') };
    const { location, page } = await uploadAndWait(officer, file);
    expect(page.body).toContain('Say which column is which');
    expect(page.headers.refresh).toBeUndefined();
    // The file's headings are offered, with what was recognised already chosen.
    expect(page.body).toContain('<option value="Posted"');
    expect(selectedOption(page.body, 'supplier')).toBe('Paid To');
    expect(selectedOption(page.body, 'charityNumber')).toBe('Charity Reg');
    expect(selectedOption(page.body, 'date')).toBe('');
    expect(await uploadKept(location)).toBe(true);

    // Missing and repeated choices are explained, and the form keeps what was chosen.
    const bad = await officer.post(location, { date: 'Posted', supplier: 'Paid To', amount: 'Posted' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('&quot;Posted&quot; is already chosen for the payment date');
    expect(selectedOption(bad.body, 'amount')).toBe('Posted');

    const mapped = await officer.post(location, {
      date: 'Posted',
      supplier: 'Paid To',
      amount: 'Sum',
      department: 'Cost Centre',
      charityNumber: 'Charity Reg',
    });
    expect(mapped.statusCode).toBe(303);
    await t.services.spendImportJobs.settled();
    const done = await officer.get(location);
    expect(done.body).toContain('Import finished');
    expect(done.body).toContain('rows read 5 = imported 2 + already held 0 + rejected 2 + summary rows skipped 1');
    expect(done.body).toContain('£1,270.50');
    expect(done.body).toMatch(/<td class="govuk-table__cell govuk-table__cell--numeric">7<\/td>/);
    expect(await uploadKept(location)).toBe(false);
    const profile = await t.handle.db
      .selectFrom('spend_import_profile')
      .select('mapping')
      .where('council_org_id', '=', 'GB-LAE-CRY')
      .execute();
    expect(profile.map((p) => p.mapping)).toContainEqual(expect.objectContaining({ amount: 'sum', date: 'posted' }));
    expect(
      await t.handle.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'spend.import_profile.save')
        .where('user_id', '=', officer.userId!)
        .execute(),
    ).toHaveLength(1);

    // The same headings again: straight through, nothing counted twice.
    const again = await uploadAndWait(await t.as('commissioner'), file);
    expect(again.page.body).toContain('Import finished');
    expect(again.page.body).toContain('imported 0 + already held 2');
  });

  it('maps the columns for a council it did not know, adding the council only with the import', async () => {
    const officer = await t.as('officer');
    const fields = { council: 'other', otherOrgId: 'GB-LAE-QQQ1', otherName: 'Queensford Council' };
    const { location, page } = await uploadAndWait(
      officer,
      { name: 'q.csv', bytes: fixture('odd-headings.csv') },
      fields,
    );
    expect(page.body).toContain('Say which column is which');
    const council = () =>
      t.handle.db.selectFrom('council').select('name').where('org_id', '=', 'GB-LAE-QQQ1').executeTakeFirst();
    expect(await council()).toBeUndefined();
    await officer.post(location, { date: 'Posted', supplier: 'Paid To', amount: 'Sum' });
    await t.services.spendImportJobs.settled();
    expect((await officer.get(location)).body).toContain('imported 2 +');
    expect((await council())?.name).toBe('Queensford Council');
  });

  it('explains each problem with the form and keeps nothing', async () => {
    const officer = await t.as('officer');
    const csv = { name: 'x.csv', bytes: fixture('overlap-a.csv') };
    const cases: [{ name: string; bytes: Buffer }, Record<string, string>, string][] = [
      [{ name: '', bytes: Buffer.alloc(0) }, { council: 'GB-LAE-CRY' }, 'Select a spend file to import'],
      [csv, { council: '' }, 'Select the council that published the file'],
      [csv, { council: 'other', otherOrgId: 'Croydon' }, 'Enter the org-id in the form GB-LAE-CRY'],
      [csv, { council: '', otherOrgId: 'GB-LAE-ZZQ9' }, 'Enter the council&#39;s name'],
    ];
    for (const [file, fields, message] of cases) {
      const res = await upload(officer, file, fields);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('There is a problem');
      expect(res.body).toContain(message);
      expect(res.body).toContain('class="govuk-error-summary');
    }
  });

  it('says what to do when the file is not a spend file, with nothing saved', async () => {
    const officer = await t.as('officer');
    const before = await t.handle.db.selectFrom('spend_payment').select('id').execute();
    const { location, page } = await uploadAndWait(officer, { name: 'spend.csv', bytes: fixture('not-really.csv') });
    expect(page.body).toContain('Import failed');
    expect(page.body).toContain('is a PDF document');
    expect(page.body).toContain('What to do');
    expect(page.body).toContain('Nothing from this file was saved');
    expect(await t.handle.db.selectFrom('spend_payment').select('id').execute()).toHaveLength(before.length);
    expect(await uploadKept(location)).toBe(false);
    const failure = await t.handle.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'spend.import.failed')
      .where('user_id', '=', officer.userId!)
      .executeTakeFirstOrThrow();
    expect(failure.detail).toMatchObject({ file: 'spend.csv', council: 'GB-LAE-CRY' });
  });

  it('shows a page that refreshes itself while the import runs, and clears uploads left waiting a day', async () => {
    const officer = await t.as('officer');
    const running = await t.handle.db
      .insertInto('job')
      .values({
        kind: 'spend-import',
        status: 'running',
        progress: 1500,
        file_name: 'big.csv',
        created_by: officer.userId!,
        summary: JSON.stringify({ input: { fileName: 'big.csv', council: 'GB-LAE-CRY' } }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const page = await officer.get(`/spend/imports/jobs/${running.id}`);
    // Reloads itself without JavaScript (the Refresh header), and the person can stop that.
    expect(page.headers.refresh).toBe('2');
    expect(page.body).toContain('1,500 rows read so far');
    // The first link in the main content, so that it is reached before the next reload.
    const main = page.body.slice(page.body.indexOf('<main'));
    expect(/<a [^>]*href="([^"]+)"/.exec(main)?.[1]).toBe(`/spend/imports/jobs/${running.id}?updates=off`);
    const stopped = await officer.get(`/spend/imports/jobs/${running.id}?updates=off`);
    expect(stopped.headers.refresh).toBeUndefined();
    expect(stopped.body).toContain('no longer updates itself');

    const { location } = await uploadAndWait(
      officer,
      { name: 'odd.csv', bytes: fixture('odd-headings.csv') },
      {
        council: 'GB-LAE-BRY',
      },
    );
    expect(await uploadKept(location)).toBe(true);
    expect(await t.services.spendImportJobs.sweep(Date.now() + 25 * 60 * 60 * 1000)).toBeGreaterThanOrEqual(1);
    expect(await uploadKept(location)).toBe(false);
    const swept = await officer.get(location);
    expect(swept.body).toContain('Import failed');
    expect(swept.body).toContain('were not mapped within a day');
    expect((await officer.get('/spend/imports/jobs/not-a-job')).statusCode).toBe(404);
  });
});
