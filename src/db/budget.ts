import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time budget of the work under way, carried with it through every await: a web request's, or none (background
 * imports, digests, the command line). The database handle reads it when it hands out a connection: a request's
 * queries run under its statement timeout, and once its client has gone away its running queries are cancelled and
 * no new ones start.
 */
export type QueryBudget = {
  /** PostgreSQL's `statement_timeout` for the budget's queries, in milliseconds; 0 for none. */
  statementTimeoutMs: number;
  /** Aborted when the work is abandoned (the client went away). */
  signal: AbortSignal;
  /** The PostgreSQL backends running the budget's work now, by process id (to cancel). */
  backends: Set<number>;
};

const store = new AsyncLocalStorage<QueryBudget>();

/** Runs `fn` (and everything it awaits or starts) under `budget`. */
export function withBudget<T>(budget: QueryBudget, fn: () => T): T {
  return store.run(budget, fn);
}

/**
 * Runs `fn` outside any request's budget: work started by a request that outlives it (an import in the background)
 * must not inherit the request's timeout, nor be cancelled when the person closes the page.
 */
export function withoutBudget<T>(fn: () => T): T {
  return store.exit(fn);
}

export const currentBudget = (): QueryBudget | undefined => store.getStore();

/** A new budget for one request; `abort` says the client has gone away. */
export function createBudget(statementTimeoutMs: number): QueryBudget & { abort(): void } {
  const controller = new AbortController();
  return {
    statementTimeoutMs,
    signal: controller.signal,
    backends: new Set(),
    abort: () => controller.abort(new ClientGone()),
  };
}

/** Raised for a query asked for after its request's client went away; nobody is left to see the answer. */
export class ClientGone extends Error {
  override name = 'ClientGone';
  readonly statusCode = 499;
  readonly code = 'CLIENT_GONE';
  constructor() {
    super('The request was abandoned by its client, so its queries were stopped.');
  }
}

/** Throws when the current budget's client has gone away. */
export function refuseIfAbandoned(budget = currentBudget()): void {
  if (budget?.signal.aborted) throw new ClientGone();
}
