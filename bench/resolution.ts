// Supplier resolution benchmark: a synthetic register of organisations and a council's distinct suppliers
// (support/resolution-data.ts), then one resolution run.
//   node --import tsx bench/resolution.ts            (PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_PGLITE=1 node --import tsx bench/resolution.ts
//   BENCH_ORGANISATIONS=200000 BENCH_SUPPLIERS=20000 BENCH_EXPLAIN=1 (prints the plan of one trigram chunk)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createAuditService } from '../src/modules/audit/service.ts';
import { createNameKeyService } from '../src/modules/organisations/name-keys.ts';
import { createSpendResolutionService } from '../src/modules/spend/resolution/service.ts';
import { benchmarkNames } from './support/resolution-data.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 200_000);
const SUPPLIERS = Number(process.env.BENCH_SUPPLIERS ?? 20_000);
const PGLITE = process.env.BENCH_PGLITE === '1';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const COUNCIL = 'GB-LAE-BEN';

async function main() {
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let admin: Awaited<ReturnType<typeof openDatabase>> | undefined;
  const dbName = `bench_resolution_${process.pid}`;
  if (PGLITE) {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-resolution-'));
  } else {
    admin = await openDatabase({ databaseUrl: ADMIN_URL });
    await sql.raw(`create database ${dbName}`).execute(admin.db);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const handle = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: dataDir! });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    const t0 = performance.now();
    const { names, suppliers: entries } = benchmarkNames(ORGANISATIONS, SUPPLIERS);
    for (let i = 0; i < names.length; i += 10_000) {
      const chunk = names.slice(i, i + 10_000);
      await sql`
        insert into organisation (slug, name, legal_form, source)
        select 'bench-' || (${i}::int + n), v.name, case when n % 5 = 4 then 'company' else 'charity' end, 'register'
        from unnest(${chunk}::text[]) with ordinality as v(name, n)
      `.execute(db);
    }
    await sql`insert into council (org_id, name) values (${COUNCIL}, 'Benchmark Borough Council')`.execute(db);
    for (let i = 0; i < entries.length; i += 10_000) {
      const chunk = entries.slice(i, i + 10_000);
      await sql`
        insert into spend_supplier (council_org_id, name_key, name)
        select ${COUNCIL}, k, n from unnest(${chunk.map((e) => e[0])}::text[], ${chunk.map((e) => e[1])}::text[]) as v(k, n)
      `.execute(db);
    }
    await sql`analyze`.execute(db);
    const seeded = (performance.now() - t0) / 1000;

    const service = createSpendResolutionService({
      db,
      audit: createAuditService(db),
      nameKeys: createNameKeyService({ db }),
    });
    let t = performance.now();
    const keysFilled = await service.refreshNameKeys();
    const backfill = (performance.now() - t) / 1000;
    await sql`analyze`.execute(db);
    t = performance.now();
    const noneLeft = await service.refreshNameKeys();
    const backfillAgain = (performance.now() - t) / 1000;

    if (process.env.BENCH_EXPLAIN === '1') {
      const sample = entries.slice(0, 200).map((e) => e[0]);
      const plan = await service.explainTrigram(sample);
      console.error(plan);
    }

    const first = await service.resolveCouncil(COUNCIL);
    const again = await service.resolveCouncil(COUNCIL, { again: true });
    const result = {
      database: PGLITE ? 'pglite' : 'postgresql',
      organisations: ORGANISATIONS,
      suppliers: SUPPLIERS,
      seedSeconds: Number(seeded.toFixed(1)),
      nameKeyBackfill: { keys: keysFilled, seconds: Number(backfill.toFixed(2)) },
      nameKeyBackfillWhenNoneMissing: { keys: noneLeft, seconds: Number(backfillAgain.toFixed(3)) },
      firstRun: {
        seconds: Number(first.seconds.toFixed(2)),
        perSecond: Math.round(first.suppliers / first.seconds),
        steps: first.steps,
      },
      again: {
        seconds: Number(again.seconds.toFixed(2)),
        perSecond: Math.round(again.suppliers / again.seconds),
        steps: again.steps,
      },
      byClassification: again.byClassification,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await handle.close();
    if (admin) {
      await sql.raw(`drop database if exists ${dbName}`).execute(admin.db);
      await admin.close();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
