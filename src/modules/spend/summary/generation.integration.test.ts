import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';

// The public spend pages are built once per generation of the figures they read and kept: a repeated request
// builds nothing, and every event that changes a figure (an import, a decision, a rebuild, a published figure, an
// organisation's size band) bumps the generation in its own transaction, so the next request shows the new figure.

let t: TestContext;
const CRY = 'GB-LAE-CRY';
const BRY = 'GB-LAE-BRY';

const csv = `Payment Date,Supplier Name,Amount,Service Area
01/04/2024,Greenway Youth Trust,100.00,Children
02/05/2024,Hilltop Scaffolding Ltd,300.00,Housing
03/07/2024,Riverside Tenants Association,100.00,Housing
`;

async function importCsv(council: string, text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'generation-'));
  const path = join(dir, `${council}.csv`);
  await writeFile(path, text);
  return t.services.spendImport.importFile({ path }, { council, userId: null });
}

const builds = () => t.services.spendMeasure.views.builds;

/** The page's headline share, as the page and its CSV show it, and whether it was built for this request. */
async function shown(url = '/spend') {
  const before = builds();
  const page = await t.app.inject({ url });
  expect(page.statusCode).toBe(200);
  const share = /<strong>([\d.]+)%<\/strong> of/.exec(page.body)?.[1];
  return { share, body: page.body, built: builds() - before };
}

/** The share the service works out now, without the kept views. */
async function current(council = CRY) {
  return (await t.services.spendMeasure.summary(council))?.current?.sharePercent;
}

const supplierId = async (council: string, name: string) =>
  (
    await t.handle.db
      .selectFrom('spend_supplier')
      .select('id')
      .where('council_org_id', '=', council)
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;

let orgId: string;
beforeAll(async () => {
  t = await createTestContext();
  orgId = (
    await t.handle.db
      .insertInto('organisation')
      .values({ slug: 'greenway-youth-trust', name: 'Greenway Youth Trust', latest_income_pence: 500_000 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await importCsv(CRY, csv);
});
afterAll(async () => t?.close());

describe('the public spend pages kept between requests', () => {
  it('are built once for repeated requests, the page, its CSV and the JSON alike', async () => {
    const first = await shown();
    const again = await shown();
    expect(again.built).toBe(0);
    expect(again.body.replace(/nonce="[^"]*"/g, '')).toBe(first.body.replace(/nonce="[^"]*"/g, ''));
    for (const url of ['/spend?format=csv&table=years', `/api/spend/summary?council=${CRY}`]) {
      const a = await t.app.inject({ url });
      const before = builds();
      const b = await t.app.inject({ url });
      expect(builds()).toBe(before);
      expect(b.body).toBe(a.body);
    }
    // Choices are part of the key: another year's page is built on its own.
    expect((await shown('/spend?include=redacted')).built).toBe(1);
  });

  it('show a new figure at once after an import, a decision, a rebuild, a published figure or a size band', async () => {
    let page = await shown();
    await shown();
    expect(page.share).toBe(await current());
    const csvBefore = (await t.app.inject({ url: '/spend?format=csv&table=years' })).body;

    // A decision: the scaffolders are found to be a community interest company.
    await t.services.spendResolution.decide({
      supplierIds: [await supplierId(CRY, 'Hilltop Scaffolding Ltd')],
      decision: 'vcs',
      userId: null,
    });
    const decided = await current();
    expect(decided).not.toBe(page.share);
    page = await shown();
    expect(page.built).toBe(1);
    expect(page.share).toBe(decided);
    const csvAfter = (await t.app.inject({ url: '/spend?format=csv&table=years' })).body;
    expect(csvAfter).not.toBe(csvBefore);
    expect(csvAfter).toContain(decided);

    // An import: a payment to a supplier that is not VCS.
    await importCsv(CRY, csv.replace('Hilltop Scaffolding Ltd,300.00', 'Acme Building Supplies Ltd,900.00'));
    const imported = await current();
    expect(imported).not.toBe(decided);
    expect((await shown()).share).toBe(imported);

    // A rebuild after payments written outside an import.
    await sql`update spend_payment set amount_pence = amount_pence * 3
      where council_org_id = ${CRY} and supplier_name = 'Greenway Youth Trust'`.execute(t.handle.db);
    expect((await shown()).share).toBe(imported);
    await t.services.spendMeasure.refreshSummaries([CRY]);
    const rebuilt = await current();
    expect(rebuilt).not.toBe(imported);
    expect((await shown()).share).toBe(rebuilt);

    // A neighbour's published figure, on the place's page.
    await shown();
    const officer = await t.as('officer');
    const saved = await t.services.spendMeasure.savePublished(officer.userId!, {
      councilOrgId: BRY,
      financialYear: '2024-25',
      sharePercent: '12.34',
      source: 'Bromley report',
      sourceUrl: null,
    });
    expect(saved.ok).toBe(true);
    page = await shown();
    expect(page.built).toBe(1);
    expect(page.body).toContain('12.34%');

    // A register import that changes a recipient's size band: Greenway's VCS money moves from micro to large.
    const vcsIn = (body: string, band: string) =>
      body
        .split('\n')
        .find((line) => line.replace(/^"/, '').startsWith(band))
        ?.split(',')
        .at(-3); // the label may hold commas; the last columns are numbers
    const table = async () => (await t.app.inject({ url: '/spend?format=csv&table=size-bands' })).body;
    const bandsBefore = await table();
    expect(await table()).toBe(bandsBefore);
    expect(vcsIn(bandsBefore, 'Large')).toBe('0.00');
    await t.handle.db
      .updateTable('organisation')
      .set({ latest_income_pence: 500_000_000 })
      .where('id', '=', orgId)
      .execute();
    const bandsAfter = await table();
    expect(vcsIn(bandsAfter, 'Large')).toBe(vcsIn(bandsBefore, 'Micro'));
    expect(vcsIn(bandsAfter, 'Micro')).toBe('0.00');
  });
});
