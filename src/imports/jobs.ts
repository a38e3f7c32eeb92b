import { withoutBudget } from '../db/budget.ts';
import type { Database } from '../db/index.ts';
import { isUuid } from '../kernel/ids.ts';
import { failureMessageFor } from './messages.ts';
import * as q from './queries/jobs.ts';
import { clearUploadsLeftBehind } from './uploads.ts';

/**
 * Background import jobs, one `job` row each, shared by every module that imports files uploaded on a page:
 * start a job, record its progress, end it (finished, failed with a message, or waiting for a person), stop it,
 * and, when a process died with jobs running, close them with a message that says what happened.
 */

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export type JobRow<Summary = unknown> = {
  id: string;
  status: JobStatus;
  file_name: string | null;
  progress: number;
  summary: Summary | null;
  error: string | null;
  created_by: string | null;
  created_at: Date;
  finished_at: Date | null;
  committed_at: Date | null;
  created_by_name: string | null;
};

/** How a job's work ended when it did not fail: finished, or paused until a person answers (status `queued`). */
export type JobEnd = { finished: { progress: number; summary: unknown } } | { waiting: { summary: unknown } };

/** What the work of a running job is given. */
export type JobContext = {
  id: string;
  /** Aborted when the job is stopped. */
  signal: AbortSignal;
  /**
   * Rows read so far, written without holding the import up (on the embedded database the import holds the only
   * connection, so it lands when the import commits). Throws once the job is stopped, which rolls the import back.
   */
  progress(rowsRead: number): void;
  /** The import's transaction has committed: from now on, a job that does not finish did change something. */
  committed(): Promise<void>;
};

export type JobHooks = {
  /** After the job is marked failed (e.g. to say so in the audit log, as the failed transaction cannot). */
  failed?(message: string, error: unknown, jobId: string): Promise<void>;
};

/** Raised inside a job's work when the job is stopped; its message is what the job page shows. */
export class JobStopped extends Error {}

/** A process says a job is alive this often; a running job silent for `STALE_AFTER_MS` has lost its process. */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;

export const RESTARTED_MESSAGE =
  'The platform restarted while this file was being imported, so the import did not finish. Nothing from the file was saved: an import is saved all at once or not at all. Upload the file again to import it.';
export const RESTARTED_AFTER_SAVING_MESSAGE =
  "The platform restarted after this file's rows were saved but before the import had finished the work that follows. The rows are imported: do not upload the file again.";
/** A job that failed after its import committed kept what it saved: say so, rather than "nothing was saved". */
export function failedAfterSavingMessage(error: unknown): string {
  return `The file's rows were saved, but the work that follows the import stopped because of an unexpected problem (${(error as Error)?.message ?? String(error)}). The rows are imported: do not upload the file again. If it happens again, tell the people who run this service.`;
}
export const SHUTDOWN_MESSAGE =
  'The platform was stopped while this file was being imported, so the import was stopped. Nothing from the file was saved: an import is saved all at once or not at all. Upload the file again to import it.';

