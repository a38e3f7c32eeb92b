import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import { failureMessageFor } from '../../../imports/messages.ts';
import { MappingNeeded, penceToPounds, type SpendImportResult, type SpendImportService } from './service.ts';

export const JOB_KIND = 'spend-import';
/** An upload waiting for its columns to be mapped is kept this long, then deleted. */
export const KEEP_AWAITING_MS = 24 * 60 * 60 * 1000;

/** What the upload form chose, kept with the job so that the import can run again after a mapping. */
export type SpendJobInput = {
  path: string;
  fileName: string;
  council: string;
  councilName?: string | undefined;
};

export type SpendJobSummary = {
  /** `path` is where the upload was kept (deleted when the job ends, or after a day waiting for a mapping). */
  input: Omit<SpendJobInput, 'path'> & { path?: string | undefined };
  /** Set while the import waits for a person to say which column is which. */
  mapping?: { labels: string[]; missing: string[]; suggested: Record<string, string>; message: string } | undefined;
  result?: SpendImportResult | undefined;
};

export type SpendJobView = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file_name: string | null;
  progress: number;
  summary: SpendJobSummary | null;
  error: string | null;
  created_by: string | null;
  created_at: Date;
  finished_at: Date | null;
  created_by_name: string | null;
};

export type SpendImportListRow = {
  id: string;
  council_org_id: string;
  council_name: string;
  file_name: string;
  created_at: Date;
  created_by_name: string | null;
  rows_read: number;
  rows_imported: number;
  rows_duplicate: number;
  rows_rejected: number;
  rows_skipped: number;
  total: string;
  job_id: string | null;
};

/** Uploads are kept in a folder of their own, so that leftovers can be found and cleared. */
export const uploadDir = () => join(tmpdir(), 'partnership-spend-uploads');

/**
 * Spend imports started from the upload page: a `job` row, the import run in the background on the kept
 * upload, paused when the columns need mapping and run again once a person has mapped them.
 */
