import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/db/schema.ts';
import { allows, STAFF } from '../src/web/access.ts';
import { createTestContext, type TestContext } from './support/app.ts';

// The permission matrix: every route in the app × every role. Routes come from the app's own route
// table (filled from each route's `config.access`), so routes added by any module are covered without
// touching this file.

const ROLES: (Role | null)[] = [null, 'resident', 'vcs_member', 'officer', 'commissioner', 'admin'];
const ROLE_REFUSED = 'You do not have permission to see this page';
const FORM_EXPIRED = 'Your form has expired';

let t: TestContext;
let csrf: { cookie: string; token: string };
const userIds = new Map<Role, string>();

beforeAll(async () => {
  t = await createTestContext();
  for (const role of ROLES) {
    if (!role) continue;
    const client = await t.as(role, { email: `matrix-${role}@example.test` });
    userIds.set(role, client.userId!);
  }
  // One CSRF secret and token, shared by every request: with it, a 403 can only be a refusal of the role.
  const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
  const cookie = (page.cookies as { name: string; value: string }[]).find((c) => c.name === '_csrf');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!cookie || !token) throw new Error('The sign-in page did not give a CSRF token');
  csrf = { cookie: `_csrf=${cookie.value}`, token };
});
afterAll(async () => t?.close());

/** Harmless values for path parameters: a random uuid for ids, a slug that cannot exist for the rest. */
function fill(url: string): string {
  return url
    .replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string) => (/id$/i.test(name) ? randomUUID() : 'no-such-thing'))
    .replace(/\*/g, 'no-such-thing');
}

type Cell = { role: Role | null; status: number; ok: boolean; why: string };

/** A new session for each request: a route such as sign-out must not spoil the next request. */
async function call(method: string, url: string, role: Role | null, withCsrf = true) {
  const cookies = [withCsrf ? csrf.cookie : ''];
  if (role) cookies.push(`sid=${(await t.services.sessions.create(userIds.get(role)!)).token}`);
  const isGet = method === 'GET' || method === 'HEAD';
  const token = withCsrf && role && !isGet ? await tokenFor(cookies.join('; ')) : csrf.token;
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: {
      cookie: cookies.filter(Boolean).join('; '),
      ...(isGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(isGet ? {} : { payload: withCsrf ? `_csrf=${encodeURIComponent(token)}` : '' }),
  });
}

