import { describe, expect, it } from 'vitest';
import { alreadyRegisteredMessage, confirmEmailMessage, invitationMessage } from './emails.ts';
import {
  delayAfter,
  emptyCounter,
  homeFor,
  judgeSignIn,
  normaliseEmail,
  passwordProblem,
  SIGN_IN,
  type SignInCounters,
  safeNextPath,
} from './rules.ts';

describe('safeNextPath', () => {
  it.each([
    ['/account', '/account'],
    ['/admin/users?q=a&role=admin', '/admin/users?q=a&role=admin'],
    ['/organisations/x#part', '/organisations/x#part'],
    ['/a/../admin', '/admin'],
    ['/organisations?q=food+bank', '/organisations?q=food+bank'],
    ['/organisations?q=a%20b', '/organisations?q=a%20b'],
    ['/needs/some-need?from=%2Fneeds', '/needs/some-need?from=%2Fneeds'],
  ])('keeps the local path %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    'http://evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /account',
    'javascript:alert(1)',
    'account',
    '',
    '/sign-in?next=/admin',
    '/sign-out',
    // Known bypasses: each reads as another site to some browser, proxy or later decoding.
    '/.//evil.example',
    '/./\\evil.example',
    '/..//evil.example',
    '/a/..//evil.example',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '%5C%5Cevil.example',
    '/%252F%252Fevil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/%2e%2e/%2e%2e//evil.example',
    '/%252e//evil.example',
    '/\t/evil.example',
    '/\\/evil.example',
    '//\\evil.example',
    '/\r\n/evil.example',
    '/\u0000/evil.example',
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0d%0a/evil.example',
    '/%00/evil.example',
    '/\u00a0/evil.example',
    '/\u3000/evil.example',
    '/\ufeff/evil.example',
    '/account\r\nSet-Cookie: x=1',
    '/%E0%A4%A',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https:evil.example',
    'https://evil',
    'https:/\\evil.example',
    '\\/evil.example',
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe('/account');
  });

  it('refuses what is not a string, and uses the fallback given', () => {
    expect(safeNextPath(['/a', '/b'])).toBe('/account');
    expect(safeNextPath(undefined, '')).toBe('');
  });
});

describe('passwordProblem', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblem('plum kettle orbit lantern')).toBeNull();
    expect(passwordProblem('Tr0ub4dor&3xyz')).toBeNull();
  });

  it('asks for 10 characters or more', () => {
    expect(passwordProblem('')).toBe('Enter a password');
    expect(passwordProblem('abc$5678Z')).toBe('Password must be 10 characters or more');
    expect(passwordProblem('x'.repeat(257))).toBe('Password must be 256 characters or fewer');
  });

  it.each([
    'password123',
    'Password123!',
    'PASSWORD2024',
    'passw0rd!!!',
    'qwertyuiop',
    'qwerty123456',
    '1234567890',
    '0987654321',
    'aaaaaaaaaaaa',
    '1q2w3e4r5t',
    'letmein1234',
    'Croydon2025!',
    'abc1234567',
  ])('refuses the common password %s', (password) => {
    expect(passwordProblem(password)).toMatch(/harder to guess/);
  });

  it('refuses the email address or the name as the password', () => {
    expect(passwordProblem('ada.okafor@example.test', { email: 'Ada.Okafor@example.test' })).toMatch(/harder/);
    expect(passwordProblem('ada.okafor', { email: 'ada.okafor@example.test' })).toMatch(/harder/);
    expect(passwordProblem('Ada Lovelace Byron', { name: 'ada lovelace byron' })).toMatch(/harder/);
  });
});

