import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TextDecoderStream, type TextEncoding } from './decode.ts';
import { ImportError } from './errors.ts';
import { MAX_COMPRESSION_RATIO } from './zip.ts';

export type SourceInput = { path: string; name?: string } | { stream: Readable; name: string };

export type OpenedSource = {
  name: string;
  compressed: boolean;
  /** JSON (an array of objects, or one object a line), delimited text, or rows of cells (a spreadsheet). */
  shape: 'json' | 'delimited' | 'rows';
  /** For 'rows': the cells of each row, with its row number. */
  rows?: AsyncIterable<{ line: number; cells: string[] }>;
  /** For a workbook: the sheet that was read. */
  sheet?: string;
  delimiter: ',' | '\t' | ';';
  /** Decoded text, read once. */
  text: Readable;
  /** Known once the first non-ASCII character has been read. */
  encoding(): TextEncoding;
};

const MB = 1024 * 1024;
const megabytes = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

/** Counts bytes and stops the stream, with a clear message, once there are more than the limit. */
function byteLimit(maxBytes: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        done(
          new ImportError(
            `The ${what} is larger than the limit of ${megabytes(maxBytes)}. Split it into smaller files, or ask an administrator to raise the limit (UPLOAD_LIMIT_MB).`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
}

/** Reads the first `size` units of a stream and gives back a stream that still starts at the beginning. */
export async function peek<T extends Buffer | string>(
  stream: Readable,
  size: number,
): Promise<{ head: T; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<T>;
  const chunks: T[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = (typeof chunks[0] === 'string' ? (chunks as string[]).join('') : Buffer.concat(chunks as Buffer[])) as T;
  async function* rest() {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const text = typeof head === 'string';
  return { head, stream: Readable.from(rest(), { objectMode: false, ...(text ? { encoding: 'utf8' as const } : {}) }) };
}

const startsWith = (head: Buffer, bytes: number[]) => bytes.every((b, i) => head[i] === b);

/** What a file that is not text is, in words a person can act on. */
function refuseBinary(head: Buffer, name: string): void {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const text = head.subarray(0, 2000).toString('latin1');
    if (text.includes('[Content_Types].xml') || text.includes('xl/')) {
      throw new ImportError(
        `${name} is an Excel workbook (XLSX). Excel workbooks are not supported yet for registers: open it in a spreadsheet and save the sheet as "CSV UTF-8", then import the CSV file.`,
      );
    }
    throw new ImportError(
      `${name} is a ZIP file. ZIP is not supported yet for registers: extract the CSV or text file from it and import that file.`,
    );
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) {
    throw new ImportError(
      `${name} is a PDF document, not a CSV file, even if its name ends in .csv. Download the data as CSV (or, for spend, as an Excel workbook) and try again.`,
    );
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new ImportError(
      `${name} is an old Excel workbook (XLS). Open it in a spreadsheet and save the sheet as "CSV UTF-8", then import the CSV file.`,
    );
  }
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 0x09 && b !== 0) || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  if (control > 0 && control / sample.length > 0.01) {
    throw new ImportError(
      `${name} is not a text file (it looks like a program, image or document). Import the register as a CSV or tab-separated text file.`,
    );
  }
}

function detectDelimiter(text: string): ',' | '\t' | ';' {
  const lines = text
    .split(/\r\n|\n|\r/)
    .slice(0, 30)
    .filter((l) => l.trim() !== '');
  const count = (ch: string) => lines.map((l) => l.split(ch).length - 1);
  const tabs = count('\t');
  const commas = count(',');
  const semicolons = count(';');
  const linesWith = (counts: number[]) => counts.filter((c) => c > 0).length;
  // Tab-separated registers have commas inside their text; a tab on most lines decides it.
  if (linesWith(tabs) >= Math.max(1, lines.length / 2)) return '\t';
  if (linesWith(semicolons) > linesWith(commas)) return ';';
  return ',';
}

/**
 * Opens a file or an upload for reading: refuses what is not text with a clear reason, decompresses gzip,
 * decodes UTF-8, UTF-16 or Windows-1252 (stripping byte-order marks) and recognises JSON or delimited text.
 * Nothing is read whole: the limit applies to the bytes as stored and again after decompression.
 */
export async function openSource(input: SourceInput, options: { maxBytes: number }): Promise<OpenedSource> {
  const name = input.name ?? ('path' in input ? basename(input.path) : 'The file');
  let raw: Readable;
  if ('path' in input) {
    raw = createReadStream(input.path);
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve());
      raw.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new ImportError(
            error.code === 'ENOENT'
              ? `There is no file at ${input.path}. Check the path and try again.`
              : error.code === 'EISDIR'
                ? `${input.path} is a folder, not a file. Give the path of the file to import.`
                : `${input.path} cannot be read (${error.code ?? error.message}). Check its permissions and try again.`,
          ),
        ),
      );
    });
  } else raw = input.stream;

  const bytes = raw.pipe(byteLimit(options.maxBytes, 'file'));
  raw.on('error', (error) => bytes.destroy(error));
  let { head, stream } = await peek<Buffer>(bytes, 64 * 1024);
  let compressed = false;
  if (startsWith(head, [0x1f, 0x8b])) {
    compressed = true;
    const gunzip = createGunzip();
    const inflated = byteLimit(options.maxBytes, 'decompressed file');
    // As for a ZIP: data compressed far more than real data ever is, is a "gzip bomb". It is found while the first
    // megabytes are read, rather than after the limit's worth of rows have kept an import busy for minutes.
    let read = 0;
    let written = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        read += chunk.length;
        done(null, chunk);
      },
    });
    const ratio = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        written += chunk.length;
        if (written > 1024 * 1024 && written / Math.max(1, read) > MAX_COMPRESSION_RATIO) {
          done(
            new ImportError(
              `${name} is not a normal compressed (gzip) file: it is compressed more than ${MAX_COMPRESSION_RATIO} times, far more than real data is (a "gzip bomb"). Nothing from it was saved. Decompress it yourself and check the file, then import that.`,
            ),
          );
          return;
        }
        done(null, chunk);
      },
    });
    stream.on('error', (error) => inflated.destroy(error));
    ratio.on('error', (error) => inflated.destroy(error));
    gunzip.on('error', () =>
      inflated.destroy(
        new ImportError(
          `${name} is compressed (gzip) but cannot be decompressed: it may be incomplete or damaged. Download it again.`,
        ),
      ),
    );
    stream.pipe(counted).pipe(gunzip).pipe(ratio).pipe(inflated);
    ({ head, stream } = await peek<Buffer>(inflated, 64 * 1024));
  }
  if (head.length === 0)
    throw new ImportError(`${name} is empty. Check you chose the right file, or download it again.`);

  const utf16 = startsWith(head, [0xff, 0xfe]);
  if (!utf16) refuseBinary(head, name);
  const decoder = new TextDecoderStream(utf16 ? 'utf-16le' : undefined);
  stream.on('error', (error) => decoder.destroy(error));
  const decoded = stream.pipe(decoder);
  const peeked = await peek<string>(decoded, 64 * 1024);
  const text = String(peeked.head);
  if (text.trim() === '') {
    throw new ImportError(`${name} has no data in it (only blank lines). Check you chose the right file.`);
  }
  const first = text.trimStart()[0];
  return {
    name,
    compressed,
    shape: first === '[' || first === '{' ? 'json' : 'delimited',
    delimiter: detectDelimiter(text.slice(0, 32 * 1024)),
    text: peeked.stream,
    encoding: () => decoder.encoding,
  };
}
