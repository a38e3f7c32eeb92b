import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { countOrganisations } from '../modules/organisations/queries/demo.ts';
import { openRuntime } from '../runtime.ts';
import { hasDemoData, removeDemoData, type SeedScale, seedDemo, seedScales } from './demo.ts';

/** `partnership seed`: load the fictional demo data for the place. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Load the fictional demo data for the place (organisations, people, memberships)')
    .addOption(
      new Option('--scale <scale>', 'demo: about 320 organisations; borough: about 2,000 and 3,000 people')
        .choices(Object.keys(seedScales))
        .default('demo'),
    )
    .option('--force', 'delete the existing demo data (only rows marked as demo) and load it again')
    .option('--json', 'print a JSON summary')
    .action(async (options: { scale: SeedScale; force?: boolean; json?: boolean }) => {
      const runtime = await openRuntime({ migrate: true });
      // Timed from here: opening and migrating a new embedded database is not the seed's work.
      const started = performance.now();
      try {
        const { db } = runtime.services;
        const held = await countOrganisations(db);
        const demo = await hasDemoData(db);
        if ((held > 0 || demo) && !options.force) {
          console.error(
            `The database already holds ${held.toLocaleString('en-GB')} organisations` +
              `${demo ? ', including demo data' : ''}. Nothing was changed.\n` +
              'To delete the demo data (only rows marked as demo) and load it again, run: partnership seed --force',
          );
          process.exitCode = 1;
          return;
        }
        if (options.force && demo) {
          const removed = await removeDemoData(runtime.services);
          console.error(`Deleted the demo data: ${removed.organisations} organisations and ${removed.users} accounts.`);
        }
        const bar = new cliProgress.SingleBar(
          { format: 'Loading demo data [{bar}] {percentage}% | {value}/{total} rows', stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        let barStarted = false;
        const summary = await seedDemo(runtime.services, {
          scale: options.scale,
          onProgress: (done, total) => {
            if (!barStarted) {
              bar.start(total, 0);
              barStarted = true;
            }
            bar.update(done);
          },
        });
        if (barStarted) bar.stop();
        const seconds = Math.round((performance.now() - started) / 10) / 100;
        if (options.json) console.log(JSON.stringify({ ...summary, seconds }));
        else {
          console.log(
            `Loaded the ${summary.scale} data: ${summary.organisations.toLocaleString('en-GB')} organisations, ` +
              `${summary.users.toLocaleString('en-GB')} accounts, ${summary.memberships.toLocaleString('en-GB')} memberships ` +
              `in ${seconds} s. Sign in as admin@demo.example with the password demo-password-1 (demo only).`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}
