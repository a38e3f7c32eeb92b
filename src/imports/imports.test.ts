import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { fromC1Controls } from './decode.ts';
import { ImportError } from './errors.ts';
import { openSource } from './source.ts';
import { openTable } from './table.ts';
import { parseDate, parsePence } from './values.ts';

const open = (bytes: Buffer | string, maxBytes = 10 * 1024 * 1024) =>
  openSource({ stream: Readable.from([Buffer.from(bytes)]), name: 'test.csv' }, { maxBytes });

async function readAll(bytes: Buffer | string) {
  const source = await open(bytes);
  let text = '';
  for await (const chunk of source.text) text += chunk;
  return { text, source };
}

const formats = [{ name: 'people', label: 'list of people', required: ['name', 'age'] }];

describe('opening a file', () => {
  it('decodes Windows-1252 even when the first accented letter is far into the file', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`name,age\n${'Ann,1\n'.repeat(20_000)}`),
      iconv.encode('Fírinne,2\n', 'win1252'),
    ]);
    const { text, source } = await readAll(bytes);
    expect(text.endsWith('Fírinne,2\n')).toBe(true);
    expect(source.encoding()).toBe('windows-1252');
  });

  it('reads UTF-8 and strips a byte-order mark, also one written twice and double-encoded', async () => {
    const doubled = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ï»¿name,age\nZoë,3\n', 'utf8')]);
    const { text, source } = await readAll(doubled);
    expect(text).toBe('name,age\nZoë,3\n');
    expect(source.encoding()).toBe('utf-8');
  });

  it('reads C1 control characters as the Windows-1252 characters they stood for, in UTF-8 files too', async () => {
    // "REDACTED – PERSONAL DATA" whose dash was once read as Latin-1 and then saved as UTF-8.
    const { text, source } = await readAll(Buffer.from('name,age\nREDACTED \u0096 PERSONAL DATA,1\n', 'utf8'));
    expect(source.encoding()).toBe('utf-8');
    expect(text).toBe('name,age\nREDACTED – PERSONAL DATA,1\n');
    expect(fromC1Controls('\u0080 \u0091x\u0092 \u0093y\u0094 \u0085')).toBe('€ ‘x’ “y” …');
    // Undefined in Windows-1252: left alone rather than guessed.
    expect(fromC1Controls('\u0081\u009d')).toBe('\u0081\u009d');
  });

  it('reads UTF-16 text as Excel saves "Unicode text"', async () => {
    const { text } = await readAll(
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('name\tage\nZoë\t3\n', 'utf-16le')]),
    );
    expect(text).toBe('name\tage\nZoë\t3\n');
  });

  it('decompresses gzip, recognised by its first bytes whatever the name', async () => {
    const { text, source } = await readAll(gzipSync('name,age\nAnn,1\n'));
    expect(source.compressed).toBe(true);
    expect(text).toBe('name,age\nAnn,1\n');
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /is empty/],
    ['only blank lines', Buffer.from('\r\n\r\n  \n'), /no data/],
    ['only a byte-order mark', Buffer.from([0xef, 0xbb, 0xbf]), /no data/],
    ['a PDF renamed .csv', Buffer.from('%PDF-1.7\n\u0000\u0001binary'), /is a PDF document/],
    [
      'a ZIP file',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, ...Buffer.from('data.csv')]),
      /ZIP is not supported yet/,
    ],
    [
      'an XLSX workbook',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('[Content_Types].xml')]),
      /Excel workbook \(XLSX\)/,
    ],
    ['an old XLS workbook', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /old Excel workbook/],
    [
      'an image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0, 0, 1, 2]),
      /not a text file/,
    ],
    ['a gzip file that is cut short', gzipSync('name,age\n'.repeat(1000)).subarray(0, 30), /cannot be decompressed/],
  ])('refuses %s with a clear message', async (_what, bytes, message) => {
    await expect(readAll(bytes)).rejects.toThrow(message);
    await expect(readAll(bytes)).rejects.toBeInstanceOf(ImportError);
  });

  it('stops reading a gzip bomb early, however far it is from the size limit', async () => {
    // About 26 MB of one row repeated: gzip packs it into a few dozen kilobytes, which no real spend file does.
    const bomb = gzipSync(`Payment Date,Supplier Name,Amount\n${'2024-01-02,Acme Ltd,10.00\n'.repeat(1_000_000)}`);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const source = await open(bomb, 200 * 1024 * 1024);
    let read = 0;
    await expect(
      (async () => {
        for await (const chunk of source.text) read += chunk.length;
      })(),
    ).rejects.toThrow(/compressed more than 200 times.*"gzip bomb"/);
    expect(read).toBeLessThan(20 * 1024 * 1024);
  });

  it('stops at the size limit with a message saying what to do, also after decompression', async () => {
    const big = `name,age\n${'Ann,1\n'.repeat(50_000)}`;
    await expect(readAll(Buffer.from(big)).then(() => open(big, 1000))).rejects.toThrow(/larger than the limit/);
    const source = await open(gzipSync(big), 200_000);
    await expect(
      (async () => {
        for await (const _ of source.text);
      })(),
    ).rejects.toThrow(/decompressed file is larger than the limit of 0.2 MB/);
  });

  it('refuses a missing path', async () => {
    await expect(openSource({ path: '/no/such/file.csv' }, { maxBytes: 1000 })).rejects.toThrow(/There is no file at/);
  });
});

