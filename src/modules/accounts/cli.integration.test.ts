import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/app.ts';
import { openDatabase } from '../../db/index.ts';
import { registerUsersCommand } from './cli.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

/** Runs `partnership users …` in this process against the test database; returns what it printed. */
async function users(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('partnership').exitOverride();
  program.configureOutput({ writeErr: (s) => lines.push(s.trim()), writeOut: (s) => lines.push(s.trim()) });
  registerUsersCommand(program, {
    open: async () => ({ services: t.services, close: async () => {} }),
    out: (text) => lines.push(...text.split('\n')),
  });
  await program.parseAsync(['node', 'partnership', 'users', ...args]);
  return lines;
}

const cliAudit = () =>
  t.handle.db
    .selectFrom('audit_log')
    .selectAll()
    .where(sql<string>`detail->>'source'`, '=', 'cli')
    .orderBy('id')
    .execute();

describe('partnership users', () => {
  it('creates an account with a password, lists it, and changes its role, audit-logged as the CLI', async () => {
    const created = await users(
      'create',
      '--email',
      'Cara.Commissioner@example.test',
      '--name',
      'Cara Commissioner',
      '--role',
      'commissioner',
      '--password',
      'saffron bridge ninety owls',
    );
    expect(created.join('\n')).toContain('Created the account of Cara Commissioner');
    expect(created.join('\n')).not.toContain('http');

    const signIn = await t.services.accounts.signIn({
      email: 'cara.commissioner@example.test',
      password: 'saffron bridge ninety owls',
      ip: '192.0.2.1',
    });
    expect(signIn.ok).toBe(true);

    const listed = JSON.parse((await users('list', '--role', 'commissioner', '--json')).join(''));
    expect(listed.users).toEqual([
      expect.objectContaining({ email: 'cara.commissioner@example.test', role: 'commissioner', emailConfirmed: true }),
    ]);
    expect((await users('list')).join('\n')).toMatch(/cara\.commissioner@example\.test\s+commissioner\s+Cara/);

    const changed = await users('set-role', '--email', 'cara.commissioner@example.test', '--role', 'admin');
    expect(changed.join('\n')).toContain('is now administrator (was commissioner)');
    const audit = await cliAudit();
    expect(audit.map((a) => [a.action, a.user_id])).toEqual([
      ['create', null],
      ['change_role', null],
    ]);
    expect(audit[1]!.detail).toMatchObject({ from: 'commissioner', to: 'admin', source: 'cli' });
    expect(JSON.stringify(audit)).not.toContain('saffron');
  });

  it('prints a one-time invitation link when no password is given, and the link completes the account', async () => {
    const out = await users('create', '--email', 'oscar@example.test', '--name', 'Oscar Officer', '--role', 'officer');
    const link = out.find((l) => l.includes('/invitation?token='));
    expect(link).toBeTruthy();
    const url = new URL(link!);
    const client = await t.as(null);
    const form = await client.get(`${url.pathname}${url.search}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Oscar Officer"');
    const done = await client.post('/invitation', {
      token: url.searchParams.get('token')!,
      name: 'Oscar Officer',
      password: 'marble heron sixty kites',
      confirmPassword: 'marble heron sixty kites',
    });
    expect(done.statusCode).toBe(303);
    expect((await client.get('/staff')).statusCode).toBe(200);
  });

  it('refuses bad input with a message that says what to do', async () => {
    await expect(
      users('create', '--email', 'oscar@example.test', '--name', 'Again', '--role', 'officer'),
    ).rejects.toThrow('There is already an account with this email address');
    await expect(
      users(
        'create',
        '--email',
        'weak@example.test',
        '--name',
        'Weak',
        '--role',
        'resident',
        '--password',
        'password123',
      ),
    ).rejects.toThrow('harder to guess');
    await expect(users('set-role', '--email', 'nobody@example.test', '--role', 'admin')).rejects.toThrow(
      'There is no account with the email address nobody@example.test',
    );
    await expect(users('set-role', '--email', 'oscar@example.test', '--role', 'emperor')).rejects.toThrow(
      /Allowed choices are resident, vcs_member, officer, commissioner, admin/,
    );
  });
});

/** The environment of a real shell: without the test runner's own variables (it sets BASE_URL to '/'). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['BASE_URL', 'DATABASE_URL', 'TEST_DATABASE_URL', 'SESSION_SECRET', 'PORT', 'MAIL_ADAPTER'])
    delete env[key];
  return { ...env, ...extra };
}

// It runs on the embedded database whatever the test project, so once is enough.
describe.skipIf(process.env.TEST_DB === 'postgres')('the installed command', () => {
  it('is registered with the partnership CLI and works on a fresh database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partnership-cli-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          'bin/partnership.js',
          'users',
          'create',
          '--email',
          'first.admin@example.test',
          '--name',
          'First Admin',
          '--role',
          'admin',
          '--json',
        ],
        { env: cleanEnv({ NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' }) },
      );
      const result = JSON.parse(stdout.trim());
      expect(result).toMatchObject({ email: 'first.admin@example.test', role: 'admin' });
      expect(result.link).toMatch(/\/invitation\?token=[\w-]+$/);
      const handle = await openDatabase({ dataDir: dir });
      try {
        const audit = await handle.db.selectFrom('audit_log').selectAll().execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({ user_id: null, action: 'create', entity_type: 'user' });
        expect(audit[0]!.detail).toMatchObject({ source: 'cli' });
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
