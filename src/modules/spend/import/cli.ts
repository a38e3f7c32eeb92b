import type { Command } from 'commander';
import { failureMessageFor, importCommand, progressBar } from '../../../imports/cli.ts';
import { openRuntime } from '../../../runtime.ts';
import { poundsText } from './present.ts';
import { MappingNeeded, type SpendImportResult } from './service.ts';

const n = (value: number) => value.toLocaleString('en-GB');

/** What `--json` prints: the issue's keys, plus rowsDuplicate so that the equation holds in the JSON too. */
export function spendJson(r: SpendImportResult) {
  return {
    council: r.council,
    file: r.file,
    rowsRead: r.rowsRead,
    rowsImported: r.rowsImported,
    rowsDuplicate: r.rowsDuplicate,
    rowsRejected: r.rowsRejected,
    rowsSkipped: r.rowsSkipped,
    rejected: r.rejected,
    totalAmount: r.totalAmount,
    suppliers: r.suppliers,
    vcsAmount: r.vcsAmount,
    vcsShare: r.vcsShare,
  };
}

export function describeSpendImport(r: SpendImportResult, seconds: number): string {
  const lines = [
    `Imported ${r.file} for ${r.councilName} (${r.council}) in ${seconds.toFixed(1)} s.`,
    `  Rows read:        ${n(r.rowsRead)}`,
    `  Imported:         ${n(r.rowsImported)} (${poundsText(r.totalAmount)})`,
    `  Already held:     ${n(r.rowsDuplicate)} (${poundsText(r.duplicateAmount)}; from an earlier or overlapping file, not counted again)`,
    `  Rejected:         ${n(r.rowsRejected)}`,
    `  Summary rows:     ${n(r.rowsSkipped)} (such as "Grand Total", skipped)`,
    `  ${n(r.rowsRead)} read = ${n(r.rowsImported)} imported + ${n(r.rowsDuplicate)} already held + ${n(r.rowsRejected)} rejected + ${n(r.rowsSkipped)} summary rows`,
    `  Suppliers:        ${n(r.suppliers)}`,
    r.resolved
      ? `  With the VCS:     ${poundsText(r.vcsAmount)}${r.vcsShare === null ? '' : ` (${(r.vcsShare * 100).toFixed(1)}% of the rows imported now)`}; uncertain suppliers wait for review.`
      : '  Suppliers are not yet resolved.',
    ...r.notes.map((note) => `  ${note}`),
  ];
  if (r.rowsRejected) {
    lines.push(
      '',
      'Rejected rows (fix them in the file and import it again; rows already imported are not counted twice):',
    );
    for (const row of r.rejected.slice(0, 20)) lines.push(`  line ${row.line}: ${row.reason}`);
    if (r.rowsRejected > 20) lines.push(`  … and ${n(r.rowsRejected - 20)} more (use --json to see up to 1,000).`);
  }
  return lines.join('\n');
}

function collect(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new Error(`--map takes column=heading, for example --map amount="Net Amt" (got "${value}")`);
  return {
    ...previous,
    [value.slice(0, eq).trim()]: value
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, ''),
  };
}

// `partnership import spend <file> --council GB-LAE-CRY`: one council's published spend, in one transaction.
export function registerSpendImportCommand(program: Command): void {
  importCommand(program)
    .command('spend')
    .description("Import a council's published spend file (CSV, XLSX, or a ZIP holding one)")
    .argument('<file>', 'CSV (any common encoding, may be gzipped), XLSX, or ZIP holding one CSV or XLSX file')
    .requiredOption('--council <org-id>', 'the council that published it, e.g. GB-LAE-CRY')
    .option(
      '--council-name <name>',
      'its name, when the council is not yet known and not in the list of local authorities',
    )
    .option(
      '--map <column=heading>',
      "which of the file's headings holds our column (date, amount, supplier, department, purpose, expenseType, procurementCategory, transactionRef, charityNumber, companyNumber, vcseFlag); repeat as needed; kept for next time",
      collect,
      {} as Record<string, string>,
    )
    .option('--json', 'print one JSON object with the summary')
    .action(
      async (
        file: string,
        options: { council: string; councilName?: string; map: Record<string, string>; json?: boolean },
      ) => {
        const runtime = await openRuntime({ migrate: true });
        const started = performance.now();
        const bar = options.json ? { update: () => {}, stop: () => {} } : progressBar('Importing');
        try {
          const result = await runtime.services.spendImport.importFile(
            { path: file },
            {
              council: options.council,
              councilName: options.councilName,
              map: options.map,
              userId: null,
              onProgress: (rows) => bar.update(rows),
            },
          );
          bar.stop();
          if (options.json) console.log(JSON.stringify(spendJson(result)));
          else console.log(describeSpendImport(result, (performance.now() - started) / 1000));
        } catch (error) {
          bar.stop();
          const message = failureMessageFor(error);
          await runtime.services.spendImport
            .recordFailure(null, options.council, file, message)
            .catch((failure) => console.warn('The failed import could not be recorded in the audit log', failure));
          if (options.json) {
            console.log(
              JSON.stringify(
                error instanceof MappingNeeded
                  ? { error: message, headings: error.labels, missing: error.missing }
                  : { error: message },
              ),
            );
          }
          console.error(`${message}\nNothing was saved.`);
          process.exitCode = 1;
        } finally {
          await runtime.close();
        }
      },
    );
}
