import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ownerFolders, tableOwners } from '../../src/db/owners.ts';
import { root } from './source.ts';

// ARCHITECTURE.md's table of owners is what a newcomer reads first: it must say what src/db/owners.ts says.

it('ARCHITECTURE.md names every owner, its folder and its tables as src/db/owners.ts does', () => {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const documented = new Map<string, { folder: string; tables: string[] }>();
  for (const m of text.matchAll(/^\|\s*([a-z/]+)\s*\|\s*`src\/([^`]+)`\s*\|\s*([a-z_, ]+?)\s*\|$/gm))
    documented.set(m[1]!, { folder: m[2]!, tables: m[3]!.split(', ').sort() });
  const expected = new Map<string, { folder: string; tables: string[] }>();
  for (const [owner, folder] of Object.entries(ownerFolders)) {
    const tables = Object.entries(tableOwners)
      .filter(([, o]) => o === owner)
      .map(([t]) => t)
      .sort();
    expected.set(owner, { folder, tables });
  }
  expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected));
});
