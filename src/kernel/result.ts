// What a service answers: done, with what it made, or a refusal that says why in words a person can act on.

export type Issue = { field: string; message: string };
export type RefusalStatus = 400 | 401 | 403 | 404 | 409;
export type Refusal = { ok: false; status: RefusalStatus; message: string; field?: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;
export type Result<T = object> = Done<T> | Refusal;

export const refusal = (status: RefusalStatus, message: string, extra: Pick<Refusal, 'field' | 'issues'> = {}) =>
  ({ ok: false, status, message, ...extra }) as Refusal;

export const done = <T extends object>(value: T = {} as T): Done<T> => ({ ok: true, ...value });

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/** Raised inside a transaction to roll it back and answer with the refusal; `mutate` turns it back into one. */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}
