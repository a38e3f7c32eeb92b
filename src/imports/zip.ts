import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ImportError } from './errors.ts';

export type ZipEntryInfo = { fileName: string; compressedSize: number; uncompressedSize: number };

/** More than this many times smaller than its content is a ZIP bomb, not a spend file (text compresses ~10×). */
export const MAX_COMPRESSION_RATIO = 200;

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

function openZip(path: string, name: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) {
        reject(
          new ImportError(
            `${name} looks like a ZIP file but cannot be opened (${error?.message ?? 'unknown problem'}): it may be incomplete or damaged. Download it again.`,
          ),
        );
      } else resolve(zip);
    });
  });
}

/** The entries of a ZIP (read from its central directory only: nothing is decompressed). */
export async function listZip(path: string, name: string): Promise<ZipEntryInfo[]> {
  const zip = await openZip(path, name);
  const entries: ZipEntryInfo[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push({
        fileName: entry.fileName,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
      });
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error) =>
      reject(new ImportError(`${name} is a damaged ZIP file (${error.message}). Download it again.`)),
    );
    zip.readEntry();
  });
  zip.close();
  return entries;
}

/**
 * Refuses a ZIP whose content would be larger than the limit, or compressed far more than real data ever is,
 * before anything is decompressed. (Declared sizes are then enforced while reading: yauzl checks them.)
 */
export function checkZipBomb(entries: ZipEntryInfo[], name: string, maxBytes: number): void {
  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > maxBytes) {
    throw new ImportError(
      `${name} would be ${megabytes(total)} once decompressed, more than the limit of ${megabytes(maxBytes)}. Split the data into smaller files, or ask an administrator to raise the limit (UPLOAD_LIMIT_MB).`,
    );
  }
  for (const e of entries) {
    if (
      e.uncompressedSize > 1024 * 1024 &&
      e.uncompressedSize / Math.max(1, e.compressedSize) > MAX_COMPRESSION_RATIO
    ) {
      throw new ImportError(
        `${name} is not a normal ZIP file: ${e.fileName} is compressed ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times, far more than real data is (a "ZIP bomb"). Nothing was read from it. Extract the spend file yourself and import that.`,
      );
    }
  }
}

/** Writes one entry to a temporary file (deleted by the caller), never more than `maxBytes`. */
export async function extractZipEntry(
  path: string,
  name: string,
  entryName: string,
  maxBytes: number,
): Promise<string> {
  const zip = await openZip(path, name);
  const target = join(tmpdir(), `partnership-zip-${randomUUID()}`);
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (e.fileName === entryName ? resolve(e) : zip.readEntry()));
      zip.on('end', () => reject(new ImportError(`${name} no longer holds ${entryName}.`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, s) => (error || !s ? reject(error) : resolve(s))),
    );
    let seen = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        if (seen > maxBytes)
          done(new ImportError(`${entryName} in ${name} is larger than the limit of ${megabytes(maxBytes)}.`));
        else done(null, chunk);
      },
    });
    await pipeline(stream, limit, createWriteStream(target));
    return target;
  } catch (error) {
    await rm(target, { force: true });
    if (error instanceof ImportError) throw error;
    throw new ImportError(
      `${entryName} in ${name} cannot be extracted (${(error as Error).message}). Download the ZIP file again.`,
    );
  } finally {
    zip.close();
  }
}
