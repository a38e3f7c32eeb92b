import { sql } from 'kysely';
import type { Database } from '../../src/db/index.ts';
import { type Atom, type ColumnTypes, type DeclaredSchema, describeAtoms } from './schema-types.ts';

// Compares the database the migrations build with the types in src/db/schema.ts: tables and views, columns,
// each column's type family, nullability, value list (check constraint or enum), and whether it may be left out on
// insert (a default, serial or identity) or not written at all (a generated column).

export type CatalogColumn = {
  name: string;
  /** The type's name in pg_type (a domain's base type), e.g. int4, text, timestamptz; arrays as element + '[]'. */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  identity: boolean;
  generated: boolean;
  /** The only values allowed: an enum's labels or a check constraint `column in (...)`. */
  values?: { list: string[]; from: string };
};

export type CatalogRelation = { name: string; kind: 'table' | 'view'; columns: CatalogColumn[] };

/** Kysely's own bookkeeping, not part of the application's schema. */
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

type Family = 'string' | 'number' | 'boolean' | 'Date' | 'json' | 'bytes';

// What the drivers return for each type, as configured in src/db/index.ts (int8 parsed to a number; numeric and
// date kept as text).
const FAMILIES: Record<string, Family> = {
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  name: 'string',
  uuid: 'string',
  numeric: 'string',
  date: 'string',
  time: 'string',
  inet: 'string',
  int2: 'number',
  int4: 'number',
  int8: 'number',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  timestamptz: 'Date',
  timestamp: 'Date',
  json: 'json',
  jsonb: 'json',
  bytea: 'bytes',
};

type ColumnRow = {
  relation: string;
  relkind: string;
  column: string;
  notnull: boolean;
  hasdefault: boolean;
  identity: string;
  generated: string;
  typeoid: number;
};
type TypeRow = { oid: number; name: string; typtype: string; elem: number; base: number; labels: string[] | null };
type CheckRow = { relation: string; column: string; name: string; definition: string };

export async function readCatalog(db: Database): Promise<CatalogRelation[]> {
  const columns = await sql<ColumnRow>`
    select c.relname as relation, c.relkind::text as relkind, a.attname as column, a.attnotnull as notnull,
      a.atthasdef as hasdefault, a.attidentity::text as identity, a.attgenerated::text as generated,
      a.atttypid::int8 as typeoid
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    where c.relnamespace = (select oid from pg_namespace where nspname = current_schema()) and c.relkind in ('r', 'p', 'v', 'm')
      and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db);
  const types = await sql<TypeRow>`
    select t.oid::int8 as oid, t.typname as name, t.typtype::text as typtype, t.typelem::int8 as elem,
      t.typbasetype::int8 as base,
      case when t.typtype = 'e' then
        array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as labels
    from pg_type t`.execute(db);
  const checks = await sql<CheckRow>`
    select c.relname as relation, a.attname as column, con.conname as name,
      pg_get_constraintdef(con.oid) as definition
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
    where con.contype = 'c' and cardinality(con.conkey) = 1
      and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(db);

  const byOid = new Map(types.rows.map((t) => [Number(t.oid), t]));
  const allowed = new Map<string, CatalogColumn['values']>();
  for (const check of checks.rows) {
    const list = valuesOfCheck(check.definition);
    if (list) allowed.set(`${check.relation}.${check.column}`, { list, from: `check ${check.name}` });
  }
  const relations = new Map<string, CatalogRelation>();
  for (const row of columns.rows) {
    if (MIGRATOR_TABLES.includes(row.relation)) continue;
    let relation = relations.get(row.relation);
    if (!relation) {
      relation = {
        name: row.relation,
        kind: row.relkind === 'v' || row.relkind === 'm' ? 'view' : 'table',
        columns: [],
      };
      relations.set(row.relation, relation);
    }
    const type = resolveType(byOid, Number(row.typeoid));
    const values = type.labels
      ? { list: type.labels, from: `enum ${type.name}` }
      : allowed.get(`${row.relation}.${row.column}`);
    relation.columns.push({
      name: row.column,
      type: type.name,
      nullable: !row.notnull,
      hasDefault: row.hasdefault && row.generated === '',
      identity: row.identity !== '',
      generated: row.generated !== '',
      ...(values ? { values } : {}),
    });
  }
  return [...relations.values()];
}

