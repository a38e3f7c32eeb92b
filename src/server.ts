import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { STALE_AFTER_MS } from './imports/jobs.ts';
import { forgetOldFormKeys } from './kernel/mutation.ts';
import type { Runtime } from './runtime.ts';

/** Listens, delivers e-mail from the outbox in the background, and shuts down gracefully on a signal. */
export async function startServer(runtime: Runtime): Promise<FastifyInstance> {
  const { config, place, services } = runtime;
  const app = await buildApp({ config, place, services });
  // Uploads a crash left behind go now, not a day later (after `buildApp`, whose start closes abandoned imports).
  app.addHook('onReady', async () => {
    const removed = await services.jobs.clearUploadsLeftBehind().catch((error) => {
      app.log.warn({ err: error }, 'clearing uploads left behind failed');
      return 0;
    });
    if (removed) app.log.info({ files: removed }, 'removed uploads left behind when the platform last stopped');
  });
  const timer = setInterval(() => {
    services.outbox.deliverPending().catch((error) => app.log.error({ err: error }, 'outbox delivery failed'));
  }, 5000);
  timer.unref();
  // Hourly: needs digests (each person gets at most one a day) and the keys of create forms sent over a day ago.
  const digests = setInterval(() => {
    void services.needs.sendDigests().catch((e) => app.log.error({ err: e }, 'needs digest failed'));
    void forgetOldFormKeys(runtime.handle.db).catch((e) => app.log.error({ err: e }, 'forgetting form keys failed'));
  }, 3_600_000);
  digests.unref();
  // Another process (or this one, restarted within a minute) may have died with an import running.
  const recovery = setInterval(
    () => void services.jobs.recover().catch((e) => app.log.error({ err: e }, 'closing abandoned imports failed')),
    STALE_AFTER_MS,
  );
  recovery.unref();
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    clearInterval(timer);
    clearInterval(digests);
    clearInterval(recovery);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close(); // stops accepting, lets requests in flight finish
      await services.jobs.stopAll(); // imports roll back and say so, rather than lose their database mid-way
      await runtime.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  return app;
}