export function createJobs({ db }: { db: Database }) {
  /** The jobs this process is running: their work, and how to stop them. */
  const running = new Map<string, { task: Promise<void>; controller: AbortController }>();
  let heartbeat: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;

  const beat = () => {
    const ids = [...running.keys()];
    if (!ids.length || beating) return;
    // A missed beat is not fatal: the next one comes in a few seconds.
    beating = q
      .beat(db, ids)
      .catch((error) => console.warn('Could not record that import jobs are alive:', error))
      .finally(() => {
        beating = undefined;
      });
  };

  function progressWriter(jobId: string, signal: AbortSignal) {
    let latest = 0;
    let written = 0;
    let pending: Promise<void> | undefined;
    const pump = async () => {
      while (written !== latest) {
        const value = latest;
        await q.setProgress(db, jobId, value);
        written = value;
      }
    };
    return {
      report(rowsRead: number) {
        if (signal.aborted) throw new JobStopped(String(signal.reason ?? SHUTDOWN_MESSAGE));
        latest = rowsRead;
        pending ??= pump()
          .catch((error) => console.warn(`Could not record the progress of import job ${jobId}:`, error))
          .finally(() => {
            pending = undefined;
          });
      },
      async flush() {
        while (pending) await pending;
      },
    };
  }

  async function end(jobId: string, outcome: JobEnd) {
    if ('finished' in outcome) await q.finish(db, jobId, outcome.finished.progress, outcome.finished.summary);
    else await q.wait(db, jobId, outcome.waiting.summary);
  }

  /** Marks a job failed with a message for people; `summary` replaces what the job held, when given. */
  async function fail(jobId: string, message: string, summary?: unknown) {
    await q.failJob(db, jobId, message, summary);
  }

  /** Runs a job's work in the background of this process; the row is already marked running. */
  function run(jobId: string, work: (job: JobContext) => Promise<JobEnd>, hooks: JobHooks) {
    const controller = new AbortController();
    const progress = progressWriter(jobId, controller.signal);
    let committed = false;
    const context: JobContext = {
      id: jobId,
      signal: controller.signal,
      progress: (n) => progress.report(n),
      async committed() {
        committed = true;
        await q.markCommitted(db, jobId);
      },
    };
    // The import outlives the request that started it: it runs without that request's statement timeout, and goes
    // on when the person closes the page.
    const task = withoutBudget(async () => {
      try {
        const outcome = await work(context);
        await progress.flush();
        await end(jobId, outcome);
      } catch (error) {
        await progress.flush();
        const message =
          error instanceof JobStopped
            ? error.message
            : committed
              ? failedAfterSavingMessage(error)
              : failureMessageFor(error);
        await fail(jobId, message).catch((e) => console.warn(`Could not mark import job ${jobId} failed:`, e));
        await hooks
          .failed?.(message, error, jobId)
          .catch((e) => console.warn(`Could not record the failure of import job ${jobId}:`, e));
      }
    });
    running.set(jobId, { task, controller });
    heartbeat ??= withoutBudget(() => setInterval(beat, HEARTBEAT_MS).unref());
    void task.finally(() => {
      running.delete(jobId);
      if (!running.size && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    });
  }

  /** The columns every job page and list shows, with the name of the person who started it. */
  function select<Summary = unknown>(kind: string) {
    return { query: () => q.jobsOfKind(db, kind), cast: (rows: unknown) => rows as JobRow<Summary>[] };
  }

  return {
    /** Records a job as running and starts its work in the background. */
    async start(
      kind: string,
      input: { fileName: string; createdBy: string | null; summary?: unknown },
      work: (job: JobContext) => Promise<JobEnd>,
      hooks: JobHooks = {},
    ): Promise<string> {
      const row = await q.insertJob(db, { kind, ...input });
      run(row.id, work, hooks);
      return row.id;
    },

    /**
     * Runs a job that was waiting for a person (status `queued`) again. Only one request can take it: false when
     * the job was not waiting. `summary` replaces what it held.
     */
    async resume(
      jobId: string,
      summary: unknown,
      work: (job: JobContext) => Promise<JobEnd>,
      hooks: JobHooks = {},
    ): Promise<boolean> {
      const taken = await q.takeWaiting(db, jobId, summary);
      if (!taken) return false;
      run(jobId, work, hooks);
      return true;
    },

    fail,

    /** One job of a kind, or undefined (also for an id that is not a job's). */
    async find<Summary = unknown>(kind: string, id: string): Promise<JobRow<Summary> | undefined> {
      if (!isUuid(id)) return undefined;
      const s = select<Summary>(kind);
      return s.cast(await s.query().where('j.id', '=', id).execute())[0];
    },

    /** A query for jobs of a kind, newest first; the caller adds its own conditions and limit. */
    list<Summary = unknown>(kind: string) {
      const s = select<Summary>(kind);
      return {
        query: () => s.query().orderBy('j.created_at', 'desc'),
        cast: s.cast,
      };
    },

    /**
     * Stops a job this process is running: its import rolls back at the next batch, and the job fails with
     * `message`. False when this process is not running it.
     */
    stop(jobId: string, message: string): boolean {
      const job = running.get(jobId);
      if (!job) return false;
      job.controller.abort(message);
      return true;
    },

    /** Stops every job of this process (when it shuts down), then waits for them to end. */
    async stopAll(message = SHUTDOWN_MESSAGE): Promise<void> {
      for (const job of running.values()) job.controller.abort(message);
      await this.settled();
    },

    /**
     * Closes jobs recorded as running whose process has died: none of this process's own, and none that another
     * process still says is alive. Nothing of an import is kept unless its transaction committed, and the message
     * says which. Run at start-up and from time to time; returns how many were closed.
     */
    async recover(): Promise<number> {
      return q.failStale(db, {
        staleAfterSeconds: STALE_AFTER_MS / 1000,
        mine: [...running.keys()],
        message: RESTARTED_MESSAGE,
        messageAfterSaving: RESTARTED_AFTER_SAVING_MESSAGE,
      });
    },

    /**
     * Removes the uploads a stopped process left behind, when the server starts rather than a day later: every file
     * in the upload folders that no open job needs. A file written in the last minute is left alone, as another
     * process on this machine may be receiving it. Returns how many were removed.
     */
    async clearUploadsLeftBehind(options: { now?: number; root?: string } = {}): Promise<number> {
      const keep = new Set(await q.openJobPaths(db));
      const before = new Date((options.now ?? Date.now()) - STALE_AFTER_MS);
      return clearUploadsLeftBehind({ before, keep, ...(options.root ? { root: options.root } : {}) });
    },

    /** Resolves when every job of this process has ended (for tests and shutdown). */
    async settled(): Promise<void> {
      while (running.size) await Promise.all([...running.values()].map((j) => j.task));
      while (beating) await beating;
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
