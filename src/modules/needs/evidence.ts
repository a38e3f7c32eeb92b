import { parse } from 'csv-parse/sync';

// Checks for evidence before it is stored: uploaded documents are bounded in size and recognised by their
// content, not by the name or type the browser sent; pasted tables are kept small enough to read on a page.

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const MAX_TABLE_ROWS = 100;
export const MAX_TABLE_COLUMNS = 12;

type DocumentType = { extensions: string[]; mime: string; label: string; matches: (bytes: Uint8Array) => boolean };

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const isZip = (bytes: Uint8Array) => startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]);
/** Plain text: valid UTF-8 with no NUL bytes. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export const documentTypes: DocumentType[] = [
  {
    extensions: ['pdf'],
    mime: 'application/pdf',
    label: 'PDF',
    matches: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46]),
  },
  {
    extensions: ['docx'],
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    label: 'Word document',
    matches: isZip,
  },
  {
    extensions: ['xlsx'],
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    label: 'Excel spreadsheet',
    matches: isZip,
  },
  {
    extensions: ['odt'],
    mime: 'application/vnd.oasis.opendocument.text',
    label: 'OpenDocument text',
    matches: isZip,
  },
  {
    extensions: ['ods'],
    mime: 'application/vnd.oasis.opendocument.spreadsheet',
    label: 'OpenDocument spreadsheet',
    matches: isZip,
  },
  { extensions: ['csv'], mime: 'text/csv', label: 'CSV', matches: isText },
  { extensions: ['txt'], mime: 'text/plain', label: 'text file', matches: isText },
];

export const acceptedExtensions = documentTypes.map((t) => `.${t.extensions[0]}`).join(',');
export const acceptedLabel = 'PDF, Word, Excel, OpenDocument, CSV or plain text';

export type DocumentCheck = { ok: true; mime: string; fileName: string } | { ok: false; message: string };

export function checkDocument(fileName: string, bytes: Uint8Array): DocumentCheck {
  const name = fileName
    .replace(/[\\/]/g, '_')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '')
    .trim()
    .slice(0, 200);
  if (!name) return { ok: false, message: 'Select a document to upload' };
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, message: 'The selected file must be smaller than 10 MB' };
  const extension = name.split('.').pop()?.toLowerCase() ?? '';
  const type = documentTypes.find((t) => t.extensions.includes(extension));
  if (!type) return { ok: false, message: `The selected file must be a ${acceptedLabel} file` };
  if (!type.matches(bytes)) {
    return {
      ok: false,
      message: `The selected file is not a real ${type.label}: check it opens, then upload it again`,
    };
  }
  return { ok: true, mime: type.mime, fileName: name };
}

export type DataTable = { headers: string[]; rows: string[][] };
export type TableCheck = { ok: true; table: DataTable } | { ok: false; message: string };

/** A small table pasted as CSV (or copied from a spreadsheet, which pastes as tab-separated text). */
export function parseDataTable(text: string): TableCheck {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, message: 'Paste the table, with its headings in the first row' };
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(trimmed, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    return { ok: false, message: `The table could not be read (${(error as Error).message}): check its quotes` };
  }
  const [headers, ...rows] = records;
  if (!headers || rows.length === 0) {
    return { ok: false, message: 'Paste at least two rows: the headings, then the figures' };
  }
  if (headers.length > MAX_TABLE_COLUMNS)
    return { ok: false, message: `The table must have ${MAX_TABLE_COLUMNS} columns or fewer` };
  if (rows.length > MAX_TABLE_ROWS) {
    return {
      ok: false,
      message: `The table must have ${MAX_TABLE_ROWS} rows or fewer: upload a larger one as a document`,
    };
  }
  if (headers.some((h) => h === '')) return { ok: false, message: 'Give every column a heading in the first row' };
  const width = headers.length;
  return {
    ok: true,
    table: { headers, rows: rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? '')) },
  };
}
