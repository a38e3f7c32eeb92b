import type { ModuleRoutes } from '../../../web/module.ts';

// OCDS open data: anyone may read and reuse it, from any web page.
const routes: ModuleRoutes = async (app, { services }) => {
  app.get('/open-data/ocds/releases.json', { config: { access: 'public' } }, async (_request, reply) =>
    reply
      .header('access-control-allow-origin', '*')
      .type('application/json; charset=utf-8')
      .send(await services.ocds.releasePackage()),
  );

  // An ocid holds hyphens, so the parameter is the whole last segment and ".json" is taken off here.
  app.get<{ Params: { file: string } }>(
    '/open-data/ocds/releases/:file',
    { config: { access: 'public' } },
    async (request, reply) => {
      const match = /^(ocds-[A-Za-z0-9-]+)\.json$/.exec(request.params.file);
      const found = match ? await services.ocds.releasePackageFor(match[1]!) : undefined;
      reply.header('access-control-allow-origin', '*').type('application/json; charset=utf-8');
      if (!found) return reply.code(404).send({ error: 'There is no published contracting process with that ocid.' });
      return reply.send(found);
    },
  );
};

export default routes;
