// Spend ingest benchmark: a generated spend file of 1,000,000 rows from 20,000 suppliers and a register of 200,000
// organisations; on PostgreSQL and on PGlite it measures the import (rows/s) against a plain COPY of the same rows
// into an identical table, supplier resolution (suppliers/s), and peak memory for two file sizes (child processes).
//   npm run bench:ingest
//   BENCH_ROWS=100000          scales everything down (suppliers and organisations in proportion)
//   BENCH_PGLITE_ROWS=200000   fewer rows on PGlite (said so in the output)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   (a database is created and dropped there)
//   BENCH_ONLY=postgresql|pglite
//   BENCH_RESOLVE_LIMIT_SECONDS=600   supplier resolution is stopped and reported as a lower bound after this long
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { keepHeapTight } from '../src/heap.ts';
import { createAuditService } from '../src/modules/audit/service.ts';
import { createNameKeyService } from '../src/modules/organisations/name-keys.ts';
import { loadPlace } from '../src/modules/place/config.ts';
import { createPlaceService } from '../src/modules/place/service.ts';
import { createSpendImportService } from '../src/modules/spend/import/service.ts';
import { createSpendResolutionService } from '../src/modules/spend/resolution/service.ts';

// The heap grows as the platform's own processes let it (src/cli.ts), here and in the memory children.
keepHeapTight();
const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS ?? ROWS);
const SCALE = ROWS / 1_000_000;
const SUPPLIERS = Math.max(50, Math.round(20_000 * SCALE));
const ORGANISATIONS = Math.max(500, Math.round(200_000 * SCALE));
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ONLY = process.env.BENCH_ONLY;
const RESOLVE_LIMIT = Number(process.env.BENCH_RESOLVE_LIMIT_SECONDS ?? 600);
const COUNCIL = 'GB-LAE-BNI';
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Deterministic data: the same file and register every run, so runs compare.

function generator(seed: number) {
  let s = seed >>> 0;
  const random = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { random, pick: <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]! };
}

const TOWNS =
  'Addington Ashburton Beddington Bensham Broad Green Coulsdon Crystal Palace Fairfield Kenley Norbury Purley Sanderstead Selhurst Shirley South Norwood Thornton Heath Waddon West Thornton Woodside Carshalton Cheam Mitcham Morden Wallington Streatham Brixton Penge Beckenham Anerley'.split(
    ' ',
  );
const CAUSES =
  'Youth Carers Refugees Women Families Wellbeing Dementia Autism Deaf Sight Housing Elders Disability Arts Music Heritage Wildlife Gardens Allotments Football Cricket Boxing Dance Theatre Food Recovery Bereavement Befriending Advice Transport Environment Play Parents Scouts'.split(
    ' ',
  );
const VCS_FORMS = [
  'Community Association',
  'Trust',
  'Foundation',
  'Society',
  'Project',
  'Group',
  'Network',
  'Forum',
  'CIC',
  'CIO',
  'Partnership',
];
const SURNAMES =
  'Ahmed Baker Clarke Davies Evans Fletcher Green Hughes Iqbal Jones Khan Lewis Morgan Nolan Owen Patel Quinn Roberts Singh Turner Usman Vaughan Walker Young'.split(
    ' ',
  );
const TRADES =
  'Plumbing Roofing Electrical Building Cleaning Catering Printing Security Consulting Engineering Software Recruitment Haulage Scaffolding Landscaping Joinery Glazing Decorating Surveying Stationery Furniture Equipment'.split(
    ' ',
  );
const BUSINESS_FORMS = ['Ltd', 'Limited', 'Services Ltd', 'Solutions Limited', '& Sons', 'plc', 'UK Ltd', 'LLP'];
const AREAS = [
  'Adult Social Care',
  "Children's Services",
  'Housing',
  'Highways',
  'Public Health',
  'Culture and Leisure',
  'Resources',
];
const CATEGORIES = [
  'Grants to Voluntary Organisations',
  'Contract Payments',
  'Professional Fees',
  'Equipment',
  'Rents',
  'Agency Staff',
];

