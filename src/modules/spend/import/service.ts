import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import { ImportError } from '../../../imports/errors.ts';
import { openAnySource } from '../../../imports/open.ts';
import { type Importer, type ImportSummary, runImport } from '../../../imports/runner.ts';
import { normaliseHeading, openTable } from '../../../imports/table.ts';
import { clean } from '../../../imports/values.ts';
import { formatMoney, penceToDecimal } from '../../../kernel/money.ts';
import type { AuditService } from '../../audit/service.ts';
import type { PlaceService } from '../../place/service.ts';
import { refreshSummaries } from '../summary/queries.ts';
import { type ColumnMapping, headerSignature } from './columns.ts';
import { explicitMapping, mappingFor, spendFormat } from './format.ts';
import { localAuthorityName } from './local-authorities.ts';
import { importVcsTotals, insertImport, recordImportCounts, savedProfiles, upsertProfile } from './queries.ts';
import { type SpendRow, SpendRowReader } from './rows.ts';
import { SpendWriter } from './writer.ts';

export { MappingNeeded } from './format.ts';
export { parseSpendDate } from './rows.ts';

export type SpendImportOptions = {
  council: string;
  councilName?: string | undefined;
  /** Our field → the file's heading as written ("Net Amt"), from --map or the mapping form. */
  map?: Partial<Record<string, string>> | undefined;
  userId: string | null;
  fileName?: string | undefined;
  jobId?: string | undefined;
  isDemo?: boolean;
  batchSize?: number;
  onProgress?: (rowsRead: number) => void | Promise<void>;
  /** Called once the import's transaction has committed, before the suppliers are matched (outside it). */
  onCommitted?: () => void | Promise<void>;
};

export type SpendImportResult = {
  importId: string;
  council: string;
  councilName: string;
  file: string;
  origin: string | null;
  rowsRead: number;
  rowsImported: number;
  rowsDuplicate: number;
  rowsRejected: number;
  rowsSkipped: number;
  rejected: { line: number; reason: string }[];
  /** Amounts as plain decimal pounds, "19513182.88". */
  totalAmount: string;
  duplicateAmount: string;
  suppliers: number;
  vcsAmount: string;
  vcsShare: number | null;
  resolved: boolean;
  mapping: Record<string, string>;
  notes: string[];
};

/** The council a file is imported for: held already, or added with the import. */
type Target = { council: string; name: string; exists: boolean };

/** One import of one file: what it was given and found, and what it has written so far. */
type ImportRun = {
  target: Target;
  options: SpendImportOptions;
  fileName: string;
  origin: string | null;
  sha256: string;
  headings: string[];
  mapping: ColumnMapping;
  /** The mapping a person gave, saved as the council's profile once the import succeeds. */
  explicit: ColumnMapping | undefined;
  writer: SpendWriter;
  importId: string | undefined;
};

const ORG_ID = /^GB-[A-Z]+-[A-Za-z0-9]+$/;