/** A CSRF token is tied to its session: the one a page shows to that session, with the shared secret. */
async function tokenFor(cookie: string): Promise<string> {
  const page = await t.app.inject({ method: 'GET', url: '/cookies', headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error('A signed-in page did not give a CSRF token');
  return token;
}

function judge(
  method: string,
  allowed: boolean,
  role: Role | null,
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
): Omit<Cell, 'role' | 'status'> {
  const status = res.statusCode;
  if (!allowed) {
    if (role === null) {
      if (method === 'GET') {
        const ok = status === 303 && String(res.headers.location).startsWith('/sign-in?next=');
        return { ok, why: 'anonymous GET must be sent to /sign-in' };
      }
      return { ok: status === 401, why: 'anonymous POST must get 401' };
    }
    return { ok: status === 403 && res.body.includes(ROLE_REFUSED), why: 'wrong role must get 403' };
  }
  if (status === 401) return { ok: false, why: 'allowed role got 401' };
  if (status === 403 && res.body.includes(ROLE_REFUSED)) return { ok: false, why: 'allowed role refused' };
  if (status === 403 && res.body.includes(FORM_EXPIRED)) return { ok: false, why: 'valid CSRF token refused' };
  if (status >= 500) return { ok: false, why: 'server error' };
  return { ok: true, why: '' };
}

function accessLabel(access: unknown): string {
  return Array.isArray(access) ? access.join('|') : String(access);
}

function matrixTable(rows: { method: string; url: string; access: unknown; cells: Cell[] }[]): string {
  const head = ['route', 'access', ...ROLES.map((r) => r ?? 'anonymous')];
  const body = rows.map((r) => [
    `${r.method} ${r.url}`,
    accessLabel(r.access),
    ...r.cells.map((c) => `${c.status}${c.ok ? '' : '✗'}`),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const problems = rows.flatMap((r) =>
    r.cells
      .filter((c) => !c.ok)
      .map((c) => `  ${r.method} ${r.url} as ${c.role ?? 'anonymous'}: ${c.status} (${c.why})`),
  );
  return ['', line(head), ...body.map(line), '', 'Problems:', ...problems].join('\n');
}

describe('the permission matrix', () => {
  it('knows the routes of every module', () => {
    const table = t.app.routeTable;
    const has = (method: string, url: string) => table.some((r) => r.method === method && r.url === url);
    expect(table.length).toBeGreaterThan(20);
    expect(has('GET', '/admin/users')).toBe(true);
    expect(has('POST', '/admin/users/:id/role')).toBe(true);
    expect(has('GET', '/staff')).toBe(true);
    expect(has('GET', '/account')).toBe(true);
    expect(has('GET', '/admin/priorities')).toBe(true);
    // Cancelling an opportunity: for those who may publish one.
    const cancel = table.filter((r) => r.url === '/opportunities/:slug/cancel');
    expect(cancel.map((r) => r.method).sort()).toEqual(['GET', 'POST']);
    expect(cancel.map((r) => r.access)).toEqual([STAFF, STAFF]);
    expect(table.find((r) => r.method === 'POST' && r.url === '/opportunities/:slug/publish')?.access).toBe(STAFF);
    // Removing a member of an assessment panel: for those who may add one.
    const adding = table.find((r) => r.method === 'POST' && r.url === '/opportunities/:slug/assessment/panel')?.access;
    expect(adding).toEqual(['commissioner']);
    const removing = table.filter((r) => r.url === '/opportunities/:slug/assessment/panel/:userId/remove');
    expect(removing.map((r) => r.method).sort()).toEqual(['GET', 'POST']);
    expect(removing.map((r) => r.access)).toEqual([adding, adding]);
    // What a member may do for an organisation: changed by those who may manage its members.
    const grants = table.filter((r) => r.url === '/organisations/:slug/members/:userId/permissions');
    expect(grants.map((r) => r.method).sort()).toEqual(['GET', 'POST']);
    expect(grants.map((r) => r.access)).toEqual([
      ['vcs_member', 'officer'],
      ['vcs_member', 'officer'],
    ]);
    expect(table.every((r) => r.access !== undefined)).toBe(true);
  });

  it('lets each role do exactly what each route declares', async () => {
    const rows: { method: string; url: string; access: unknown; cells: Cell[] }[] = [];
    const seen = new Set<string>();
    for (const route of t.app.routeTable) {
      const key = `${route.method} ${route.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const url = fill(route.url);
      const cells: Cell[] = [];
      for (const role of ROLES) {
        const res = await call(route.method, url, role);
        const allowed = allows(route.access, role);
        cells.push({ role, status: res.statusCode, ...judge(route.method, allowed, role, res) });
      }
      rows.push({ method: route.method, url: route.url, access: route.access, cells });
    }
    const failing = rows.filter((r) => r.cells.some((c) => !c.ok));
    expect(failing.length, matrixTable(rows)).toBe(0);
    // The matrix exercised both sides: refusals and admissions.
    const all = rows.flatMap((r) => r.cells);
    expect(all.some((c) => c.status === 403)).toBe(true);
    expect(all.some((c) => c.status === 401)).toBe(true);
    expect(all.some((c) => c.status === 200)).toBe(true);
  }, 300_000); // every route × every role: grows with the platform

  it('refuses every change of state without a CSRF token, even from a role that may make it', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of t.app.routeTable) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(route.method)) continue;
      const role: Role = 'admin'; // admins are allowed everywhere, so only the token is missing
      const res = await call(route.method, fill(route.url), role, false);
      checked++;
      if (res.statusCode !== 403 || !res.body.includes(FORM_EXPIRED)) {
        problems.push(`${route.method} ${route.url}: ${res.statusCode}`);
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(problems, `Accepted without a CSRF token:\n${problems.join('\n')}`).toEqual([]);
  }, 120_000);

  it('refuses a POST without CSRF to a signed-in user of the right role', async () => {
    const officer = await t.as('admin');
    const res = await officer.post('/admin/invitations', { email: 'x@example.test', role: 'officer' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(FORM_EXPIRED);
    const withToken = await officer.post('/admin/invitations', { email: 'x@example.test', role: 'officer' });
    expect(withToken.statusCode).toBe(303);
  });
});
