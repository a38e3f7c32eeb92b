import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { modules } from './modules/index.ts';
import type { PlaceConfig } from './modules/place/config.ts';
import type { Services } from './services.ts';
import { webPlugin } from './web/plugin.ts';

export type AppOptions = { config: Config; place: PlaceConfig; services: Services; logger?: boolean | object };

// In a terminal outside production people read the log: a short readable line each. Anywhere else (production, a
// file, a log collector) it stays one JSON object a line.
function loggerOptions(config: Config): object {
  if (config.env === 'production' || !process.stdout.isTTY) return { level: config.logLevel };
  return {
    level: config.logLevel,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
    },
  };
}

// Builds the whole app without listening: tests call `inject`, the server calls `listen`.
export async function buildApp({ config, place, services, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? loggerOptions(config),
    // Forwarded headers are believed only from the proxies named in TRUST_PROXY: by default, from none.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  await app.register(webPlugin, { config, place, sessions: services.sessions });
  for (const module of modules) await app.register(module, { services });
  // Imports left running by a process that died are closed with a message that says what to do.
  app.addHook('onReady', async () => {
    const closed = await services.jobs.recover();
    if (closed) app.log.warn({ jobs: closed }, 'closed imports left running when the platform last stopped');
  });
  return app;
}

/** Trusts the nearest `hops` proxies, as Fastify does for a number (which its types do not accept). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;
