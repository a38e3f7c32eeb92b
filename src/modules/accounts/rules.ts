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

/**
 * How sign-in guessing is slowed. Delays are per address and IP together, so the owner on their usual connection
 * is not slowed by someone guessing elsewhere. Every attempt is counted before its password is checked.
 */
export const SIGN_IN = {
  /** Failures from one IP on one address before each further attempt must wait. */
  freeFailures: 3,
  /** The wait after the first failure beyond those; it doubles with each further failure, up to `maxDelayMs`. */
  firstDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  /** An address-and-IP pair's failures are forgotten after this long without an attempt. */
  pairMemoryMs: 60 * 60_000,
  /** Failures on one address from anywhere, within `accountWindowMs`, that lock it until `lockMs` has passed. */
  accountFailures: 10,
  accountWindowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  /** How long the e-mailed link to clear a lock works. */
  unlockLinkMs: 60 * 60_000,
  /** Addresses one IP may fail on within `ipWindowMs` before it may try no new ones. */
  accountsPerIp: 10,
  ipWindowMs: 60 * 60_000,
  /** A connection the owner has signed in from is known for this long: an account's lock does not apply there. */
  knownForMs: 90 * 24 * 3600 * 1000,
} as const;

/** How long to wait before the next attempt after `failures` failures in a row from one IP on one address. */
export function delayAfter(failures: number): number {
  if (failures < SIGN_IN.freeFailures) return 0;
  return Math.min(SIGN_IN.maxDelayMs, SIGN_IN.firstDelayMs * 2 ** (failures - SIGN_IN.freeFailures));
}

/** One counter of sign-in attempts, as stored. */
export type Counter = {
  count: number;
  accounts: number;
  windowStartedAt: Date;
  lastAt: Date | null;
  lockedUntil: Date | null;
  lockNotifiedAt: Date | null;
  knownUntil: Date | null;
};

export const emptyCounter = (now: Date): Counter => ({
  count: 0,
  accounts: 0,
  windowStartedAt: now,
  lastAt: null,
  lockedUntil: null,
  lockNotifiedAt: null,
  knownUntil: null,
});

export type SignInCounters = { pair: Counter; account: Counter; ip: Counter };

export type SignInVerdict =
  | { allowed: true; newAccountForIp: boolean }
  | { allowed: false; reason: 'slow_down' | 'locked' | 'too_many_accounts'; retryAt: Date; notifyOwner: boolean };

const after = (date: Date, ms: number) => new Date(date.getTime() + ms);

/**
 * Whether an attempt may have its password checked now, and the counters after counting it. Pure: the caller reads
 * the counters under a lock and writes back `next`, so parallel attempts are judged one after another.
 */
export function judgeSignIn(current: SignInCounters, now: Date): { verdict: SignInVerdict; next: SignInCounters } {
  const t = now.getTime();
  const pair = { ...current.pair };
  const account = { ...current.account };
  const ip = { ...current.ip };
  // Forget what is old.
  if (pair.lastAt && t - pair.lastAt.getTime() > SIGN_IN.pairMemoryMs) pair.count = 0;
  if (
    !(account.lockedUntil && account.lockedUntil > now) &&
    t - account.windowStartedAt.getTime() > SIGN_IN.accountWindowMs
  ) {
    Object.assign(account, { count: 0, windowStartedAt: now, lockedUntil: null, lockNotifiedAt: null });
  }
  if (t - ip.windowStartedAt.getTime() > SIGN_IN.ipWindowMs) Object.assign(ip, { accounts: 0, windowStartedAt: now });

  const known = Boolean(pair.knownUntil && pair.knownUntil > now);
  const refuse = (reason: 'slow_down' | 'locked' | 'too_many_accounts', retryAt: Date, notifyOwner = false) => ({
    verdict: { allowed: false as const, reason, retryAt, notifyOwner },
    next: { pair, account, ip },
  });

  const locked = (account.lockedUntil && account.lockedUntil > now) || account.count >= SIGN_IN.accountFailures;
  if (locked && !known) {
    if (!account.lockedUntil || account.lockedUntil <= now) account.lockedUntil = after(now, SIGN_IN.lockMs);
    const notifyOwner = !account.lockNotifiedAt;
    if (notifyOwner) account.lockNotifiedAt = now;
    return refuse('locked', account.lockedUntil, notifyOwner);
  }
  if (pair.count > 0 && pair.lastAt) {
    const retryAt = after(pair.lastAt, delayAfter(pair.count));
    if (retryAt > now) return refuse('slow_down', retryAt);
  }
  const newAccountForIp = pair.count === 0 && !known;
  if (newAccountForIp && ip.accounts >= SIGN_IN.accountsPerIp) {
    return refuse('too_many_accounts', after(ip.windowStartedAt, SIGN_IN.ipWindowMs));
  }
  // Counted as a failure now; a right password takes it back.
  pair.count += 1;
  pair.lastAt = now;
  account.count += 1;
  account.lastAt = now;
  if (newAccountForIp) ip.accounts += 1;
  ip.lastAt = now;
  return { verdict: { allowed: true, newAccountForIp }, next: { pair, account, ip } };
}

