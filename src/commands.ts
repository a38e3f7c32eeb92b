import type { Command } from 'commander';

// CLI commands contributed by capabilities, each `(program) => void`.
export const commands: ((program: Command) => void)[] = [];
