import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { organisationWithIdentifier, registerFile, registerPresent } from '../../../../test/support/registers.ts';

const present = registerPresent('ccni_register_of_charities_2020-06-30.csv.gz', 'the real register imports');
const file = registerFile;

let t: TestContext;
beforeAll(async () => {
  if (present) t = await createTestContext();
}, 60_000);
afterAll(async () => t?.close());

const org = (identifier: string) => organisationWithIdentifier(t.handle.db, identifier);

describe.skipIf(!present)('importing the real registers', () => {
  it('imports the whole Northern Ireland register (gzipped, Windows-1252), and again changes nothing', async () => {
    const first = await t.services.registers.importFile(file('ccni_register_of_charities_2020-06-30.csv.gz'), {
      userId: null,
    });
    expect(first).toMatchObject({ format: 'ccni', rowsRead: 6565, created: 6565, updated: 0, rejected: 0 });
    expect(await org('GB-NIC-100002')).toMatchObject({
      name: 'Cancer Lifeline',
      status: 'active',
      listed: true,
      registered_on: '2013-12-13',
      income_period_end: '2019-03-31',
      latest_income_pence: 34_677_000,
      postcode: 'BT14 7PJ',
      website: 'https://www.cancerlifeline.info',
      source: 'register:ccni',
    });
    const accented = await t.handle.db
      .selectFrom('organisation')
      .select('name')
      .where('name', 'like', '%Fírinne%')
      .execute();
    expect(accented.length).toBeGreaterThan(0);
    const removed = await t.handle.db
      .selectFrom('organisation')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'removed')
      .executeTakeFirstOrThrow();
    expect(Number(removed.n)).toBe(342);

    const second = await t.services.registers.importFile(file('ccni_register_of_charities_2020-06-30.csv.gz'), {
      userId: null,
    });
    expect(second).toMatchObject({ rowsRead: 6565, created: 0, updated: 0, unchanged: 6565, rejected: 0 });
  }, 120_000);

  it('adds removal dates from the removals list', async () => {
    const summary = await t.services.registers.importFile(file('ccni_removals_2020-06-30.csv'), { userId: null });
    expect(summary).toMatchObject({ rowsRead: 66, created: 0, rejected: 0 });
    expect(await org('GB-NIC-100019')).toMatchObject({ status: 'removed', removed_on: '2016-04-27' });
  }, 60_000);

  it('links charities to company numbers, creating the ones not known yet, and is idempotent', async () => {
    const first = await t.services.registers.importFile(file('drkane_charity-company-numbers.csv'), { userId: null });
    expect(first).toMatchObject({ format: 'charity-company-numbers', rowsRead: 4399 });
    expect(first.created + first.updated + first.unchanged + first.rejected).toBe(4399);
    expect(first.created).toBeGreaterThan(3000);
    // Company GB-COH-08591698 belongs to GB-CHC-1000611, created from the list's name and not listed.
    const denton = await org('GB-COH-08591698');
    expect(denton).toMatchObject({ name: 'DENTON BURN COMMUNITY ASSOCIATION', listed: false });
    expect((await org('GB-CHC-1000611'))?.id).toBe(denton?.id);
    // Northern Ireland charities already imported gain their company number.
    const linkedNi = await t.handle.db
      .selectFrom('organisation_identifier as a')
      .innerJoin('organisation_identifier as b', 'a.organisation_id', 'b.organisation_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('a.scheme', '=', 'GB-NIC')
      .where('b.scheme', '=', 'GB-COH')
      .executeTakeFirstOrThrow();
    expect(Number(linkedNi.n)).toBeGreaterThan(600);
    for (const row of first.rejectedRows)
      expect(row.reason).toMatch(/already has the identifier|belong to different organisations/);

    const second = await t.services.registers.importFile(file('drkane_charity-company-numbers.csv'), { userId: null });
    expect(second).toMatchObject({ created: 0, updated: 0, rejected: first.rejected });
  }, 120_000);

  it('adds alternative names to organisations it knows and says which it does not', async () => {
    const summary = await t.services.registers.importFile(file('drkane_charity-names.csv'), { userId: null });
    expect(summary).toMatchObject({ format: 'charity-names', rowsRead: 2286, created: 0 });
    expect(summary.updated).toBeGreaterThan(1000);
    expect(summary.rejectedRows.at(-1)).toEqual({ line: 2287, reason: expect.stringContaining('"GB-NIC-"') });
    const scni = (await org('GB-NIC-100005'))!;
    const names = await t.handle.db
      .selectFrom('organisation_name')
      .select('name')
      .where('organisation_id', '=', scni.id)
      .execute();
    expect(names.map((n) => n.name)).toContain('SCNI');
  }, 60_000);

  it('links dual-registered charities (GB-SC and GB-CHC)', async () => {
    const summary = await t.services.registers.importFile(file('drkane_dual-registered-uk-charities.csv'), {
      userId: null,
    });
    expect(summary).toMatchObject({ format: 'dual-registered', rowsRead: 1503 });
    const shelter = await org('GB-SC-SC002327');
    expect(shelter?.id).toBe((await org('GB-CHC-263710'))?.id);
  }, 60_000);
});