type Register = { names: string[]; charities: number[] };

/** The register: distinct names, a charity number for most, a company number for the businesses. */
function registerNames(count: number): Register {
  const { pick } = generator(7);
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; names.length < count; i++) {
    const kind = i % 4;
    let name =
      kind === 0
        ? `${pick(TOWNS)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`
        : kind === 1
          ? `${pick(SURNAMES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`
          : kind === 2
            ? `${pick(TOWNS)} ${pick(SURNAMES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`
            : `${pick(SURNAMES)} ${pick(SURNAMES)} ${pick(TRADES)} ${pick(BUSINESS_FORMS)}`;
    if (seen.has(name)) name = `${pick(TOWNS)} ${pick(SURNAMES)} ${pick(SURNAMES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`;
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return { names, charities: names.map((_n, i) => 1_000_000 + i) };
}

/** A slip a person might make: one letter dropped from the longest word. */
const misspell = (name: string) => {
  const words = name.split(' ');
  const i = words.reduce((best, w, j) => (w.length > words[best]!.length ? j : best), 0);
  const w = words[i]!;
  words[i] = w.slice(0, w.length >> 1) + w.slice((w.length >> 1) + 1);
  return words.join(' ');
};

/**
 * The council's suppliers: a fifth are register names as councils print them (upper case, "Limited" for "Ltd"),
 * a tenth misspelt, a twentieth with their charity number in the file, the rest businesses not in the register.
 */
function supplierList(count: number, register: Register): { name: string; charity: string }[] {
  const { random, pick } = generator(11);
  const out: { name: string; charity: string }[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const r = random();
    const k = Math.floor(random() * register.names.length);
    const known = register.names[k]!;
    const name =
      r < 0.2
        ? known.toUpperCase().replace(/ LTD$/, ' LIMITED')
        : r < 0.3
          ? misspell(known)
          : r < 0.35
            ? known
            : `${pick(SURNAMES)} ${pick(SURNAMES)} ${pick(TRADES)} ${pick(BUSINESS_FORMS)} ${out.length}`;
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push({ name, charity: r >= 0.3 && r < 0.35 ? String(register.charities[k]) : '' });
  }
  return out;
}

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Writes the spend file, streamed in chunks: every supplier at least once, then a skewed mix (big suppliers paid often). */
async function writeSpendFile(path: string, rows: number, suppliers: { name: string; charity: string }[]) {
  const { random, pick } = generator(23);
  const out = createWriteStream(path);
  out.write(
    '\uFEFFService Area,Expenditure Category,Payment Date,Transaction Number,Amount,Supplier Name,Charity Number\r\n',
  );
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const s = i < suppliers.length ? suppliers[i]! : suppliers[Math.floor(random() ** 2 * suppliers.length)]!;
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    const year = 2023 + Math.floor(random() * 2);
    const pence = 50_000 + Math.floor(random() * 5_000_000) * (random() < 0.02 ? -1 : 1);
    const pounds = `${pence < 0 ? '-' : ''}${Math.floor(Math.abs(pence) / 100)}.${String(Math.abs(pence) % 100).padStart(2, '0')}`;
    const amount = i % 7 === 0 ? `"£${Number(pounds).toLocaleString('en-GB', { minimumFractionDigits: 2 })}"` : pounds;
    chunk.push(
      `${pick(AREAS)},${pick(CATEGORIES)},${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year},T${1_000_000 + i},${amount},${csvCell(s.name)},${s.charity}`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\r\n')}\r\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(`${chunk.join('\r\n')}\r\n`);
  out.end();
  await once(out, 'finish');
}

async function seedRegister(db: DatabaseHandle['db'], register: Register) {
  const { names, charities } = register;
  for (let i = 0; i < names.length; i += 10_000) {
    const chunk = names.slice(i, i + 10_000);
    const numbers = charities.slice(i, i + 10_000);
    await sql`
      with orgs as (
        insert into organisation (slug, name, legal_form, source)
        select 'bench-' || (${i}::int + n), v.name,
          case when v.name ~ '(Ltd|Limited|plc|LLP|Sons)$' then 'company' else 'charity' end, 'register'
        from unnest(${chunk}::text[]) with ordinality as v(name, n)
        returning id, slug, legal_form
      )
      insert into organisation_identifier (identifier, organisation_id, scheme)
      select case when o.legal_form = 'company' then 'GB-COH-' || lpad(c.num::text, 8, '0') else 'GB-CHC-' || c.num end,
        o.id, case when o.legal_form = 'company' then 'GB-COH' else 'GB-CHC' end
      from orgs o join unnest(${numbers}::int[]) with ordinality as c(num, n) on o.slug = 'bench-' || (${i}::int + c.n)
    `.execute(db);
  }
  // Alternative names for one in ten ("… Community Association" also known by its initials).
  await sql`
    insert into organisation_name (organisation_id, name)
    select id, 'The ' || name from organisation where source = 'register' and slug ~ '0$'
  `.execute(db);
  await sql`analyze`.execute(db);
}

// ---------------------------------------------------------------------------------------------------------------

const benchConfig = () =>
  loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'benchmark-only-secret-benchmark-only-secret',
    BASE_URL: 'http://127.0.0.1',
    UPLOAD_LIMIT_MB: '4096',
    DATA_DIR: tmpdir(),
  });

