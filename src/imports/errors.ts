/**
 * A problem with the file itself (not with one row): the message says what is wrong and what to do,
 * and is shown as it is on the command line and on the upload page.
 */
export class ImportError extends Error {
  override name = 'ImportError';
}

export function isImportError(error: unknown): error is ImportError {
  return error instanceof ImportError;
}
