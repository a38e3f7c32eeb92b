import { describe, expect, it } from 'vitest';
import { createSignedLinks } from './signed-links.ts';

describe('signed links', () => {
  let now = new Date('2026-12-08T10:00:00Z');
  const links = createSignedLinks({ secret: 'a-test-secret-of-at-least-32-characters', now: () => now });
  const expiresAt = new Date('2026-12-08T11:00:00Z');

  it('say what they are for and whom they are about, until they expire', () => {
    const token = links.sign({ purpose: 'unsubscribe', subject: 'person-1', expiresAt });
    expect(links.verify(token, 'unsubscribe')).toEqual({ purpose: 'unsubscribe', subject: 'person-1', expiresAt });
    expect(links.verify(token, 'unlock-sign-in')).toBeNull();
    now = new Date('2026-12-08T11:00:00Z');
    expect(links.verify(token, 'unsubscribe')).toBeNull();
    now = new Date('2026-12-08T10:00:00Z');
  });

  it('refuse a changed token, another secret and anything malformed', () => {
    const token = links.sign({ purpose: 'unsubscribe', subject: 'person-1', expiresAt });
    const [body, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), s: 'person-2' }),
    ).toString('base64url');
    expect(links.verify(`${forged}.${signature}`, 'unsubscribe')).toBeNull();
    const other = createSignedLinks({ secret: 'another-secret-of-at-least-32-characters!', now: () => now });
    expect(other.verify(token, 'unsubscribe')).toBeNull();
    for (const junk of ['', 'a.b', 'a.b.c', '...', 42, undefined, `${token}x`]) {
      expect(links.verify(junk, 'unsubscribe')).toBeNull();
    }
  });

  it('work once where signed with the state they change', () => {
    const token = links.sign({ purpose: 'confirm-booking', subject: 'b-1', expiresAt, state: 'offered' });
    expect(links.verify(token, 'confirm-booking', 'offered')?.subject).toBe('b-1');
    // Using the link moved the booking on: the same link no longer works.
    expect(links.verify(token, 'confirm-booking', 'confirmed')).toBeNull();
    expect(links.verify(token, 'confirm-booking')).toBeNull();
    expect(links.peek(token)).toEqual({ purpose: 'confirm-booking', subject: 'b-1' });
  });
});
