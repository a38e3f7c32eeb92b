import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.ts';
import { createTestContext, type TestContext } from '../support/app.ts';
import { postgresTestDatabase } from '../support/db.ts';
import {
  type BudgetApp,
  budgetApp,
  currentDatabase,
  eventually,
  isPostgres,
  runningQueries,
  serverAdmin,
  stillThere,
  terminateBackends,
} from './harness.ts';

// The database server may end the platform's connections at any moment (a restart, a failover, an administrator's
// pg_terminate_backend). The process must live through it: what was using a connection fails with the error page,
// an import fails and saves nothing, and the next request is served on a new connection.

const root = join(import.meta.dirname, '../..');

describe.skipIf(!isPostgres)('losing the database connections (PostgreSQL)', () => {
  let admin: DatabaseHandle;
  beforeAll(async () => {
    admin = await serverAdmin();
  });
  afterAll(async () => admin?.close());

  /** Waits until the ended backends have gone, and the app has heard that its connections were closed. */
  const gone = async (pids: number[]) => {
    await eventually(async () => (await stillThere(admin, pids)) === 0, 'the ended backends have gone');
    await new Promise((resolve) => setTimeout(resolve, 100));
  };

  describe('the server, run as it is in production', () => {
    let database: Awaited<ReturnType<typeof postgresTestDatabase>>;
    let server: ChildProcess;
    let base = '';
    let output = '';
    let temp = '';
    const upload = (name: string) => join(temp, 'partnership-spend-uploads', name);

    beforeAll(async () => {
      database = await postgresTestDatabase();
      // Its own temporary folder: the upload folders there are the server's alone.
      temp = mkdtempSync(join(tmpdir(), 'partnership-resilience-'));
      mkdirSync(join(temp, 'partnership-spend-uploads'));
      // Two uploads from before a crash: one nobody needs, one a job waiting for its columns to be mapped still needs.
      const earlier = new Date(Date.now() - 10 * 60_000);
      for (const name of ['left-by-a-crash.csv', 'awaiting-mapping.csv']) {
        writeFileSync(upload(name), 'Payment Date,Supplier Name,Amount\n');
        utimesSync(upload(name), earlier, earlier);
      }
      const direct = await openDatabase({ databaseUrl: database.url, poolSize: 1 });
      await direct.db
        .insertInto('job')
        .values({
          kind: 'spend-import',
          status: 'queued',
          file_name: 'awaiting-mapping.csv',
          summary: JSON.stringify({
            input: { path: upload('awaiting-mapping.csv'), fileName: 'awaiting-mapping.csv' },
          }),
        })
        .execute();
      await direct.close();
      server = spawn(process.execPath, ['bin/partnership.js', 'serve'], {
        cwd: root,
        // Only what the server needs: the test runner's own variables (BASE_URL among them) are not its settings.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'development',
          BASE_URL: 'http://127.0.0.1',
          DATABASE_URL: database.url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          TMPDIR: temp,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      server.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await eventually(
        async () => {
          if (server.exitCode !== null) throw new Error(`The server stopped:\n${output}`);
          base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
          return base !== '';
        },
        'the server listens',
        3_000,
      );
    }, 180_000);

    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      await database?.drop();
      if (temp) rmSync(temp, { recursive: true, force: true });
    });

    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, body: await res.text() };
    };

    it('clears uploads a crash left behind when it starts, keeping those a job still needs', async () => {
      expect(existsSync(upload('left-by-a-crash.csv'))).toBe(false);
      expect(existsSync(upload('awaiting-mapping.csv'))).toBe(true);
    });

    it('keeps serving when its connections are ended while requests are in flight', async () => {
      expect((await get('/')).status).toBe(200);
      let hammering = true;
      const statuses: number[] = [];
      const worker = async () => {
        const paths = ['/', '/organisations', '/spend', '/needs', '/organisations?q=trust'];
        for (let i = 0; hammering; i++) {
          // A request that never gets an answer (the process died) rejects here and fails the test.
          statuses.push((await get(paths[i % paths.length]!)).status);
        }
      };
      const workers = Array.from({ length: 12 }, worker);
      const ended: number[] = [];
      for (let round = 0; round < 6; round++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        ended.push(...(await terminateBackends(admin, database.name)));
      }
      hammering = false;
      await Promise.all(workers);
      expect(ended.length).toBeGreaterThan(0);
      await gone(ended);
      expect(server.exitCode, output).toBeNull();
      // The requests that lost their connection showed the error page; the rest were served.
      expect(statuses.filter((s) => s !== 200 && s !== 500)).toEqual([]);
      expect((await get('/')).status).toBe(200);
      expect((await get('/organisations')).status).toBe(200);
    }, 120_000);

    it('reports the database as down while it is, and serves again once it is back', async () => {
      await sql.raw(`alter database ${database.name} allow_connections = false`).execute(admin.db);
      try {
        await terminateBackends(admin, database.name);
        const health = await get('/health');
        expect(health.status).toBe(503);
        expect(JSON.parse(health.body)).toMatchObject({ status: 'database unreachable' });
        const page = await get('/organisations');
        expect(page.status).toBe(500);
        expect(page.body).toContain('Sorry, there is a problem with the service');
      } finally {
        await sql.raw(`alter database ${database.name} allow_connections = true`).execute(admin.db);
      }
      expect(server.exitCode, output).toBeNull();
      expect((await get('/health')).status).toBe(200);
      expect((await get('/organisations')).status).toBe(200);
    }, 120_000);
  });

  describe('a request whose connection is ended mid-query', () => {
    let t: BudgetApp;
    beforeAll(async () => {
      t = await budgetApp({
        routes: (app, handle) =>
          app.get('/test/slow', { config: { access: 'public' } }, async () => {
            await sql`select pg_sleep(30) /* resilience-slow */`.execute(handle.db);
            return 'finished';
          }),
      });
    });
    afterAll(async () => t?.close());

    it('fails with the error page, and the next request is served', async () => {
      const name = await currentDatabase(t.handle);
      const pending = t.app.inject({ method: 'GET', url: '/test/slow' });
      await eventually(async () => (await runningQueries(admin, name, 'resilience-slow')) > 0, 'the query runs');
      const ended = await terminateBackends(admin, name);
      const res = await pending;
      await gone(ended);
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Sorry, there is a problem with the service');
      expect((await t.app.inject({ method: 'GET', url: '/organisations' })).statusCode).toBe(200);
    });
  });

  describe('an import whose connection is ended', () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestContext();
    });
    afterAll(async () => t?.close());

    it('is marked failed and saves nothing', async () => {
      const name = await currentDatabase(t.handle);
      const officer = await t.as('officer');
      const dir = mkdtempSync(join(tmpdir(), 'partnership-resilience-import-'));
      const path = join(dir, 'spend.csv');
      const lines = ['Payment Date,Supplier Name,Amount'];
      for (let i = 0; i < 60_000; i++)
        lines.push(`2024-01-${String((i % 28) + 1).padStart(2, '0')},Supplier ${i % 500} Ltd,${(i % 900) + 10}.00`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      const jobId = await t.services.spendImportJobs.start(
        { path, fileName: 'spend.csv', council: 'GB-LAE-CRY' },
        officer.userId!,
      );
      await eventually(async () => ((await t.services.spendImportJobs.job(jobId))?.progress ?? 0) > 0, 'rows are read');
      await terminateBackends(admin, name);
      await t.services.spendImportJobs.settled();
      const job = await t.services.spendImportJobs.job(jobId);
      expect(job?.status).toBe('failed');
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from spend_payment`.execute(t.handle.db);
      expect(rows[0]!.n).toBe(0);
      expect((await officer.get('/spend/imports')).statusCode).toBe(200);
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
