import type { z } from 'zod';
import { isUuid } from '../kernel/ids.ts';
import type { Once } from '../kernel/mutation.ts';

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

/**
 * A GOV.UK date input's three boxes (day, month, year) read as 'YYYY-MM-DD'; null when all three are empty;
 * otherwise what is wrong: the parts left empty, or that it is not a real date.
 */
export function readDate(
  day: unknown,
  month: unknown,
  year: unknown,
): string | null | { missing: string } | { invalid: true } {
  const [d, m, y] = [day, month, year].map((v) => String(v ?? '').trim()) as [string, string, string];
  if (!d && !m && !y) return null;
  if (!d || !m || !y) return { missing: [!d && 'day', !m && 'month', !y && 'year'].filter(Boolean).join(' and ') };
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return { invalid: true };
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d))
    return { invalid: true };
  return date.toISOString().slice(0, 10);
}

/**
 * The date from the boxes `name-day`, `name-month`, `name-year` of a form body as 'YYYY-MM-DD', or '' with an
 * issue added saying what to do ("Enter the closing date", "… must include a month", "… must be a real date").
 */
export function dateFrom(
  body: Record<string, unknown>,
  name: string,
  label: string,
  issues: { field: string; message: string }[],
  needed: boolean,
): string {
  const read = readDate(body[`${name}-day`], body[`${name}-month`], body[`${name}-year`]);
  const Label = `${label[0]!.toUpperCase()}${label.slice(1)}`;
  if (read === null) {
    if (needed) issues.push({ field: name, message: `Enter ${label}` });
    return '';
  }
  if (typeof read === 'string') return read;
  issues.push({
    field: name,
    message: 'missing' in read ? `${Label} must include a ${read.missing}` : `${Label} must be a real date`,
  });
  return '';
}

/**
 * A create form's key, drawn into the form by the `onceField` macro: given to the service's `mutate(…, { once })`, it
 * makes a second submission of the same form return the first one's result instead of creating the thing twice.
 */
export function formOnce(body: unknown, purpose: string, userId: string | null): Once | undefined {
  const key = body && typeof body === 'object' ? (body as Record<string, unknown>)._idempotency : undefined;
  return typeof key === 'string' && isUuid(key) ? { key, purpose, userId } : undefined;
}