function resolveType(types: Map<number, TypeRow>, oid: number): { name: string; labels?: string[] } {
  const t = types.get(oid);
  if (!t) return { name: `type ${oid}` };
  if (t.typtype === 'd') return resolveType(types, Number(t.base));
  if (t.labels) return { name: t.name, labels: t.labels };
  if (Number(t.elem) !== 0 && t.name.startsWith('_')) {
    const element = resolveType(types, Number(t.elem));
    return { name: `${element.name}[]`, ...(element.labels ? { labels: element.labels } : {}) };
  }
  return { name: t.name };
}

/**
 * The values a check constraint allows, when it is exactly `column in ('a', 'b')` (as PostgreSQL prints it:
 * `CHECK ((column = ANY (ARRAY['a'::text, 'b'::text])))`) or `column = 'a'`; undefined for any other check.
 */
export function valuesOfCheck(definition: string): string[] | undefined {
  const literal = String.raw`'(?:[^']|'')*'::[\w ]+`;
  const column = String.raw`\(?"?\w+"?\)?(?:::text)?`;
  const list = new RegExp(
    String.raw`^CHECK \(\(${column} = ANY \(\(?ARRAY\[(${literal}(?:, ${literal})*)\]\)?(?:::text\[\])?\)\)\)$`,
  );
  const single = new RegExp(String.raw`^CHECK \(\(${column} = (${literal})\)\)$`);
  const body = list.exec(definition)?.[1] ?? single.exec(definition)?.[1];
  if (!body) return undefined;
  return [...body.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

const SCHEMA_FILE = 'src/db/schema.ts';

/** Every disagreement between the migrated database and the declared types, one sentence each. */
export function schemaProblems(catalog: CatalogRelation[], declared: DeclaredSchema): string[] {
  const problems = declared.problems.map((p) => `${SCHEMA_FILE}: ${p}`);
  const tables = new Map(declared.tables.map((t) => [t.name, t]));
  for (const relation of catalog) {
    const table = tables.get(relation.name);
    if (!table) {
      problems.push(
        `${relation.kind} ${relation.name} is in the database but not in the DB interface of ${SCHEMA_FILE}`,
      );
      continue;
    }
    const columns = new Map(table.columns.map((c) => [c.name, c]));
    for (const column of relation.columns) {
      const where = `${relation.name}.${column.name} (${table.interfaceName}.${column.name})`;
      const declaredColumn = columns.get(column.name);
      if (!declaredColumn)
        problems.push(
          `${where}: the database has this column (${describeColumn(column)}) but ${table.interfaceName} does not`,
        );
      else if (declaredColumn.optional)
        problems.push(`${where}: written with "?"; mark a database default with Generated<...> instead`);
      else if (!declaredColumn.types) problems.push(`${where}: cannot read its type: ${declaredColumn.error}`);
      else problems.push(...columnProblems(where, relation, column, declaredColumn.types));
    }
    const inDatabase = new Set(relation.columns.map((c) => c.name));
    for (const c of table.columns)
      if (!inDatabase.has(c.name))
        problems.push(
          `${table.interfaceName}.${c.name}: the ${relation.kind} ${relation.name} has no column ${c.name}`,
        );
  }
  const inDatabase = new Set(catalog.map((r) => r.name));
  for (const t of declared.tables)
    if (!inDatabase.has(t.name))
      problems.push(`DB.${t.name} (${t.interfaceName}): the migrations create no table or view ${t.name}`);
  return problems;
}

function describeColumn(column: CatalogColumn): string {
  const parts = [column.type, column.nullable ? 'null' : 'not null'];
  if (column.hasDefault) parts.push('with a default');
  if (column.identity) parts.push('identity');
  if (column.generated) parts.push('generated');
  if (column.values) parts.push(`only ${column.values.list.map((v) => `'${v}'`).join(' | ')}`);
  return parts.join(', ');
}

function columnProblems(where: string, relation: CatalogRelation, column: CatalogColumn, types: ColumnTypes): string[] {
  const problems: string[] = [];
  const selectsNull = types.select.some((a) => a.kind === 'null');
  // A view's columns carry no NOT NULL in the catalog, so only tables are checked for nullability.
  if (relation.kind === 'table' && column.nullable !== selectsNull)
    problems.push(
      column.nullable
        ? `${where}: the column is nullable in the database, but the type (${describeAtoms(types.select)}) has no null`
        : `${where}: the column is not null in the database, but the type (${describeAtoms(types.select)}) allows null`,
    );
  const family = familyProblem(
    column.type,
    column,
    types.select.filter((a) => a.kind !== 'null'),
  );
  if (family) problems.push(`${where}: ${family}`);
  if (relation.kind === 'table') {
    const insert = insertProblem(column, types);
    if (insert) problems.push(`${where}: ${insert}`);
  }
  return problems;
}

function insertProblem(column: CatalogColumn, types: ColumnTypes): string | undefined {
  const optional = types.insert.some((a) => a.kind === 'undefined');
  if (column.generated) {
    return types.insert.length > 0
      ? `the database computes this column (generated always), so it cannot be written: use ColumnType<${describeAtoms(types.select)}, never, never>`
      : undefined;
  }
  if (column.hasDefault || column.identity) {
    return optional
      ? undefined
      : `the column has a ${column.identity ? 'generated identity' : 'default'} in the database, so it should be Generated<${describeAtoms(types.select)}>`;
  }
  if (types.generated) return `Generated<> marks a database default, but the column has none`;
  if (!column.nullable && optional)
    return `the column is not null and has no default, but the type lets an insert leave it out (its insert type includes undefined)`;
  return undefined;
}

function familyProblem(typeName: string, column: CatalogColumn, atoms: Atom[], element = false): string | undefined {
  const what = element ? `its elements (${typeName})` : `the database type ${typeName}`;
  if (typeName.endsWith('[]')) {
    const array = atoms.length === 1 && atoms[0]!.kind === 'array' ? atoms[0] : undefined;
    if (!array) return `${what} is an array, but the type is ${describeAtoms(atoms)}`;
    return familyProblem(
      typeName.slice(0, -2),
      column,
      array.element.filter((a) => a.kind !== 'null'),
      true,
    );
  }
  if (column.values) return valuesProblem(column, atoms, what);
  const family = FAMILIES[typeName];
  if (!family)
    return `no rule for the database type ${typeName}: add it to FAMILIES in test/architecture/schema-check.ts`;
  const kinds = new Set(atoms.map((a) => a.kind));
  const strings = atoms.every((a) => a.kind === 'string' || (a.kind === 'literal' && typeof a.value === 'string'));
  if (family === 'string' && strings && kinds.has('literal') && !kinds.has('string') && !column.generated)
    return `the type is ${describeAtoms(atoms)}, but ${what} accepts any value (no check constraint lists the values): use string, or add the check in a migration`;
  const ok =
    family === 'string'
      ? strings && atoms.length > 0
      : family === 'json'
        ? atoms.length > 0 && atoms.every((a) => ['unknown', 'object', 'array'].includes(a.kind))
        : family === 'bytes'
          ? kinds.size === 1 && kinds.has('bytes')
          : atoms.length > 0 && atoms.every((a) => a.kind === family);
  if (ok) return undefined;
  const expected = family === 'json' ? 'unknown (or an object type)' : family === 'bytes' ? 'Uint8Array' : family;
  return `${what} is read as ${expected}, but the type is ${describeAtoms(atoms)}`;
}

function valuesProblem(column: CatalogColumn, atoms: Atom[], what: string): string | undefined {
  const { list, from } = column.values!;
  const literals = atoms.flatMap((a) => (a.kind === 'literal' ? [String(a.value)] : []));
  const union = list.map((v) => `'${v}'`).join(' | ');
  if (literals.length !== atoms.length)
    return `${what} allows only ${union} (${from}), but the type is ${describeAtoms(atoms)}`;
  const missing = list.filter((v) => !literals.includes(v));
  const extra = literals.filter((v) => !list.includes(v));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const diff = [
    missing.length ? `missing ${missing.map((v) => `'${v}'`).join(', ')}` : '',
    extra.length ? `not allowed ${extra.map((v) => `'${v}'`).join(', ')}` : '',
  ].filter(Boolean);
  return `${what} allows only ${union} (${from}), but the type is ${describeAtoms(atoms)} (${diff.join('; ')})`;
}
