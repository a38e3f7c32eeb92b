import { Command, Option } from 'commander';
import { commands } from './commands.ts';
import { migrateDown, migrateToLatest, pendingMigrations } from './db/migrate.ts';
import { keepHeapTight } from './heap.ts';
import { openRuntime } from './runtime.ts';
import { startServer } from './server.ts';

keepHeapTight();

const program = new Command('partnership')
  .description('The Partnership Platform: run the service and work with its data.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Serve the platform (PORT, DATABASE_URL or DATA_DIR from the environment)')
  .option('--demo', 'on first start, load the demo data for the place when the database is empty')
  .action(async (options: { demo?: boolean }) => {
    const runtime = await openRuntime({ migrate: true });
    await runtime.services.place.install();
    if (options.demo) {
      const { seedDemoIfEmpty } = await import('./seed/index.ts');
      // The first start loads the demo for a while: say what is happening rather than print nothing.
      const started = Date.now();
      const loaded = await seedDemoIfEmpty(runtime.services, {
        onStage: (stage) => {
          if (stage === 'organisations and people')
            console.log('First start: loading the demo data (this can take a minute).');
          console.log(`  Loading the demo ${stage}…`);
        },
      });
      if (loaded) console.log(`Loaded the demo data in ${Math.round((Date.now() - started) / 1000)} seconds.`);
    }
    await startServer(runtime);
  });

program
  .command('migrate')
  .description('Bring the database schema up to date, or step it down')
  .addArgument(
    new (await import('commander')).Argument('[direction]', 'up, down or status')
      .choices(['up', 'down', 'status'])
      .default('up'),
  )
  .option('--steps <n>', 'how many migrations to undo with down', '1')
  .option('--json', 'print a JSON summary')
  .action(async (direction: string, options: { steps: string; json?: boolean }) => {
    const runtime = await openRuntime();
    try {
      let applied: string[] = [];
      if (direction === 'up') {
        const result = await migrateToLatest(runtime.handle.db);
        applied = (result.results ?? []).map((r) => r.migrationName);
      } else if (direction === 'down') {
        for (let i = 0; i < Number(options.steps); i++) {
          const result = await migrateDown(runtime.handle.db);
          applied.push(...(result.results ?? []).map((r) => r.migrationName));
        }
      }
      const pending = await pendingMigrations(runtime.handle.db);
      if (options.json) console.log(JSON.stringify({ direction, migrations: applied, pending }));
      else {
        if (direction !== 'status') {
          console.log(
            applied.length ? `${direction === 'up' ? 'Applied' : 'Undid'}: ${applied.join(', ')}` : 'Nothing to do.',
          );
        }
        console.log(pending.length ? `Pending: ${pending.join(', ')}` : 'The schema is up to date.');
      }
    } finally {
      await runtime.close();
    }
  });

for (const register of commands) register(program);

program.addOption(new Option('--no-color', 'plain output').hideHelp());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
