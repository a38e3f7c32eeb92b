import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { createBudget, type QueryBudget, withBudget } from '../db/budget.ts';

// Every request has a time budget. Its queries run under a statement timeout; when its client goes away, its running
// queries are cancelled and no new ones start (src/db/budget.ts); and only so many requests are served at once, with
// a short queue behind them: when the queue is full the request is told to come back (503 with Retry-After) rather
// than wait without limit while the people behind it wait too. A turn comes within the statement timeouts of the
// requests ahead; one whose client leaves gives its place up.

declare module 'fastify' {
  interface FastifyRequest {
    budget: QueryBudget | undefined;
  }
  interface FastifyInstance {
    /** How many requests are being served and how many wait (for monitoring and tests). */
    requestGate: Gate;
  }
  interface FastifyContextConfig {
    /** false: outside the request budget (no queue, no statement timeout, no session): only `/health`. */
    budget?: false;
  }
}

/** What a refused request is told, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** A turn to be served; `leave()` gives it to the next request waiting. */
export type Turn = { leave(): void };

/** At most `limit` holders at once, and at most `queue` waiting; `enter` is null when there is no room. */
export function createGate(limit: number, queue: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const turn = (): Turn => {
    let left = false;
    return {
      leave() {
        if (left) return;
        left = true;
        const next = waiting.shift();
        if (next)
          next(); // the place passes straight to the next in the queue
        else active--;
      },
    };
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
    enter(signal?: AbortSignal): Promise<Turn | null> {
      if (active < limit) {
        active++;
        return Promise.resolve(turn());
      }
      if (waiting.length >= queue) return Promise.resolve(null);
      return new Promise((resolve) => {
        const done = (result: Turn | null) => {
          signal?.removeEventListener('abort', giveUp);
          resolve(result);
        };
        const admit = () => done(turn());
        const giveUp = () => {
          const at = waiting.indexOf(admit);
          if (at >= 0) waiting.splice(at, 1);
          done(null);
        };
        signal?.addEventListener('abort', giveUp, { once: true });
        waiting.push(admit);
      });
    },
  };
}

export type Gate = ReturnType<typeof createGate>;

/** Outside the budget: `/health`, and the static files (which never touch the database). */
const outside = (request: FastifyRequest) =>
  request.routeOptions.config?.budget === false || request.routeOptions.config?.access === undefined;

function busy(request: FastifyRequest, reply: FastifyReply) {
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (request.url.startsWith('/api/') || request.url.startsWith('/open-data/'))
    return reply.code(503).send({ error: 'The service is busy. Try again in a few seconds.' });
  return reply.errorPage(503, 'Sorry, the service is busy', [
    'Too many people are using the service at the moment. Try again in a few seconds.',
  ]);
}

/** Registers the budget's hooks: before any other hook that may reach the database. Returns the gate (for tests). */
export function registerRequestBudget(app: FastifyInstance, config: Pick<Config, 'requests'>): Gate {
  const { statementTimeoutMs, concurrency, queue } = config.requests;
  const gate = createGate(concurrency, queue);
  const turns = new WeakMap<FastifyRequest, Turn>();
  app.decorateRequest('budget', undefined);
  app.decorate('requestGate', gate);

  app.addHook('onRequest', (request, reply, done) => {
    if (outside(request)) return done();
    const budget = createBudget(statementTimeoutMs);
    request.budget = budget;
    let turn: Turn | null | undefined;
    // 'close' comes once the answer is sent, or when the client goes away first: then its work is abandoned.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) budget.abort();
      turn?.leave();
    });
    gate.enter(budget.signal).then(
      (entered) => {
        turn = entered;
        if (entered) turns.set(request, entered);
        if (budget.signal.aborted) return turn?.leave();
        if (!turn) return void busy(request, reply);
        withBudget(budget, done);
      },
      (error: Error) => done(error),
    );
  });

  // The answer is sent (a request served in the test harness's way has no socket to close).
  app.addHook('onResponse', (request, _reply, done) => {
    turns.get(request)?.leave();
    done();
  });

  // Reading a form body loses the request's context (the body's events come from the socket): take it up again.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.budget) return done();
    withBudget(request.budget, done);
  });
  return gate;
}
