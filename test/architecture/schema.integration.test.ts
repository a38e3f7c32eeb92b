import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.ts';
import { testDatabase } from '../support/db.ts';
import {
  type CatalogColumn,
  type CatalogRelation,
  readCatalog,
  schemaProblems,
  valuesOfCheck,
} from './schema-check.ts';
import { type ColumnTypes, describeAtoms, readSchema } from './schema-types.ts';

// The hand-written database types (src/db/schema.ts) checked against the database the migrations build.

const SCHEMA = readFileSync(new URL('../../src/db/schema.ts', import.meta.url), 'utf8');

/** select / insert / update of a column, written as TypeScript would print them. */
function shown(types: ColumnTypes | undefined): string {
  if (!types) return 'unreadable';
  return [types.select, types.insert, types.update].map(describeAtoms).join(' / ');
}

function columnsOf(source: string, table: string): Record<string, string> {
  const declared = readSchema(source).tables.find((t) => t.name === table);
  return Object.fromEntries((declared?.columns ?? []).map((c) => [c.name, c.types ? shown(c.types) : c.error!]));
}

describe('reading a schema file', () => {
  const source = `
    import type { ColumnType, Generated } from 'kysely';
    /* Aliases, as src/db/schema.ts writes them. */
    type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    type Json = ColumnType<unknown, string | undefined, string>;
    export type Status = 'draft' | 'open'; // a named union
    type Weird<T> = T;
    export interface ThingTable {
      id: Generated<string>;
      status: Generated<Status>;
      kind: 'a' | "b";
      note: string | null; // a comment: with 'quotes' and // slashes
      at: NullableTimestamp;
      detail: Json | null;
      tags: ColumnType<string[], string[] | undefined, string[]>;
      band: ColumnType<Status | null, never, never>;
      rows: Array<(string | null)>[];
      bytes: Uint8Array;
      always: GeneratedAlways<number>;
      odd: Weird<string>;
      missing: Nowhere;
    }
    export interface DB {
      thing: ThingTable;
    }
    export type Thing = Selectable<ThingTable>;
  `;

  it('understands aliases, named unions, ColumnType, Generated, GeneratedAlways, arrays and comments', () => {
    expect(columnsOf(source, 'thing')).toEqual({
      id: 'string / string | undefined / string',
      status: "'draft' | 'open' / 'draft' | 'open' | undefined / 'draft' | 'open'",
      kind: "'a' | 'b' / 'a' | 'b' / 'a' | 'b'",
      note: 'string | null / string | null / string | null',
      at: 'Date | null / Date | string | null | undefined / Date | string | null',
      detail: 'unknown | null / string | undefined | null / string | null',
      tags: 'string[] / string[] | undefined / string[]',
      band: "'draft' | 'open' | null / never / never",
      rows: '(string | null)[][] / (string | null)[][] / (string | null)[][]',
      bytes: 'Uint8Array / Uint8Array / Uint8Array',
      always: 'number / never / never',
      odd: 'cannot read type Weird: generic aliases are not understood',
      missing: 'unknown type Nowhere',
    });
    expect(readSchema(source).problems).toEqual([]);
  });

  it('reports a DB member that names no interface, and a file without DB', () => {
    expect(readSchema('export interface DB { thing: ThingTable; other: string }').problems).toEqual([
      'DB.thing should name an interface in the file (it does not)',
      'DB.other should name an interface in the file (it does not)',
    ]);
    expect(readSchema('export type X = string;').problems).toEqual(['no interface DB could be read']);
  });

  it('reads the value lists of check constraints as PostgreSQL prints them, and nothing else', () => {
    expect(valuesOfCheck("CHECK ((role = ANY (ARRAY['resident'::text, 'vcs_member'::text])))")).toEqual([
      'resident',
      'vcs_member',
    ]);
    expect(valuesOfCheck("CHECK ((kind = 'only'::text))")).toEqual(['only']);
    expect(valuesOfCheck("CHECK ((note = ANY (ARRAY['it''s'::text, 'b'::text])))")).toEqual(["it's", 'b']);
    expect(valuesOfCheck("CHECK ((org_id ~ '^GB-[A-Z]+$'::text))")).toBeUndefined();
    expect(valuesOfCheck("CHECK (((kind <> 'link'::text) OR (url IS NOT NULL)))")).toBeUndefined();
    expect(valuesOfCheck('CHECK ((score >= 0))')).toBeUndefined();
  });
});