export function createSpendImportJobs({ db, spendImport }: { db: Database; spendImport: SpendImportService }) {
  const running = new Set<Promise<void>>();

  /** Rows read so far, written without holding the import up (on PGlite it lands when the import commits). */
  function progressWriter(jobId: string) {
    let latest = 0;
    let written = 0;
    let pending: Promise<void> | undefined;
    const pump = async () => {
      while (written !== latest) {
        const value = latest;
        await db.updateTable('job').set({ progress: value }).where('id', '=', jobId).execute();
        written = value;
      }
    };
    return {
      report(rowsRead: number) {
        latest = rowsRead;
        pending ??= pump()
          .catch(() => {})
          .finally(() => {
            pending = undefined;
          });
      },
      async flush() {
        while (pending) await pending;
      },
    };
  }

  async function run(jobId: string, input: SpendJobInput, userId: string, map?: Record<string, string>) {
    const progress = progressWriter(jobId);
    let keepFile = false;
    try {
      await db.updateTable('job').set({ status: 'running', progress: 0 }).where('id', '=', jobId).execute();
      const result = await spendImport.importFile(
        { path: input.path, name: input.fileName },
        {
          council: input.council,
          councilName: input.councilName,
          map,
          userId,
          fileName: input.fileName,
          jobId,
          onProgress: (n) => progress.report(n),
        },
      );
      await progress.flush();
      await db
        .updateTable('job')
        .set({
          status: 'succeeded',
          progress: result.rowsRead,
          summary: JSON.stringify({ input, result } satisfies SpendJobSummary),
          finished_at: new Date(),
        })
        .where('id', '=', jobId)
        .execute();
    } catch (error) {
      await progress.flush();
      if (error instanceof MappingNeeded) {
        // Waiting for a person: the upload is kept for the run after the mapping.
        keepFile = true;
        const summary: SpendJobSummary = {
          input,
          mapping: {
            labels: error.labels,
            missing: error.missing,
            suggested: error.suggested as Record<string, string>,
            message: error.message,
          },
        };
        await db
          .updateTable('job')
          .set({ status: 'queued', progress: 0, summary: JSON.stringify(summary) })
          .where('id', '=', jobId)
          .execute()
          .catch(() => {});
        return;
      }
      const message = failureMessageFor(error);
      await db
        .updateTable('job')
        .set({
          status: 'failed',
          error: message,
          summary: JSON.stringify({ input } satisfies SpendJobSummary),
          finished_at: new Date(),
        })
        .where('id', '=', jobId)
        .execute()
        .catch(() => {});
      await spendImport.recordFailure(userId, input.council, input.fileName, message).catch(() => {});
    } finally {
      if (!keepFile) await rm(input.path, { force: true });
    }
  }

  function background(task: Promise<void>) {
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  async function job(id: string): Promise<SpendJobView | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await db
      .selectFrom('job as j')
      .leftJoin('app_user as u', 'u.id', 'j.created_by')
      .select([
        'j.id',
        'j.status',
        'j.file_name',
        'j.progress',
        'j.summary',
        'j.error',
        'j.created_by',
        'j.created_at',
        'j.finished_at',
        'u.name as created_by_name',
      ])
      .where('j.kind', '=', JOB_KIND)
      .where('j.id', '=', id)
      .executeTakeFirst();
    return row as SpendJobView | undefined;
  }

  /**
   * Uploads left waiting for a mapping for more than a day are deleted and their jobs closed; so are stray
   * files in the upload folder (a process stopped mid-import).
   */
  async function sweep(now = Date.now()) {
    const cutoff = new Date(now - KEEP_AWAITING_MS);
    const stale = await db
      .selectFrom('job')
      .select(['id', 'summary'])
      .where('kind', '=', JOB_KIND)
      .where('status', '=', 'queued')
      .where('created_at', '<', cutoff)
      .execute();
    for (const j of stale) {
      const summary = j.summary as SpendJobSummary | null;
      if (summary?.input.path) await rm(summary.input.path, { force: true });
      await db
        .updateTable('job')
        .set({
          status: 'failed',
          error:
            'The columns were not mapped within a day, so the uploaded file was deleted. Upload it again to import it.',
          finished_at: new Date(),
        })
        .where('id', '=', j.id)
        .execute();
    }
    const dir = uploadDir();
    const names = await readdir(dir).catch(() => [] as string[]);
    const awaited = new Set(
      (
        await db
          .selectFrom('job')
          .select('summary')
          .where('kind', '=', JOB_KIND)
          .where('status', 'in', ['queued', 'running'])
          .execute()
      ).map((j) => (j.summary as SpendJobSummary | null)?.input.path),
    );
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff.getTime() && !awaited.has(path)) await rm(path, { force: true });
    }
    return stale.length;
  }

  return {
    uploadDir,

    /** Queues an upload (saved at `input.path`; deleted when the job ends) and runs it in the background. */
    async start(input: SpendJobInput, userId: string): Promise<string> {
      await sweep().catch(() => {});
      const summary: SpendJobSummary = { input };
      const row = await db
        .insertInto('job')
        .values({ kind: JOB_KIND, file_name: input.fileName, created_by: userId, summary: JSON.stringify(summary) })
        .returning('id')
        .executeTakeFirstOrThrow();
      background(run(row.id, input, userId));
      return row.id;
    },

    /**
     * The person's mapping for a job waiting on one: saved as the council's profile (with the import itself when
     * the council is new, so nothing is kept if that import fails), then the import runs again on the kept file.
     */
    async map(jobId: string, map: Record<string, string>, userId: string): Promise<boolean> {
      const j = await job(jobId);
      const summary = j?.summary;
      if (j?.status !== 'queued' || !summary?.mapping || !summary.input.path) return false;
      const input = summary.input as SpendJobInput;
      const known = await db
        .selectFrom('council')
        .select('org_id')
        .where('org_id', '=', input.council)
        .executeTakeFirst();
      if (known) await spendImport.saveProfile(input.council, summary.mapping.labels, map, userId);
      await db
        .updateTable('job')
        .set({ status: 'running', summary: JSON.stringify({ input } satisfies SpendJobSummary) })
        .where('id', '=', jobId)
        .execute();
      background(run(jobId, input, userId, known ? undefined : map));
      return true;
    },

    job,
    sweep,

    /** Resolves when every background import of this process has finished (for tests and shutdown). */
    async settled(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },

    /** Uploads still running, waiting for a mapping, or failed recently. */
    async openJobs(limit = 20): Promise<SpendJobView[]> {
      const rows = await db
        .selectFrom('job as j')
        .leftJoin('app_user as u', 'u.id', 'j.created_by')
        .select([
          'j.id',
          'j.status',
          'j.file_name',
          'j.progress',
          'j.summary',
          'j.error',
          'j.created_by',
          'j.created_at',
          'j.finished_at',
          'u.name as created_by_name',
        ])
        .where('j.kind', '=', JOB_KIND)
        .where('j.status', '!=', 'succeeded')
        .where('j.created_at', '>', new Date(Date.now() - 7 * KEEP_AWAITING_MS))
        .orderBy('j.created_at', 'desc')
        .limit(limit)
        .execute();
      return rows as SpendJobView[];
    },

    /** Every spend import held, newest first, with the upload job it came from where there was one. */
    async imports(limit = 200): Promise<SpendImportListRow[]> {
      const rows = await db
        .selectFrom('spend_import as i')
        .innerJoin('council as c', 'c.org_id', 'i.council_org_id')
        .leftJoin('app_user as u', 'u.id', 'i.created_by')
        .leftJoin('job as j', (join) =>
          join
            .on('j.kind', '=', JOB_KIND)
            .on(sql<string>`j.summary -> 'result' ->> 'importId'`, '=', sql<string>`i.id::text`),
        )
        .select([
          'i.id',
          'i.council_org_id',
          'c.name as council_name',
          'i.file_name',
          'i.created_at',
          'u.name as created_by_name',
          'i.rows_read',
          'i.rows_imported',
          'i.rows_duplicate',
          'i.rows_rejected',
          'i.rows_skipped',
          'i.total_pence',
          'j.id as job_id',
        ])
        .orderBy('i.created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(({ total_pence, ...r }) => ({ ...r, total: penceToPounds(total_pence) }));
    },

    /** Makes the upload folder (once per start). */
    async prepare() {
      await mkdir(uploadDir(), { recursive: true });
    },
  };
}

export type SpendImportJobs = ReturnType<typeof createSpendImportJobs>;
