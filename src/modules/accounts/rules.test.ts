import { describe, expect, it } from 'vitest';
import { alreadyRegisteredMessage, confirmEmailMessage, invitationMessage } from './emails.ts';
import { homeFor, normaliseEmail, passwordProblem, safeNextPath, signInBlocked } from './rules.ts';

describe('safeNextPath', () => {
  it.each([
    ['/account', '/account'],
    ['/admin/users?q=a&role=admin', '/admin/users?q=a&role=admin'],
    ['/organisations/x#part', '/organisations/x#part'],
    ['/a/../admin', '/admin'],
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

describe('signInBlocked', () => {
  it('blocks from the 5th failure for one email or the 20th from one IP', () => {
    expect(signInBlocked({ email: 4, ip: 19 })).toBe(false);
    expect(signInBlocked({ email: 5, ip: 0 })).toBe(true);
    expect(signInBlocked({ email: 0, ip: 20 })).toBe(true);
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
