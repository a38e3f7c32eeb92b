import type { FastifyReply, FastifyRequest } from 'fastify';
import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse } from '../../../web/refusal.ts';
import { indicatorForm, outcomeForm } from './framework.ts';
import { common, frameworkMessage, indicatorValues } from './present.ts';
import { publishedRefusal } from './rules.ts';

// The pages of the outcomes framework beyond the specification's own page: adding an indicator, changing an outcome
// or indicator, and removing one (asked first on a page of its own, so that it works without JavaScript).

type Body = Record<string, unknown>;
type Form = { errors: Record<string, string>; errorList?: unknown[]; values: Record<string, unknown> };
type OutcomeParams = { Params: { slug: string; outcomeId: string } };
type IndicatorParams = { Params: { slug: string; outcomeId: string; indicatorId: string } };

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const outcomeRoutes: ModuleRoutes = async (app, { services }) => {
  const specs = services.specifications;

  /** The specification as its editor sees it, or the page that refuses: once published, nothing changes. */
  async function editing(request: FastifyRequest, reply: FastifyReply, slug: string) {
    const page = await specs.page(actorOf(request), slug);
    if (!page.ok) return { refused: refuse(reply, page) };
    if (!page.canEdit) return { refused: refuse(reply, publishedRefusal()) };
    const signedOffCount = page.coproducers.filter((c) => c.signedOffCurrent).length;
    return { page, signedOffCount };
  }

  async function indicatorPage(
    request: FastifyRequest<OutcomeParams>,
    reply: FastifyReply,
    form: Record<string, unknown> = {
      values: { disaggregated_by_ward: 'no', disaggregated_by_group: 'no' },
      errors: {},
    },
  ) {
    const result = await specs.outcome(actorOf(request), request.params.slug, request.params.outcomeId);
    if (!result.ok) return refuse(reply, result);
    const edit = await editing(request, reply, request.params.slug);
    if (!edit.page) return edit.refused;
    return reply.view('commissioning/specifications/views/indicator.njk', {
      ...common,
      title: 'Add an indicator',
      ...result,
      signedOffCount: edit.signedOffCount,
      ...form,
    });
  }

  app.get<OutcomeParams>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/new',
    { config: { access: STAFF } },
    (request, reply) => indicatorPage(request, reply),
  );

  app.post<OutcomeParams & { Body: Body }>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/new',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(indicatorForm, request.body);
      if (!form.ok) return indicatorPage(request, reply.code(400), form);
      const actor = actorOf(request);
      const once = formOnce(request.body, 'outcome_indicator.add', actor.id);
      const result = await specs.addIndicator(actor, request.params.slug, request.params.outcomeId, form.data, once);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/specifications/${request.params.slug}#outcomes`,
        frameworkMessage('Indicator added', result),
      );
    },
  );

  // ---- Changing and removing outcomes and indicators ----

  async function outcomePage(request: FastifyRequest<OutcomeParams>, reply: FastifyReply, form?: Form) {
    const result = await specs.outcome(actorOf(request), request.params.slug, request.params.outcomeId);
    if (!result.ok) return refuse(reply, result);
    const edit = await editing(request, reply, request.params.slug);
    if (!edit.page) return edit.refused;
    return reply.view('commissioning/specifications/views/outcome.njk', {
      ...common,
      title: 'Change the outcome',
      ...result,
      signedOffCount: edit.signedOffCount,
      ...(form ?? {
        values: { title: result.outcome.title, description: result.outcome.description },
        errors: {},
      }),
    });
  }

  app.get<OutcomeParams>('/specifications/:slug/outcomes/:outcomeId/edit', { config: { access: STAFF } }, (r, reply) =>
    outcomePage(r, reply),
  );

  app.post<OutcomeParams & { Body: Body }>(
    '/specifications/:slug/outcomes/:outcomeId/edit',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(outcomeForm, request.body);
      if (!form.ok) return outcomePage(request, reply.code(400), form);
      const { slug, outcomeId } = request.params;
      const result = await specs.updateOutcome(actorOf(request), slug, outcomeId, form.data);
      if (!result.ok) {
        if (result.issues) return outcomePage(request, reply.code(400), formErrors(result.issues, request.body ?? {}));
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/specifications/${slug}#outcome-${outcomeId}`,
        frameworkMessage('Outcome changed', result),
      );
    },
  );

  async function changeIndicatorPage(request: FastifyRequest<IndicatorParams>, reply: FastifyReply, form?: Form) {
    const { slug, outcomeId, indicatorId } = request.params;
    const result = await specs.indicator(actorOf(request), slug, outcomeId, indicatorId);
    if (!result.ok) return refuse(reply, result);
    const edit = await editing(request, reply, slug);
    if (!edit.page) return edit.refused;
    return reply.view('commissioning/specifications/views/indicator.njk', {
      ...common,
      title: 'Change the indicator',
      ...result,
      changing: true,
      signedOffCount: edit.signedOffCount,
      ...(form ?? { values: indicatorValues(result.indicator), errors: {} }),
    });
  }

  app.get<IndicatorParams>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/:indicatorId/edit',
    { config: { access: STAFF } },
    (request, reply) => changeIndicatorPage(request, reply),
  );

  app.post<IndicatorParams & { Body: Body }>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/:indicatorId/edit',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(indicatorForm, request.body);
      if (!form.ok) return changeIndicatorPage(request, reply.code(400), form);
      const { slug, outcomeId, indicatorId } = request.params;
      const result = await specs.updateIndicator(actorOf(request), slug, outcomeId, indicatorId, form.data);
      if (!result.ok) {
        if (result.issues) {
          return changeIndicatorPage(request, reply.code(400), formErrors(result.issues, request.body ?? {}));
        }
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/specifications/${slug}#outcome-${outcomeId}`,
        frameworkMessage('Indicator changed', result),
      );
    },
  );

  // Removing asks first, on a page of its own, so that it works without JavaScript.
  async function removePage(
    reply: FastifyReply,
    slug: string,
    what: { kind: 'outcome' | 'indicator'; name: string; action: string; indicators?: string[] },
  ) {
    const edit = await editing(reply.request, reply, slug);
    if (!edit.page) return edit.refused;
    return reply.view('commissioning/specifications/views/remove.njk', {
      ...common,
      title: `Remove this ${what.kind}`,
      spec: edit.page.spec,
      what,
      signedOffCount: edit.signedOffCount,
      hasCoproducers: edit.page.coproducers.length > 0,
    });
  }

  app.get<OutcomeParams>(
    '/specifications/:slug/outcomes/:outcomeId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, outcomeId } = request.params;
      const result = await specs.outcome(actorOf(request), slug, outcomeId);
      if (!result.ok) return refuse(reply, result);
      return removePage(reply, slug, {
        kind: 'outcome',
        name: result.outcome.title,
        action: `/specifications/${slug}/outcomes/${outcomeId}/remove`,
        indicators: result.outcome.indicators.map((i) => i.name),
      });
    },
  );

  app.post<OutcomeParams>(
    '/specifications/:slug/outcomes/:outcomeId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, outcomeId } = request.params;
      const result = await specs.removeOutcome(actorOf(request), slug, outcomeId);
      if (!result.ok) return refuse(reply, result, { 409: 'This outcome cannot be removed' });
      return reply.seeOther(`/specifications/${slug}#outcomes`, frameworkMessage('Outcome removed', result));
    },
  );

  app.get<IndicatorParams>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/:indicatorId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, outcomeId, indicatorId } = request.params;
      const result = await specs.indicator(actorOf(request), slug, outcomeId, indicatorId);
      if (!result.ok) return refuse(reply, result);
      return removePage(reply, slug, {
        kind: 'indicator',
        name: result.indicator.name,
        action: `/specifications/${slug}/outcomes/${outcomeId}/indicators/${indicatorId}/remove`,
      });
    },
  );

  app.post<IndicatorParams>(
    '/specifications/:slug/outcomes/:outcomeId/indicators/:indicatorId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, outcomeId, indicatorId } = request.params;
      const result = await specs.removeIndicator(actorOf(request), slug, outcomeId, indicatorId);
      if (!result.ok) return refuse(reply, result, { 409: 'This indicator cannot be removed' });
      return reply.seeOther(
        `/specifications/${slug}#outcome-${outcomeId}`,
        frameworkMessage('Indicator removed', result),
      );
    },
  );
};

export default outcomeRoutes;