type Target = { kind: 'postgresql'; url: string } | { kind: 'pglite'; dataDir: string };

async function openTarget(target: Target) {
  return target.kind === 'postgresql'
    ? openDatabase({ databaseUrl: target.url, poolSize: 4 })
    : openDatabase({ dataDir: target.dataDir });
}

/** In a child process: import one file into the target and report the RSS high-water mark. */
async function child() {
  const target = JSON.parse(process.env.BENCH_TARGET!) as Target;
  const handle = await openTarget(target);
  try {
    if (target.kind === 'pglite') await migrateToLatest(handle.db);
    const before = process.resourceUsage().maxRSS;
    const audit = createAuditService(handle.db);
    const service = createSpendImportService({
      db: handle.db,
      config: benchConfig(),
      audit,
      place: createPlaceService({ db: handle.db, place: loadPlace('croydon'), audit }),
    });
    // Where the memory goes: the V8 heap, and buffers outside it (sampled, as only RSS has a high-water mark).
    const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
    }, 20);
    const started = performance.now();
    const result = await service.importFile(
      { path: process.env.BENCH_FILE! },
      { council: process.env.BENCH_COUNCIL!, councilName: 'Benchmark Borough Council', userId: null },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    process.send!({
      rows: result.rowsImported,
      seconds,
      maxRssKb: process.resourceUsage().maxRSS,
      baseRssKb: before,
      peakHeapMb: mb(peak.heapUsed),
      peakHeapTotalMb: mb(peak.heapTotal),
      peakExternalMb: mb(peak.external),
    });
  } finally {
    await handle.close();
  }
}

function measureInChild(target: Target, file: string, council: string) {
  type Measured = {
    rows: number;
    seconds: number;
    maxRssKb: number;
    baseRssKb: number;
    peakHeapMb: number;
    peakHeapTotalMb: number;
    peakExternalMb: number;
  };
  return new Promise<Measured>((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_TARGET: JSON.stringify(target), BENCH_FILE: file, BENCH_COUNCIL: council },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let message: unknown;
    p.on('message', (m) => {
      message = m;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      message ? resolve(message as never) : reject(new Error(`the memory child exited with ${code}`)),
    );
  });
}

const PAYMENT_COLUMNS =
  'council_org_id, import_id, supplier_id, line, payment_date, amount_pence, supplier_name, department, purpose, expense_type, procurement_category, transaction_ref, row_key, is_demo';

