import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'spend-evaluate-'));
// The commands run as a person would run them, each in its own process, on an embedded database of their own.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  BASE_URL: 'http://localhost:3000',
  NODE_ENV: 'test',
};
delete env.DATABASE_URL;
const cli = (...args: string[]) =>
  run(process.execPath, [join(root, 'bin/partnership.js'), ...args], { cwd: root, env, timeout: 120_000 });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npx partnership spend evaluate', () => {
  it('scores the classification against a label file and prints one JSON object', async () => {
    await cli('import', 'spend', join(here, 'fixtures/spend-small.csv'), '--council', 'GB-LAE-CRY', '--json');
    const { stdout } = await cli(
      'spend',
      'evaluate',
      '--council',
      'GB-LAE-CRY',
      '--labels',
      join(here, 'fixtures/labels-small.csv'),
      '--json',
    );
    const result = JSON.parse(stdout.trim());
    // Three community bodies found; a café labelled VCSE missed (fn); a golf club counted as VCS against its
    // label (fp); the UNSURE row ignored; a name not in the file reported, not scored.
    expect(result).toMatchObject({ council: 'GB-LAE-CRY', tp: 3, fp: 1, fn: 1, tn: 2, ignored: 1 });
    expect(result.missing).toEqual(['A Supplier Not In The File']);
    expect(result.precision).toBeCloseTo(0.75, 5);
    expect(result.recall).toBeCloseTo(0.75, 5);
    expect(result.f1).toBeCloseTo(0.75, 5);
  }, 240_000);

  it('says what to do when the label file is missing, with a failing exit code', async () => {
    const failed = await cli(
      'spend',
      'evaluate',
      '--council',
      'GB-LAE-CRY',
      '--labels',
      join(here, 'nope.csv'),
      '--json',
    ).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout.trim())).toEqual({
      error: `There is no file at ${join(here, 'nope.csv')}. Check the path.`,
    });
  }, 120_000);
});
