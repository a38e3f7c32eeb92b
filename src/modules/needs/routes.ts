import { isStaff } from '../../kernel/actor.ts';
import { STAFF } from '../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';
import { actorOf, refuse } from '../../web/refusal.ts';
import evidenceRoutes from './evidence-routes.ts';
import { assessmentForm, contributionForm, hideForm, respondForm } from './forms.ts';
import { CONTRIBUTORS, needsPages } from './pages.ts';
import { statusLabel } from './present.ts';
import { acceptsInput } from './rules.ts';

type SlugParams = { Params: { slug: string } };
type ContributionParams = { Params: { slug: string; contributionId: string } };

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const routes: ModuleRoutes = async (app, options) => {
  const { services } = options;
  const needs = services.needs;
  const { formChoices, editorView, editPage, showPage } = needsPages(services);
  await evidenceRoutes(app, options);

  app.get<{ Querystring: { ward?: string; priority?: string } }>(
    '/needs',
    { config: { access: 'public' } },
    async (request, reply) => {
      const ward = typeof request.query.ward === 'string' ? request.query.ward : '';
      const priorityText = typeof request.query.priority === 'string' ? request.query.priority : '';
      const priority = /^\d{1,9}$/.test(priorityText) ? Number(priorityText) : undefined;
      const staff = isStaff(request.user);
      const [items, choices] = await Promise.all([
        needs.list({ ward: ward || undefined, priority, includeDrafts: staff }),
        formChoices(),
      ]);
      const now = new Date();
      return reply.view('needs/views/list.njk', {
        title: 'Needs assessments',
        items: items.map((i) => ({ ...i, statusLabel: statusLabel(i.status), open: acceptsInput(i, now) })),
        wardItems: [
          { value: '', text: 'All wards' },
          ...choices.wards.map((w) => ({ value: w.code, text: w.name, selected: w.code === ward })),
        ],
        priorityItems: [
          { value: '', text: 'All priorities' },
          ...choices.priorities.map((p) => ({ value: String(p.id), text: p.title, selected: p.id === priority })),
        ],
        filtered: Boolean(ward || priority !== undefined),
        staff,
      });
    },
  );

  app.get('/needs/new', { config: { access: STAFF } }, async (_request, reply) =>
    editorView(reply, { values: { status: 'draft', coproduction_level: 'consultation' } }),
  );

  app.post('/needs/new', { config: { access: STAFF } }, async (request, reply) => {
    const form = parseForm(assessmentForm, request.body);
    if (!form.ok) return editorView(reply, { status: 400, ...form });
    const actor = actorOf(request);
    const once = formOnce(request.body, 'needs_assessment.create', actor.id);
    const result = await needs.create(actor, form.data, undefined, once);
    if (!result.ok) {
      return editorView(reply, {
        status: 400,
        ...formErrors([{ field: result.field ?? 'title', message: result.message }], form.data as never),
        values: request.body as Record<string, unknown>,
      });
    }
    return reply.seeOther(`/needs/${result.slug}/edit`, 'Needs assessment created. Add the evidence below.');
  });

  app.get<SlugParams>('/needs/:slug', { config: { access: 'public' } }, async (request, reply) =>
    showPage(request, reply, request.params.slug),
  );

  app.get<SlugParams>('/needs/:slug/edit', { config: { access: STAFF } }, async (request, reply) =>
    editPage(request, reply, request.params.slug),
  );

  app.post<SlugParams>('/needs/:slug/edit', { config: { access: STAFF } }, async (request, reply) => {
    const { slug } = request.params;
    const form = parseForm(assessmentForm, request.body);
    if (!form.ok) return editPage(request, reply, slug, { status: 400, ...form });
    const result = await needs.update(actorOf(request), slug, form.data);
    if (!result.ok) {
      if (result.status === 404) return refuse(reply, result);
      const errors = formErrors([{ field: result.field ?? 'title', message: result.message }]);
      return editPage(request, reply, slug, {
        status: 400,
        ...errors,
        values: request.body as Record<string, unknown>,
      });
    }
    return reply.seeOther(`/needs/${slug}`, 'Needs assessment saved');
  });

  app.post<SlugParams>('/needs/:slug/contributions', { config: { access: CONTRIBUTORS } }, async (request, reply) => {
    const { slug } = request.params;
    const form = parseForm(contributionForm, request.body);
    if (!form.ok) return showPage(request, reply, slug, { status: 400, ...form });
    const actor = actorOf(request);
    const once = formOnce(request.body, 'needs.contribute', actor.id);
    const result = await needs.contribute(actor, slug, form.data, undefined, once);
    if (!result.ok) {
      if (result.status === 409) {
        return showPage(request, reply, slug, {
          status: 409,
          ...formErrors([{ field: 'body', message: result.message }]),
          values: form.data,
        });
      }
      return refuse(reply, result);
    }
    // Back to the top of the page, where the success banner is (announced and focused, GOV.UK's pattern), not to
    // the contributions far below it.
    return reply.seeOther(
      `/needs/${slug}`,
      'Thank you: your contribution has been added. It is published with your name under Contributions.',
    );
  });

  app.post<SlugParams>('/needs/:slug/support', { config: { access: CONTRIBUTORS } }, async (request, reply) => {
    const { slug } = request.params;
    const result = await needs.support(actorOf(request), slug);
    if (!result.ok) {
      if (result.status === 409) {
        return showPage(request, reply, slug, {
          status: 409,
          ...formErrors([{ field: 'support', message: result.message }]),
        });
      }
      return refuse(reply, result);
    }
    return reply.seeOther(
      `/needs/${slug}`,
      result.already ? 'You already support this need' : 'Thank you: you support this need',
    );
  });

  app.post<ContributionParams>(
    '/needs/:slug/contributions/:contributionId/hide',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, contributionId } = request.params;
      const form = parseForm(hideForm, request.body);
      if (!form.ok) {
        return showPage(request, reply, slug, {
          status: 400,
          ...formErrors([{ field: `reason-${contributionId}`, message: form.errors.reason ?? '' }]),
        });
      }
      const result = await needs.hide(actorOf(request), slug, contributionId, form.data.reason);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/needs/${slug}#contributions`, 'Contribution hidden');
    },
  );

  app.post<ContributionParams>(
    '/needs/:slug/contributions/:contributionId/respond',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, contributionId } = request.params;
      const form = parseForm(respondForm, request.body);
      if (!form.ok) {
        return showPage(request, reply, slug, {
          status: 400,
          ...formErrors([{ field: `response-${contributionId}`, message: form.errors.response ?? '' }]),
        });
      }
      const result = await needs.respond(actorOf(request), slug, contributionId, form.data.response);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/needs/${slug}#contributions`,
        'Response saved: the contributor will be told in their next daily e-mail',
      );
    },
  );
};

export default routes;
