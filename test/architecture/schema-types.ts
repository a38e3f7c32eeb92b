// Reads the hand-written database types (src/db/schema.ts) as text: TypeScript 7 has no compiler API to ask.
// It understands what such a file is made of: interfaces, type aliases, unions, literals, arrays, parentheses,
// and Kysely's ColumnType, Generated, GeneratedAlways and JSONColumnType. Anything else is reported, not guessed,
// and only when a table's column uses it.

export type Atom =
  | {
      kind: 'string' | 'number' | 'boolean' | 'bigint' | 'Date' | 'bytes' | 'unknown' | 'object' | 'null' | 'undefined';
    }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'array'; element: Atom[] };

/** What Kysely makes of a column: the type it selects, accepts on insert (with undefined: may be left out), updates. */
export type ColumnTypes = { select: Atom[]; insert: Atom[]; update: Atom[]; generated: boolean };

export type DeclaredColumn = { name: string; types?: ColumnTypes; optional: boolean; error?: string };
export type DeclaredTable = { name: string; interfaceName: string; columns: DeclaredColumn[] };
export type DeclaredSchema = { tables: DeclaredTable[]; problems: string[] };

type TypeNode =
  | { kind: 'ref'; name: string; args: TypeNode[] }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'union'; members: TypeNode[] }
  | { kind: 'array'; element: TypeNode }
  | { kind: 'object' };

type Token = { text: string; kind: 'name' | 'string' | 'number' | 'punct' };
type Member = { name: string; optional: boolean; node?: TypeNode; error?: string };
type Parsed<T> = { value?: T; error?: string };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) i++;
    else if (source.startsWith('//', i)) i = lineEnd(source, i);
    else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        text += source[j] ?? '';
        j++;
      }
      tokens.push({ text, kind: 'string' });
      i = j + 1;
    } else {
      const word = /^[A-Za-z_$][\w$]*/.exec(source.slice(i, i + 200))?.[0];
      const number = word ? undefined : /^-?\d+(\.\d+)?/.exec(source.slice(i, i + 50))?.[0];
      const text = word ?? number ?? c;
      tokens.push({ text, kind: word ? 'name' : number ? 'number' : 'punct' });
      i += text.length;
    }
  }
  return tokens;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end < 0 ? source.length : end;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** Index just past the token that closes the bracket at `start`. */