describe('slowing sign-in guesses', () => {
  const now = new Date('2026-12-08T10:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const fresh = (): SignInCounters => ({ pair: emptyCounter(now), account: emptyCounter(now), ip: emptyCounter(now) });

  it('lets the first failures through, then doubles the wait after each, up to a cap', () => {
    expect([0, 1, 2].map(delayAfter)).toEqual([0, 0, 0]);
    expect(delayAfter(3)).toBe(5_000);
    expect(delayAfter(4)).toBe(10_000);
    expect(delayAfter(5)).toBe(20_000);
    expect(delayAfter(40)).toBe(SIGN_IN.maxDelayMs);
  });

  it('refuses an attempt from the same address and IP before its wait is over, and allows it after', () => {
    let counters = fresh();
    for (let i = 0; i < SIGN_IN.freeFailures; i++) {
      const judged = judgeSignIn(counters, now);
      expect(judged.verdict.allowed).toBe(true);
      counters = judged.next;
    }
    const early = judgeSignIn(counters, at(4));
    expect(early.verdict).toMatchObject({ allowed: false, reason: 'slow_down', retryAt: at(5) });
    expect(judgeSignIn(counters, at(5)).verdict.allowed).toBe(true);
  });

  it('locks an address after its failures from anywhere, and tells its owner once', () => {
    let counters = fresh();
    for (let i = 0; i < SIGN_IN.accountFailures; i++) {
      // A new IP each time: only the address's own counter grows.
      const judged = judgeSignIn({ ...counters, pair: emptyCounter(now), ip: emptyCounter(now) }, now);
      expect(judged.verdict.allowed).toBe(true);
      counters = judged.next;
    }
    const first = judgeSignIn({ ...counters, pair: emptyCounter(now), ip: emptyCounter(now) }, now);
    expect(first.verdict).toMatchObject({ allowed: false, reason: 'locked', notifyOwner: true });
    const second = judgeSignIn({ ...first.next, pair: emptyCounter(now) }, now);
    expect(second.verdict).toMatchObject({ allowed: false, reason: 'locked', notifyOwner: false });
    // The owner on a connection they have signed in from is not locked out.
    const known = { ...emptyCounter(now), knownUntil: at(3600) };
    expect(judgeSignIn({ ...first.next, pair: known }, now).verdict.allowed).toBe(true);
  });

  it('limits how many addresses one IP may try, but not the addresses already tried there', () => {
    let ip = emptyCounter(now);
    for (let i = 0; i < SIGN_IN.accountsPerIp; i++) {
      const judged = judgeSignIn({ pair: emptyCounter(now), account: emptyCounter(now), ip }, now);
      expect(judged.verdict).toMatchObject({ allowed: true, newAccountForIp: true });
      ip = judged.next.ip;
    }
    const next = judgeSignIn({ pair: emptyCounter(now), account: emptyCounter(now), ip }, now);
    expect(next.verdict).toMatchObject({ allowed: false, reason: 'too_many_accounts' });
    const tried = { ...emptyCounter(now), count: 1, lastAt: now };
    expect(judgeSignIn({ pair: tried, account: emptyCounter(now), ip }, now).verdict.allowed).toBe(true);
    const known = { ...emptyCounter(now), knownUntil: at(3600) };
    expect(judgeSignIn({ pair: known, account: emptyCounter(now), ip }, now).verdict.allowed).toBe(true);
  });
});

describe('small rules', () => {
  it('compares e-mail addresses without case or spaces', () => {
    expect(normaliseEmail('  Ada@Example.TEST ')).toBe('ada@example.test');
  });

  it('sends staff to the staff home page and everyone else to their account', () => {
    expect(homeFor('officer')).toBe('/staff');
    expect(homeFor('admin')).toBe('/staff');
    expect(homeFor('resident')).toBe('/account');
    expect(homeFor('vcs_member')).toBe('/account');
  });
});

describe('account e-mails', () => {
  it('carry the link and say how long it works', () => {
    const confirm = confirmEmailMessage({
      serviceName: 'The Service',
      name: 'Ada',
      link: 'http://x/confirm-email?token=t',
    });
    expect(confirm.body).toContain('http://x/confirm-email?token=t');
    expect(confirm.body).toContain('24 hours');
    const invite = invitationMessage({ serviceName: 'S', role: 'officer', link: 'http://x/i', invitedBy: 'Ann' });
    expect(invite.body).toContain('Ann has invited you');
    expect(invite.body).toContain('an infrastructure officer');
    expect(invite.body).toContain('7 days');
    const already = alreadyRegisteredMessage({ serviceName: 'S', name: 'Ada', signInLink: 'a', resetLink: 'b' });
    expect(already.kind).toBe('already_registered');
  });
});