/** The ceiling: the imported rows, exported, then loaded by one plain COPY into a table like spend_payment. */
async function copyCeiling(handle: DatabaseHandle, target: Target, importId: string, work: string) {
  const db = handle.db;
  await sql`drop table if exists spend_payment_copy`.execute(db);
  await sql`
    create table spend_payment_copy (like spend_payment including all);
    alter table spend_payment_copy add foreign key (council_org_id) references council (org_id),
      add foreign key (import_id) references spend_import (id) on delete cascade,
      add foreign key (supplier_id) references spend_supplier (id)
  `.execute(db);
  const select = `select ${PAYMENT_COLUMNS} from spend_payment where import_id = '${importId}'`;
  let seconds: number;
  if (target.kind === 'postgresql') {
    const file = join(work, 'payments.copy');
    const psql = (command: string) => promisify(execFile)('psql', [target.url, '-v', 'ON_ERROR_STOP=1', '-c', command]);
    await psql(`\\copy (${select}) to '${file}'`);
    const started = performance.now();
    await psql(`\\copy spend_payment_copy (${PAYMENT_COLUMNS}) from '${file}'`);
    seconds = (performance.now() - started) / 1000;
    rmSync(file, { force: true });
  } else {
    const pglite = handle.pglite!;
    const exported = await pglite.query(`copy (${select}) to '/dev/blob'`);
    const blob = exported.blob!;
    const started = performance.now();
    await pglite.query(`copy spend_payment_copy (${PAYMENT_COLUMNS}) from '/dev/blob'`, [], { blob });
    seconds = (performance.now() - started) / 1000;
  }
  const copied = Number(
    (await sql<{ n: string }>`select count(*)::text as n from spend_payment_copy`.execute(db)).rows[0]!.n,
  );
  await sql`drop table spend_payment_copy`.execute(db);
  return { rows: copied, seconds };
}

type Figures = {
  database: string;
  rows: number;
  suppliers: number;
  organisations: number;
  import: { rows: number; seconds: number; rowsPerSecond: number };
  copy: { rows: number; seconds: number; rowsPerSecond: number };
  importToCopy: number;
  resolution: {
    suppliers: number;
    nameKeySeconds: number;
    seconds: number;
    suppliersPerSecond: number;
    /** Seconds each step of the cascade took. */
    steps: Record<string, number>;
    /** False when stopped at the time limit: the rate is then an upper bound of what was achieved. */
    finished: boolean;
  };
  memory: {
    rows: number;
    peakMb: number;
    seconds: number;
    startMb: number;
    peakHeapMb: number;
    peakHeapTotalMb: number;
    peakExternalMb: number;
  }[];
  memoryDifferenceMb: number;
  note?: string;
};