function closing(tokens: Token[], start: number): number {
  const stack: string[] = [];
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (OPEN[t.text]) stack.push(OPEN[t.text]!);
    else if (t.text === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error(`no closing bracket for "${tokens[start]?.text}"`);
}

/** Index of the first `stop` token at bracket depth 0 from `start` (or the end). */
function until(tokens: Token[], start: number, stop: (t: Token) => boolean): number {
  let i = start;
  while (i < tokens.length && !stop(tokens[i]!)) {
    i = tokens[i]!.kind === 'punct' && OPEN[tokens[i]!.text] ? closing(tokens, i) : i + 1;
  }
  return i;
}

class TypeParser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): TypeNode {
    const node = this.union();
    if (this.i < this.tokens.length) throw new Error(`unexpected "${this.tokens[this.i]!.text}"`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private take(text?: string): Token {
    const t = this.tokens[this.i];
    if (!t || (text !== undefined && t.text !== text)) throw new Error(`expected "${text ?? 'a type'}"`);
    this.i++;
    return t;
  }

  union(): TypeNode {
    if (this.peek()?.text === '|') this.i++;
    const members = [this.postfix()];
    while (this.peek()?.text === '|') {
      this.i++;
      members.push(this.postfix());
    }
    return members.length === 1 ? members[0]! : { kind: 'union', members };
  }

  private postfix(): TypeNode {
    let node = this.primary();
    while (this.peek()?.text === '[' && this.tokens[this.i + 1]?.text === ']') {
      this.i += 2;
      node = { kind: 'array', element: node };
    }
    return node;
  }

  private primary(): TypeNode {
    const t = this.take();
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
    if (t.text === '(') {
      const node = this.union();
      this.take(')');
      return node;
    }
    if (t.text === '{' || t.text === '[') {
      this.i = closing(this.tokens, this.i - 1);
      return { kind: 'object' };
    }
    if (t.kind !== 'name' || ['typeof', 'keyof', 'readonly', 'infer'].includes(t.text))
      throw new Error(`cannot read "${t.text}"`);
    const args: TypeNode[] = [];
    if (this.peek()?.text === '<') {
      this.i++;
      args.push(this.union());
      while (this.peek()?.text === ',') {
        this.i++;
        args.push(this.union());
      }
      this.take('>');
    }
    return { kind: 'ref', name: t.text, args };
  }
}

function parseType(tokens: Token[]): Parsed<TypeNode> {
  try {
    if (tokens.length === 0) return { error: 'no type' };
    return { value: new TypeParser(tokens).parseAll() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function parseMembers(tokens: Token[]): Member[] {
  const members: Member[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.kind === 'punct' && (tokens[i]!.text === ';' || tokens[i]!.text === ',')) {
      i++;
      continue;
    }
    if (tokens[i]!.text === 'readonly' && tokens[i + 1]?.text !== ':') i++;
    const name = tokens[i]!;
    const optional = tokens[i + 1]?.text === '?';
    const colon = i + (optional ? 2 : 1);
    const end = until(tokens, colon, (t) => t.kind === 'punct' && (t.text === ';' || t.text === ','));
    if ((name.kind !== 'name' && name.kind !== 'string') || tokens[colon]?.text !== ':') {
      members.push({ name: name.text, optional, error: 'cannot read this member (expected "name: type")' });
    } else {
      const type = parseType(tokens.slice(colon + 1, end));
      members.push({ name: name.text, optional, ...(type.value ? { node: type.value } : { error: type.error! }) });
    }
    i = end + 1;
  }
  return members;
}

const isSemicolon = (t: Token) => t.kind === 'punct' && t.text === ';';

type Declarations = {
  aliases: Map<string, Parsed<TypeNode>>;
  interfaces: Map<string, Parsed<Member[]>>;
};

function declarations(source: string): Declarations {
  const tokens = tokenize(source);
  const aliases = new Map<string, Parsed<TypeNode>>();
  const interfaces = new Map<string, Parsed<Member[]>>();
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const name = tokens[i + 1];
    if (t.text === 'import' && t.kind === 'name') i = until(tokens, i, isSemicolon) + 1;
    else if (t.text === 'type' && name?.kind === 'name' && ['=', '<'].includes(tokens[i + 2]?.text ?? '')) {
      const end = until(tokens, i + 2, (x) => isSemicolon(x) || (x.kind === 'name' && x.text === 'export'));
      aliases.set(
        name.text,
        tokens[i + 2]!.text === '<'
          ? { error: 'generic aliases are not understood' }
          : parseType(tokens.slice(i + 3, end)),
      );
      i = end;
    } else if (t.text === 'interface' && name?.kind === 'name') {
      const open = until(tokens, i + 2, (x) => x.text === '{');
      if (open >= tokens.length) break;
      const close = closing(tokens, open);
      try {
        interfaces.set(
          name.text,
          open === i + 2
            ? { value: parseMembers(tokens.slice(open + 1, close - 1)) }
            : { error: 'an interface that extends another is not understood' },
        );
      } catch (error) {
        interfaces.set(name.text, { error: (error as Error).message });
      }
      i = close;
    } else i++;
  }
  return { aliases, interfaces };
}

const PLAIN: Record<string, Atom['kind']> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  bigint: 'bigint',
  Date: 'Date',
  Uint8Array: 'bytes',
  Buffer: 'bytes',
  unknown: 'unknown',
  any: 'unknown',
  object: 'object',
  Record: 'object',
  null: 'null',
  undefined: 'undefined',
};

function same(atoms: Atom[]): ColumnTypes {
  return { select: atoms, insert: atoms, update: atoms, generated: false };
}

class Evaluator {
  constructor(private readonly decl: Declarations) {}

  private plain(node: TypeNode | undefined, seen: string[]): Atom[] {
    return node ? this.column(node, seen).select : [];
  }

  column(node: TypeNode, seen: string[] = []): ColumnTypes {
    switch (node.kind) {
      case 'literal':
        return same([{ kind: 'literal', value: node.value }]);
      case 'object':
        return same([{ kind: 'object' }]);
      case 'array':
        return same([{ kind: 'array', element: this.plain(node.element, seen) }]);
      case 'union': {
        // Kysely reads each member of a union on its own (its SelectType and InsertType distribute over unions).
        const parts = node.members.map((m) => this.column(m, seen));
        return {
          select: parts.flatMap((p) => p.select),
          insert: parts.flatMap((p) => p.insert),
          update: parts.flatMap((p) => p.update),
          generated: parts.some((p) => p.generated),
        };
      }
      case 'ref':
        return this.reference(node, seen);
    }
  }

