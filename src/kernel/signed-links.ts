import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Signed, expiring, single-purpose links (unlock a sign-in, unsubscribe, confirm a booking): the token carries what
// it is for, whom it is about and until when it works, signed with an HMAC of the session secret. Nothing is stored.
// A link for one purpose never works for another, and a changed or expired token is refused.
//
// Single use, where a purpose needs it: sign the link with a fingerprint of the state it changes (a lock's time, a
// booking's status). Using the link changes that state, so the same link no longer verifies. The state itself is not
// in the token, only its hash.

export type SignedLink = {
  purpose: string;
  subject: string;
  expiresAt: Date;
};

type Payload = { p: string; s: string; e: number; f?: string; n: string };

const encode = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const fingerprint = (state: string) => createHash('sha256').update(state).digest('base64url').slice(0, 22);

export function createSignedLinks(options: { secret: string; now?: () => Date }) {
  // A key of its own, derived from the session secret, so a link's signature can never pass for a cookie's.
  const key = createHmac('sha256', options.secret).update('signed-links').digest();
  const now = options.now ?? (() => new Date());
  const signature = (body: string) => createHmac('sha256', key).update(body).digest();

  return {
    /** A token for `purpose` about `subject`, working until `expiresAt` (and while `state` is unchanged, if given). */
    sign(link: SignedLink & { state?: string }): string {
      const payload: Payload = {
        p: link.purpose,
        s: link.subject,
        e: Math.floor(link.expiresAt.getTime() / 1000),
        n: randomBytes(6).toString('base64url'),
        ...(link.state === undefined ? {} : { f: fingerprint(link.state) }),
      };
      const body = encode(JSON.stringify(payload));
      return `${body}.${encode(signature(body))}`;
    },

    /**
     * What a token is about, when it is genuine, for `purpose`, unexpired and (when signed with a state) the state is
     * still `state`; null otherwise. Never throws on a malformed token.
     */
    verify(token: unknown, purpose: string, state?: string): SignedLink | null {
      if (typeof token !== 'string' || token.length > 2000) return null;
      const [body, sig, extra] = token.split('.');
      if (!body || !sig || extra !== undefined) return null;
      const expected = signature(body);
      const given = Buffer.from(sig, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
      } catch {
        return null;
      }
      if (payload.p !== purpose || typeof payload.s !== 'string' || typeof payload.e !== 'number') return null;
      if (payload.e * 1000 <= now().getTime()) return null;
      if (payload.f !== undefined && (state === undefined || payload.f !== fingerprint(state))) return null;
      return { purpose: payload.p, subject: payload.s, expiresAt: new Date(payload.e * 1000) };
    },

    /** The purpose and subject a token claims, unverified: only to decide which state to verify it against. */
    peek(token: unknown): { purpose: string; subject: string } | null {
      if (typeof token !== 'string' || token.length > 2000) return null;
      try {
        const payload = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Payload;
        return typeof payload.p === 'string' && typeof payload.s === 'string'
          ? { purpose: payload.p, subject: payload.s }
          : null;
      } catch {
        return null;
      }
    },
  };
}

export type SignedLinks = ReturnType<typeof createSignedLinks>;