function column(name: string, type: string, more: Partial<CatalogColumn> = {}): CatalogColumn {
  return { name, type, nullable: false, hasDefault: false, identity: false, generated: false, ...more };
}

describe('the checker, on a small database', () => {
  const catalog: CatalogRelation[] = [
    {
      name: 'thing',
      kind: 'table',
      columns: [
        column('id', 'uuid', { hasDefault: true }),
        column('number', 'int4', { identity: true }),
        column('status', 'text', {
          hasDefault: true,
          values: { list: ['draft', 'open'], from: 'check thing_status_check' },
        }),
        column('note', 'text', { nullable: true }),
        column('total_pence', 'int8'),
        column('share', 'numeric'),
        column('held_on', 'date'),
        column('at', 'timestamptz'),
        column('detail', 'jsonb', { hasDefault: true }),
        column('tags', 'text[]', { hasDefault: true }),
        column('band', 'text', { nullable: true, generated: true }),
        column('file', 'bytea', { nullable: true }),
      ],
    },
    { name: 'thing_summary', kind: 'view', columns: [column('id', 'uuid', { nullable: true }), column('n', 'int8')] },
    { name: 'forgotten', kind: 'table', columns: [column('id', 'int4', { hasDefault: true })] },
  ];
  const right = `
    type Timestamp = ColumnType<Date, Date | string, Date | string>;
    export interface ThingTable {
      id: Generated<string>;
      number: Generated<number>;
      status: Generated<'draft' | 'open'>;
      note: string | null;
      total_pence: number;
      share: string;
      held_on: string;
      at: Timestamp;
      detail: ColumnType<unknown, string | undefined, string>;
      tags: Generated<string[]>;
      band: ColumnType<'low' | 'high' | null, never, never>;
      file: Uint8Array | null;
    }
    export interface ThingSummaryView { id: string; n: number }
    export interface ForgottenTable { id: Generated<number> }
    export interface DB { thing: ThingTable; thing_summary: ThingSummaryView; forgotten: ForgottenTable }
  `;

  it('finds nothing when the types match', () => {
    expect(schemaProblems(catalog, readSchema(right))).toEqual([]);
  });

  it('names the table, the column and what disagrees', () => {
    const wrong = `
      type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
      export interface ThingTable {
        id: string;
        number: number;
        status: Generated<'draft' | 'closed'>;
        note: Generated<string>;
        total_pence: string;
        share: number;
        held_on: Date;
        at: Timestamp;
        detail: string;
        tags: Generated<string>;
        band: SizeBand | null;
        extra: boolean;
      }
      type SizeBand = 'low' | 'high';
      export interface ThingSummaryView { id: string; n: number | null }
      export interface GhostTable { id: string }
      export interface DB { thing: ThingTable; thing_summary: ThingSummaryView; ghost: GhostTable }
    `;
    expect(schemaProblems(catalog, readSchema(wrong))).toEqual([
      'thing.id (ThingTable.id): the column has a default in the database, so it should be Generated<string>',
      'thing.number (ThingTable.number): the column has a generated identity in the database, so it should be Generated<number>',
      "thing.status (ThingTable.status): the database type text allows only 'draft' | 'open' (check thing_status_check), but the type is 'draft' | 'closed' (missing 'open'; not allowed 'closed')",
      'thing.note (ThingTable.note): the column is nullable in the database, but the type (string) has no null',
      'thing.note (ThingTable.note): Generated<> marks a database default, but the column has none',
      'thing.total_pence (ThingTable.total_pence): the database type int8 is read as number, but the type is string',
      'thing.share (ThingTable.share): the database type numeric is read as string, but the type is number',
      'thing.held_on (ThingTable.held_on): the database type date is read as string, but the type is Date',
      'thing.at (ThingTable.at): the column is not null and has no default, but the type lets an insert leave it out (its insert type includes undefined)',
      'thing.detail (ThingTable.detail): the database type jsonb is read as unknown (or an object type), but the type is string',
      'thing.detail (ThingTable.detail): the column has a default in the database, so it should be Generated<string>',
      'thing.tags (ThingTable.tags): the database type text[] is an array, but the type is string',
      "thing.band (ThingTable.band): the database computes this column (generated always), so it cannot be written: use ColumnType<'low' | 'high' | null, never, never>",
      'thing.file (ThingTable.file): the database has this column (bytea, null) but ThingTable does not',
      'ThingTable.extra: the table thing has no column extra',
      'table forgotten is in the database but not in the DB interface of src/db/schema.ts',
      'DB.ghost (GhostTable): the migrations create no table or view ghost',
    ]);
  });

  it('checks the nullability of table columns only: a view has no NOT NULL to compare with', () => {
    const problems = schemaProblems(catalog, readSchema(right.replace('n: number }', 'n: number | null }')));
    expect(problems).toEqual([]);
  });

  it('accepts a union narrower than text only where the database has the list or computes the value', () => {
    const narrowed = right.replace('note: string | null;', "note: 'a' | 'b' | null;");
    expect(schemaProblems(catalog, readSchema(narrowed))).toEqual([
      "thing.note (ThingTable.note): the type is 'a' | 'b', but the database type text accepts any value (no check constraint lists the values): use string, or add the check in a migration",
    ]);
  });

  it('reports a column whose type it cannot read, and one written with "?"', () => {
    const unreadable = right
      .replace('share: string;', 'share: Decimal;')
      .replace('held_on: string;', 'held_on?: string;');
    expect(schemaProblems(catalog, readSchema(unreadable))).toEqual([
      'thing.share (ThingTable.share): cannot read its type: unknown type Decimal',
      'thing.held_on (ThingTable.held_on): written with "?"; mark a database default with Generated<...> instead',
    ]);
  });
});