  private reference(node: { name: string; args: TypeNode[] }, seen: string[]): ColumnTypes {
    const [a, b, c] = node.args;
    const arity = (min: number, max: number) => {
      if (node.args.length < min || node.args.length > max)
        throw new Error(`${node.name} takes ${min === max ? min : `${min} to ${max}`} type arguments`);
    };
    switch (node.name) {
      case 'ColumnType': {
        arity(1, 3);
        const select = this.plain(a, seen);
        const insert = b ? this.plain(b, seen) : select;
        return { select, insert, update: c ? this.plain(c, seen) : insert, generated: false };
      }
      case 'JSONColumnType': {
        arity(1, 3);
        const text: Atom[] = [{ kind: 'string' }];
        return {
          select: this.plain(a, seen),
          insert: b ? this.plain(b, seen) : text,
          update: c ? this.plain(c, seen) : text,
          generated: false,
        };
      }
      case 'Generated': {
        arity(1, 1);
        const select = this.plain(a, seen);
        return { select, insert: [...select, { kind: 'undefined' }], update: select, generated: true };
      }
      case 'GeneratedAlways':
        arity(1, 1);
        return { select: this.plain(a, seen), insert: [], update: [], generated: true };
      case 'Array':
      case 'ReadonlyArray':
        arity(1, 1);
        return same([{ kind: 'array', element: this.plain(a, seen) }]);
      case 'never':
        return same([]);
    }
    const plain = PLAIN[node.name];
    if (plain) return same([{ kind: plain } as Atom]);
    const alias = this.decl.aliases.get(node.name);
    if (alias) {
      if (seen.includes(node.name)) throw new Error(`${node.name} refers to itself`);
      if (!alias.value) throw new Error(`cannot read type ${node.name}: ${alias.error}`);
      if (node.args.length) throw new Error(`${node.name} takes no type arguments`);
      return this.column(alias.value, [...seen, node.name]);
    }
    if (this.decl.interfaces.has(node.name)) return same([{ kind: 'object' }]);
    throw new Error(`unknown type ${node.name}`);
  }
}

/** The tables of the `DB` interface in a schema file, each column with what Kysely makes of its type. */
export function readSchema(source: string, root = 'DB'): DeclaredSchema {
  const decl = declarations(source);
  const evaluator = new Evaluator(decl);
  const problems: string[] = [];
  const db = decl.interfaces.get(root);
  if (!db?.value) return { tables: [], problems: [`no interface ${root} could be read${db ? `: ${db.error}` : ''}`] };
  const tables: DeclaredTable[] = [];
  for (const member of db.value) {
    const node = member.node;
    const target = node?.kind === 'ref' && node.args.length === 0 ? decl.interfaces.get(node.name) : undefined;
    if (node?.kind !== 'ref' || !target) {
      problems.push(`${root}.${member.name} should name an interface in the file (${member.error ?? 'it does not'})`);
      continue;
    }
    if (!target.value) {
      problems.push(`${node.name} (table ${member.name}) cannot be read: ${target.error}`);
      continue;
    }
    const columns = target.value.map((m): DeclaredColumn => {
      if (!m.node) return { name: m.name, optional: m.optional, error: m.error ?? 'no type' };
      try {
        return { name: m.name, optional: m.optional, types: evaluator.column(m.node) };
      } catch (error) {
        return { name: m.name, optional: m.optional, error: (error as Error).message };
      }
    });
    tables.push({ name: member.name, interfaceName: node.name, columns });
  }
  return { tables, problems };
}

export function describeAtoms(atoms: Atom[]): string {
  if (atoms.length === 0) return 'never';
  const names = atoms.map((a) => {
    if (a.kind === 'literal') return typeof a.value === 'string' ? `'${a.value}'` : String(a.value);
    if (a.kind === 'array') {
      const inner = describeAtoms(a.element);
      return a.element.length > 1 ? `(${inner})[]` : `${inner}[]`;
    }
    return a.kind === 'bytes' ? 'Uint8Array' : a.kind;
  });
  return [...new Set(names)].join(' | ');
}
