import { isUuid } from '../../kernel/ids.ts';
import { toOrganization, toOrganizationIdentifier, toPage } from './openreferral.ts';
import type { Query } from './present.ts';
import type { DirectoryPages } from './route-context.ts';

// The directory as Open Referral UK, for other services to read.
export async function openReferralRoutes(pages: DirectoryPages) {
  const { app, organisations } = pages;

  // ---- Open Referral UK. ----

  app.get<{ Querystring: Query }>(
    '/open-data/openreferral/organizations',
    { config: { access: 'public' } },
    async (request, reply) => {
      const page = Number([request.query.page ?? '1'].flat()[0]);
      const perPage = Number([request.query.per_page ?? '50'].flat()[0]);
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 500) {
        return reply
          .code(400)
          .send({ error: 'page must be a whole number from 1, and per_page a whole number from 1 to 500' });
      }
      const { rows, total } = await organisations.openReferralPage({ limit: perPage, offset: (page - 1) * perPage });
      return reply.header('access-control-allow-origin', '*').send(
        toPage(
          rows.map((r) => toOrganization(r, organisations.pageUrl(r.slug))),
          { total, page, perPage },
        ),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/open-data/openreferral/organizations/:id',
    { config: { access: 'public' } },
    async (request, reply) => {
      const org = isUuid(request.params.id) ? await organisations.getById(request.params.id) : undefined;
      if (!org?.listed || org.status !== 'active') return reply.code(404).send({ error: 'Not found' });
      const profile = (await organisations.get(org.slug))!;
      return reply.header('access-control-allow-origin', '*').send({
        ...toOrganization(profile, organisations.pageUrl(profile.slug)),
        organization_identifiers: profile.identifiers.map((i) => toOrganizationIdentifier(profile.id, i)),
      });
    },
  );
}
