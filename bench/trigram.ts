// Step 4 of supplier resolution in memory: build the trigram index over the register's name keys, then search it
// for every supplier's key, with no database in the way (bench/resolution.ts measures the whole run).
//   node --import tsx bench/trigram.ts    (BENCH_ORGANISATIONS=200000 BENCH_SUPPLIERS=20000 BENCH_REPEAT=3)
import { normaliseSupplierName } from '../src/modules/spend/names.ts';
import { TRIGRAM_CANDIDATE } from '../src/modules/spend/resolution/service.ts';
import { TrigramIndex } from '../src/modules/spend/resolution/trigram-join.ts';
import { benchmarkNames } from './support/resolution-data.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 200_000);
const SUPPLIERS = Number(process.env.BENCH_SUPPLIERS ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

const { names, suppliers } = benchmarkNames(ORGANISATIONS, SUPPLIERS);
const registerKeys = names.map((n) => normaliseSupplierName(n) || n.toLowerCase());
const queries = suppliers.map(([key]) => key);

const runs: { buildSeconds: number; searchSeconds: number; suppliersPerSecond: number; matches: number }[] = [];
for (let run = 0; run < REPEAT; run++) {
  let t = performance.now();
  const index = new TrigramIndex(registerKeys, TRIGRAM_CANDIDATE);
  const buildSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  let matches = 0;
  for (const key of queries) matches += index.search(key).length;
  const searchSeconds = (performance.now() - t) / 1000;
  runs.push({
    buildSeconds: Number(buildSeconds.toFixed(2)),
    searchSeconds: Number(searchSeconds.toFixed(2)),
    suppliersPerSecond: Math.round(queries.length / (buildSeconds + searchSeconds)),
    matches,
  });
}
console.log(
  JSON.stringify(
    { organisations: ORGANISATIONS, suppliers: queries.length, threshold: TRIGRAM_CANDIDATE, runs },
    null,
    2,
  ),
);
