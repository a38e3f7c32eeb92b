import { rm } from 'node:fs/promises';
import type { Database } from '../../../db/index.ts';
import type { JobContext, JobEnd, JobHooks, JobRow, Jobs } from '../../../imports/jobs.ts';
import { removeStrayUploads, uploadFolder } from '../../../imports/uploads.ts';
import { penceToDecimal } from '../../../kernel/money.ts';
import type { PlaceService } from '../../place/service.ts';
import { listImports, openJobSummaries, waitingJobsBefore } from './queries.ts';
import { MappingNeeded, type SpendImportResult, type SpendImportService } from './service.ts';

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

export type SpendJobView = JobRow<SpendJobSummary>;

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
export const uploadDir = () => uploadFolder('spend');

/**
 * Spend imports started from the upload page: a `job` row, the import run in the background on the kept
 * upload, paused when the columns need mapping and run again once a person has mapped them.
 */
// A factory: the short functions below share its dependencies; a job's state lives in its `job` row.
export function createSpendImportJobs({
  db,
  jobs,
  spendImport,
  place,
}: {
  db: Database;
  jobs: Jobs;
  spendImport: SpendImportService;
  place: Pick<PlaceService, 'council'>;
}) {
  /** The import's work: done, or waiting for a person to map the columns (the upload is kept for that). */
  function work(input: SpendJobInput, userId: string, map?: Record<string, string>) {
    return async (job: JobContext): Promise<JobEnd> => {
      let keepFile = false;
      try {
        const result = await spendImport.importFile(
          { path: input.path, name: input.fileName },
          {
            council: input.council,
            councilName: input.councilName,
            map,
            userId,
            fileName: input.fileName,
            jobId: job.id,
            onProgress: job.progress,
            onCommitted: job.committed,
          },
        );
        return { finished: { progress: result.rowsRead, summary: { input, result } satisfies SpendJobSummary } };
      } catch (error) {
        if (!(error instanceof MappingNeeded)) throw error;
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
        return { waiting: { summary } };
      } finally {
        if (!keepFile) await rm(input.path, { force: true });
      }
    };
  }

  const hooks = (input: SpendJobInput, userId: string): JobHooks => ({
    failed: (message) => spendImport.recordFailure(userId, input.council, input.fileName, message),
  });

  const job = (id: string): Promise<SpendJobView | undefined> => jobs.find<SpendJobSummary>(JOB_KIND, id);

  /**
   * Uploads left waiting for a mapping for more than a day are deleted and their jobs closed; so are stray
   * files in the upload folder (a process stopped mid-import).
   */
  async function sweep(now = Date.now()) {
    const cutoff = new Date(now - KEEP_AWAITING_MS);
    const stale = await waitingJobsBefore(db, JOB_KIND, cutoff);
    for (const j of stale) {
      const summary = j.summary as SpendJobSummary | null;
      if (summary?.input.path) await rm(summary.input.path, { force: true });
      await jobs.fail(
        j.id,
        'The columns were not mapped within a day, so the uploaded file was deleted. Upload it again to import it.',
      );
    }
    const awaited = new Set(
      (await openJobSummaries(db, JOB_KIND)).flatMap((j) => (j.summary as SpendJobSummary | null)?.input.path ?? []),
    );
    await removeStrayUploads(uploadDir(), { before: cutoff, keep: awaited });
    return stale.length;
  }

  return {
    uploadDir,

    /** Runs an upload (saved at `input.path`; deleted when the job ends) in the background. */
    async start(input: SpendJobInput, userId: string): Promise<string> {
      await sweep().catch((error) => console.warn('Clearing old spend uploads failed', error));
      return jobs.start(
        JOB_KIND,
        { fileName: input.fileName, createdBy: userId, summary: { input } satisfies SpendJobSummary },
        work(input, userId),
        hooks(input, userId),
      );
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
      const known = await place.council(input.council);
      if (known) await spendImport.saveProfile(input.council, summary.mapping.labels, map, userId);
      return jobs.resume(
        jobId,
        { input } satisfies SpendJobSummary,
        work(input, userId, known ? undefined : map),
        hooks(input, userId),
      );
    },

    job,
    sweep,

    /** Resolves when every background import of this process has finished (for tests and shutdown). */
    settled: () => jobs.settled(),

    /** Uploads still running, waiting for a mapping, or failed recently. */
    async openJobs(limit = 20): Promise<SpendJobView[]> {
      const list = jobs.list<SpendJobSummary>(JOB_KIND);
      return list.cast(
        await list
          .query()
          .where('j.status', '!=', 'succeeded')
          .where('j.created_at', '>', new Date(Date.now() - 7 * KEEP_AWAITING_MS))
          .limit(limit)
          .execute(),
      );
    },

    /** Every spend import held, newest first, with the upload job it came from where there was one. */
    async imports(limit = 200): Promise<SpendImportListRow[]> {
      const rows = await listImports(db, JOB_KIND, limit);
      return rows.map(({ total_pence, ...r }) => ({ ...r, total: penceToDecimal(total_pence) }));
    },
  };
}

export type SpendImportJobs = ReturnType<typeof createSpendImportJobs>;
