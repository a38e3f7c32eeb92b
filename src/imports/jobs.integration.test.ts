import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testConfig } from '../../test/support/app.ts';
import { buildApp } from '../app.ts';
import { loadPlace } from '../modules/place/config.ts';
import { createServices } from '../services.ts';
import { RESTARTED_AFTER_SAVING_MESSAGE, RESTARTED_MESSAGE, SHUTDOWN_MESSAGE } from './jobs.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const minutesAgo = (n: number) => sql<Date>`now() - make_interval(mins => ${n})`;

async function insertJob(values: {
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  heartbeatMinutesAgo: number;
  committed?: boolean;
  summary?: unknown;
}) {
  const row = await t.handle.db
    .insertInto('job')
    .values({
      kind: values.kind,
      status: values.status,
      file_name: `${values.kind}-${values.status}.csv`,
      progress: 1200,
      heartbeat_at: minutesAgo(values.heartbeatMinutesAgo),
      created_at: minutesAgo(values.heartbeatMinutesAgo + 1),
      ...(values.committed ? { committed_at: minutesAgo(values.heartbeatMinutesAgo) } : {}),
      ...(values.summary ? { summary: JSON.stringify(values.summary) } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const jobRow = (id: string) => t.handle.db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** A gate the test opens when it is ready for the job's work to go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('imports left running when the platform stopped', () => {
  it('are closed when the app starts, saying what happened and what to do; live and waiting jobs are left', async () => {
    const dead = await insertJob({ kind: 'register-import', status: 'running', heartbeatMinutesAgo: 10 });
    const deadAfterSaving = await insertJob({
      kind: 'spend-import',
      status: 'running',
      heartbeatMinutesAgo: 5,
      committed: true,
      summary: { input: { fileName: 'spend.csv', council: 'GB-LAE-CRY' } },
    });
    // Another process said it is alive a moment ago: its import is not ours to close.
    const alive = await insertJob({ kind: 'register-import', status: 'running', heartbeatMinutesAgo: 0 });
    // Waiting for a person to map the columns: nothing is running.
    const waiting = await insertJob({
      kind: 'spend-import',
      status: 'queued',
      heartbeatMinutesAgo: 30,
      summary: { input: { fileName: 'odd.csv', council: 'GB-LAE-CRY' }, mapping: { labels: [], missing: [] } },
    });
    const done = await insertJob({ kind: 'register-import', status: 'succeeded', heartbeatMinutesAgo: 30 });

    // The platform starts again: new services, a new app, on the same database.
    const config = testConfig();
    const place = loadPlace('croydon');
    const services = createServices({ db: t.handle.db, config, place });
    const app = await buildApp({ config, place, services, logger: false });
    await app.ready();
    await app.close();

    expect(await jobRow(dead)).toMatchObject({ status: 'failed', error: RESTARTED_MESSAGE });
    expect((await jobRow(dead)).finished_at).toBeInstanceOf(Date);
    expect(RESTARTED_MESSAGE).toContain('Nothing from the file was saved');
    expect(RESTARTED_MESSAGE).toContain('Upload the file again');
    expect(await jobRow(deadAfterSaving)).toMatchObject({ status: 'failed', error: RESTARTED_AFTER_SAVING_MESSAGE });
    expect(await jobRow(alive)).toMatchObject({ status: 'running', error: null, finished_at: null });
    expect(await jobRow(waiting)).toMatchObject({ status: 'queued', error: null });
    expect(await jobRow(done)).toMatchObject({ status: 'succeeded', error: null });

    // What the people who started them see.
    const admin = await t.as('admin');
    const page = await admin.get(`/admin/imports/${dead}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers.refresh).toBeUndefined();
    expect(page.body).toContain('Import failed');
    expect(page.body).toContain('The platform restarted while this file was being imported');
    expect(page.body).toContain('Nothing from this file was saved.');
    expect(page.body).toContain('href="/admin/imports/register"');
    const spend = await admin.get(`/spend/imports/jobs/${deadAfterSaving}`);
    expect(spend.statusCode).toBe(200);
    expect(spend.body).toContain('Import failed');
    expect(spend.body).toContain('rows were saved, but the import did not finish');
    expect(spend.body).toContain('Do not upload the file again');
    expect(spend.body).not.toContain('Nothing from this file was saved.');
  });

  it('never closes a job this process is still running, however long since it said it was alive', async () => {
    const { jobs } = t.services;
    const g = gate();
    const id = await jobs.start('test-import', { fileName: 'slow.csv', createdBy: null }, async () => {
      await g.opened;
      return { finished: { progress: 20, summary: { ok: true } } };
    });
    // On the embedded database a long import's heartbeats only land when it commits: the row looks abandoned.
    await t.handle.db
      .updateTable('job')
      .set({ heartbeat_at: minutesAgo(10) })
      .where('id', '=', id)
      .execute();
    await jobs.recover();
    expect(await jobRow(id)).toMatchObject({ status: 'running' });
    g.open();
    await jobs.settled();
    expect(await jobRow(id)).toMatchObject({ status: 'succeeded', progress: 20, summary: { ok: true } });
  });
});

describe('stopping a job', () => {
  it('rolls its import back at the next batch and fails it with the message given', async () => {
    const { jobs } = t.services;
    const g = gate();
    const started = gate();
    const marker = `stopped-import-${Date.now()}`;
    const failures: string[] = [];
    const id = await jobs.start(
      'test-import',
      { fileName: 'big.csv', createdBy: null },
      async (job) => {
        await t.handle.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('audit_log')
            .values({ action: marker, entity_type: 'test', entity_id: null, user_id: null, detail: '{}' })
            .execute();
          job.progress(500);
          started.open();
          await g.opened;
          job.progress(1000); // throws: the job was stopped
        });
        return { finished: { progress: 1000, summary: {} } };
      },
      { failed: async (message) => void failures.push(message) },
    );
    await started.opened;
    expect(jobs.stop(id, SHUTDOWN_MESSAGE)).toBe(true);
    g.open();
    await jobs.settled();
    expect(await jobRow(id)).toMatchObject({ status: 'failed', error: SHUTDOWN_MESSAGE, progress: 500 });
    expect(failures).toEqual([SHUTDOWN_MESSAGE]);
    const kept = await t.handle.db.selectFrom('audit_log').select('id').where('action', '=', marker).execute();
    expect(kept).toHaveLength(0);
    // Not running here (any more): nothing to stop.
    expect(jobs.stop(id, SHUTDOWN_MESSAGE)).toBe(false);
  });

  it('on shutdown stops every job and waits for it; one that failed after committing says its rows are kept', async () => {
    const { jobs } = t.services;
    const g = gate();
    const running = await jobs.start('test-import', { fileName: 'a.csv', createdBy: null }, async (job) => {
      await g.opened;
      job.progress(1);
      return { finished: { progress: 1, summary: {} } };
    });
    const afterCommit = await jobs.start('test-import', { fileName: 'b.csv', createdBy: null }, async (job) => {
      await job.committed();
      throw new Error('the matching broke');
    });
    const stopping = jobs.stopAll();
    g.open();
    await stopping;
    expect(await jobRow(running)).toMatchObject({ status: 'failed', error: SHUTDOWN_MESSAGE });
    const b = await jobRow(afterCommit);
    expect(b.status).toBe('failed');
    expect(b.committed_at).toBeInstanceOf(Date);
    expect(b.error).toContain("The file's rows were saved");
    expect(b.error).toContain('the matching broke');
  });

  it('lets only one request resume a job waiting for a person', async () => {
    const { jobs } = t.services;
    const id = await insertJob({ kind: 'test-import', status: 'queued', heartbeatMinutesAgo: 1 });
    const work = async () => ({ finished: { progress: 3, summary: { again: true } } });
    const [first, second] = await Promise.all([jobs.resume(id, {}, work), jobs.resume(id, {}, work)]);
    expect([first, second].sort()).toEqual([false, true]);
    await jobs.settled();
    expect(await jobRow(id)).toMatchObject({ status: 'succeeded', progress: 3, summary: { again: true } });
  });
});

describe('uploads left behind by a stopped process', () => {
  it('are removed when the server starts, except those an open job needs and those just written', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, utimesSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = mkdtempSync(join(tmpdir(), 'partnership-clear-test-'));
    const earlier = new Date(Date.now() - 10 * 60_000);
    const file = (path: string, old = true) => {
      writeFileSync(path, 'Payment Date,Supplier Name,Amount\n');
      if (old) utimesSync(path, earlier, earlier);
      return path;
    };
    for (const kind of ['spend', 'register']) mkdirSync(join(root, `partnership-${kind}-uploads`));
    const strays = [
      file(join(root, 'partnership-spend-uploads', 'crashed.csv')),
      file(join(root, 'partnership-register-uploads', 'crashed.xlsx')),
      file(join(root, 'partnership-zip-0b6f2a47-5d27-4c8e-9d6a-2f1e0c3b4a59')),
    ];
    const awaited = file(join(root, 'partnership-spend-uploads', 'awaiting-mapping.csv'));
    const receiving = file(join(root, 'partnership-spend-uploads', 'being-received.csv'), false);
    const unrelated = file(join(root, 'someone-elses.csv'));
    await insertJob({
      kind: 'spend-import',
      status: 'queued',
      heartbeatMinutesAgo: 30,
      summary: { input: { path: awaited } },
    });

    expect(await t.services.jobs.clearUploadsLeftBehind({ root })).toBe(3);
    for (const path of strays) expect(existsSync(path)).toBe(false);
    for (const path of [awaited, receiving, unrelated]) expect(existsSync(path)).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});