async function runOn(kind: 'postgresql' | 'pglite', rows: number, work: string): Promise<Figures> {
  const scale = rows / 1_000_000;
  const suppliersCount = Math.max(50, Math.round(20_000 * scale));
  const orgCount = Math.max(500, Math.round(200_000 * scale));
  const register = registerNames(orgCount);
  const suppliers = supplierList(suppliersCount, register);
  const small = Math.round(rows / 10);
  const files = { big: join(work, `spend-${rows}.csv`), small: join(work, `spend-${small}.csv`) };
  for (const [file, n] of [
    [files.big, rows],
    [files.small, small],
  ] as const) {
    try {
      statSync(file);
    } catch {
      const t = performance.now();
      await writeSpendFile(file, n, suppliers);
      log(
        `  wrote ${n.toLocaleString('en-GB')} rows (${(statSync(file).size / MB).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  }

  let admin: DatabaseHandle | undefined;
  const dbName = `bench_ingest_${process.pid}`;
  let target: Target;
  if (kind === 'postgresql') {
    admin = await openDatabase({ databaseUrl: ADMIN_URL, poolSize: 1 });
    await sql.raw(`drop database if exists ${dbName}`).execute(admin.db);
    await sql.raw(`create database ${dbName}`).execute(admin.db);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    target = { kind, url: url.toString() };
  } else {
    target = { kind, dataDir: mkdtempSync(join(tmpdir(), 'bench-ingest-pglite-')) };
  }
  const handle: DatabaseHandle = await openTarget(target);
  let abandoned = false;
  try {
    const db = handle.db;
    await migrateToLatest(db);
    let t = performance.now();
    await seedRegister(db, register);
    log(
      `  register of ${orgCount.toLocaleString('en-GB')} organisations in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const audit = createAuditService(db);
    const place = createPlaceService({ db, place: loadPlace('croydon'), audit });
    const spendImport = createSpendImportService({ db, config: benchConfig(), audit, place });
    t = performance.now();
    const result = await spendImport.importFile(
      { path: files.big },
      { council: COUNCIL, councilName: 'Benchmark Borough Council', userId: null },
    );
    const importSeconds = (performance.now() - t) / 1000;
    if (result.rowsImported !== rows) throw new Error(`expected ${rows} rows imported, got ${result.rowsImported}`);
    log(`  import: ${importSeconds.toFixed(1)} s`);

    const copy = await copyCeiling(handle, target, result.importId, work);
    log(`  COPY: ${copy.seconds.toFixed(1)} s`);

    const memory: Figures['memory'] = [];
    for (const [n, file, council] of [
      [small, files.small, 'GB-LAE-BNM1'],
      [rows, files.big, 'GB-LAE-BNM2'],
    ] as const) {
      const childTarget: Target =
        target.kind === 'pglite'
          ? { kind: 'pglite', dataDir: mkdtempSync(join(tmpdir(), 'bench-ingest-mem-')) }
          : target;
      const m = await measureInChild(childTarget, file, council);
      if (childTarget.kind === 'pglite') rmSync(childTarget.dataDir, { recursive: true, force: true });
      memory.push({
        rows: n,
        peakMb: Math.round(m.maxRssKb / 1024),
        seconds: Number(m.seconds.toFixed(1)),
        startMb: Math.round(m.baseRssKb / 1024),
        peakHeapMb: m.peakHeapMb,
        peakHeapTotalMb: m.peakHeapTotalMb,
        peakExternalMb: m.peakExternalMb,
      });
      log(
        `  peak memory, ${n.toLocaleString('en-GB')} rows: ${Math.round(m.maxRssKb / 1024)} MB (${Math.round(m.baseRssKb / 1024)} MB before the import; V8 heap at most ${m.peakHeapMb} MB used of ${m.peakHeapTotalMb} MB, buffers outside it ${m.peakExternalMb} MB)`,
      );
    }

    // Supplier resolution last, within a time limit (beyond it, the figure is a lower bound).
    const resolution = createSpendResolutionService({ db, audit, nameKeys: createNameKeyService({ db }) });
    t = performance.now();
    await resolution.refreshNameKeys();
    const nameKeySeconds = (performance.now() - t) / 1000;
    t = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let steps: Record<string, number> = {};
    const resolving = resolution.resolveCouncil(COUNCIL).then(
      (done) => {
        steps = done.steps;
        return true;
      },
      () => false,
    );
    const finished = await Promise.race([
      resolving,
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), RESOLVE_LIMIT * 1000);
      }),
    ]);
    clearTimeout(timer);
    const resolveSeconds = (performance.now() - t) / 1000;
    const distinct = result.suppliers;
    if (!finished) {
      log(`  resolution: stopped after ${RESOLVE_LIMIT} s, not finished`);
      if (admin) {
        // Cancel its statements until it gives up (its transaction rolls back).
        let settled = false;
        void resolving.then(() => {
          settled = true;
        });
        while (!settled) {
          await sql`select pg_cancel_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`.execute(
            admin.db,
          );
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } else {
        // PGlite cannot be interrupted: left to the end of the process.
        abandoned = true;
      }
    } else {
      log(
        `  resolution: ${resolveSeconds.toFixed(1)} s (register name keys first: ${nameKeySeconds.toFixed(1)} s); steps: ${Object.entries(
          steps,
        )
          .map(([k, v]) => `${k} ${v} s`)
          .join(', ')}`,
      );
    }
    return {
      database: kind,
      rows,
      suppliers: distinct,
      organisations: orgCount,
      import: {
        rows: result.rowsImported,
        seconds: round(importSeconds),
        rowsPerSecond: Math.round(rows / importSeconds),
      },
      copy: { rows: copy.rows, seconds: round(copy.seconds), rowsPerSecond: Math.round(copy.rows / copy.seconds) },
      importToCopy: round(copy.seconds / importSeconds, 3),
      resolution: {
        suppliers: distinct,
        nameKeySeconds: round(nameKeySeconds),
        seconds: round(resolveSeconds),
        suppliersPerSecond: Math.round(distinct / resolveSeconds),
        steps,
        finished,
      },
      memory,
      memoryDifferenceMb: memory[1]!.peakMb - memory[0]!.peakMb,
      ...(kind === 'pglite' && rows !== ROWS
        ? {
            note: `PGlite ran ${rows.toLocaleString('en-GB')} rows (BENCH_PGLITE_ROWS), not ${ROWS.toLocaleString('en-GB')}`,
          }
        : {}),
    };
  } finally {
    if (!abandoned) await handle.close().catch(() => {});
    if (admin) {
      await sql.raw(`drop database if exists ${dbName}`).execute(admin.db);
      await admin.close();
    }
    if (target.kind === 'pglite' && !abandoned) rmSync(target.dataDir, { recursive: true, force: true });
  }
}

