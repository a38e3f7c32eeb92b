import type { Command } from 'commander';
import { registerUsersCommand } from './modules/accounts/cli.ts';
import { registerNeedsCommands } from './modules/needs/cli.ts';
import { registerImportCommands } from './modules/organisations/registers/cli.ts';
import { registerSpendImportCommand } from './modules/spend/import/cli.ts';
import { registerSpendResolutionCommands } from './modules/spend/resolution/cli.ts';
import { registerSeedCommand } from './seed/cli.ts';

// CLI commands contributed by capabilities, each `(program) => void`.
export const commands: ((program: Command) => void)[] = [
  registerSeedCommand,
  registerImportCommands,
  registerSpendImportCommand,
  registerSpendResolutionCommands,
  registerUsersCommand,
  registerNeedsCommands,
];
