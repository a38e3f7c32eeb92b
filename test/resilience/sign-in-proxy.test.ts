import { expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from '../../src/config.ts';

// Which proxies' X-Forwarded-For the app believes (TRUST_PROXY). What the per-IP limits make of the header is tested
// in sign-in.integration.test.ts.

it('trusts no proxy unless TRUST_PROXY names addresses, ranges or a number of hops', () => {
  const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BASE_URL: 'https://example.test' };
  expect(loadConfig(production).trustProxy).toBe(false);
  expect(loadConfig({ ...production, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual([
    '10.0.0.1',
    '192.168.0.0/16',
  ]);
  expect(parseTrustProxy('2001:db8::/32')).toEqual(['2001:db8::/32']);
  expect(parseTrustProxy('1')).toBe(1);
  expect(parseTrustProxy('0')).toBe(false);
  for (const wrong of ['true', '*', 'proxy.example', '10.0.0.1/33', '10.0.0.1/8/1', '10.0.0.1,']) {
    expect(parseTrustProxy(wrong), wrong).toBeNull();
  }
  expect(() => loadConfig({ ...production, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
});