const round = (x: number, places = 2) => Number(x.toFixed(places));
const log = (line: string) => console.error(line);

function table(all: Figures[]): string {
  const n = (x: number) => x.toLocaleString('en-GB');
  const lines = [
    '| Database | Rows | Import rows/s | COPY rows/s | Import ÷ COPY | Suppliers | Suppliers resolved/s | Peak RSS (smaller → larger) | Difference |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const f of all) {
    lines.push(
      `| ${f.database} | ${n(f.rows)} | ${n(f.import.rowsPerSecond)} | ${n(f.copy.rowsPerSecond)} | ${f.importToCopy.toFixed(2)} | ${n(f.suppliers)} | ${f.resolution.finished ? '' : '< '}${n(f.resolution.suppliersPerSecond)} | ${f.memory.map((m) => `${n(m.rows)}: ${m.peakMb} MB`).join(' → ')} | ${f.memoryDifferenceMb} MB |`,
    );
  }
  const pg = all.find((f) => f.database === 'postgresql');
  if (pg) {
    lines.push(
      '',
      `Targets on PostgreSQL: import ≥ 0.5 × COPY: ${pg.importToCopy >= 0.5 ? 'met' : 'NOT met'} (${pg.importToCopy.toFixed(2)}); ≥ 2,000 suppliers/s: ${pg.resolution.suppliersPerSecond >= 2000 ? 'met' : 'NOT met'} (${n(pg.resolution.suppliersPerSecond)}); < 100 MB peak memory difference: ${pg.memoryDifferenceMb < 100 ? 'met' : 'NOT met'} (${pg.memoryDifferenceMb} MB).`,
    );
  }
  for (const f of all) if (f.note) lines.push('', `Note: ${f.note}.`);
  return lines.join('\n');
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const all: Figures[] = [];
  try {
    for (const kind of ['postgresql', 'pglite'] as const) {
      if (ONLY && ONLY !== kind) continue;
      const rows = kind === 'pglite' ? PGLITE_ROWS : ROWS;
      log(
        `${kind}: ${rows.toLocaleString('en-GB')} rows, ${Math.max(50, Math.round(20_000 * (rows / 1_000_000))).toLocaleString('en-GB')} suppliers`,
      );
      all.push(await runOn(kind, rows, work));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(table(all));
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `ingest-${new Date().toISOString().slice(0, 10)}.json`);
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, requested: { rows: ROWS, suppliers: SUPPLIERS, organisations: ORGANISATIONS }, results: all }, null, 2)}\n`,
  );
  log(`Written to ${file}`);
}

if (process.argv.includes('--child')) await child();
else {
  await main();
  // A resolution stopped at the time limit may still hold the embedded database.
  process.exit(0);
}
