import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/db/index.ts';

// Shared by the register import tests: where the real registers are, and how to find what an import made.

/** The real registers live beside the project, never inside it. */
export const registersDir = join(process.cwd(), '../shared/standards/registers');

/** Whether a real register file is there; says why the tests using it are skipped when it is not. */
export function registerPresent(name: string, what: string): boolean {
  const present = existsSync(join(registersDir, name));
  if (!present) console.log(`Skipping ${what}: ${registersDir} is not there.`);
  return present;
}

export const registerFile = (name: string) => ({ path: join(registersDir, name) });

export function organisationWithIdentifier(db: Database, identifier: string) {
  return db
    .selectFrom('organisation as o')
    .innerJoin('organisation_identifier as i', 'i.organisation_id', 'o.id')
    .selectAll('o')
    .where('i.identifier', '=', identifier)
    .executeTakeFirst();
}
