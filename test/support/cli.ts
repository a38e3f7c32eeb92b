import { format } from 'node:util';
import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.ts';
import { loadPlace } from '../../src/modules/place/config.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createServices } from '../../src/services.ts';
import { testConfig } from './app.ts';
import { testDatabase } from './db.ts';

// Spawning `partnership` costs a Node start, the TypeScript loader and a new embedded database (several seconds
// each time). A test that is about what a command does, not about the process, runs the command here instead:
// the same commander program and actions, on the file's test database, with what it prints captured.

/**
 * The runtime every command opens, replaced for one test file with one database kept between commands (a command
 * "closes" it without effect; `close()` ends it). Use it in the file's `vi.mock` of `src/runtime.ts`:
 * `vi.mock('…/src/runtime.ts', async () => (await import('…/test/support/cli.ts')).mockedRuntime())`.
 */
let shared: DatabaseHandle | undefined;
export const cliDatabase = {
  async handle(): Promise<DatabaseHandle> {
    shared ??= await testDatabase();
    return shared;
  },
  async close(): Promise<void> {
    await shared?.close();
    shared = undefined;
  },
};

export function mockedRuntime(): { openRuntime: () => Promise<Runtime> } {
  return {
    async openRuntime() {
      const handle = await cliDatabase.handle();
      const config = testConfig();
      const place = loadPlace(config.place);
      const services = createServices({
        db: handle.db,
        config,
        place,
        mailAdapter: { name: 'test', deliver: async () => {} },
      });
      return { config, place, handle, services, close: async () => {} };
    },
  };
}

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * `partnership <args>` run in this process, as `src/cli.ts` runs it: every command registered, an error thrown by
 * an action printed with exit code 1. Returns the exit code and what went to stdout and stderr.
 */
export async function partnership(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const program = new Command('partnership')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.push(s), writeErr: (s) => stderr.push(s) });
  // Imported here, not above: the commands import `src/runtime.ts`, which the test file mocks with this module.
  const { commands } = await import('../../src/commands.ts');
  for (const register of commands) register(program);
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void stdout.push(`${format(...a)}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void stderr.push(`${format(...a)}\n`));
  const before = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'partnership', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode;
    else {
      stderr.push(`${(e as Error).message}\n`);
      code = 1;
    }
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = before;
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
