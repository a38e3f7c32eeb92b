import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { organisationWithIdentifier } from '../../../../test/support/registers.ts';
import { organisationNameKey } from '../names.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const orgByIdentifier = (identifier: string) => organisationWithIdentifier(t.handle.db, identifier);

const counts = async () => {
  const db = t.handle.db;
  const n = async (
    table: 'organisation' | 'organisation_identifier' | 'organisation_name' | 'organisation_classification',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    organisations: await n('organisation'),
    identifiers: await n('organisation_identifier'),
    names: await n('organisation_name'),
    classifications: await n('organisation_classification'),
  };
};

describe('importing the Charity Commission for England and Wales register', () => {
  it('imports the Charity table (tab-separated), skips linked charities and rejects bad rows with their line', async () => {
    const summary = await t.services.registers.importFile(
      { path: fixture('publicextract.charity.txt') },
      { userId: null },
    );
    expect(summary).toMatchObject({ format: 'ccew', rowsRead: 7, created: 4, updated: 0, unchanged: 1, rejected: 2 });
    expect(summary.rejectedRows).toEqual([
      { line: 6, reason: expect.stringContaining('The registered charity number "11900X2" is not valid') },
      { line: 7, reason: 'The income "not known" is not an amount of money.' },
    ]);
    expect(summary.notes.join(' ')).toMatch(/1 row was not imported .*linked charities/);

    const cio = await orgByIdentifier('GB-CHC-1190001');
    expect(cio).toMatchObject({
      name: 'Norbury Food Share',
      legal_form: 'cio',
      status: 'active',
      listed: true,
      source: 'register:ccew',
      slug: 'norbury-food-share',
      latest_income_pence: 4_825_000,
      size_band: 'small',
      income_period_end: '2025-03-31',
      registered_on: '2020-06-15',
      address: "Café St Stephen's Hall, Warwick Road, Thornton Heath",
      postcode: 'CR7 7NH',
      website: 'https://www.norburyfoodshare.org.uk',
      email: 'hello@norburyfoodshare.org.uk',
    });
    const company = await orgByIdentifier('GB-COH-03812345');
    expect(company).toMatchObject({
      name: 'CROYDON YOUTH ARTS TRUST',
      legal_form: 'charitable_company',
      size_band: 'large',
    });
    expect((await orgByIdentifier('GB-CHC-1078402'))?.id).toBe(company?.id);
    expect(await orgByIdentifier('GB-CHC-1012330')).toMatchObject({
      status: 'removed',
      listed: false,
      removed_on: '2019-08-20',
      latest_income_pence: null,
    });

    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', '=', 'register.import')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ file: 'publicextract.charity.txt', format: 'ccew', created: 4, rejected: 2 });
  });

  it('reports every row unchanged when the same register comes again, as JSON, CSV with a preamble or Windows-1252', async () => {
    const before = await counts();
    for (const file of [
      'publicextract.charity.txt',
      'publicextract.charity.json',
      'charity-with-preamble.csv',
      'charity-double-bom.csv',
    ]) {
      const summary = await t.services.registers.importFile({ path: fixture(file) }, { userId: null });
      expect(summary, file).toMatchObject({ rowsRead: 7, created: 0, updated: 0, unchanged: 5, rejected: 2 });
    }
    const cp1252 = await t.services.registers.importFile(
      { path: fixture('charity-windows-1252.csv') },
      { userId: null },
    );
    expect(cp1252).toMatchObject({ rowsRead: 7, created: 0, updated: 0, unchanged: 5, rejected: 2 });
    expect(cp1252.rejectedRows.map((r) => r.line)).toEqual([8, 9]); // after the two preamble lines
    expect(await counts()).toEqual(before);
  });

  it('adds other names and classifications to the charities already imported', async () => {
    const names = await t.services.registers.importFile(
      { path: fixture('publicextract.charity_other_names.txt') },
      { userId: null },
    );
    expect(names).toMatchObject({
      format: 'ccew-other-names',
      rowsRead: 5,
      created: 0,
      updated: 3,
      unchanged: 1,
      rejected: 1,
    });
    expect(names.rejectedRows).toEqual([
      {
        line: 6,
        reason: expect.stringMatching(
          /No organisation has the charity number GB-CHC-1999999 yet. Import the Charity Commission register/,
        ),
      },
    ]);
    const trust = (await orgByIdentifier('GB-CHC-1078402'))!;
    const stored = await t.handle.db
      .selectFrom('organisation_name')
      .select(['name', 'kind'])
      .where('organisation_id', '=', trust.id)
      .orderBy('name')
      .execute();
    expect(stored).toEqual([
      { name: 'CYAT', kind: 'working' },
      { name: 'Croydon Young Peoples Theatre', kind: 'previous' },
    ]);

    const classes = await t.services.registers.importFile(
      { path: fixture('publicextract.charity_classification.txt') },
      { userId: null },
    );
    expect(classes).toMatchObject({ format: 'ccew-classification', rowsRead: 6, created: 0, updated: 5, rejected: 1 });
    expect(classes.rejectedRows[0]).toEqual({ line: 7, reason: expect.stringContaining('classification code "399"') });
    const food = (await orgByIdentifier('GB-CHC-1190001'))!;
    const codes = await t.handle.db
      .selectFrom('organisation_classification')
      .select(['list', 'code'])
      .where('organisation_id', '=', food.id)
      .orderBy('code')
      .execute();
    expect(codes).toEqual([
      { list: 'service_area', code: '105' },
      { list: 'beneficiary_group', code: '201' },
      { list: 'beneficiary_group', code: '202' },
      { list: 'way_of_working', code: '306' },
    ]);
    const again = await t.services.registers.importFile(
      { path: fixture('publicextract.charity_classification.txt') },
      { userId: null },
    );
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5, rejected: 1 });
  });

  it('updates what the register changed, and keeps a name someone gave the organisation', async () => {
    const org = (await orgByIdentifier('GB-CHC-1190004'))!;
    await t.handle.db
      .updateTable('organisation')
      .set({ latest_income_pence: 1, name: 'Addiscombe Lunch Club', source: 'user' })
      .where('id', '=', org.id)
      .execute();
    const summary = await t.services.registers.importFile(
      { path: fixture('publicextract.charity.txt') },
      { userId: null },
    );
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const after = (await orgByIdentifier('GB-CHC-1190004'))!;
    expect(after).toMatchObject({ name: 'Addiscombe Lunch Club', latest_income_pence: 612_050 });
    const alternative = await t.handle.db
      .selectFrom('organisation_name')
      .select('name')
      .where('organisation_id', '=', org.id)
      .execute();
    expect(alternative).toEqual([{ name: 'Addiscombe Seniors Lunch Club' }]);
  });

  it('writes each name with its key for supplier matching, and forgets the key when only the name changes', async () => {
    const db = t.handle.db;
    const imported = await db
      .selectFrom('organisation')
      .select(['name', 'name_key'])
      .where('source', 'like', 'register:%')
      .execute();
    expect(imported.length).toBeGreaterThan(0);
    for (const o of imported) expect(o.name_key).toBe(organisationNameKey(o.name));
    const others = await db.selectFrom('organisation_name').select(['name', 'name_key']).execute();
    expect(others.length).toBeGreaterThan(0);
    for (const n of others) expect(n.name_key).toBe(organisationNameKey(n.name));

    // A profile edit changes the name alone: the key is forgotten, and filled again before the next resolution.
    const org = (await orgByIdentifier('GB-CHC-1190001'))!;
    await db.updateTable('organisation').set({ name: 'Norbury Food Share Hub' }).where('id', '=', org.id).execute();
    expect((await orgByIdentifier('GB-CHC-1190001'))!.name_key).toBeNull();
    expect(await t.services.spendResolution.refreshNameKeys()).toBeGreaterThanOrEqual(1);
    expect((await orgByIdentifier('GB-CHC-1190001'))!.name_key).toBe('norbury food share hub');
  });

  it.each([
    ['not-really.csv', /is a PDF document, not a CSV file/],
    ['empty.csv', /is empty/],
    ['header-only.csv', /has the column headings of the Charity Commission .* but no rows of data/],
    ['unrecognised.csv', /We could not recognise unrecognised.csv/],
  ])('refuses %s with a clear message and changes nothing', async (file, message) => {
    const before = await counts();
    const audits = await t.handle.db.selectFrom('audit_log').select('id').execute();
    await expect(t.services.registers.importFile({ path: fixture(file) }, { userId: null })).rejects.toThrow(message);
    expect(await counts()).toEqual(before);
    expect(await t.handle.db.selectFrom('audit_log').select('id').execute()).toHaveLength(audits.length);
  });

  it('rolls everything back when the import fails in the middle', async () => {
    const before = await counts();
    const rows = ['registered_charity_number,linked_charity_number,charity_name,charity_registration_status'];
    for (let i = 0; i < 1200; i++) rows.push(`${3_000_000 + i},0,Test charity ${i},Registered`);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'registers-')), 'big.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    const seen: number[] = [];
    await expect(
      t.services.registers.importFile(
        { path },
        {
          userId: null,
          onProgress: (n) => {
            seen.push(n);
            if (n >= 1000) throw new Error('the disk is full');
          },
        },
      ),
    ).rejects.toThrow('the disk is full');
    expect(seen).toEqual([500, 1000]);
    expect(await counts()).toEqual(before);
    expect(await orgByIdentifier('GB-CHC-3000001')).toBeUndefined();
  });
});
