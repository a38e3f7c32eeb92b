import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import * as oracle from '../../../../test/support/spend-oracle.ts';
import * as measure from '../measure/queries.ts';

// The figures the pages read from the summaries equal the figures counted from the payments themselves, after
// each event that changes them: an import (with its resolution run), a decision and a change of size band.

let t: TestContext;
const CRY = 'GB-LAE-CRY';
const BRY = 'GB-LAE-BRY';

const csv = `Payment Date,Supplier Name,Amount,Service Area
15/03/2024,Greenway Youth Trust,300.00,Children
01/04/2024,Greenway Youth Trust,120.50,Children
02/05/2024,Hilltop Scaffolding Ltd,200.00,Housing
03/07/2024,Riverside Tenants Association,50.00,
04/10/2024,Redacted Personal Data,75.00,Adults
05/01/2025,NHS South London Trust,900.00,Adults
06/02/2025,Riverside Tenants Association,60.00,Housing
07/05/2025,Greenway Youth Trust,33.33,Children
`;

async function importCsv(council: string, text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'summary-'));
  const path = join(dir, `${council}.csv`);
  await writeFile(path, text);
  return t.services.spendImport.importFile({ path }, { council, userId: null });
}

/** Every figure of every council and year, from the summaries and from the payments, side by side. */
async function expectSummariesEqualPayments() {
  const db = t.handle.db;
  const { rows: years } = await sql<{ council: string; fy: number }>`
    select distinct council_org_id as council,
      extract(year from (payment_date - interval '3 months'))::int as fy
    from spend_payment`.execute(db);
  expect(years.length).toBeGreaterThan(2);
  for (const exclude of [measure.excludable, [] as const]) {
    const councils = [CRY, BRY];
    expect(await measure.yearTotalRows(db, councils, exclude)).toEqual(
      await oracle.yearTotalRows(db, councils, exclude),
    );
    for (const council of councils) {
      expect(await measure.quarterRows(db, council, exclude)).toEqual(await oracle.quarterRows(db, council, exclude));
    }
    for (const { council, fy } of years) {
      expect(await measure.serviceAreaRows(db, council, fy, exclude)).toEqual(
        await oracle.serviceAreaRows(db, council, fy, exclude),
      );
      expect(await measure.sizeBandRows(db, council, fy, 100_000)).toEqual(
        await oracle.sizeBandRows(db, council, fy, 100_000),
      );
      expect(await measure.topRecipientRows(db, council, fy, 20)).toEqual(
        await oracle.topRecipientRows(db, council, fy, 20),
      );
    }
  }
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
  const org = await t.handle.db
    .insertInto('organisation')
    .values({ slug: 'greenway-youth-trust', name: 'Greenway Youth Trust', latest_income_pence: 500_000 })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgId = org.id;
  await importCsv(CRY, csv);
  await importCsv(BRY, csv.replaceAll('Hilltop', 'Bromley'));
});
afterAll(async () => t?.close());

describe('spend summaries', () => {
  it('equal the figures counted from the payments after an import, a decision and a change of size band', async () => {
    await expectSummariesEqualPayments();

    // A decision on a name applies to both councils' suppliers of that name.
    await t.services.spendResolution.decide({
      supplierIds: [await supplierId(CRY, 'Riverside Tenants Association')],
      decision: 'vcs',
      userId: null,
    });
    await t.services.spendResolution.decide({
      supplierIds: [await supplierId(CRY, 'Hilltop Scaffolding Ltd')],
      decision: 'organisation',
      organisationId: orgId,
      userId: null,
    });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from spend_supplier_year where classification = 'vcs'`.execute(t.handle.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(5);
    await expectSummariesEqualPayments();

    // The directory's size band is read with the summaries, so a register import that changes it shows at once.
    await t.handle.db
      .updateTable('organisation')
      .set({ latest_income_pence: 500_000_000 })
      .where('id', '=', orgId)
      .execute();
    await expectSummariesEqualPayments();
    const bands = await measure.sizeBandRows(t.handle.db, CRY, 2024, 100_000);
    expect(bands.find((b) => b.band === 'large')?.vcs).toBeDefined();
  });

  it('serve the public page and its CSV without reading the payments', async () => {
    const before = await t.app.inject({ url: '/spend' });
    const csvBefore = await t.app.inject({ url: '/spend?format=csv&table=years' });
    expect(before.statusCode).toBe(200);
    expect(csvBefore.statusCode).toBe(200);
    expect(csvBefore.body).toContain('2024-25');
    // Taken away behind the summaries' back: a page that counted the payments would now show nothing.
    await t.handle.db.deleteFrom('spend_payment').where('council_org_id', '=', CRY).execute();
    const after = await t.app.inject({ url: '/spend' });
    const figures = (html: string) => html.replace(/nonce="[^"]*"/g, '');
    expect(figures(after.body)).toBe(figures(before.body));
    expect((await t.app.inject({ url: '/spend?format=csv&table=years' })).body).toBe(csvBefore.body);
  });
});
