import { ownerFolders, tableOwners } from '../../src/db/owners.ts';
import { readSource, sourceFiles, tablesUsed } from './source.ts';

// Every table has one owning module, and only that module's query files name it. Other modules ask the owner's
// service, or join a read model that the owner's queries export. See ARCHITECTURE.md.

const tables = new Set(Object.keys(tableOwners));
const ownerOf = (table: string) => tableOwners[table as keyof typeof tableOwners];

/** Schema changes name every table by nature. */
const exempt = (file: string) => file.startsWith('db/migrations/');

/** A module's query files: `queries.ts`, files in a `queries/` folder, and `read-models.ts`, what it publishes. */
export const isQueryFile = (file: string) => /(^|\/)(queries(\.ts$|\/)|read-models\.ts$)/.test(file);

/** The owner whose folder holds a file, if any. */
export const ownerOfFile = (file: string) =>
  (Object.entries(ownerFolders) as [keyof typeof ownerFolders, string][])
    .filter(([, folder]) => file.startsWith(`${folder}/`))
    .sort((a, b) => b[1].length - a[1].length)[0]?.[0];

/** Why a file may not name a table, or null when it may. */
export function ownershipProblem(file: string, table: string): string | null {
  const owner = ownerOf(table);
  if (!owner) return `${table} is not in the ownership map`;
  const inOwner = file.startsWith(`${ownerFolders[owner]}/`);
  if (!inOwner) return `${file} names ${table}, which ${owner} owns`;
  if (!isQueryFile(file)) return `${file} names ${table} outside ${owner}'s query files`;
  return null;
}

export function ownershipProblems(files = sourceFiles(), read = readSource): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (exempt(file)) continue;
    for (const use of tablesUsed(read(file), tables)) {
      if (use.how === 'dynamic') problems.push(`${file} names a table through a variable (${use.table})`);
      else {
        const problem = ownershipProblem(file, use.table);
        if (problem) problems.push(problem);
      }
    }
  }
  return [...new Set(problems)].sort();
}
