import { open as openFile, rm, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ImportError } from './errors.ts';
import { type OpenedSource, openSource } from './source.ts';
import { openWorkbook } from './workbook.ts';
import { checkZipBomb, extractZipEntry, listZip } from './zip.ts';

export type AnySource = OpenedSource & {
  /** Where the rows came from, for people: "sheet 'Payments'", "spend.csv in the ZIP". */
  origin?: string;
  /** Removes any temporary file made while opening (a ZIP's entry). */
  cleanup(): Promise<void>;
};

const DATA_FILE = /\.(csv|tsv|txt|xlsx)$/i;
const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

async function head(path: string, n: number): Promise<Buffer> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Opens a saved file of any kind we read: CSV or other delimited text (perhaps gzipped), JSON, an XLSX workbook,
 * or a ZIP holding one of those. `accept` picks a workbook's sheet by its opening rows.
 */
export async function openAnySource(
  path: string,
  options: { name?: string; maxBytes: number; accept?: (firstRows: string[][]) => boolean },
): Promise<AnySource> {
  const name = options.name ?? basename(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ImportError(`There is no file at ${path}. Check the path and try again.`);
  }
  if (size > options.maxBytes) {
    throw new ImportError(
      `${name} is ${megabytes(size)}, larger than the limit of ${megabytes(options.maxBytes)}. Split it into smaller files (for example one per month or quarter), or ask an administrator to raise the limit (UPLOAD_LIMIT_MB).`,
    );
  }
  const bytes = await head(path, 4);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
  if (!isZip) {
    const source = await openSource({ path, name }, { maxBytes: options.maxBytes });
    return { ...source, cleanup: async () => {} };
  }
  const entries = await listZip(path, name);
  checkZipBomb(entries, name, options.maxBytes);
  if (entries.some((e) => e.fileName === '[Content_Types].xml')) {
    const book = await openWorkbook(path, { name, ...(options.accept ? { accept: options.accept } : {}) });
    return { ...book, origin: `the sheet "${book.sheet}"`, cleanup: async () => {} };
  }
  const data = entries.filter(
    (e) => !e.fileName.endsWith('/') && !e.fileName.startsWith('__MACOSX/') && DATA_FILE.test(e.fileName),
  );
  if (data.length === 0) {
    throw new ImportError(
      `${name} is a ZIP file with no CSV or XLSX file in it${
        entries.length
          ? ` (it holds ${entries
              .slice(0, 5)
              .map((e) => e.fileName)
              .join(', ')})`
          : ''
      }. Import the spend file itself.`,
    );
  }
  if (data.length > 1) {
    throw new ImportError(
      `${name} holds ${data.length} files (${data
        .slice(0, 5)
        .map((e) => e.fileName)
        .join(
          ', ',
        )}${data.length > 5 ? ', …' : ''}). Extract them and import each one on its own: re-importing overlapping files never counts a payment twice.`,
    );
  }
  const entry = data[0]!;
  const extracted = await extractZipEntry(path, name, entry.fileName, options.maxBytes);
  const cleanup = () => rm(extracted, { force: true });
  try {
    const inner = basename(entry.fileName);
    const label = `${inner} (in ${name})`;
    const opened = await openAnySource(extracted, { ...options, name: label });
    if (extname(inner).toLowerCase() === '.zip')
      throw new ImportError(`${name} holds another ZIP file: extract it first.`);
    return {
      ...opened,
      origin: opened.origin ? `${opened.origin} of ${inner} in the ZIP` : `${inner} in the ZIP`,
      cleanup: async () => {
        await opened.cleanup();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
