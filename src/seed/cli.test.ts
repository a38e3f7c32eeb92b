import { afterAll, describe, expect, it, vi } from 'vitest';
import { cliDatabase, partnership } from '../../test/support/cli.ts';

// The command as a person runs it, in this process on a database of the file's own (the installed command itself is
// spawned once, in the accounts CLI test).
vi.mock('../runtime.ts', async () => (await import('../../test/support/cli.ts')).mockedRuntime());
afterAll(() => cliDatabase.close());

describe('partnership seed', () => {
  it('loads the demo, refuses to load it twice, and reloads it with --force', async () => {
    const first = await partnership('seed', '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ scale: 'demo', organisations: 320, users: 65 });
    expect(summary.memberships).toBeGreaterThan(40);
    expect(summary.seconds).toBeGreaterThan(0);

    const refused = await partnership('seed');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('The database already holds 320 organisations');
    expect(refused.stderr).toContain('partnership seed --force');

    const forced = await partnership('seed', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Deleted the demo data: 320 organisations');
    expect(JSON.parse(forced.stdout)).toMatchObject({ scale: 'demo', organisations: 320 });
  }, 180_000);

  it('names the scales it knows when given another', async () => {
    const bad = await partnership('seed', '--scale', 'city');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Allowed choices are demo, borough/);
  }, 60_000);
});
