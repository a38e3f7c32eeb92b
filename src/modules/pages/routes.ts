import { sql } from 'kysely';
import { pendingMigrations } from '../../db/migrate.ts';
import type { ModuleRoutes } from '../../web/module.ts';

// The pages every service has: home, cookies, accessibility, privacy, contact, health.
const routes: ModuleRoutes = async (app, { services }) => {
  const pub = { config: { access: 'public' as const } };

  app.get('/', pub, async (_request, reply) => {
    const counts = await services.db
      .selectFrom('organisation')
      .select((eb) => eb.fn.countAll<number>().as('organisations'))
      .where('listed', '=', true)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const priorities = await services.place.priorities();
    return reply.view('pages/views/home.njk', {
      title: 'Home',
      organisations: Number(counts.organisations),
      priorities,
    });
  });

  for (const [path, template, title] of [
    ['/cookies', 'cookies', 'Cookies'],
    ['/accessibility', 'accessibility', 'Accessibility statement'],
    ['/privacy', 'privacy', 'Privacy notice'],
    ['/contact', 'contact', 'Contact us'],
    ['/open-data', 'open-data', 'Open data'],
  ] as const) {
    app.get(path, pub, async (_request, reply) => reply.view(`pages/views/${template}.njk`, { title }));
  }

  // For load balancers and monitoring: the database answers and its schema is current.
  app.get('/health', pub, async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      const pending = await pendingMigrations(services.db);
      const ok = pending.length === 0;
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'migrations pending', database: 'ok', pendingMigrations: pending });
    } catch (error) {
      return reply.code(503).send({ status: 'database unreachable', database: String((error as Error).message) });
    }
  });
};

export default routes;
