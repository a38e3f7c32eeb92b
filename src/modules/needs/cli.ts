import type { Command } from 'commander';
import { openRuntime } from '../../runtime.ts';

/** `needs digest`: queue the daily e-mails telling contributors what was done about what they said. */
export function registerNeedsCommands(program: Command): void {
  const needs = program.command('needs').description('Needs assessments');
  needs
    .command('digest')
    .description(
      'Queue one e-mail per contributor with the responses they have not yet been told about (at most daily)',
    )
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const runtime = await openRuntime({ migrate: true });
      try {
        const result = await runtime.services.needs.sendDigests(new Date());
        if (options.json) console.log(JSON.stringify(result));
        else console.log(`Queued ${result.emails} e-mail(s) covering ${result.responses} response(s).`);
      } finally {
        await runtime.close();
      }
    });
}