/** "gb-lae-cry " → "GB-LAE-CRY"; anything that is not an org-id is refused. */
function councilOrgId(given: string): string {
  const council = given
    .trim()
    .toUpperCase()
    .replace(/^(GB-[A-Z]+-)(.*)$/, (_m, a, b) => a + b);
  if (!ORG_ID.test(council)) {
    throw new ImportError(
      `"${given}" is not a council org-id. Use the form GB-LAE-CRY (GB-LAE- and the council's code from the list of English local authorities).`,
    );
  }
  return council;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Integer pence → "19513182.88", exactly. */
export const penceToPounds = (pence: number | bigint): string => penceToDecimal(pence);

function vcsShareOf(vcs: bigint, total: bigint): number | null {
  return total > 0n ? Math.round(Number((vcs * 1_000_000n) / total)) / 1_000_000 : null;
}

function notesOf(run: ImportRun, duplicates: number): string[] {
  const notes: string[] = [];
  if (run.origin) notes.push(`Read from ${run.origin}.`);
  if (!run.target.exists) notes.push(`${run.target.name} (${run.target.council}) was added to the councils.`);
  if (duplicates) {
    notes.push(
      `${duplicates.toLocaleString('en-GB')} rows (${formatMoney(run.writer.duplicatePence)}) were already held from an earlier or overlapping file and were not counted again.`,
    );
  }
  return notes;
}

function resultOf(
  run: ImportRun,
  summary: ImportSummary,
  vcs: { resolved: boolean; vcs: bigint; total: bigint },
): SpendImportResult {
  const duplicates = summary.unchanged - summary.skipped;
  return {
    importId: run.importId!,
    council: run.target.council,
    councilName: run.target.name,
    file: run.fileName,
    origin: run.origin,
    rowsRead: summary.rowsRead,
    rowsImported: summary.created,
    rowsDuplicate: duplicates,
    rowsRejected: summary.rejected,
    rowsSkipped: summary.skipped,
    rejected: summary.rejectedRows,
    totalAmount: penceToDecimal(run.writer.importedPence),
    duplicateAmount: penceToDecimal(run.writer.duplicatePence),
    suppliers: run.writer.fileSuppliers.size,
    vcsAmount: penceToDecimal(vcs.vcs),
    vcsShare: vcs.resolved ? vcsShareOf(vcs.vcs, vcs.total) : null,
    resolved: vcs.resolved,
    mapping: run.mapping as Record<string, string>,
    notes: notesOf(run, duplicates),
  };
}

// A factory: the short functions below share its dependencies, and an import's state lives in its ImportRun.
export function createSpendImportService({
  db,
  config,
  audit,
  place,
  resolveCouncil,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  /** Councils: who published a file, and adding one not yet held. */
  place: Pick<PlaceService, 'council' | 'ensureCouncil'>;
  /** Classifies the council's unresolved suppliers after an import (the resolution service). */
  resolveCouncil?: ((councilOrgId: string) => Promise<unknown>) | undefined;
}) {
  async function councilName(orgId: string, given?: string): Promise<{ name: string; exists: boolean }> {
    const row = await place.council(orgId);
    if (row) return { name: row.name, exists: true };
    const name = clean(given) || localAuthorityName(orgId);
    if (!name) {
      throw new ImportError(
        `${orgId} is not a council we know, and it is not in the list of local authorities. Give its name (on the command line: --council-name "Name of the council") and try again.`,
      );
    }
    return { name, exists: false };
  }

  /** The import's row, written with its first batch (and the council with it, when it is new). */
  async function startImport(run: ImportRun, trx: Database): Promise<string> {
    if (run.importId) return run.importId;
    if (!run.target.exists) await place.ensureCouncil(run.target.council, run.target.name, trx);
    run.importId = await insertImport(trx, {
      council: run.target.council,
      fileName: run.fileName,
      sha256: run.sha256,
      mapping: run.mapping,
      isDemo: run.options.isDemo ?? false,
      userId: run.options.userId,
    });
    return run.importId;
  }

  /** The import's counts, the council's mapping when a person gave one, and the audit entry. */
  async function finishImport(run: ImportRun, trx: Database, summary: ImportSummary): Promise<void> {
    const id = await startImport(run, trx);
    const duplicates = summary.unchanged - summary.skipped;
    const counts = {
      rowsRead: summary.rowsRead,
      rowsImported: summary.created,
      rowsDuplicate: duplicates,
      rowsRejected: summary.rejected,
      rowsSkipped: summary.skipped,
    };
    await recordImportCounts(trx, id, {
      ...counts,
      totalPence: run.writer.importedPence,
      rejected: summary.rejectedRows,
    });
    const { council } = run.target;
    if (run.explicit) {
      const signature = headerSignature(run.headings);
      await upsertProfile(trx, { council, signature, mapping: run.mapping, userId: run.options.userId });
    }
    const detail = {
      council,
      file: run.fileName,
      origin: run.origin,
      ...counts,
      totalAmount: penceToDecimal(run.writer.importedPence),
      councilAdded: !run.target.exists,
      profileSaved: Boolean(run.explicit),
    };
    await audit.record(
      { userId: run.options.userId, action: 'spend.import', entityType: 'spend_import', entityId: id, detail },
      trx,
    );
    // The council's figures change with its payments, in the same transaction: all of them or none.
    await refreshSummaries(trx, [council]);
  }

  function importerFor(run: ImportRun): Importer<SpendRow> {
    const reader = new SpendRowReader(run.mapping);
    return {
      read: ([row]) => reader.read(row!),
      async write(trx, items) {
        const id = await startImport(run, trx);
        // Every row is counted as imported for now; rows the database already held are moved to "already held"
        // in finish(), once the last batch is written.
        await run.writer.write(trx, id, items);
        return items.map((item) => ({ line: item.line, outcome: 'created' as const }));
      },
      async finish(trx, summary) {
        await run.writer.settle(trx);
        summary.created -= run.writer.heldRows;
        summary.unchanged += run.writer.heldRows;
        await finishImport(run, trx, summary);
      },
    };
  }

  /** Matches the council's new suppliers (after the import committed), then sums what this import paid the VCS. */
  async function vcsOfImport(run: ImportRun) {
    let resolved = false;
    if (resolveCouncil) {
      await resolveCouncil(run.target.council);
      resolved = true;
    }
    return { resolved, ...(await importVcsTotals(db, run.importId!)) };
  }

  async function importFile(
    input: { path: string; name?: string },
    options: SpendImportOptions,
  ): Promise<SpendImportResult> {
    const council = councilOrgId(options.council);
    const { name, exists } = await councilName(council, options.councilName);
    const saved = await savedProfiles(db, council);
    const explicit = explicitMapping(options.map);
    const mapping = (headings: string[]) => mappingFor(headings, explicit, saved);
    const format = spendFormat(mapping);
    const source = await openAnySource(input.path, {
      ...(input.name ? { name: input.name } : {}),
      maxBytes: config.uploadLimitBytes,
      accept: (rows) => rows.some((cells) => format.recognise!(cells.map(normaliseHeading)).complete),
    });
    try {
      const sha256 = await fileHash(input.path);
      const table = await openTable(source, [format]);
      const run: ImportRun = {
        target: { council, name, exists },
        options,
        fileName: options.fileName ?? source.name,
        origin: source.origin ?? null,
        sha256,
        headings: table.headings,
        mapping: mapping(table.headings),
        explicit,
        writer: new SpendWriter(council, options.isDemo ?? false),
        importId: undefined,
      };
      const summary = await runImport(db, table, importerFor(run), {
        batchSize: options.batchSize ?? 5000,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      await options.onCommitted?.();
      return resultOf(run, summary, await vcsOfImport(run));
    } finally {
      await source.cleanup();
    }
  }

  /** A failed import leaves nothing in its own transaction: say so in the audit log. */
  async function recordFailure(userId: string | null, council: string, fileName: string, message: string) {
    await audit.record({
      userId,
      action: 'spend.import.failed',
      entityType: 'spend_import',
      entityId: null,
      detail: { council, file: fileName, error: message },
    });
  }

  /** A person's mapping of a file's columns, kept for the council's files with the same headings. */
  async function saveProfile(council: string, labels: string[], map: Record<string, string>, userId: string | null) {
    const mapping = explicitMapping(map)!;
    const signature = headerSignature(labels.map(normaliseHeading));
    await db.transaction().execute(async (trx) => {
      await upsertProfile(trx, { council, signature, mapping, userId });
      await audit.record(
        { userId, action: 'spend.import_profile.save', entityType: 'council', entityId: council, detail: { mapping } },
        trx,
      );
    });
  }

  return { importFile, recordFailure, saveProfile, councilName };
}

export type SpendImportService = ReturnType<typeof createSpendImportService>;
