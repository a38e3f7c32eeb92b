// How well the VCS is found among the suppliers of the real sample files, as the target is stated: a fresh
// embedded database, the registers in ../shared/standards/registers/ imported, each sample imported raw with its
// council's org-id, no review decisions, then scored against the label files in src/modules/spend/resolution/labels/.
//   npm run bench:classification              (prints P/R/F1/tp/fp/fn per file)
//   BENCH_ERRORS=1 npm run bench:classification   (also each disagreement with the reason the platform gave)
//   BENCH_REGISTERS=a.csv,b.csv …             (only these register files)
//   BENCH_DATA_DIR=/tmp/x                    (keep the database there to look into afterwards)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { logAdapter } from '../src/modules/outbox/service.ts';
import { loadPlace } from '../src/modules/place/config.ts';
import {
  ALL_REGISTERS,
  measureSamples,
  samplesPresent,
  standardsDir,
} from '../src/modules/spend/resolution/samples.ts';
import { createServices } from '../src/services.ts';

if (!samplesPresent()) {
  console.error(`The registers and sample files are not in ${standardsDir}: nothing to measure.`);
  process.exit(1);
}

const kept = process.env.BENCH_DATA_DIR;
const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'bench-classification-'));
const handle = await openDatabase({ dataDir });
try {
  await migrateToLatest(handle.db);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const services = createServices({ db: handle.db, config, place: loadPlace(config.place), mailAdapter: logAdapter() });
  const registers = process.env.BENCH_REGISTERS ? process.env.BENCH_REGISTERS.split(',') : ALL_REGISTERS;
  const { registerSeconds, scores } = await measureSamples(services, {
    registers,
    log: (line) => console.error(line),
  });
  console.log(`Registers imported in ${registerSeconds.toFixed(1)} s: ${registers.join(', ')}`);
  for (const s of scores) {
    console.log(
      `${s.council} ${s.file}: P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)}  tp ${s.tp} fp ${s.fp} fn ${s.fn} tn ${s.tn}  (${s.ignored} UNSURE ignored, ${s.missing.length} labels not among the suppliers; import and resolution ${s.importSeconds.toFixed(1)} s)`,
    );
    if (s.councilFlag) {
      const f = s.councilFlag;
      console.log(
        `  the council's own VCSE flag: P ${f.precision.toFixed(3)} R ${f.recall.toFixed(3)} F1 ${f.f1.toFixed(3)}`,
      );
    }
    if (process.env.BENCH_ERRORS === '1') {
      const reasons = await handle.db
        .selectFrom('spend_supplier')
        .select(['name', 'method', 'reason'])
        .where('council_org_id', '=', s.council)
        .execute();
      const byName = new Map(reasons.map((r) => [r.name.trim().toLowerCase(), r]));
      for (const e of s.errors) {
        const r = byName.get(e.supplierName.trim().toLowerCase());
        console.log(
          `  ${e.label === 'VCSE' ? 'fn' : 'fp'} ${e.supplierName} → ${e.classification}${r ? ` [${r.method}] ${r.reason}` : ''}`,
        );
      }
      if (s.missing.length) console.log(`  not among the suppliers: ${s.missing.join('; ')}`);
    }
  }
} finally {
  await handle.close();
  if (!kept) rmSync(dataDir, { recursive: true, force: true });
}
