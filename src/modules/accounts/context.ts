import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { Role } from '../../db/schema.ts';
import { createMutate } from '../../kernel/mutation.ts';
import { type Refusal, type RefusalStatus, refusal } from '../../kernel/result.ts';
import { createSignedLinks } from '../../kernel/signed-links.ts';
import type { AuditService } from '../audit/service.ts';
import type { OutboxService } from '../outbox/service.ts';
import { confirmEmailMessage } from './emails.ts';
import { passwords as argon2, type Passwords } from './passwords.ts';
import * as q from './queries.ts';
import { normaliseEmail, TOKEN_LIFETIME_MS } from './rules.ts';
import { hashToken, newToken, type SessionService } from './sessions.ts';

// What the parts of the accounts service share: its dependencies, links, one-time tokens and refusals.

export type AccountDeps = {
  db: Database;
  config: Config;
  serviceName: string;
  audit: AuditService;
  outbox: OutboxService;
  sessions: SessionService;
  /** The clock the sign-in counters read; tests set it. */
  now?: () => Date;
  /** How passwords are hashed and checked; tests count the calls. */
  passwords?: Passwords;
};

/** Who started a change of accounts: a signed-in person, or the command line (no person). */
export type Initiator = { userId: string | null; source?: 'cli' | 'web' };

/** A refusal that belongs to one field of a form. */
export type Problem = Refusal & { field: string };
export const problem = (field: string, message: string, status: RefusalStatus = 400): Problem =>
  refusal(status, message, { field }) as Problem;

/** What the audit log keeps of where a change came from, when not a page. */
export const sourceOf = (by: Initiator) => (by.source ? { source: by.source } : {});

export function createAccountContext(deps: AccountDeps) {
  const { db, config, serviceName, outbox } = deps;
  const now = deps.now ?? (() => new Date());
  const passwords = deps.passwords ?? argon2;
  const signedLinks = createSignedLinks({ secret: config.sessionSecret, now });
  const link = (path: string, token?: string) =>
    `${config.baseUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  // Verifying against a real hash when there is no such user keeps a wrong e-mail as slow as a wrong password.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => {
    dummyHash ??= passwords.hash(randomBytes(16).toString('hex'));
    return dummyHash;
  };

  const byEmail = (email: string, trx: Database = db) => q.userByEmail(trx, normaliseEmail(email));

  async function issueToken(
    trx: Database,
    purpose: q.TokenPurpose,
    values: { email: string; userId?: string | null; role?: Role | null; invitedBy?: string | null },
  ): Promise<string> {
    const token = newToken();
    await q.insertToken(trx, {
      id: hashToken(token),
      purpose,
      email: values.email,
      userId: values.userId ?? null,
      role: values.role ?? null,
      invitedBy: values.invitedBy ?? null,
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS[purpose]),
    });
    return token;
  }

  const consumeToken = (trx: Database, token: string, purpose: q.TokenPurpose) =>
    q.consumeToken(trx, hashToken(token), purpose);

  const peekToken = (token: string, purpose: q.TokenPurpose) =>
    token ? q.liveToken(db, hashToken(token), purpose) : Promise.resolve(undefined);

  async function queueConfirmation(trx: Database, user: { id: string; email: string; name: string }) {
    const token = await issueToken(trx, 'confirm_email', { email: user.email, userId: user.id });
    await outbox.queue(
      { to: user.email, ...confirmEmailMessage({ serviceName, name: user.name, link: link('/confirm-email', token) }) },
      trx,
    );
  }

  return {
    ...deps,
    now,
    passwords,
    signedLinks,
    mutate: createMutate(deps),
    link,
    dummy,
    byEmail,
    issueToken,
    consumeToken,
    peekToken,
    queueConfirmation,
  };
}

export type AccountContext = ReturnType<typeof createAccountContext>;
