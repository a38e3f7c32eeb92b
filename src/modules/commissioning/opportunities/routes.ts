import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStaff } from '../../../kernel/actor.ts';
import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import { pageNumber, pagination } from '../../admin/present.ts';
import { serviceAreas } from '../../place/codelists.ts';
import { draftRoutes } from './draft-routes.ts';
import { atomFeed } from './feed.ts';
import { answerForm, cancelForm, clarificationForm, listStatuses, parseDetails, parseFilters } from './forms.ts';
import { acceptsClarifications } from './lifecycle.ts';
import { type Body, choices, detailsErrors, empty, type Form, type Slug, VIEWS } from './pages.ts';
import {
  criteriaTable,
  draftsTable,
  moneyText,
  routes as opportunityRoutes,
  reachTables,
  statusLabels,
} from './present.ts';
import { PAGE_SIZE } from './service.ts';

const routes: ModuleRoutes = async (app, { services }) => {
  const opps = services.opportunities;
  // Documents for bidders are only accepted here, bounded by size.

  // ---- Creating from a specification ----

  async function createPage(request: FastifyRequest<Slug>, reply: FastifyReply, form: Form = empty()) {
    const found = await opps.fromSpecification(actorOf(request), request.params.slug);
    if (!found.ok) return refuse(reply, found);
    if (found.missing.length) {
      return reply.code(400).view(`${VIEWS}/not-ready.njk`, {
        title: 'This specification is not ready',
        spec: found.spec,
        // The specification's own links point into its page.
        missing: found.missing.map((m) => ({
          ...m,
          href: m.href.startsWith('#') ? `/specifications/${found.spec.slug}${m.href}` : m.href,
        })),
      });
    }
    return reply.view(`${VIEWS}/details.njk`, {
      title: 'Create an opportunity',
      spec: found.spec,
      action: `/specifications/${found.spec.slug}/opportunity`,
      backLink: `/specifications/${found.spec.slug}`,
      creating: true,
      ...(await choices(services, form.values)),
      ...form,
    });
  }

  app.get<Slug>('/specifications/:slug/opportunity', { config: { access: STAFF } }, (request, reply) =>
    createPage(request, reply, { ...empty(), values: { title: '', closes_time: '17:00' } }),
  );

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/opportunity',
    { config: { access: STAFF } },
    async (request, reply) => {
      const body = request.body ?? {};
      const parsed = parseDetails(body);
      if (!parsed.ok) return createPage(request, reply.code(400), detailsErrors(parsed.issues, body));
      const actor = actorOf(request);
      const once = formOnce(request.body, 'opportunity.create', actor.id);
      const result = await opps.create(actor, request.params.slug, parsed.data, once);
      if (!result.ok) {
        if (result.issues) return createPage(request, reply.code(400), detailsErrors(result.issues, body));
        if (result.missing) return createPage(request, reply);
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/opportunities/${result.slug}`,
        'Draft opportunity created. Add its lots, questions and criteria, then publish it',
      );
    },
  );

  // ---- Public list and feed ----

  app.get<{ Querystring: Record<string, unknown> }>(
    '/opportunities',
    { config: { access: 'public' } },
    async (request, reply) => {
      const wards = await services.place.wards();
      const { filters, errors, values } = parseFilters(
        request.query ?? {},
        wards.map((w) => w.code),
      );
      const page = pageNumber(request.query?.page);
      const { rows, total } = await opps.search(filters, page);
      const form = formErrors(errors, values);
      return reply.view(`${VIEWS}/list.njk`, {
        title: 'Funding opportunities',
        rows,
        total,
        errors: form.errors,
        errorList: form.errorList,
        values,
        filtered: Object.values(values).some(Boolean),
        staff: isStaff(request.user),
        wardItems: [
          { value: '', text: 'Any ward' },
          ...wards.map((w) => ({ value: w.code, text: w.name, selected: values.ward === w.code })),
        ],
        serviceAreaItems: [
          { value: '', text: 'Any service area' },
          ...serviceAreas.map((a) => ({ value: a.code, text: a.label, selected: values.service_area === a.code })),
        ],
        statusItems: [
          { value: '', text: 'Any, except cancelled' },
          ...listStatuses.map((s) => ({ value: s.code, text: s.label, selected: values.status === s.code })),
        ],
        routeItems: [
          { value: '', text: 'Any type', checked: !values.route },
          ...opportunityRoutes.map((r) => ({ value: r.code, text: r.label, checked: values.route === r.code })),
        ],
        pages: pagination('/opportunities', values, page, page * PAGE_SIZE < total),
      });
    },
  );

  app.get('/opportunities.atom', { config: { access: 'public' } }, async (_request, reply) => {
    const rows = await opps.feed();
    const xml = atomFeed({
      baseUrl: services.config.baseUrl,
      title: `Funding opportunities – ${services.place.config.serviceName}`,
      rows,
    });
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });

  app.get<{ Querystring: { page?: string } }>(
    '/opportunities/drafts',
    { config: { access: STAFF } },
    async (request, reply) => {
      const page = pageNumber(request.query?.page);
      const { rows, total } = await opps.drafts(actorOf(request), page);
      return reply.view(`${VIEWS}/drafts.njk`, {
        table: draftsTable(rows, total),
        title: 'Draft opportunities',
        rows,
        total,
        pages: pagination('/opportunities/drafts', {}, page, page * PAGE_SIZE < total),
      });
    },
  );

  // ---- The opportunity's page: the public page, or the draft's overview for staff ----

  async function showPage(request: FastifyRequest<Slug>, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(request);
    const o = await opps.viewable(viewer, request.params.slug);
    if (!o) return reply.errorPage(404, 'Page not found', ['There is no such opportunity.']);
    const staff = isStaff(viewer);
    const [reach, answered, waiting, canAsk, check, unanswered, onPanel, cancellable] = await Promise.all([
      opps.reach(o),
      opps.publicClarifications(o.id),
      opps.myWaitingClarifications(viewer, o.id),
      opps.canAsk(viewer),
      staff && o.status === 'draft' ? opps.publishCheck(viewer!, o.slug) : Promise.resolve(null),
      staff ? opps.unansweredCount(o.id) : Promise.resolve(0),
      viewer ? services.assessment.isMember(o.id, viewer.id) : Promise.resolve(false),
      staff && o.status !== 'draft' ? opps.cancelCheck(viewer!, o.slug).then((c) => c.ok) : Promise.resolve(false),
    ]);
    const chain = await services.chain.forOpportunity(o.id, viewer);
    return reply.view(`${VIEWS}/show.njk`, {
      title: o.title,
      o,
      reach,
      reachTables: reachTables(reach),
      answered,
      waiting,
      staff,
      canAsk: canAsk && acceptsClarifications(o),
      clarificationsOpen: acceptsClarifications(o),
      missing: check?.ok ? check.missing : [],
      unanswered,
      onPanel,
      cancellable,
      criteriaTable: criteriaTable(o.criteria),
      chain,
      statusLabels,
      pounds: moneyText,
      clarification: empty(),
      ...extra,
    });
  }

  app.get<Slug>('/opportunities/:slug', { config: { access: 'public' } }, (request, reply) => showPage(request, reply));

  await draftRoutes(app, { services });

  // ---- Publishing ----

  async function publishPage(request: FastifyRequest<Slug>, reply: FastifyReply, refused = false) {
    const check = await opps.publishCheck(actorOf(request), request.params.slug);
    if (!check.ok) return refuse(reply, check);
    if (check.opportunity.status !== 'draft') {
      return refuse(reply, { ok: false, status: 409, message: 'This opportunity has already been published.' });
    }
    return reply.view(`${VIEWS}/publish.njk`, {
      title: 'Publish the opportunity',
      o: check.opportunity,
      missing: check.missing,
      reach: check.reach,
      refused,
      errorList: refused ? check.missing : [],
      backLink: `/opportunities/${check.opportunity.slug}`,
    });
  }
  app.get<Slug>('/opportunities/:slug/publish', { config: { access: STAFF } }, (request, reply) =>
    publishPage(request, reply),
  );
  app.post<Slug>('/opportunities/:slug/publish', { config: { access: STAFF } }, async (request, reply) => {
    const result = await opps.publish(actorOf(request), request.params.slug);
    if (!result.ok) {
      if ('missing' in result && result.missing) return publishPage(request, reply.code(400), true);
      return refuse(reply, result);
    }
    return reply.seeOther(`/opportunities/${request.params.slug}`, 'The opportunity is published and open for bids');
  });

  // ---- Cancelling a published opportunity ----

  async function cancelPage(request: FastifyRequest<Slug>, reply: FastifyReply, form: Form = empty()) {
    const check = await opps.cancelCheck(actorOf(request), request.params.slug);
    if (!check.ok) return refuse(reply, check, { 409: 'This opportunity cannot be cancelled' });
    return reply.view(`${VIEWS}/cancel.njk`, {
      title: 'Cancel this opportunity',
      o: check.opportunity,
      applications: check.applications,
      backLink: `/opportunities/${check.opportunity.slug}`,
      ...form,
    });
  }
  app.get<Slug>('/opportunities/:slug/cancel', { config: { access: STAFF } }, (request, reply) =>
    cancelPage(request, reply),
  );
  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/cancel',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(cancelForm, request.body);
      if (!form.ok) return cancelPage(request, reply.code(400), form);
      const result = await opps.cancel(actorOf(request), request.params.slug, form.data.reason);
      if (!result.ok) return refuse(reply, result, { 409: 'This opportunity cannot be cancelled' });
      return reply.seeOther(
        `/opportunities/${request.params.slug}`,
        'The opportunity is cancelled. Applicants and people who asked questions have been told',
      );
    },
  );

  // ---- Clarification questions ----

  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/clarifications',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const form = parseForm(clarificationForm, request.body);
      if (!form.ok) return showPage(request, reply.code(400), { clarification: form, errorList: form.errorList });
      const actor = actorOf(request);
      const once = formOnce(request.body, 'clarification.ask', actor.id);
      const result = await opps.askClarification(actor, request.params.slug, form.data.question, undefined, once);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/opportunities/${request.params.slug}#clarifications`,
        'Your question has been sent. You will get an email when it is answered, and the answer will be shown here for everyone',
      );
    },
  );

  async function clarificationsPage(
    request: FastifyRequest<Slug>,
    reply: FastifyReply,
    forms: Record<string, Form> = {},
  ) {
    const result = await opps.clarificationsToAnswer(actorOf(request), request.params.slug);
    if (!result.ok) return refuse(reply, result);
    return reply.view(`${VIEWS}/clarifications.njk`, {
      title: 'Clarification questions to answer',
      o: result.opportunity,
      rows: result.rows,
      forms,
      errorList: Object.values(forms).flatMap((f) => f.errorList),
      backLink: `/opportunities/${result.opportunity.slug}`,
    });
  }
  app.get<Slug>('/opportunities/:slug/clarifications', { config: { access: STAFF } }, (request, reply) =>
    clarificationsPage(request, reply),
  );
  app.post<{ Params: { slug: string; clarificationId: string }; Body: Body }>(
    '/opportunities/:slug/clarifications/:clarificationId/answer',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, clarificationId } = request.params;
      const form = parseForm(answerForm, request.body);
      if (!form.ok) {
        const f = {
          ...form,
          errors: { [`answer-${clarificationId}`]: form.errors.answer ?? '' },
          errorList: form.errorList.map((e) => ({ ...e, href: `#answer-${clarificationId}` })),
        };
        return clarificationsPage(request as unknown as FastifyRequest<Slug>, reply.code(400), {
          [clarificationId]: f,
        });
      }
      const result = await opps.answerClarification(actorOf(request), slug, clarificationId, form.data.answer);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/opportunities/${slug}/clarifications`,
        'Answer published on the opportunity page. The person who asked has been told',
      );
    },
  );
};

export default routes;
