import type { z } from 'zod';

export type FieldErrors = Record<string, string>;
export type ErrorSummaryItem = { text: string; href: string };

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors; errorList: ErrorSummaryItem[]; values: Record<string, unknown> };

/**
 * The one way to validate a form: a zod schema whose messages are written for the person filling it in
 * (GOV.UK style: "Enter your email address"). Returns per-field messages and the error summary list.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  return formErrors(
    result.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), message: issue.message })),
    values,
  );
}

/** Build a failed result from errors found by the service (for example "that email address is taken"). */
export function formErrors(
  issues: { field: string; message: string }[],
  values: Record<string, unknown> = {},
): { ok: false; errors: FieldErrors; errorList: ErrorSummaryItem[]; values: Record<string, unknown> } {
  const errors: FieldErrors = {};
  for (const { field, message } of issues) if (!(field in errors)) errors[field] = message;
  const errorList = Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }));
  return { ok: false, errors, errorList, values };
}

/** Form fields that may arrive once or many times (checkboxes) as an array. */
export function asArray(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== '');
}
