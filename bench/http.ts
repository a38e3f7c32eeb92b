// HTTP benchmark: the real app, seeded with the borough-scale demo data, on the embedded database and on PostgreSQL.
// The server runs in a child process so the load generator does not share its event loop.
//   npm run bench:http                 (BENCH_SECONDS=5 per run, BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)
//   BENCH_DATABASES=postgres           only one of pglite, postgres
//   BENCH_SPEND_PAYMENTS=1000000       the spend scale (bench/support/spend-scale.ts), on PostgreSQL
//   BENCH_DIRECTORY_ORGANISATIONS=200000  register-only organisations beside the directory (bench/support/directory-scale.ts)
// A scale is a function in bench/support/ that loads its volume into the seeded database and names the routes it
// adds: listed in `scales` below, run by serve() in order, its routes measured after the key pages.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadPlace } from '../src/modules/place/config.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { createServices, type Services } from '../src/services.ts';
import { directoryScale } from './support/directory-scale.ts';
import { type Scale, spendScale } from './support/spend-scale.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = [1, 16, 64];
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASES = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',');

/** The optional scales, each loaded when its environment variable asks for it. */
const scales: ((services: Services, target: { embedded: boolean; db: Database }) => Promise<Scale | null>)[] = [
  spendScale,
  directoryScale,
];

type Ready = {
  port: number;
  seed: { organisations: number; users: number; memberships: number; seconds: number };
  sample: { name: string; slug: string; query: string };
  scales: Scale[];
};

/** Two slips a person might make typing a name: a letter dropped from the longest word, two letters swapped in another. */
export function misspell(name: string): string {
  const words = name.split(' ');
  const longest = words.reduce((best, w, i) => (w.length > words[best]!.length ? i : best), 0);
  const w = words[longest]!;
  const cut = Math.floor(w.length / 2);
  words[longest] = w.slice(0, cut) + w.slice(cut + 1);
  const other = words.findIndex((x, i) => i !== longest && x.length >= 5);
  if (other >= 0) {
    const x = words[other]!;
    let i = 2;
    while (i < x.length - 2 && x[i] === x[i + 1]) i++;
    words[other] = `${x.slice(0, i)}${x[i + 1]}${x[i]}${x.slice(i + 2)}`;
  }
  return words.join(' ').toLowerCase();
}

// ---- the server side (child process) ----
async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_TARGET_URL || undefined;
  const dataDir = process.env.BENCH_DATA_DIR;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'benchmark-only-secret-benchmark-only-secret',
    BASE_URL: 'http://127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
  });
  const place = loadPlace(config.place);
  const handle = await openDatabase({ databaseUrl, dataDir, poolSize: 10 });
  await migrateToLatest(handle.db);
  const services = createServices({
    db: handle.db,
    config,
    place,
    mailAdapter: { name: 'bench', deliver: async () => {} },
  });
  const started = performance.now();
  const summary = await seedDemo(services, { scale: 'borough' });
  const seedSeconds = (performance.now() - started) / 1000;
  // A listed local group of middling size: its name, misspelt, is the directory search.
  const org = await handle.db
    .selectFrom('organisation')
    .select(['name', 'slug'])
    .where('size_band', '=', 'small')
    .where('listed', '=', true)
    .where('status', '=', 'active')
    .where('legal_form', '=', 'cio')
    .orderBy('slug')
    .executeTakeFirstOrThrow();
  const loaded: Scale[] = [];
  for (const scale of scales) {
    const s = await scale(services, { embedded: !databaseUrl, db: handle.db });
    if (s) loaded.push(s);
  }
  await sql`analyze`.execute(handle.db);
  const app = await buildApp({ config, place, services, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const ready: Ready = {
    port,
    seed: { ...summary, seconds: Math.round(seedSeconds * 100) / 100 },
    sample: { ...org, query: misspell(org.name) },
    scales: loaded,
  };
  process.send!(ready);
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await app.close();
    await handle.close();
    process.exit(0);
  });
}

// ---- the load side (parent process) ----
type Row = {
  database: string;
  route: string;
  path: string;
  status: number;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
};

/** The scales' settings (BENCH_SPEND_PAYMENTS and the like), passed on to the server. */
const scaleSettings = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => k.startsWith('BENCH_') && v !== undefined),
  ) as Record<string, string>;

