import { isImportError } from './errors.ts';

/** A problem with the file says what to do; anything else says that nothing was saved. */
export function failureMessageFor(error: unknown): string {
  if (isImportError(error)) return error.message;
  return `The import stopped because of an unexpected problem (${(error as Error)?.message ?? String(error)}). Nothing was saved: you can try again, and if it happens again tell the people who run this service.`;
}
