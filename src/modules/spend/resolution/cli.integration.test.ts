import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cliDatabase, partnership } from '../../../../test/support/cli.ts';

// The commands as a person runs them, in this process on a database of the file's own (the installed command itself
// is spawned once, in the accounts CLI test).
vi.mock('../../../runtime.ts', async () => (await import('../../../../test/support/cli.ts')).mockedRuntime());
afterAll(() => cliDatabase.close());
const here = import.meta.dirname;

describe('npx partnership spend evaluate', () => {
  it('scores the classification against a label file and prints one JSON object', async () => {
    const imported = await partnership(
      'import',
      'spend',
      join(here, 'fixtures/spend-small.csv'),
      '--council',
      'GB-LAE-CRY',
      '--json',
    );
    expect(imported.code, imported.stderr).toBe(0);
    const { stdout } = await partnership(
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
    const failed = await partnership(
      'spend',
      'evaluate',
      '--council',
      'GB-LAE-CRY',
      '--labels',
      join(here, 'nope.csv'),
      '--json',
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout.trim())).toEqual({
      error: `There is no file at ${join(here, 'nope.csv')}. Check the path.`,
    });
  }, 120_000);
});
