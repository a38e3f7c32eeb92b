import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../db/schema.ts';
import { formatDateTime } from '../../kernel/dates.ts';
import { isUuid } from '../../kernel/ids.ts';
import { STAFF_ROLES } from '../../kernel/roles.ts';
import { ADMIN, roleLabels, roles } from '../../web/access.ts';
import { formErrors, parseForm } from '../../web/forms.ts';
import type { RouteServices } from '../../web/module.ts';
import { toGovukTable } from '../../web/table.ts';
import { EMAIL_PATTERN } from '../accounts/rules.ts';
import { escapeHtml, pageNumber, pagination } from './present.ts';

const roleField = z.enum(roles as [Role, ...Role[]], { error: 'Select a role' });
const staffRoleField = z.enum(STAFF_ROLES, { error: 'Select a role: officer, commissioner or administrator' });

const invitationForm = z.object({
  email: z
    .string({ error: 'Enter the email address of the person to invite' })
    .trim()
    .min(1, 'Enter the email address of the person to invite')
    .max(254, 'Email address must be 254 characters or fewer')
    .regex(EMAIL_PATTERN, 'Enter an email address in the correct format, like name@example.com'),
  role: staffRoleField,
});

const roleHints: Record<Role, string> = {
  resident: 'Takes part as a resident.',
  vcs_member: 'Works or volunteers for a voluntary or community organisation.',
  officer: 'Works for the infrastructure body: verifies organisations, runs networks and training.',
  commissioner: 'Works for the council: needs assessments, specifications, opportunities and awards.',
  admin: 'Can do everything, including managing accounts.',
};

// Accounts: finding people, changing their role, disabling them, and inviting staff.
export async function userRoutes(app: FastifyInstance, services: RouteServices) {
  const { accounts } = services;
  const admin = { config: { access: ADMIN } };

  // ---- Users ----

  app.get<{ Querystring: { q?: string; role?: string; page?: string } }>(
    '/admin/users',
    admin,
    async (request, reply) => {
      const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
      const role = roles.includes(request.query.role as Role) ? (request.query.role as Role) : undefined;
      const page = pageNumber(request.query.page);
      const result = await accounts.listUsers({ q: q || undefined, role, page });
      type Row = (typeof result.rows)[number];
      const table = toGovukTable<Row>({
        caption: 'Accounts',
        columns: [
          {
            header: 'Name',
            value: (r) => r.name,
            html: (r) => `<a class="govuk-link" href="/admin/users/${r.id}">${escapeHtml(r.name)}</a>`,
          },
          { header: 'Email address', value: (r) => r.email },
          { header: 'Role', value: (r) => roleLabels[r.role] },
          {
            header: 'Status',
            value: (r) =>
              r.disabled_at
                ? 'Disabled'
                : !r.has_password
                  ? 'Invited'
                  : r.email_confirmed_at
                    ? 'Active'
                    : 'Email not confirmed',
          },
          { header: 'Created', value: (r) => formatDateTime(r.created_at) },
        ],
        rows: result.rows,
      });
      return reply.view('admin/views/users.njk', {
        title: 'Users',
        backLink: '/admin',
        q,
        role: role ?? '',
        total: result.total,
        roleItems: [{ value: '', text: 'Any role' }, ...roles.map((r) => ({ value: r, text: roleLabels[r] }))],
        table,
        pages: pagination('/admin/users', { q, role }, page, result.hasNext),
      });
    },
  );

  async function userPage(
    reply: FastifyReply,
    id: string,
    actorId: string,
    form: { errors?: Record<string, string>; errorList?: unknown[]; values?: Record<string, unknown> } = {},
    status = 200,
  ) {
    const account = isUuid(id) ? await accounts.getAccount(id) : undefined;
    if (!account) return reply.errorPage(404, 'Page not found', ['There is no such user.']);
    return reply.code(status).view('admin/views/user.njk', {
      title: account.name,
      backLink: '/admin/users',
      account,
      isSelf: account.id === actorId,
      roleItems: roles.map((r) => ({ value: r, text: roleLabels[r], hint: { text: roleHints[r] } })),
      values: {},
      ...form,
    });
  }

  app.get<{ Params: { id: string } }>('/admin/users/:id', admin, async (request, reply) =>
    userPage(reply, request.params.id, request.user!.id),
  );

  app.post<{ Params: { id: string } }>('/admin/users/:id/role', admin, async (request, reply) => {
    const { id } = request.params;
    if (!isUuid(id)) return reply.errorPage(404, 'Page not found', ['There is no such user.']);
    const form = parseForm(z.object({ role: roleField }), request.body);
    if (!form.ok) return userPage(reply, id, request.user!.id, form, 400);
    const result = await accounts.setRole({ userId: request.user!.id }, id, form.data.role);
    if (!result.ok) {
      if (result.status === 404) return reply.errorPage(404, 'Page not found', ['There is no such user.']);
      return userPage(reply, id, request.user!.id, formErrors([result], form.data), 400);
    }
    return reply.seeOther(
      `/admin/users/${id}`,
      result.changed ? `Role changed to ${roleLabels[form.data.role].toLowerCase()}` : 'The role was already set',
    );
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/users/:id/${action}`, admin, async (request, reply) => {
      const { id } = request.params;
      if (!isUuid(id)) return reply.errorPage(404, 'Page not found', ['There is no such user.']);
      const result = await accounts.setDisabled({ userId: request.user!.id }, id, action === 'disable');
      if (!result.ok) {
        if (result.status === 404) return reply.errorPage(404, 'Page not found', ['There is no such user.']);
        return userPage(reply, id, request.user!.id, formErrors([result]), 400);
      }
      return reply.seeOther(
        `/admin/users/${id}`,
        action === 'disable' ? 'The account has been disabled' : 'The account has been enabled',
      );
    });
  }

  // ---- Invitations ----

  async function invitationsPage(reply: FastifyReply, form: Record<string, unknown> = { values: {} }, status = 200) {
    const pending = await accounts.pendingInvitations();
    type Row = (typeof pending)[number];
    return reply.code(status).view('admin/views/invitations.njk', {
      title: 'Invite staff',
      backLink: '/admin',
      roleItems: STAFF_ROLES.map((r) => ({ value: r, text: roleLabels[r], hint: { text: roleHints[r] } })),
      pending: toGovukTable<Row>({
        caption: 'Invitations not yet accepted',
        columns: [
          { header: 'Email address', value: (r) => r.email },
          { header: 'Role', value: (r) => (r.role ? roleLabels[r.role] : '') },
          { header: 'Invited by', value: (r) => r.invited_by_name ?? 'Command line' },
          { header: 'Sent', value: (r) => formatDateTime(r.created_at) },
          { header: 'Expires', value: (r) => formatDateTime(r.expires_at) },
        ],
        rows: pending,
      }),
      ...form,
    });
  }

  app.get('/admin/invitations', admin, async (_request, reply) => invitationsPage(reply));

  app.post('/admin/invitations', admin, async (request, reply) => {
    const form = parseForm(invitationForm, request.body);
    if (!form.ok) return invitationsPage(reply, form, 400);
    const result = await accounts.invite({ userId: request.user!.id }, form.data);
    if (!result.ok) return invitationsPage(reply, formErrors([result], form.data), 400);
    return reply.seeOther('/admin/invitations', `Invitation sent to ${form.data.email}`);
  });
}
