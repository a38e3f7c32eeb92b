import type { ModuleRoutes } from '../../web/module.ts';

// The pages every service has: home, cookies, accessibility, privacy, contact, health.
const routes: ModuleRoutes = async (app, { services }) => {
  const pub = { config: { access: 'public' as const } };

  app.get('/', pub, async (_request, reply) => {
    const [organisations, priorities] = await Promise.all([
      services.organisations.listedCount(),
      services.place.priorities(),
    ]);
    return reply.view('pages/views/home.njk', { title: 'Home', organisations, priorities });
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

  // For load balancers and monitoring: the database answers and its schema is current. Outside the request budget,
  // so that it answers within a second however busy the pages are.
  app.get('/health', { config: { access: 'public', budget: false } }, async (_request, reply) => {
    const health = await services.health.check();
    reply.header('cache-control', 'no-store');
    if (!health.ok) return reply.code(503).send({ status: 'database unreachable', database: health.error });
    const pending = health.pendingMigrations;
    const ok = pending.length === 0;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'migrations pending',
      database: health.busy ? 'busy' : 'ok',
      pendingMigrations: pending,
    });
  });
};

export default routes;