function startServer(env: Record<string, string>): Promise<{ ready: Ready; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...scaleSettings(),
        BENCH_ROLE: 'server',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The benchmark server stopped before it was ready (exit ${code})`)));
    child.once('message', (ready) => {
      child.removeAllListeners('exit');
      resolve({
        ready: ready as Ready,
        stop: () =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.send('stop');
          }),
      });
    });
  });
}

async function measure(url: string, connections: number, duration: number) {
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  await drained(url);
  return result;
}

/** Requests still queued from a saturating run would slow the next one: wait until one answers promptly. */
async function drained(url: string) {
  const health = new URL('/health', url).href;
  for (let i = 0; i < 120; i++) {
    const started = performance.now();
    await fetch(health);
    if (performance.now() - started < 200) return;
  }
}

async function benchTarget(database: string, env: Record<string, string>, rows: Row[]) {
  process.stderr.write(`\n${database}: seeding the borough-scale demo data and starting the server…\n`);
  const server = await startServer(env);
  const { port, sample, seed, scales: loaded } = server.ready;
  process.stderr.write(
    `${database}: seeded ${seed.organisations} organisations, ${seed.users} accounts, ${seed.memberships} memberships in ${seed.seconds} s\n`,
  );
  for (const s of loaded) process.stderr.write(`${database}: ${s.name} scale ${JSON.stringify(s.info)}\n`);
  const base = `http://127.0.0.1:${port}`;
  const routes = [
    { route: 'home page', path: '/' },
    { route: 'directory search (misspelt name)', path: `/organisations?q=${encodeURIComponent(sample.query)}` },
    { route: 'organisation page', path: `/organisations/${sample.slug}` },
    { route: 'static file (ceiling)', path: '/assets/app.css' },
    ...loaded.flatMap((s) => s.routes),
  ];
  // Whether the search finds the organisation despite the slips, for the record beside the timings.
  const found = (await (await fetch(base + routes[1]!.path)).text()).includes(`/organisations/${sample.slug}"`);
  process.stderr.write(
    `${database}: the search for "${sample.query}" ${found ? 'finds' : 'does not find'} ${sample.name}\n`,
  );
  try {
    for (const { route, path } of routes) {
      const status = (await fetch(base + path)).status;
      if (status !== 200) process.stderr.write(`${database}: ${path} answers ${status}\n`);
      await measure(base + path, 4, 1); // warm up: templates compiled, plans cached
      for (const connections of CONNECTIONS) {
        process.stderr.write(`${database}: ${route}, ${connections} connections, ${SECONDS} s… `);
        const r = await measure(base + path, connections, SECONDS);
        const row: Row = {
          database,
          route,
          path,
          status,
          connections,
          requestsPerSecond: Math.round(r.requests.average),
          latencyP50Ms: r.latency.p50,
          latencyP99Ms: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
        };
        rows.push(row);
        process.stderr.write(`${row.requestsPerSecond} req/s\n`);
      }
    }
  } finally {
    await server.stop();
  }
  return { seed, sample: { ...sample, found }, scales: loaded.map((s) => ({ name: s.name, ...(s.info as object) })) };
}

async function main(): Promise<void> {
  // Other work on the machine skews every figure: the load averages are kept with the results.
  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const rows: Row[] = [];
  const targets: Record<string, unknown> = {};

  if (DATABASES.includes('pglite')) {
    const dir = mkdtempSync(join(tmpdir(), 'partnership-bench-'));
    try {
      targets.pglite = await benchTarget('PGlite', { BENCH_DATA_DIR: join(dir, 'data') }, rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  let admin: Awaited<ReturnType<typeof openDatabase>> | undefined;
  if (DATABASES.includes('postgres')) {
    try {
      admin = await openDatabase({ databaseUrl: ADMIN_URL, poolSize: 1 });
      await sql`select 1`.execute(admin.db);
    } catch (error) {
      await admin?.close().catch(() => {});
      admin = undefined;
      const reason = `PostgreSQL at ${ADMIN_URL} is not reachable (${(error as Error).message}); skipped it.`;
      process.stderr.write(`\n${reason} Set BENCH_DATABASE_URL to benchmark a server.\n`);
      targets.postgres = { skipped: reason };
    }
  }
  if (admin) {
    const name = `pp_bench_${randomBytes(4).toString('hex')}`;
    await sql.raw(`create database ${name}`).execute(admin.db);
    try {
      const u = new URL(ADMIN_URL);
      u.pathname = `/${name}`;
      targets.postgres = await benchTarget('PostgreSQL', { BENCH_TARGET_URL: u.toString() }, rows);
      const { rows: version } = await sql<{ v: string }>`show server_version`.execute(admin.db);
      (targets.postgres as Record<string, unknown>).serverVersion = version[0]?.v;
    } finally {
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await admin.close();
    }
  }

  const table = [
    '| database | route | status | connections | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.route} | ${r.status} | ${r.connections} | ${r.requestsPerSecond} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${r.non2xx} | ${r.errors} |`,
    ),
  ].join('\n');
  console.log(`\n${table}\n`);

  const date = new Date().toISOString().slice(0, 10);
  const file = join(here, 'results', `http-${date}.json`);
  mkdirSync(dirname(file), { recursive: true });
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), scale: 'borough', secondsPerRun: SECONDS, machine, targets, results: rows }, null, 2)}\n`,
  );
  console.log(`Results written to ${file}`);
}

if (process.env.BENCH_ROLE === 'server') await serve();
else await main();
