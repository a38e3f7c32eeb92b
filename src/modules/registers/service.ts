import { rm } from 'node:fs/promises';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import { failureMessageFor } from '../../imports/messages.ts';
import { type Importer, type ImportSummary, runImport } from '../../imports/runner.ts';
import { openSource, type SourceInput } from '../../imports/source.ts';
import { openTable } from '../../imports/table.ts';
import type { AuditService } from '../audit/service.ts';
import { type RegisterFormat, registerFormats } from './formats.ts';
import { createRegisterWriter, type RegisterRecord } from './writer.ts';

export const JOB_KIND = 'register-import';

export type RegisterImportOptions = {
  format?: string | undefined;
  userId: string | null;
  /** Shown in the audit log and the jobs list (defaults to the file's own name). */
  fileName?: string;
  jobId?: string;
  onProgress?: (rowsRead: number) => void | Promise<void>;
  batchSize?: number;
};

export type JobView = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file_name: string | null;
  progress: number;
  summary: (ImportSummary & { formatLabel?: string }) | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  created_by_name: string | null;
};

const failureMessage = failureMessageFor;

export function createRegisterImportService({
  db,
  config,
  audit,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
}) {
  const running = new Set<Promise<void>>();

  async function importFile(input: SourceInput, options: RegisterImportOptions): Promise<ImportSummary> {
    const source = await openSource(input, { maxBytes: config.uploadLimitBytes });
    const table = await openTable(source, registerFormats, { format: options.format });
    const format = table.format as RegisterFormat;
    const reader = format.reader();
    const importer: Importer<RegisterRecord> = {
      ...(reader.groupKey ? { groupKey: reader.groupKey } : {}),
      read: reader.read,
      write: createRegisterWriter(format.source),
      async finish(trx, summary) {
        await audit.record(
          {
            userId: options.userId,
            action: 'register.import',
            entityType: 'import',
            entityId: options.jobId ?? null,
            detail: {
              file: options.fileName ?? source.name,
              format: format.name,
              encoding: source.encoding(),
              rowsRead: summary.rowsRead,
              created: summary.created,
              updated: summary.updated,
              unchanged: summary.unchanged,
              rejected: summary.rejected,
            },
          },
          trx,
        );
      },
    };
    const runOptions = {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    };
    return runImport(db, table, importer, runOptions);
  }

  /** A failed import leaves no trace in its own transaction: say so in the audit log. */
  async function recordFailure(userId: string | null, fileName: string, error: unknown, jobId?: string) {
    await audit.record({
      userId,
      action: 'register.import.failed',
      entityType: 'import',
      entityId: jobId ?? null,
      detail: { file: fileName, error: failureMessage(error) },
    });
  }

  /**
   * Writes progress to the job row without ever waiting for it inside the import: on the embedded database the
   * import holds the only connection, so the write lands when it commits; on PostgreSQL it lands at once.
   */
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
        if (!pending) {
          pending = pump()
            .catch(() => {})
            .finally(() => {
              pending = undefined;
            });
        }
      },
      async flush() {
        while (pending) await pending;
      },
    };
  }

  async function runJob(
    jobId: string,
    path: string,
    fileName: string,
    format: string | undefined,
    userId: string | null,
  ) {
    const progress = progressWriter(jobId);
    try {
      await db.updateTable('job').set({ status: 'running' }).where('id', '=', jobId).execute();
      const summary = await importFile(
        { path, name: fileName },
        { format, userId, fileName, jobId, onProgress: (n) => progress.report(n) },
      );
      await progress.flush();
      const found = registerFormats.find((f) => f.name === summary.format)?.label ?? summary.format;
      const label = found.charAt(0).toUpperCase() + found.slice(1);
      await db
        .updateTable('job')
        .set({
          status: 'succeeded',
          progress: summary.rowsRead,
          summary: JSON.stringify({ ...summary, formatLabel: label }),
          finished_at: new Date(),
        })
        .where('id', '=', jobId)
        .execute();
    } catch (error) {
      await progress.flush();
      await db
        .updateTable('job')
        .set({ status: 'failed', error: failureMessage(error), finished_at: new Date() })
        .where('id', '=', jobId)
        .execute()
        .catch(() => {});
      await recordFailure(userId, fileName, error, jobId).catch(() => {});
    } finally {
      await rm(path, { force: true });
    }
  }

  return {
    formats: registerFormats,
    importFile,
    recordFailure,

    /** Queues an uploaded file (already saved at `path`, deleted afterwards) and runs it in the background. */
    async startJob(input: {
      path: string;
      fileName: string;
      format?: string | undefined;
      userId: string;
    }): Promise<string> {
      const job = await db
        .insertInto('job')
        .values({ kind: JOB_KIND, file_name: input.fileName, created_by: input.userId })
        .returning('id')
        .executeTakeFirstOrThrow();
      const task = runJob(job.id, input.path, input.fileName, input.format, input.userId);
      running.add(task);
      void task.finally(() => running.delete(task));
      return job.id;
    },

    /** Resolves when every background import of this process has finished (for tests and shutdown). */
    async settled(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },

    async jobs(limit = 50): Promise<JobView[]> {
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
          'j.created_at',
          'j.finished_at',
          'u.name as created_by_name',
        ])
        .where('j.kind', '=', JOB_KIND)
        .orderBy('j.created_at', 'desc')
        .limit(limit)
        .execute();
      return rows as JobView[];
    },

    async job(id: string): Promise<JobView | undefined> {
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
          'j.created_at',
          'j.finished_at',
          'u.name as created_by_name',
        ])
        .where('j.kind', '=', JOB_KIND)
        .where('j.id', '=', id)
        .executeTakeFirst();
      return row as JobView | undefined;
    },
  };
}

export type RegisterImportService = ReturnType<typeof createRegisterImportService>;
