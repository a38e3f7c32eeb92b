import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The real command in a child process, on an embedded database of its own.
const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'partnership-seed-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function partnership(...args: string[]) {
  // A clean environment: the test runner sets variables of its own (BASE_URL among them).
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  };
  try {
    const { stdout, stderr } = await run('node', ['bin/partnership.js', ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
