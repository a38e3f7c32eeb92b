import { describe, expect, it } from 'vitest';
import { escapeHtml, pageNumber, pagination, serviceLinks } from './present.ts';

describe('admin page helpers', () => {
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('reads a page number, falling back to 1', () => {
    expect(pageNumber('3')).toBe(3);
    for (const bad of [undefined, '', '0', '-2', '1.5', 'abc', ['2'], '1e9']) expect(pageNumber(bad)).toBe(1);
  });

  it('links to the previous and next pages, keeping the filters', () => {
    expect(pagination('/admin/users', { q: 'a b', role: undefined }, 1, false)).toBeUndefined();
    expect(pagination('/admin/users', { q: 'a b', role: '' }, 1, true)).toEqual({
      next: { href: '/admin/users?q=a+b&page=2' },
    });
    expect(pagination('/admin/audit', { type: 'user' }, 2, false)).toEqual({
      previous: { href: '/admin/audit?type=user' },
    });
  });

  it('finds only links to this service in an e-mail', () => {
    const body =
      'Open http://localhost:3000/confirm-email?token=abc-123 now.\nNot https://evil.example/x or http://localhost:30001/x';
    expect(serviceLinks(body, 'http://localhost:3000')).toEqual(['http://localhost:3000/confirm-email?token=abc-123']);
  });
});
