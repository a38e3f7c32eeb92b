import { rm } from 'node:fs/promises';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { JobRow, Jobs } from '../../../imports/jobs.ts';
import { failureMessageFor } from '../../../imports/messages.ts';
import { type Importer, type ImportSummary, runImport } from '../../../imports/runner.ts';
import { openSource, type SourceInput } from '../../../imports/source.ts';
import { openTable } from '../../../imports/table.ts';
import { removeStrayUploads, uploadFolder } from '../../../imports/uploads.ts';
import type { AuditService } from '../../audit/service.ts';
import { type RegisterFormat, registerFormats } from './formats.ts';
import { createRegisterWriter, type RegisterRecord } from './writer.ts';

export const JOB_KIND = 'register-import';
const STRAY_AFTER_MS = 24 * 60 * 60 * 1000;

export type RegisterImportOptions = {
  format?: string | undefined;
  userId: string | null;
  /** Shown in the audit log and the jobs list (defaults to the file's own name). */
  fileName?: string;
  jobId?: string;
  onProgress?: (rowsRead: number) => void | Promise<void>;
  batchSize?: number;
};

export type JobView = JobRow<ImportSummary & { formatLabel?: string }>;

const failureMessage = failureMessageFor;

export function createRegisterImportService({
  db,
  config,
  audit,
  jobs,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  jobs: Jobs;
}) {
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

  /** A failed import leaves no trace in its own transaction: say so in the audit log (`error`: what went wrong, or its message). */
  async function recordFailure(userId: string | null, fileName: string, error: unknown, jobId?: string) {
    await audit.record({
      userId,
      action: 'register.import.failed',
      entityType: 'import',
      entityId: jobId ?? null,
      detail: { file: fileName, error: typeof error === 'string' ? error : failureMessage(error) },
    });
  }

  /**
   * Removes uploads a stopped process left behind. A register import runs for minutes, not a day, so a file in
   * the folder older than a day belongs to no running import.
   */
  async function sweep(now = Date.now()): Promise<number> {
    return removeStrayUploads(uploadFolder('register'), { before: new Date(now - STRAY_AFTER_MS) });
  }

  return {
    formats: registerFormats,
    /** The largest file the upload page accepts. */
    uploadLimitBytes: config.uploadLimitBytes,
    importFile,
    recordFailure,

    /** Runs an uploaded file (already saved at `path`, deleted afterwards) in the background. */
    sweep,

    async startJob(input: {
      path: string;
      fileName: string;
      format?: string | undefined;
      userId: string;
    }): Promise<string> {
      const { path, fileName, format, userId } = input;
      await sweep().catch((error) => console.warn('Could not clear stray register uploads:', error));
      return jobs.start(
        JOB_KIND,
        { fileName, createdBy: userId },
        async (job) => {
          try {
            const summary = await importFile(
              { path, name: fileName },
              { format, userId, fileName, jobId: job.id, onProgress: job.progress },
            );
            const found = registerFormats.find((f) => f.name === summary.format)?.label ?? summary.format;
            const label = found.charAt(0).toUpperCase() + found.slice(1);
            return { finished: { progress: summary.rowsRead, summary: { ...summary, formatLabel: label } } };
          } finally {
            await rm(path, { force: true });
          }
        },
        { failed: (message, _error, jobId) => recordFailure(userId, fileName, message, jobId) },
      );
    },

    /** Resolves when every background import of this process has finished (for tests and shutdown). */
    settled: () => jobs.settled(),

    async jobs(limit = 50): Promise<JobView[]> {
      const list = jobs.list<JobView['summary']>(JOB_KIND);
      return list.cast(await list.query().limit(limit).execute());
    },

    job: (id: string): Promise<JobView | undefined> => jobs.find<JobView['summary']>(JOB_KIND, id),
  };
}

export type RegisterImportService = ReturnType<typeof createRegisterImportService>;
