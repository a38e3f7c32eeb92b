import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { MappingNeeded } from './service.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const SAMPLES = join(import.meta.dirname, '../../../../../shared/standards/samples');

/** An independent reading of a plain CSV's amount column: split on commas outside quotes, sum in pence. */
function rawTotalPence(path: string, column: string): { rows: number; pence: bigint } {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const split = (line: string) =>
    line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
  const header = split(lines[0]!);
  const i = header.indexOf(column);
  let pence = 0n;
  for (const line of lines.slice(1)) {
    const text = split(line)[i]!.trim();
    const [whole, frac = ''] = text.replace('-', '').split('.');
    const value = BigInt(whole!) * 100n + BigInt(`${frac}00`.slice(0, 2));
    pence += text.startsWith('-') ? -value : value;
  }
  return { rows: lines.length - 1, pence };
}

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const importFile = (path: string, council = 'GB-LAE-CRY', extra: Record<string, unknown> = {}) =>
  t.services.spendImport.importFile({ path }, { council, userId: null, ...extra });

const paymentCount = async () =>
  Number(
    (
      await t.handle.db
        .selectFrom('spend_payment')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('spend import: real sample files', () => {
  for (const [file, council, amountColumn, skipped] of [
    ['oxford_city_council_expenditure_over_500_jan-mar-2018.csv', 'GB-LAE-OXO', 'Amount', 0],
    ['harrogate_2022-08_supplier_spend.csv', 'GB-LAE-HAG', 'Net Amount', 0],
  ] as const) {
    it.skipIf(!existsSync(join(SAMPLES, file)))(
      `${file} reconciles to the penny (skips without ../shared/standards)`,
      async () => {
        const path = join(SAMPLES, file);
        const raw = rawTotalPence(path, amountColumn);
        const r = await importFile(path, council);
        expect(r.rowsRead).toBe(raw.rows);
        expect(r.rowsRead).toBe(r.rowsImported + r.rowsDuplicate + r.rowsRejected + r.rowsSkipped);
        expect(r.rowsSkipped).toBe(skipped);
        // Rejected rows are only the ones without a supplier name; their amounts are left out of the total.
        expect(r.rejected.every((x) => x.reason === 'The supplier name is blank')).toBe(true);
        const rejectedLines = new Set(r.rejected.map((x) => x.line));
        const rejectedPence = readFileSync(path, 'utf8')
          .split(/\r?\n/)
          .map((line, i) => ({ line: i + 1, text: line }))
          .filter((l) => rejectedLines.has(l.line))
          .reduce((sum, l) => sum + BigInt(Math.round(Number(l.text.split(',')[6]) * 100)), 0n);
        const expected = raw.pence - rejectedPence;
        expect(r.totalAmount).toBe(`${expected / 100n}.${String(expected % 100n).padStart(2, '0')}`);
        const council_ = await t.handle.db
          .selectFrom('council')
          .select('name')
          .where('org_id', '=', council)
          .executeTakeFirst();
        expect(council_?.name).toMatch(/Council/);

        // The same file again counts nothing twice.
        const again = await importFile(path, council);
        expect(again.rowsImported).toBe(0);
        expect(again.rowsDuplicate).toBe(r.rowsImported);
        expect(again.totalAmount).toBe('0.00');
      },
    );
  }
});

describe('spend import: messy files', () => {
  it('reads titles, Windows-1252, every date and amount form, redacted and summary rows', async () => {
    const r = await importFile(fixture('messy-windows-1252.csv'));
    expect(r.rowsRead).toBe(10);
    expect(r.rowsImported).toBe(6);
    expect(r.rowsSkipped).toBe(1);
    expect(r.rejected).toEqual([
      { line: 9, reason: expect.stringContaining('"31/31/2012" is not a date') },
      { line: 10, reason: expect.stringContaining('"ten pounds" is not a sum of money') },
      { line: 11, reason: 'The supplier name is blank' },
    ]);
    expect(r.totalAmount).toBe('1497.00');
    const payments = await t.handle.db
      .selectFrom('spend_payment')
      .select(['supplier_name', 'payment_date', 'amount_pence'])
      .where('import_id', '=', r.importId)
      .orderBy('line')
      .execute();
    expect(payments.map((p) => [p.supplier_name, p.payment_date, Number(p.amount_pence)])).toEqual([
      ['Café Crème Ltd', '2012-06-25', 123450],
      ['Age & Ageing Trust', '2012-06-26', -1250],
      ['Redacted Personal Information', '2012-06-25', 10000],
      ['Croydon Voluntary Action', '2012-06-25', -1250],
      // The same payment twice in one file is two payments.
      ['Age & Ageing Trust', '2012-06-26', -1250],
      ['Total Gas & Power Ltd', '2012-06-26', 20000],
    ]);
    const supplier = await t.handle.db
      .selectFrom('spend_supplier')
      .select(['charity_number', 'categories', 'classification'])
      .where('council_org_id', '=', 'GB-LAE-CRY')
      .where('name_key', '=', 'age and ageing trust')
      .executeTakeFirstOrThrow();
    expect(supplier.charity_number).toBe('1234567');
    expect(supplier.categories).toContain('Grants');
  });

  it('strips a byte-order mark written twice', async () => {
    const r = await importFile(fixture('double-bom.csv'));
    expect(r.rowsImported).toBe(1);
  });

  it('does not count an overlapping file twice, and keeps repeated rows within one file', async () => {
    const a = await importFile(fixture('overlap-a.csv'), 'GB-LAE-BRY');
    expect(a.rowsImported).toBe(3);
    const b = await importFile(fixture('overlap-b.csv'), 'GB-LAE-BRY');
    expect(b).toMatchObject({
      rowsRead: 4,
      rowsImported: 2,
      rowsDuplicate: 2,
      totalAmount: '8.00',
      duplicateAmount: '5.00',
    });
  });

  it.each([
    ['not-really.csv', /is a PDF document/],
    ['empty.csv', /is empty/],
    ['header-only.csv', /no rows of data/],
    ['no-amount.csv', /could not tell which column holds the amount/],
  ])('%s gets a clear message and changes nothing', async (name, message) => {
    const before = await paymentCount();
    await expect(importFile(fixture(name))).rejects.toThrow(message);
    expect(await paymentCount()).toBe(before);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spend-'));
    const path = join(dir, 'big.csv');
    await writeFile(path, Buffer.alloc(t.services.config.uploadLimitBytes + 1, 0x41));
    await expect(importFile(path)).rejects.toThrow(/larger than the limit/);
  });

  it('asks for a mapping, then keeps it as the council profile for next time', async () => {
    const error = await importFile(fixture('unknown-columns.csv'), 'GB-LAE-SWK').catch((e) => e);
    expect(error).toBeInstanceOf(MappingNeeded);
    expect((error as MappingNeeded).labels).toEqual(['When', 'Who', 'How Much', 'Ref']);
    const first = await importFile(fixture('unknown-columns.csv'), 'GB-LAE-SWK', {
      map: { date: 'When', supplier: 'Who', amount: 'How Much' },
    });
    expect(first.rowsImported).toBe(2);
    const council = await t.handle.db
      .selectFrom('council')
      .select('name')
      .where('org_id', '=', 'GB-LAE-SWK')
      .executeTakeFirst();
    expect(council?.name).toBe('London Borough of Southwark');
    // No mapping given: the saved profile is used.
    const again = await importFile(fixture('unknown-columns.csv'), 'GB-LAE-SWK');
    expect(again).toMatchObject({ rowsImported: 0, rowsDuplicate: 2 });
  });

  it('requires a name for a council it does not know', async () => {
    await expect(importFile(fixture('double-bom.csv'), 'GB-LAE-ZZZZ')).rejects.toThrow(/--council-name/);
    const r = await importFile(fixture('double-bom.csv'), 'GB-LAE-ZZZZ', { councilName: 'Test Council' });
    expect(r.councilName).toBe('Test Council');
  });

  it('keeps every category a supplier is paid under, across batches and across files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spend-categories-'));
    const file = async (name: string, rows: string[]) => {
      const path = join(dir, name);
      await writeFile(path, `Payment Date,Supplier Name,Amount,Expense Type\n${rows.join('\n')}\n`);
      return path;
    };
    const first = await file('first.csv', [
      '01/04/2024,Hillside Trust,10.00,Grants',
      '02/04/2024,Other Ltd,5.00,Rents',
      '03/04/2024,Hillside Trust,11.00,Training',
      '04/04/2024,HILLSIDE TRUST,12.00,Grants',
      '05/04/2024,Hillside Trust,13.00,Catering',
    ]);
    await importFile(first, 'GB-LAE-SUT', { councilName: 'Sutton', batchSize: 1 });
    const categories = async () =>
      (
        await t.handle.db
          .selectFrom('spend_supplier')
          .select('categories')
          .where('council_org_id', '=', 'GB-LAE-SUT')
          .where('name_key', '=', 'hillside trust')
          .executeTakeFirstOrThrow()
      ).categories.toSorted();
    expect(await categories()).toEqual(['Catering', 'Grants', 'Training']);
    await importFile(await file('second.csv', ['01/05/2024,Hillside Trust,10.00,Youth work']), 'GB-LAE-SUT', {
      batchSize: 2,
    });
    expect(await categories()).toEqual(['Catering', 'Grants', 'Training', 'Youth work']);
  });

  it('a failure mid-way changes nothing', async () => {
    const before = await paymentCount();
    await expect(
      importFile(fixture('overlap-a.csv'), 'GB-LAE-ZZZY', {
        councilName: 'Nowhere Council',
        batchSize: 1,
        onProgress: (n: number) => {
          if (n >= 2) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await paymentCount()).toBe(before);
    expect(
      await t.handle.db.selectFrom('council').select('org_id').where('org_id', '=', 'GB-LAE-ZZZY').executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('spend import: workbooks and ZIP files', () => {
  async function workbook(dir: string): Promise<string> {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Notes').addRow(['These are the notes']);
    const sheet = book.addWorksheet('Payments');
    sheet.addRow(['Spend over £500']);
    sheet.addRow(['Date Paid', 'Vendor Name', 'Net Amount']);
    sheet.addRow([new Date(Date.UTC(2024, 0, 2)), 'Acme Ltd', 10.1]);
    sheet.addRow([45293, 'Brightside CIC', { formula: 'B1*2', result: 20.2 }]);
    const path = join(dir, 'spend.xlsx');
    await book.xlsx.writeFile(path);
    return path;
  }

  it('reads the sheet whose headings match, with cached formula results and serial dates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spend-'));
    const r = await importFile(await workbook(dir), 'GB-LAE-LBH');
    expect(r).toMatchObject({ rowsRead: 2, rowsImported: 2, totalAmount: '30.30' });
    expect(r.origin).toContain('Payments');
  });

  it('reads a ZIP holding a workbook or a CSV, and refuses a ZIP bomb', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spend-'));
    const zip = new JSZip();
    zip.file('spend.xlsx', readFileSync(await workbook(dir)));
    const zipped = join(dir, 'spend.zip');
    await writeFile(zipped, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const r = await importFile(zipped, 'GB-LAE-STN');
    expect(r.rowsImported).toBe(2);

    const bomb = new JSZip();
    bomb.file('spend.csv', Buffer.alloc(50 * 1024 * 1024, 0x30));
    const bombPath = join(dir, 'bomb.zip');
    await writeFile(bombPath, await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    await expect(importFile(bombPath, 'GB-LAE-STN')).rejects.toThrow(/ZIP bomb/);
  });
});
