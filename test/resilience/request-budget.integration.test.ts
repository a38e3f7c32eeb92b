import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.ts';
import {
  type BudgetApp,
  budgetApp,
  currentDatabase,
  eventually,
  isPostgres,
  runningQueries,
  serverAdmin,
} from './harness.ts';

// Every request has a time budget: its queries carry a statement timeout, a request whose client has gone away stops
// its queries, and when too many requests are under way the rest are asked to come back (503, Retry-After) instead
// of queueing without limit. /health stays outside it all. These tests check the mechanisms, never how long
// anything takes.

/** A promise the test settles: a request held open until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('the request time budget', () => {
  let t: BudgetApp;
  let hold = gate();
  let entered = 0;
  let arrived = 0;
  let afterLeaving: { ran: boolean; error?: string } | undefined;
  let leave = gate();
  beforeAll(async () => {
    t = await budgetApp({
      env: { STATEMENT_TIMEOUT_MS: '4321', REQUEST_CONCURRENCY: '2', REQUEST_QUEUE: '1' },
      routes: (app, handle) => {
        app.get('/test/statement-timeout', { config: { access: 'public' } }, async () => {
          const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(handle.db);
          return rows[0]!.statement_timeout;
        });
        app.get('/test/too-slow', { config: { access: 'public' } }, async () => {
          await sql`select pg_sleep(60)`.execute(handle.db);
          return 'finished';
        });
        app.get('/test/hold', { config: { access: 'public' } }, async () => {
          entered++;
          await hold.opened;
          return 'released';
        });
        // Waits until the test says its client has left, then asks the database for something.
        app.get('/test/after-leaving', { config: { access: 'public' } }, async () => {
          arrived++;
          await leave.opened;
          try {
            await sql`select 1`.execute(handle.db);
            afterLeaving = { ran: true };
          } catch (error) {
            afterLeaving = { ran: false, error: (error as Error).message };
            throw error;
          }
          return 'answered';
        });
      },
    });
  });
  afterAll(async () => {
    hold.open();
    leave.open();
    await t?.close();
  });

  it.skipIf(!isPostgres)(
    "sets the statement timeout on a request's connection, and not on background work",
    async () => {
      const res = await t.app.inject({ method: 'GET', url: '/test/statement-timeout' });
      expect(res.body).toBe('4321ms');
      // Outside any request (imports, the command line) the server's default applies: none.
      for (let i = 0; i < 4; i++) {
        const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(t.handle.db);
        expect(rows[0]!.statement_timeout).toBe('0');
      }
    },
  );

  it.skipIf(!isPostgres)('stops a query that outruns the timeout, with a 503 page that says to try again', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/too-slow' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toContain('Sorry, this page is taking too long');
  });

  it('turns requests away with 503 and Retry-After once the budget and its queue are full, but not /health', async () => {
    hold = gate();
    entered = 0;
    const held = [1, 2].map(() => t.app.inject({ method: 'GET', url: '/test/hold' }).then((res) => res));
    await eventually(async () => entered === 2, 'two requests are being served');
    const queued = t.app.inject({ method: 'GET', url: '/' }).then((res) => res);
    await eventually(async () => t.app.requestGate.waiting === 1, 'one request waits its turn');
    const refused = await t.app.inject({ method: 'GET', url: '/organisations' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toContain('Sorry, the service is busy');
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.body).toContain('"status":"ok"');
    expect(health.statusCode).toBe(200);
    hold.open();
    for (const res of await Promise.all(held)) expect(res.statusCode).toBe(200);
    // The one in the queue was served when a place came free.
    expect((await queued).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/organisations' })).statusCode).toBe(200);
  });

  it('starts no query for a request whose client has gone away', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    expect(address).toContain(String(port));
    leave = gate();
    afterLeaving = undefined;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/test/after-leaving' });
    req.on('error', () => {});
    req.end();
    await eventually(async () => arrived === 1, 'the request is being served');
    req.destroy();
    await eventually(async () => (await connections(t)) === 0, 'the client has gone');
    leave.open();
    await eventually(async () => afterLeaving !== undefined, 'the route carried on');
    expect(afterLeaving).toMatchObject({ ran: false });
  });
});

const connections = (t: BudgetApp) =>
  new Promise<number>((resolve, reject) => t.app.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

describe.skipIf(!isPostgres)('a request whose client goes away (PostgreSQL)', () => {
  let t: BudgetApp;
  let admin: DatabaseHandle;
  let port = 0;
  beforeAll(async () => {
    admin = await serverAdmin();
    t = await budgetApp({
      env: { STATEMENT_TIMEOUT_MS: '0' },
      routes: (app, handle) =>
        app.get('/test/slow', { config: { access: 'public' } }, async () => {
          await sql`select pg_sleep(60) /* budget-abandoned */`.execute(handle.db);
          return 'finished';
        }),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
    await admin?.close();
  });

  it('has its query cancelled', async () => {
    const name = await currentDatabase(t.handle);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/test/slow' });
    req.on('error', () => {});
    req.end();
    await eventually(async () => (await runningQueries(admin, name, 'budget-abandoned')) > 0, 'the query runs');
    req.destroy();
    await eventually(async () => (await runningQueries(admin, name, 'budget-abandoned')) === 0, 'the query stops');
    // The pool is whole: the next request is served.
    expect((await t.app.inject({ method: 'GET', url: '/organisations' })).statusCode).toBe(200);
  });

  it('/health answers while every pooled connection is busy', async () => {
    const name = await currentDatabase(t.handle);
    // The test database's pool has four connections: hold them all.
    const reqs = [1, 2, 3, 4].map(() => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/test/slow' });
      req.on('error', () => {});
      req.end();
      return req;
    });
    await eventually(async () => (await runningQueries(admin, name, 'budget-abandoned')) === 4, 'the pool is busy');
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', database: 'ok' });
    for (const req of reqs) req.destroy();
    await eventually(async () => (await runningQueries(admin, name, 'budget-abandoned')) === 0, 'the queries stop');
  });
});
