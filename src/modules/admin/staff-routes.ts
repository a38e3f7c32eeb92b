import type { FastifyInstance } from 'fastify';
import { ADMIN, allows, STAFF } from '../../web/access.ts';
import type { RouteServices } from '../../web/module.ts';
import { REGISTER_IMPORTERS } from '../organisations/registers/access.ts';
import { SPEND_IMPORTERS } from '../spend/import/access.ts';

// The staff home, which says what is waiting, and the administration dashboard.
export async function staffRoutes(app: FastifyInstance, services: RouteServices) {
  const { accounts, outbox } = services;
  const admin = { config: { access: ADMIN } };

  app.get('/staff', { config: { access: STAFF } }, async (request, reply) => {
    const role = request.user!.role;
    const [verification, review, contributions, questions] = await Promise.all([
      services.organisations.verificationQueue(),
      services.spendResolution.waitingCount(),
      services.needs.waiting(),
      services.opportunities.unansweredClarifications(),
    ]);
    return reply.view('admin/views/staff.njk', {
      title: 'Staff home',
      isAdmin: role === 'admin',
      // The roles the import pages themselves let in.
      canImportSpend: allows(SPEND_IMPORTERS, role),
      canImportRegisters: allows(REGISTER_IMPORTERS, role),
      verification: verification.length,
      waiting: { review, contributions, questions },
    });
  });

  app.get('/admin', admin, async (_request, reply) => {
    const [users, pendingEmails] = await Promise.all([accounts.counts(), outbox.unsentCount()]);
    const counts = { users: users.users, disabledUsers: users.disabled, pendingEmails };
    return reply.view('admin/views/dashboard.njk', { title: 'Administration', counts });
  });
}
