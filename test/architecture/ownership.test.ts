import { describe, expect, it } from 'vitest';
import { ownerFolders } from '../../src/db/owners.ts';
import { ownerOfFile, ownershipProblems } from './ownership.ts';
import { importsOf, readSource, sourceFiles } from './source.ts';

describe('table ownership', () => {
  it('every table in the schema has an owner whose folder exists', () => {
    const files = sourceFiles();
    for (const folder of Object.values(ownerFolders)) expect(files.some((f) => f.startsWith(`${folder}/`))).toBe(true);
  });

  it('no module names a table it does not own, or outside its query files', () => {
    expect(ownershipProblems()).toEqual([]);
  });

  it('sees a foreign table in a Kysely call, a join, a list and a raw sql template', () => {
    const files = ['modules/needs/queries.ts', 'modules/spend/measure/queries.ts', 'modules/needs/service.ts'];
    const text: Record<string, string> = {
      'modules/needs/queries.ts': [
        "db.selectFrom('needs_assessment as n').innerJoin('organisation as o', 'o.id', 'n.id')",
        "db.selectFrom(['needs_support', 'membership'])",
      ].join('\n'),
      'modules/spend/measure/queries.ts':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a nested sql template, as source holds it
        'sql`select 1 from spend_payment p join ward w on true ${sql`where exists (select 1 from audit_log)`}`',
      'modules/needs/service.ts': "db.updateTable('needs_assessment').set({ title: 'x' })",
    };
    expect(ownershipProblems(files, (f) => text[f]!)).toEqual([
      'modules/needs/queries.ts names membership, which organisations owns',
      'modules/needs/queries.ts names organisation, which organisations owns',
      "modules/needs/service.ts names needs_assessment outside needs's query files",
      'modules/spend/measure/queries.ts names audit_log, which audit owns',
      'modules/spend/measure/queries.ts names ward, which place owns',
    ]);
  });

  function queryImportProblems(files = sourceFiles(), read = readSource): string[] {
    const problems: string[] = [];
    for (const file of files) {
      const from = ownerOfFile(file);
      for (const target of importsOf(file, read(file))) {
        const to = ownerOfFile(target);
        // The exception: the demo loader writes each owner's demo rows through that owner's demo queries, and
        // nothing else uses them.
        const isDemoQueries = to !== undefined && target === `${ownerFolders[to]}/queries/demo.ts`;
        if (isDemoQueries && !file.startsWith('seed/')) problems.push(`${file} imports ${target}`);
        else if (!isDemoQueries && to && to !== from && /(^|\/)queries(\.ts$|\/)/.test(target))
          problems.push(`${file} imports ${target}`);
      }
    }
    return problems;
  }

  it("no module imports another's query files: it asks the owner's service, or joins a read model it publishes", () => {
    expect(queryImportProblems()).toEqual([]);
  });

  it("lets only the demo loader import an owner's queries/demo.ts, and no other query file of it", () => {
    const imports: Record<string, string> = {
      'seed/demo.ts': "import * as needs from '../modules/needs/queries/demo.ts';",
      'seed/needs.ts': "import { insertNeed } from '../modules/needs/queries.ts';",
      'modules/needs/service.ts': "import * as demo from './queries/demo.ts';",
      'modules/spend/queries/demo.ts': "import { demoNeedIds } from '../../needs/queries/demo.ts';",
    };
    expect(queryImportProblems(Object.keys(imports), (f) => imports[f]!)).toEqual([
      'seed/needs.ts imports modules/needs/queries.ts',
      'modules/needs/service.ts imports modules/needs/queries/demo.ts',
      'modules/spend/queries/demo.ts imports modules/needs/queries/demo.ts',
    ]);
  });
});
