import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { newUploadPath } from '../imports/uploads.ts';

// The one upload reader: a multipart form with at most one file, streamed to disk under a limit, so that neither a
// huge upload nor a slow one is held in memory. Every upload page speaks of limits in the same words.

export type UploadedFile = { path: string; name: string; size: number };
export type UploadForm =
  | { ok: true; file: UploadedFile | null; fields: Record<string, string> }
  | { ok: false; field: 'file'; message: string; fields: Record<string, string> };

export type UploadLimits = {
  /** Which folder the file waits in (see `uploadFolder`). */
  kind: string;
  maxBytes: number;
  /** How many text fields the form has, the CSRF token included. */
  maxFields: number;
};

export const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export const uploadMessages = {
  notMultipart: 'Choose a file and send the form again',
  tooLarge: (maxBytes: number) => `The selected file must be smaller than ${megabytes(maxBytes)}`,
  oneFile: 'Upload one file at a time',
  empty: 'The selected file is empty',
};

const LIMIT_CODES = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * Reads the form. The file, if any, is on disk at `file.path` when this returns; the caller owns it from then on
 * (hand it to an import, or `discard` it). A refusal leaves nothing behind.
 */
export async function readUpload(request: FastifyRequest, limits: UploadLimits): Promise<UploadForm> {
  const fields: Record<string, string> = {};
  if (!request.isMultipart()) return { ok: false, field: 'file', message: uploadMessages.notMultipart, fields };
  let file: UploadedFile | null = null;
  try {
    const parts = request.parts({
      limits: { fileSize: limits.maxBytes, files: 1, fields: limits.maxFields, parts: limits.maxFields + 1 },
    });
    for await (const part of parts) {
      if (part.type !== 'file') {
        fields[part.fieldname] = String(part.value ?? '').trim();
        continue;
      }
      const name = (part.filename ?? '').trim();
      // The original extension helps a reader tell a workbook from a CSV.
      const ext = extname(name)
        .toLowerCase()
        .replace(/[^.a-z0-9]/g, '');
      file = { path: await newUploadPath(limits.kind, `${randomUUID()}${ext}`), name, size: 0 };
      const current = file;
      part.file.on('data', (chunk: Buffer) => {
        current.size += chunk.length;
      });
      await pipeline(part.file, createWriteStream(current.path));
      if (part.file.truncated) throw Object.assign(new Error('too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    }
  } catch (error) {
    if (file) await rm(file.path, { force: true });
    const code = (error as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      return { ok: false, field: 'file', message: uploadMessages.tooLarge(limits.maxBytes), fields };
    if (LIMIT_CODES.has(code)) return { ok: false, field: 'file', message: uploadMessages.oneFile, fields };
    throw error;
  }
  if (file && !file.name && file.size === 0) {
    // A form sent without choosing a file still carries an empty file part.
    await rm(file.path, { force: true });
    file = null;
  }
  if (file && file.size === 0) {
    await rm(file.path, { force: true });
    return { ok: false, field: 'file', message: uploadMessages.empty, fields };
  }
  return { ok: true, file, fields };
}

/** The bytes of a small uploaded document, for pages that keep the document itself; the file is removed. */
export async function takeBytes(file: UploadedFile): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file.path));
  } finally {
    await rm(file.path, { force: true });
  }
}

export const discard = (file: UploadedFile | null) => (file ? rm(file.path, { force: true }) : Promise.resolve());
