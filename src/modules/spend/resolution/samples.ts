// The classification measured as the target is stated: on a fresh database, the shared registers imported, each
// real sample file imported with its council's org-id as it was published, no review decisions, then scored
// against the label file made for it. Shared by the benchmark (bench/classification.ts) and the integration test.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../../services.ts';
import { parseLabels } from './cli.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The shared standards live beside the project, never inside it. */
export const standardsDir = join(here, '../../../../../shared/standards');
export const registersDir = join(standardsDir, 'registers');
export const samplesDir = join(standardsDir, 'samples');

/** Every register file, in an order where each list links what the ones before created. */
export const ALL_REGISTERS = [
  'ccni_register_of_charities_2020-06-30.csv.gz',
  'ccni_removals_2020-06-30.csv',
  'drkane_charity-company-numbers.csv',
  'drkane_dual-registered-uk-charities.csv',
  'drkane_charity-names.csv',
  'drkane_mutual-companies.csv',
  'cascs_hmrc_community_amateur_sports_clubs.csv',
  'casc_company_house.csv',
] as const;

export const SAMPLES = [
  {
    council: 'GB-LAE-HAG',
    file: 'harrogate_2022-08_supplier_spend.csv',
    labels: join(here, 'labels/harrogate-2022-08.csv'),
  },
  {
    council: 'GB-LAE-OXO',
    file: 'oxford_city_council_expenditure_over_500_jan-mar-2018.csv',
    labels: join(here, 'labels/oxford-2018-q4.csv'),
  },
] as const;

/** Whether the shared registers and samples are there to measure with. */
export function samplesPresent(): boolean {
  return (
    ALL_REGISTERS.every((f) => existsSync(join(registersDir, f))) &&
    SAMPLES.every((s) => existsSync(join(samplesDir, s.file)))
  );
}

export type SampleScore = Awaited<ReturnType<Services['spendResolution']['evaluate']>> & {
  file: string;
  importSeconds: number;
};

/** Import the registers, then each sample (which resolves its suppliers), and score each against its labels. */
export async function measureSamples(
  services: Pick<Services, 'registers' | 'spendImport' | 'spendResolution'>,
  options: { registers?: readonly string[]; log?: (line: string) => void } = {},
): Promise<{ registerSeconds: number; scores: SampleScore[] }> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  for (const file of options.registers ?? ALL_REGISTERS) {
    const t = performance.now();
    const summary = await services.registers.importFile({ path: join(registersDir, file) }, { userId: null });
    log(
      `${file}: ${summary.rowsRead} rows, ${summary.created} created, ${summary.updated} updated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const registerSeconds = (performance.now() - started) / 1000;
  const scores: SampleScore[] = [];
  for (const sample of SAMPLES) {
    const t = performance.now();
    await services.spendImport.importFile(
      { path: join(samplesDir, sample.file) },
      { council: sample.council, userId: null },
    );
    const importSeconds = (performance.now() - t) / 1000;
    const labels = parseLabels(readFileSync(sample.labels, 'utf8'));
    const result = await services.spendResolution.evaluate(sample.council, labels);
    scores.push({ ...result, file: sample.file, importSeconds });
  }
  return { registerSeconds, scores };
}