describe('finding the header and the rows', () => {
  it('skips a preamble, tolerates a trailing empty column and gives each row its line in the file', async () => {
    const text = 'Council spend, April\r\n\r\nName,Age,\r\nAnn,31,\r\n"Bo\nB",4,\r\n\r\nCy,5\r\n';
    const table = await openTable(await open(text), formats);
    expect(table.headerLine).toBe(3);
    const rows = [];
    for await (const row of table.rows) rows.push({ line: row.line, name: row.get('name'), age: row.get('age') });
    expect(rows).toEqual([
      { line: 4, name: 'Ann', age: '31' },
      { line: 5, name: 'Bo\nB', age: '4' },
      { line: 8, name: 'Cy', age: '5' },
    ]);
  });

  it('reads tab-separated text with quote marks inside fields', async () => {
    const table = await openTable(await open('name\tage\nthe "best" club\t7\n'), formats);
    const rows = [];
    for await (const row of table.rows) rows.push(row.get('name'));
    expect(rows).toEqual(['the "best" club']);
  });

  it('reads a JSON array of objects with the line each starts on', async () => {
    const table = await openTable(
      await open('\uFEFF[\n{"name": "Ann", "age": 31},\n{"name": "B}o", "age": null}\n]'),
      formats,
    );
    const rows = [];
    for await (const row of table.rows) rows.push([row.line, row.get('name'), row.get('age')]);
    expect(rows).toEqual([
      [2, 'Ann', '31'],
      [3, 'B}o', ''],
    ]);
  });

  it('says which columns are missing when the file is not recognised', async () => {
    await expect(openTable(await open('name,height\nAnn,1\n'), formats)).rejects.toThrow(
      /could not recognise test.csv.*closest to the list of people, but age is missing/,
    );
    await expect(openTable(await open('name,height\nAnn,1\n'), formats, { format: 'people' })).rejects.toThrow(
      /does not have the columns of the list of people: age is missing/,
    );
    await expect(openTable(await open('name,age\n'), formats, { format: 'nope' })).rejects.toThrow(
      /no format called "nope"/,
    );
  });
});

describe('reading values', () => {
  it('reads money into pence without floating point', () => {
    expect(parsePence('£1,234.56')).toEqual({ ok: true, value: 123456 });
    expect(parsePence('(470.60)')).toEqual({ ok: true, value: -47060 });
    expect(parsePence('-280')).toEqual({ ok: true, value: -28000 });
    expect(parsePence('0.1')).toEqual({ ok: true, value: 10 });
    expect(parsePence('')).toEqual({ ok: true, value: null });
    expect(parsePence('about 5k').ok).toBe(false);
  });

  it('reads the date formats registers use', () => {
    expect(parseDate('2019-03-31 00:00:00')).toEqual({ ok: true, value: '2019-03-31' });
    expect(parseDate('2019-03-31T00:00:00')).toEqual({ ok: true, value: '2019-03-31' });
    expect(parseDate('13/12/2013')).toEqual({ ok: true, value: '2013-12-13' });
    expect(parseDate('31 March 2019')).toEqual({ ok: true, value: '2019-03-31' });
    expect(parseDate('31-Mar-19')).toEqual({ ok: true, value: '2019-03-31' });
    expect(parseDate('31/02/2019').ok).toBe(false);
    expect(parseDate('')).toEqual({ ok: true, value: null });
  });
});
