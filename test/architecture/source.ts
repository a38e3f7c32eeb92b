import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Reads the project's own source as text: the ownership and import-graph tests stand on these.

export const root = resolve(import.meta.dirname, '../..');
export const srcDir = join(root, 'src');

/** Every TypeScript file under `src/` that is not a test, as a path relative to `src/` with forward slashes. */
export function sourceFiles(dir = srcDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(path);
  }
  return dir === srcDir ? found.map((f) => relative(srcDir, f).split('\\').join('/')).sort() : found;
}

export const readSource = (file: string) => readFileSync(join(srcDir, file), 'utf8');

const KYSELY_TABLE_METHODS =
  /\b(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|innerJoinLateral|leftJoinLateral|using)\(\s*/g;
const SQL_TABLE_WORDS = /\b(?:from|join|into|update|table|using|truncate)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** The end (index after the closing backtick) of a template literal whose body starts at `start`. */
function templateEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '`') return i + 1;
    else if (c === '$' && text[i + 1] === '{') i = expressionEnd(text, i + 2);
    else i++;
  }
  return i;
}

/** The end of a `${ … }` expression, stepping over nested braces, strings and templates. */
function expressionEnd(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '`') i = templateEnd(text, i + 1);
    else if (c === "'" || c === '"') i = quotedEnd(text, i);
    else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      i++;
    }
  }
  return i;
}

function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The text of every `sql` tagged template (nested ones included), with `${…}` expressions blanked out. */
export function sqlTemplates(text: string): string[] {
  const bodies: string[] = [];
  for (const m of text.matchAll(/\bsql\s*(?:<[^`;]*?>)?\s*`/g)) {
    const start = m.index + m[0].length;
    const end = templateEnd(text, start);
    let body = '';
    for (let i = start; i < end - 1; ) {
      if (text[i] === '$' && text[i + 1] === '{') {
        const close = expressionEnd(text, i + 2);
        body += ' ? ';
        i = close;
      } else body += text[i++];
    }
    bodies.push(body);
  }
  return bodies;
}

export type TableUse = { table: string; how: 'kysely' | 'sql' | 'dynamic' };

/**
 * The tables a file's queries name: Kysely's table-taking methods with literal names (or a list of them), the
 * words after from/join/into/update in `sql` templates and `sql.raw('…')`, and `sql.table('…')`. A Kysely
 * method given something other than a literal is reported as a dynamic use, which only migrations may make.
 */
export function tablesUsed(text: string, tables: ReadonlySet<string>): TableUse[] {
  const uses = new Map<string, TableUse>();
  const add = (table: string, how: TableUse['how']) => {
    if (how === 'dynamic' || tables.has(table)) uses.set(`${how}:${table}`, { table, how });
  };
  for (const m of text.matchAll(KYSELY_TABLE_METHODS)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
    const list = /^\[([^\]]*)\]/.exec(after);
    const literal = /^(['"`])([a-z_][a-z0-9_]*)/.exec(after);
    if (list) for (const name of list[1]!.matchAll(/['"`]([a-z_][a-z0-9_]*)/g)) add(name[1]!, 'kysely');
    else if (literal) add(literal[2]!, 'kysely');
    else {
      const bare = /^([A-Za-z_$][\w$]*)\s*[,)]/.exec(after);
      if (bare) add(bare[1]!, 'dynamic');
    }
  }
  const raw = [...text.matchAll(/\bsql\.raw\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g)].map((m) => m[2]!);
  for (const body of [...sqlTemplates(text), ...raw])
    for (const m of body.matchAll(SQL_TABLE_WORDS)) add(m[1]!.toLowerCase(), 'sql');
  for (const m of text.matchAll(/\bsql\.table\(\s*['"`]([a-z_][a-z0-9_]*)/g)) add(m[1]!, 'sql');
  return [...uses.values()];
}

/** Relative imports of a file (static, dynamic and type-only), resolved to paths relative to `src/`. */
export function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)) {
    const target = relative(srcDir, resolve(srcDir, dirname(file), m[2]!))
      .split('\\')
      .join('/');
    found.add(target);
  }
  return [...found];
}