describe('src/db/schema.ts against the migrated database', () => {
  let handle: DatabaseHandle;
  let catalog: CatalogRelation[];

  beforeAll(async () => {
    handle = await testDatabase();
    catalog = await readCatalog(handle.db);
  });
  afterAll(() => handle?.close());

  it('reads the database: every table of the migrations, with types, defaults, generated columns and value lists', () => {
    const organisation = catalog.find((r) => r.name === 'organisation');
    expect(organisation?.kind).toBe('table');
    expect(organisation?.columns.find((c) => c.name === 'size_band')).toMatchObject({ type: 'text', generated: true });
    expect(organisation?.columns.find((c) => c.name === 'id')).toMatchObject({ type: 'uuid', hasDefault: true });
    expect(catalog.find((r) => r.name === 'app_user')?.columns.find((c) => c.name === 'role')?.values?.list).toEqual([
      'resident',
      'vcs_member',
      'officer',
      'commissioner',
      'admin',
    ]);
    expect(catalog.find((r) => r.name === 'spend_supplier')?.columns.find((c) => c.name === 'categories')?.type).toBe(
      'text[]',
    );
    expect(catalog.some((r) => r.name.startsWith('kysely_'))).toBe(false);
  });

  it('agrees with the database on every table and view, column, type, nullability, value list and default', () => {
    expect(schemaProblems(catalog, readSchema(SCHEMA))).toEqual([]);
  });

  it('would catch a missing column, a wrong nullability and an extra table in src/db/schema.ts', () => {
    const mutate = (text: string, from: string, to: string) => {
      expect(text).toContain(from);
      return text.replace(from, to);
    };
    let wrong = mutate(SCHEMA, 'export interface WardTable {\n  code: string;\n', 'export interface WardTable {\n');
    wrong = mutate(wrong, '  is_place: Generated<boolean>;', '  is_place: Generated<boolean | null>;');
    wrong = mutate(wrong, 'export interface DB {\n', 'export interface DB {\n  ghost: GhostTable;\n');
    wrong += '\nexport interface GhostTable {\n  id: string;\n}\n';
    const before = new Set(schemaProblems(catalog, readSchema(SCHEMA)));
    expect(schemaProblems(catalog, readSchema(wrong)).filter((p) => !before.has(p))).toEqual([
      'council.is_place (CouncilTable.is_place): the column is not null in the database, but the type (boolean | null) allows null',
      'ward.code (WardTable.code): the database has this column (text, not null) but WardTable does not',
      'DB.ghost (GhostTable): the migrations create no table or view ghost',
    ]);
  });
});
