import { isIP } from 'node:net';
import { z } from 'zod';

// Every setting comes from the environment; production refuses to start without the secrets it needs.
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./data'),
    PLACE: z.string().default('croydon'),
    BASE_URL: z.string().url().optional(),
    SESSION_SECRET: z.string().min(32).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAIL_ADAPTER: z.enum(['log', 'smtp']).default('log'),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('no-reply@partnership.localhost'),
    UPLOAD_LIMIT_MB: z.coerce.number().positive().default(200),
    STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    REQUEST_CONCURRENCY: z.coerce.number().int().positive().default(32),
    REQUEST_QUEUE: z.coerce.number().int().min(0).default(64),
    // The proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated, or a number of hops.
    TRUST_PROXY: z
      .string()
      .trim()
      .default('')
      .refine((value) => parseTrustProxy(value) !== null, {
        message: 'must be addresses or CIDR ranges separated by commas, or a number of proxies, like 1',
      }),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['SESSION_SECRET', 'BASE_URL'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required in production` });
    }
    if (env.MAIL_ADAPTER === 'smtp' && !env.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'SMTP_URL is required when MAIL_ADAPTER=smtp' });
    }
  });

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  place: string;
  baseUrl: string;
  sessionSecret: string;
  logLevel: string;
  mail: { adapter: 'log' | 'smtp'; smtpUrl: string | undefined; from: string };
  uploadLimitBytes: number;
  secureCookies: boolean;
  /**
   * Each request's time budget: its queries' statement timeout (0: none), how many requests are served at once, and
   * how many more may wait for a turn before the rest are asked to come back later (503).
   */
  requests: { statementTimeoutMs: number; concurrency: number; queue: number };
  /** Fastify's trustProxy: false (the client's address is the socket's), a number of hops, or proxy addresses. */
  trustProxy: false | number | string[];
};

/** TRUST_PROXY read as Fastify's trustProxy, or null when it is not valid. Empty trusts no proxy. */
export function parseTrustProxy(value: string): false | number | string[] | null {
  if (value === '') return false;
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    const [address, bits, extra] = entry.split('/');
    if (!address || extra !== undefined || !isIP(address)) return false;
    if (bits === undefined) return true;
    return /^\d+$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128);
  });
  return valid ? entries : null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`The configuration is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    place: e.PLACE,
    baseUrl: e.BASE_URL ?? `http://localhost:${e.PORT}`,
    // Outside production a fixed development secret keeps sessions across restarts.
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    logLevel: e.LOG_LEVEL,
    mail: { adapter: e.MAIL_ADAPTER, smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    uploadLimitBytes: e.UPLOAD_LIMIT_MB * 1024 * 1024,
    secureCookies: e.NODE_ENV === 'production',
    requests: {
      statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
      concurrency: e.REQUEST_CONCURRENCY,
      queue: e.REQUEST_QUEUE,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY) ?? false,
  };
}
