import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/index.ts';
import type { Role } from '../../src/db/schema.ts';
import type { DeliveryAdapter } from '../../src/modules/outbox/service.ts';
import { loadPlace } from '../../src/modules/place/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { testDatabase } from './db.ts';

export type TestContext = {
  app: FastifyInstance;
  services: Services;
  handle: DatabaseHandle;
  /** A signed-in client for a new user with this role. */
  as(role: Role | null, options?: { email?: string; name?: string }): Promise<TestClient>;
  close(): Promise<void>;
};

export const testConfig = () =>
  loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: 'test-secret-test-secret-test-secret!' });

/** The whole app on a fresh database of its own, with the place installed. */
export async function createTestContext(options: { mailAdapter?: DeliveryAdapter } = {}): Promise<TestContext> {
  const handle = await testDatabase();
  const config = testConfig();
  const place = loadPlace('croydon');
  const services = createServices({
    db: handle.db,
    config,
    place,
    mailAdapter: options.mailAdapter ?? { name: 'test', deliver: async () => {} },
  });
  await services.place.install();
  const app = await buildApp({ config, place, services, logger: false });
  await app.ready();
  let n = 0;
  return {
    app,
    services,
    handle,
    async as(role, opts = {}) {
      const client = new TestClient(app);
      if (role === null) return client;
      n++;
      const user = await handle.db
        .insertInto('app_user')
        .values({
          email: opts.email ?? `${role}-${n}-${Date.now()}@example.test`,
          name: opts.name ?? `Test ${role} ${n}`,
          role,
          password_hash: null,
          email_confirmed_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const session = await services.sessions.create(user.id);
      client.cookies.set('sid', session.token);
      client.userId = user.id;
      return client;
    },
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

/** Keeps cookies between requests and fills in the CSRF token for forms, as a browser would. */
export class TestClient {
  cookies = new Map<string, string>();
  userId: string | undefined;
  #csrf: string | undefined;
  constructor(private readonly app: FastifyInstance) {}

  #remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === '')
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match) this.#csrf = match[1];
    return response;
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    return this.#remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** Posts a form as a browser would; fetches a page first if no CSRF token has been seen yet. */
  async post(url: string, fields: Record<string, string | string[]> = {}, options: { csrf?: boolean } = {}) {
    if (options.csrf !== false && !this.#csrf) await this.get('/');
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
    if (options.csrf !== false && this.#csrf && !('_csrf' in fields)) body.append('_csrf', this.#csrf);
    return this.#remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }
}
