import type { Command } from 'commander';
import { describeSummary, failureMessageFor, importCommand, progressBar, summaryJson } from '../../../imports/cli.ts';
import { openRuntime } from '../../../runtime.ts';
import { registerFormats } from './formats.ts';

// `partnership import register <file>`: one register file, in one transaction, with a summary.
export function registerImportCommands(program: Command): void {
  importCommand(program)
    .command('register')
    .description(
      'Import a register of organisations (charities, companies, mutuals, sports clubs) or a list linking them',
    )
    .argument('<file>', 'CSV, tab-separated text or JSON; may be gzipped')
    .option(
      '--format <name>',
      `the kind of file, when it cannot be recognised from its headings: ${registerFormats.map((f) => f.name).join(', ')}`,
    )
    .option('--json', 'print one JSON object with the summary')
    .action(async (file: string, options: { format?: string; json?: boolean }) => {
      const runtime = await openRuntime({ migrate: true });
      const started = performance.now();
      const bar = options.json ? { update: () => {}, stop: () => {} } : progressBar('Importing');
      try {
        const summary = await runtime.services.registers.importFile(
          { path: file },
          { format: options.format, userId: null, onProgress: (n) => bar.update(n) },
        );
        bar.stop();
        if (options.json) console.log(JSON.stringify(summaryJson(summary)));
        else {
          const label = registerFormats.find((f) => f.name === summary.format)?.label ?? summary.format;
          console.log(describeSummary(summary, `the ${label}`, (performance.now() - started) / 1000));
        }
      } catch (error) {
        bar.stop();
        const message = failureMessageFor(error);
        if (options.json) console.log(JSON.stringify({ error: message }));
        console.error(message);
        process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });
}
