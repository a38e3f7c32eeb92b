import { isStaffRole, type Role } from '../../kernel/roles.ts';

// Pure rules of accounts: no database, no HTTP, so each is tested on its own.

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** How long each kind of one-time link works. */
export const TOKEN_LIFETIME_MS = {
  confirm_email: 24 * 3600 * 1000,
  reset_password: 3600 * 1000,
  invitation: 7 * 24 * 3600 * 1000,
} as const;

/** Sign-in attempts are limited per e-mail address and per IP address over a sliding window. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export function signInBlocked(failures: { email: number; ip: number }): boolean {
  return failures.email >= MAX_FAILURES_PER_EMAIL || failures.ip >= MAX_FAILURES_PER_IP;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const EMAIL_PATTERN = /^[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:.]{2,}$/;

// Words people build weak passwords from; "password123!" is the word plus digits and symbols.
const weakWords = new Set([
  'password',
  'passw0rd',
  'p@ssword',
  'p@ssw0rd',
  'qwerty',
  'qwertyuiop',
  'qwertyuiop[]',
  'asdfghjkl',
  'azerty',
  'letmein',
  'welcome',
  'iloveyou',
  'admin',
  'administrator',
  'changeme',
  'football',
  'baseball',
  'monkey',
  'dragon',
  'sunshine',
  'princess',
  'shadow',
  'superman',
  'master',
  'login',
  'hello',
  'trustno',
  'abc',
  'abcdef',
  'abcdefgh',
  'abcdefghij',
  'secret',
  'liverpool',
  'arsenal',
  'chelsea',
  'london',
  'croydon',
  'partnership',
  'summer',
  'winter',
  'spring',
  'autumn',
]);

const weakWhole = new Set([
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'qazwsxedcrfv',
  'zxcvbnm123',
  'asdf1234asdf',
  '1234qwerasdf',
  'qwer1234qwer',
  'aa12345678',
  'a123456789',
  '123456789a',
  '123qweasdzxc',
]);

function isSequence(text: string): boolean {
  if (/^(.)\1+$/.test(text)) return true;
  if (!/^\d+$/.test(text)) return false;
  const steps = new Set<number>();
  for (let i = 1; i < text.length; i++) steps.add((text.charCodeAt(i) - text.charCodeAt(i - 1) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

/**
 * What is wrong with a new password, in words for the person choosing it, or null when it will do.
 * Length matters most (NCSC); the blocklist only catches the passwords every attacker tries first.
 */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length === 0) return 'Enter a password';
  if (password.length < PASSWORD_MIN_LENGTH) return `Password must be ${PASSWORD_MIN_LENGTH} characters or more`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  const base = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  const email = context.email ? normaliseEmail(context.email) : '';
  if (
    weakWhole.has(lower) ||
    weakWords.has(base) ||
    isSequence(lower) ||
    (base !== '' && isSequence(base)) ||
    (email !== '' && (lower === email || lower === email.split('@')[0])) ||
    (context.name && lower.replace(/\s+/g, '') === context.name.toLowerCase().replace(/\s+/g, ''))
  ) {
    return 'Choose a password that is harder to guess: avoid common words, names and number sequences';
  }
  return null;
}

/**
 * Where to go after signing in: only a path on this site. Anything that a browser could read as
 * another site (`//evil.example`, `/\evil.example`, `https://…`) falls back to the default.
 */
export function safeNextPath(next: unknown, fallback = '/account'): string {
  if (typeof next !== 'string' || next === '') return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  // Control characters and whitespace are stripped by browsers, which can turn `/\t/evil` into `//evil`.
  if ([...next].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return fallback;
  try {
    const base = 'http://local.invalid';
    const url = new URL(next, base);
    if (url.origin !== base) return fallback;
    const path = `${url.pathname}${url.search}${url.hash}`;
    if (path.startsWith('/sign-in') || path.startsWith('/sign-out')) return fallback;
    return path;
  } catch {
    return fallback;
  }
}

/** Where a person lands after signing in when they were not on their way somewhere. */
export function homeFor(role: string): string {
  return isStaffRole(role as Role) ? '/staff' : '/account';
}
