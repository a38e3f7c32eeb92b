import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { failureMessageFor } from './messages.ts';
import type { ImportSummary } from './runner.ts';

/**
 * The `import` command group, created by whichever capability registers first: `import register`, `import spend`, …
 * each add a subcommand with `importCommand(program).command('…')`.
 */
export function importCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Import files: registers of organisations and other published data')
  );
}

/** A rows-read counter on stderr while a long import runs (only on a terminal, so logs stay clean). */
export function progressBar(label: string) {
  if (!process.stderr.isTTY) return { update: (_n: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {value} rows read ({duration_formatted})`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0);
  return {
    update: (n: number) => {
      bar.setTotal(n);
      bar.update(n);
    },
    stop: () => bar.stop(),
  };
}

const n = (value: number) => value.toLocaleString('en-GB');

/** The summary as people read it. */
export function describeSummary(summary: ImportSummary, label: string, seconds: number): string {
  const lines = [
    `Imported ${label} in ${seconds.toFixed(1)} s.`,
    `  Rows read:  ${n(summary.rowsRead)}`,
    `  Created:    ${n(summary.created)}`,
    `  Updated:    ${n(summary.updated)}`,
    `  Unchanged:  ${n(summary.unchanged)}`,
    `  Rejected:   ${n(summary.rejected)}`,
    ...summary.notes.map((note) => `  ${note}`),
  ];
  if (summary.rejected) {
    lines.push('', 'Rejected rows (fix them in the file and import it again; the other rows are saved):');
    for (const row of summary.rejectedRows.slice(0, 20)) lines.push(`  line ${row.line}: ${row.reason}`);
    if (summary.rejected > 20) lines.push(`  … and ${n(summary.rejected - 20)} more (use --json to see up to 1,000).`);
  }
  return lines.join('\n');
}

/** What `--json` prints: exactly these keys. */
export function summaryJson(summary: ImportSummary) {
  const { rowsRead, created, updated, unchanged, rejected, rejectedRows } = summary;
  return { rowsRead, created, updated, unchanged, rejected, rejectedRows };
}

export { failureMessageFor };
