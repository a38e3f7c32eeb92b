import type { FastifyReply, FastifyRequest } from 'fastify';
import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse } from '../../../web/refusal.ts';
import { aboutForm, parseBudget, parseCommitments, partnerForm, startForm, withdrawForm } from './forms.ts';
import { dashboardTable, receivedTable } from './present.ts';
import { penceToField } from './rules.ts';

type Body = Record<string, unknown>;
type Ref = { Params: { reference: string } };
type PartnerParams = { Params: { reference: string; organisationId: string } };

const VCS = ['vcs_member'] as const;
const BUDGET_SPARE_ROWS = 3;

const view = (name: string) => `commissioning/applications/views/${name}.njk`;

const routes: ModuleRoutes = async (app, { services }) => {
  const applications = services.applications;

  // Starting an application.

  async function startPage(
    request: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    form: Body = {},
  ) {
    const options = await applications.startOptions(actorOf(request), request.params.slug);
    if (!options.ok) return refuse(reply, options);
    const values = (form.values as Body | undefined) ?? { kind: 'single' };
    return reply.code(form.errors ? 400 : 200).view(view('start'), {
      title: `Apply: ${options.opportunity.title}`,
      ...options,
      values,
      errors: {},
      ...form,
    });
  }

  app.get<{ Params: { slug: string } }>('/opportunities/:slug/apply', { config: { access: VCS } }, (request, reply) =>
    startPage(request, reply),
  );

  app.post<{ Params: { slug: string }; Body: Body }>(
    '/opportunities/:slug/apply',
    { config: { access: VCS } },
    async (request, reply) => {
      const options = await applications.startOptions(actorOf(request), request.params.slug);
      const form = parseForm(startForm(options.ok ? options.lots.map((l) => l.id) : []), request.body);
      if (!form.ok) return startPage(request, reply, form);
      const actor = actorOf(request);
      const once = formOnce(request.body, 'application.start', actor.id);
      const input = { organisationId: form.data.organisation, lotId: form.data.lot || null, kind: form.data.kind };
      const result = await applications.start(actor, request.params.slug, input, undefined, once);
      if (!result.ok) {
        if (result.issues) return startPage(request, reply, formErrors(result.issues, request.body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/applications/${result.reference}`, `Application ${result.reference} started`);
    },
  );

  // The dashboard and the application's page.

  app.get('/applications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const dashboard = await applications.dashboard(actorOf(request));
    const table = dashboardTable(dashboard.applications);
    return reply.view(view('dashboard'), { title: 'Your applications', ...dashboard, table });
  });

  async function showPage(request: FastifyRequest<Ref>, reply: FastifyReply, extra: Body = {}) {
    const page = await applications.page(request.user ? actorOf(request) : null, request.params.reference);
    if (!page.ok) return refuse(reply, page);
    return reply.view(view('show'), { title: `Application ${page.application.reference}`, ...page, ...extra });
  }

  app.get<Ref>('/applications/:reference', { config: { access: 'signed-in' } }, (request, reply) =>
    showPage(request, reply),
  );

  /** A task page for the lead's members while the application is a draft. */
  async function editPage(
    request: FastifyRequest<Ref>,
    reply: FastifyReply,
    name: string,
    heading: string,
    extra: Body = {},
  ) {
    const page = await applications.page(actorOf(request), request.params.reference);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) {
      return refuse(reply, {
        ok: false,
        status: page.who.lead ? 409 : 403,
        message: page.who.lead
          ? (page.editRefusal ?? 'This application is no longer a draft, so it can no longer be changed.')
          : 'Only members of the lead organisation can change this application.',
      });
    }
    return reply.code(extra.errors && Object.keys(extra.errors as Body).length ? 400 : 200).view(view(name), {
      title: heading,
      ...page,
      values: {},
      errors: {},
      ...extra,
    });
  }

  // About the application.

  app.get<Ref>('/applications/:reference/about', { config: { access: VCS } }, async (request, reply) => {
    const app = await applications.byReference(request.params.reference);
    return editPage(request, reply, 'about', 'About the application', {
      values: { title: app?.title ?? '', requested: penceToField(app?.requested_pence) },
    });
  });

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/about',
    { config: { access: VCS } },
    async (request, reply) => {
      const page = await applications.page(actorOf(request), request.params.reference);
      const form = parseForm(aboutForm(page.ok ? page.limit : undefined), request.body);
      if (!form.ok) return editPage(request, reply, 'about', 'About the application', form);
      const result = await applications.saveAbout(actorOf(request), request.params.reference, {
        title: form.data.title,
        requestedPence: form.data.requested,
      });
      if (!result.ok) {
        if (result.issues)
          return editPage(request, reply, 'about', 'About the application', formErrors(result.issues, request.body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/applications/${request.params.reference}`, 'About the application saved');
    },
  );

  // Partners.

  async function partnersPage(
    request: FastifyRequest<Ref & { Querystring: { q?: string; organisation?: string } }>,
    reply: FastifyReply,
    extra: Body = {},
  ) {
    const values = (extra.values as Body | undefined) ?? {};
    const q = String(request.query?.q ?? values.q ?? '').trim();
    const page = await applications.page(actorOf(request), request.params.reference);
    const exclude = page.ok ? page.partners.map((p) => p.organisation_id) : [];
    const found = q ? await applications.searchOrganisations(q, exclude) : [];
    return editPage(request, reply, 'partners', 'Partners', { q, found, ...extra });
  }

  app.get<Ref & { Querystring: { q?: string; organisation?: string } }>(
    '/applications/:reference/partners',
    { config: { access: VCS } },
    (request, reply) => partnersPage(request, reply),
  );

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/partners',
    { config: { access: VCS } },
    async (request, reply) => {
      const organisationId = String(request.body?.organisation ?? '');
      const form = parseForm(partnerForm, request.body);
      if (!form.ok) return partnersPage(request as never, reply, form);
      if (!organisationId) {
        return partnersPage(
          request as never,
          reply,
          formErrors([{ field: 'q', message: 'Search for the partner organisation and choose it' }], request.body),
        );
      }
      const actor = actorOf(request);
      const once = formOnce(request.body, 'application_partner.add', actor.id);
      const input = { role: form.data.role, sharePence: form.data.share };
      const result = await applications.addPartner(actor, request.params.reference, organisationId, input, once);
      if (!result.ok) {
        if (result.issues) return partnersPage(request as never, reply, formErrors(result.issues, request.body));
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/applications/${request.params.reference}/partners`,
        `${result.name} added. Its members have been asked to confirm its part`,
      );
    },
  );

  async function partnerEditPage(request: FastifyRequest<PartnerParams>, reply: FastifyReply, extra: Body = {}) {
    const page = await applications.page(actorOf(request), request.params.reference);
    if (!page.ok) return refuse(reply, page);
    const partner = page.partners.find((p) => p.organisation_id === request.params.organisationId);
    if (!partner)
      return refuse(reply, { ok: false, status: 404, message: 'That organisation is not in this application.' });
    return editPage(request as never, reply, 'partner', `${partner.name}: role and share`, {
      partner,
      values: { role: partner.role, share: penceToField(partner.share_pence) },
      ...extra,
    });
  }

  app.get<PartnerParams>(
    '/applications/:reference/partners/:organisationId',
    { config: { access: VCS } },
    (request, reply) => partnerEditPage(request, reply),
  );

  app.post<PartnerParams & { Body: Body }>(
    '/applications/:reference/partners/:organisationId',
    { config: { access: VCS } },
    async (request, reply) => {
      const form = parseForm(partnerForm, request.body);
      if (!form.ok) return partnerEditPage(request, reply, form);
      const result = await applications.updatePartner(
        actorOf(request),
        request.params.reference,
        request.params.organisationId,
        { role: form.data.role, sharePence: form.data.share },
      );
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/applications/${request.params.reference}/partners`,
        result.reset ? `${result.name} changed. It has been asked to confirm again` : `${result.name} saved`,
      );
    },
  );

  app.post<PartnerParams>(
    '/applications/:reference/partners/:organisationId/remove',
    { config: { access: VCS } },
    async (request, reply) => {
      const result = await applications.removePartner(
        actorOf(request),
        request.params.reference,
        request.params.organisationId,
      );
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/applications/${request.params.reference}/partners`, `${result.name} removed`);
    },
  );

  for (const decision of ['confirm', 'decline'] as const) {
    app.post<PartnerParams>(
      `/applications/:reference/partners/:organisationId/${decision}`,
      { config: { access: VCS } },
      async (request, reply) => {
        const result = await applications.respond(
          actorOf(request),
          request.params.reference,
          request.params.organisationId,
          decision,
        );
        if (!result.ok) return refuse(reply, result);
        return decision === 'confirm'
          ? reply.seeOther(`/applications/${request.params.reference}`, `You confirmed ${result.name}’s part`)
          : reply.seeOther('/applications', `${result.name} declined. The lead organisation has been told`);
      },
    );
  }

  // Answers.

  app.get<Ref>('/applications/:reference/answers', { config: { access: VCS } }, async (request, reply) => {
    const page = await applications.page(actorOf(request), request.params.reference);
    const values = page.ok ? Object.fromEntries(page.answers.map((a) => [`answer-${a.question_id}`, a.body])) : {};
    return editPage(request, reply, 'answers', 'Answers to the questions', { values });
  });

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/answers',
    { config: { access: VCS } },
    async (request, reply) => {
      const body = request.body ?? {};
      const bodies: Record<string, string> = {};
      for (const [key, value] of Object.entries(body)) {
        if (key.startsWith('answer-')) bodies[key.slice('answer-'.length)] = String(value);
      }
      const result = await applications.saveAnswers(actorOf(request), request.params.reference, bodies);
      if (!result.ok) {
        if (result.issues)
          return editPage(request, reply, 'answers', 'Answers to the questions', formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/applications/${request.params.reference}`, 'Answers saved');
    },
  );

  // Budget.

  function budgetValues(lines: { heading: string; amount_pence: number }[]) {
    const values: Body = {};
    lines.forEach((l, i) => {
      values[`heading-${i}`] = l.heading;
      values[`amount-${i}`] = penceToField(l.amount_pence);
    });
    return values;
  }

  app.get<Ref>('/applications/:reference/budget', { config: { access: VCS } }, async (request, reply) => {
    const page = await applications.page(actorOf(request), request.params.reference);
    const lines = page.ok ? page.budget : [];
    return editPage(request, reply, 'budget', 'Budget', {
      values: budgetValues(lines),
      rows: lines.length + BUDGET_SPARE_ROWS,
    });
  });

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/budget',
    { config: { access: VCS } },
    async (request, reply) => {
      const body = request.body ?? {};
      const rows = Math.min(Number(body.rows) || BUDGET_SPARE_ROWS, 100);
      const { lines, issues } = parseBudget(body, rows);
      if (issues.length) {
        return editPage(request, reply, 'budget', 'Budget', { ...formErrors(issues, body), rows });
      }
      const result = await applications.saveBudget(actorOf(request), request.params.reference, lines);
      if (!result.ok) return refuse(reply, result);
      // "Add another line" keeps the applicant on the page with one more empty row.
      if (body.action === 'add') {
        return reply.seeOther(`/applications/${request.params.reference}/budget`, 'Budget saved');
      }
      return reply.seeOther(`/applications/${request.params.reference}`, 'Budget saved');
    },
  );

  // Outcome commitments.

  app.get<Ref>('/applications/:reference/commitments', { config: { access: VCS } }, async (request, reply) => {
    const page = await applications.page(actorOf(request), request.params.reference);
    const values: Body = {};
    if (page.ok) {
      for (const c of page.commitments) {
        values[`target-${c.indicator_id}`] = c.target ?? '';
        values[`note-${c.indicator_id}`] = c.note;
      }
    }
    return editPage(request, reply, 'commitments', 'Outcome commitments', { values });
  });

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/commitments',
    { config: { access: VCS } },
    async (request, reply) => {
      const body = request.body ?? {};
      const page = await applications.page(actorOf(request), request.params.reference);
      if (!page.ok) return refuse(reply, page);
      const { commitments, issues } = parseCommitments(body, page.commitments);
      if (issues.length)
        return editPage(request, reply, 'commitments', 'Outcome commitments', formErrors(issues, body));
      const result = await applications.saveCommitments(actorOf(request), request.params.reference, commitments);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/applications/${request.params.reference}`, 'Outcome commitments saved');
    },
  );

  // Check and submit.

  app.get<Ref>('/applications/:reference/check', { config: { access: VCS } }, (request, reply) =>
    editPage(request, reply, 'check', 'Check your application before you submit it'),
  );

  app.post<Ref>('/applications/:reference/submit', { config: { access: VCS } }, async (request, reply) => {
    const result = await applications.submit(actorOf(request), request.params.reference);
    if (!result.ok) {
      if (result.issues) {
        const page = await applications.page(actorOf(request), request.params.reference);
        if (!page.ok) return refuse(reply, page);
        return reply.code(result.status).view(view('check'), {
          title: 'Check your application before you submit it',
          ...page,
          refused: true,
          errorList: result.issues.map((i) => ({
            text: i.message,
            href: i.field === 'deadline' ? '#submit' : `#${i.field}`,
          })),
        });
      }
      return refuse(reply, result);
    }
    return reply.seeOther(`/applications/${request.params.reference}`, 'Application submitted');
  });

  // Withdrawing.

  async function withdrawPage(request: FastifyRequest<Ref>, reply: FastifyReply, extra: Body = {}) {
    const page = await applications.page(actorOf(request), request.params.reference);
    if (!page.ok) return refuse(reply, page);
    if (!page.canWithdraw) {
      return refuse(reply, {
        ok: false,
        status: page.who.lead ? 409 : 403,
        message: page.who.lead
          ? 'This application can no longer be withdrawn.'
          : 'Only members of the lead organisation can withdraw this application.',
      });
    }
    return reply.code(extra.errors ? 400 : 200).view(view('withdraw'), {
      title: 'Withdraw the application',
      ...page,
      values: {},
      errors: {},
      ...extra,
    });
  }

  app.get<Ref>('/applications/:reference/withdraw', { config: { access: VCS } }, (request, reply) =>
    withdrawPage(request, reply),
  );

  app.post<Ref & { Body: Body }>(
    '/applications/:reference/withdraw',
    { config: { access: VCS } },
    async (request, reply) => {
      const form = parseForm(withdrawForm, request.body);
      if (!form.ok) return withdrawPage(request, reply, form);
      const result = await applications.withdraw(actorOf(request), request.params.reference, form.data.reason);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/applications/${request.params.reference}`, 'Application withdrawn');
    },
  );

  // Staff: the applications received for an opportunity.

  app.get<{ Params: { slug: string } }>(
    '/opportunities/:slug/applications',
    { config: { access: STAFF } },
    async (request, reply) => {
      const opportunity = await services.opportunities.bySlug(request.params.slug);
      if (!opportunity) return refuse(reply, { ok: false, status: 404, message: 'There is no such opportunity.' });
      const { rows, totalRequested, hidden } = await applications.received(actorOf(request), opportunity.id);
      return reply.view(view('received'), {
        title: `Applications received: ${opportunity.title}`,
        opportunity,
        rows,
        table: receivedTable(rows, totalRequested, hidden),
      });
    },
  );
};

export default routes;
