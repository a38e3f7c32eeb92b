import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles } from './graph.ts';
import { importsOf, readSource, sourceFiles, srcDir } from './source.ts';

// Dependencies run one way: no file reaches itself again through the files it imports, types included.

function graph(): Map<string, string[]> {
  const files = sourceFiles();
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files)
    edges.set(
      file,
      importsOf(file, readSource(file)).filter(
        (t) => known.has(t) || (t.endsWith('.ts') && existsSync(join(srcDir, t))),
      ),
    );
  return edges;
}

describe('the import graph', () => {
  it('finds a circle when there is one', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(edges)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('has no circles', () => {
    expect(circles(graph())).toEqual([]);
  });

  it('keeps routes away from the database: no route file imports the database module', () => {
    const offenders = sourceFiles().filter(
      (f) => /(^|\/)routes\.ts$/.test(f) && importsOf(f, readSource(f)).some((t) => t.startsWith('db/index')),
    );
    expect(offenders).toEqual([]);
  });
});