/** Requests that send e-mail, per address and per IP, within `windowMs`. */
export const EMAIL_REQUEST_LIMITS = {
  windowMs: 60 * 60_000,
  reset_address: 3,
  reset_ip: 20,
  register_address: 3,
  register_ip: 20,
} as const;

/** "5 seconds", "2 minutes": how long until `retryAt`, rounded up, in words. */
export function waitInWords(retryAt: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
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

/** Whitespace and control characters, which browsers strip or read as separators in a URL: never in a path. */
const SPACE_OR_CONTROL = /[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u;

/** A string percent-decoded until it stops changing (at most a few rounds), or null when it is not valid. */
function fullyDecoded(text: string): string | null {
  let current = text;
  for (let i = 0; i < 4; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (decoded === current) return current;
    current = decoded;
  }
  return null;
}

/**
 * Where to go after signing in: only a path on this site, normalised. Anything a browser, a proxy or a later decoding
 * could read as another site falls back to the default: `//evil`, `/\\evil`, `/.//evil` (which normalises to
 * `//evil`), encoded slashes, backslashes or dots, control characters and whitespace (browsers strip tabs and
 * newlines, turning `/\t/evil` into `//evil`), and any scheme.
 */
export function safeNextPath(next: unknown, fallback = '/account'): string {
  if (typeof next !== 'string' || next === '' || next.length > 2000) return fallback;
  if (!pathIsLocal(next)) return fallback;
  try {
    const base = 'http://local.invalid';
    const url = new URL(next, base);
    if (url.origin !== base || !pathIsLocal(url.pathname)) return fallback;
    if (/^\/sign-(in|out)(\/|$)/.test(url.pathname)) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** A path that starts with one slash, as written and once percent-decoding is undone, with nothing a browser strips. */
function pathIsLocal(text: string): boolean {
  if (SPACE_OR_CONTROL.test(text) || text.includes('\\')) return false;
  const path = text.split(/[?#]/, 1)[0] ?? '';
  const decoded = fullyDecoded(path);
  return (
    path.startsWith('/') &&
    !path.startsWith('//') &&
    decoded !== null &&
    !decoded.startsWith('//') &&
    !decoded.includes('\\') &&
    !SPACE_OR_CONTROL.test(decoded) &&
    // A path never needs an encoded slash or backslash: refuse them rather than guess how a proxy reads them.
    !/%(2f|5c)/i.test(path) &&
    // Nor do dot segments, written or encoded, that would leave `//` once resolved.
    !new URL(decoded.replace(/%/g, '%25'), 'http://local.invalid').pathname.startsWith('//')
  );
}

/** Where a person lands after signing in when they were not on their way somewhere. */
export function homeFor(role: string): string {
  return isStaffRole(role as Role) ? '/staff' : '/account';
}
