// The spend scale of the HTTP benchmark: a real council's volume of payments, made by the database itself
// (generate_series) in seconds, then summarised by the same rebuild an import runs.
//   BENCH_SPEND_PAYMENTS=1000000 (the place), BENCH_SPEND_NEIGHBOUR_PAYMENTS=200000 (each neighbour with spend)
import { sql } from 'kysely';
import type { Services } from '../../src/services.ts';

export type BenchRoute = { route: string; path: string };

const SUPPLIERS_PER_100K = 600; // a borough pays about 6,000 suppliers a million payments
const DEPARTMENTS = 40;
const DAYS = 3 * 365; // three financial years from April 2022

/**
 * One council's suppliers (a tenth VCS, linked to directory organisations) and payments, in two statements. The
 * rows are consistent by construction, so where the database allows it (a superuser) the per-row foreign-key
 * checks are skipped for the load, which takes most of its time.
 */
async function fill(services: Services, council: string, payments: number): Promise<void> {
  await services.db.transaction().execute(async (db) => {
    const { rows: su } = await sql<{ super: boolean }>`
      select rolsuper as super from pg_roles where rolname = current_user`.execute(db);
    if (su[0]?.super) await sql`set local session_replication_role = replica`.execute(db);
    await fillRows(db, council, payments);
  });
}

async function fillRows(db: Services['db'], council: string, payments: number): Promise<void> {
  const suppliers = Math.max(50, Math.round((payments / 100_000) * SUPPLIERS_PER_100K));
  await sql`
    insert into spend_supplier (council_org_id, name_key, name, classification, organisation_id, method, reason)
    select ${council}, 'bench supplier ' || n, 'Bench Supplier ' || n,
      case when n % 10 = 0 then 'vcs' when n % 20 = 1 then 'uncertain' when n % 33 = 2 then 'public_body'
        when n % 97 = 3 then 'redacted' else 'not_vcs' end,
      case when n % 10 = 0 then o.id end, case when n % 40 = 0 then 'decision' else 'rule' end, 'benchmark'
    from generate_series(1, ${suppliers}) n
    left join lateral (
      select id from organisation order by id offset (n / 10) % greatest((select count(*) from organisation), 1) limit 1
    ) o on true
  `.execute(db);
  const { rows } = await sql<{ id: string }>`
    insert into spend_import (council_org_id, file_name, file_sha256)
    values (${council}, 'benchmark.csv', md5(${council})) returning id`.execute(db);
  await sql`
    insert into spend_payment (council_org_id, import_id, supplier_id, line, payment_date, amount_pence,
      supplier_name, department, row_key)
    select ${council}, ${rows[0]!.id}::uuid, s.id, (n + 1)::int, date '2022-04-01' + (n * 7919 % ${DAYS})::int,
      100 + (n * 104729) % 2500000, s.name, 'Service area ' || (n * 31 % ${DEPARTMENTS}), 'bench:' || n
    from generate_series(1::bigint, ${payments}) n
    join spend_supplier s on s.council_org_id = ${council} and s.name_key = 'bench supplier ' || (1 + n * 13 % ${suppliers})
  `.execute(db);
}

export type Scale = { name: string; routes: BenchRoute[]; info: unknown };

/**
 * Loads the scale when BENCH_SPEND_PAYMENTS is set, on PostgreSQL only (the embedded database is for a demo's
 * volume); the routes it adds to the benchmark.
 */
export async function spendScale(services: Services, target: { embedded: boolean }): Promise<Scale | null> {
  const payments = Number(process.env.BENCH_SPEND_PAYMENTS ?? 0);
  if (!payments || target.embedded) return null;
  const perNeighbour = Number(process.env.BENCH_SPEND_NEIGHBOUR_PAYMENTS ?? 200_000);
  const place = services.place.config;
  const neighbours = place.neighbours.slice(0, 4).map((n) => n.orgId);
  const started = performance.now();
  // Each council on a connection of its own: the database works on them side by side.
  await Promise.all([
    fill(services, place.council.orgId, payments),
    ...neighbours.map((n) => fill(services, n, perNeighbour)),
  ]);
  const loaded = performance.now();
  // The rebuild an import runs at its end, for each council.
  await Promise.all([place.council.orgId, ...neighbours].map((c) => services.spendMeasure.refreshSummaries([c])));
  const seconds = (at: number, from: number) => Math.round((at - from) / 100) / 10;
  const info = {
    payments,
    perNeighbour,
    neighbours: neighbours.length,
    loadSeconds: seconds(loaded, started),
    summarySeconds: seconds(performance.now(), loaded),
  };
  return {
    name: 'spend',
    info,
    routes: [
      { route: `spend page (${payments.toLocaleString('en-GB')} payments)`, path: '/spend' },
      {
        route: `neighbour's spend page (${perNeighbour.toLocaleString('en-GB')})`,
        path: `/spend/councils/${neighbours[0]}`,
      },
      { route: 'spend CSV download (recipients)', path: '/spend?format=csv&table=recipients' },
    ],
  };
}
