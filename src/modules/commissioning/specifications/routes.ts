import type { FastifyReply, FastifyRequest } from 'fastify';
import { STAFF } from '../../../web/access.ts';
import { formErrors, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import {
  commentForm,
  coproducerForm,
  hideForm,
  newSpecificationForm,
  parseWorkshop,
  versionForm,
  workshopRoles,
} from './forms.ts';
import { directions, frequencies, indicatorForm, outcomeForm } from './framework.ts';
import { emptySections, normaliseSections, sectionHints, sectionKeys, sectionLabels } from './sections.ts';
import { type FrameworkChange, statusLabels } from './service.ts';

type Slug = { Params: { slug: string } };
type Body = Record<string, unknown>;
type Form = { errors: Record<string, string>; errorList?: unknown[]; values: Record<string, unknown> };

const publishedRefusal = {
  ok: false,
  status: 409,
  message: 'This specification has been published, so it can no longer be changed.',
} as const;

/** The confirmation after a change to the outcomes framework, saying when it made a version and reset sign-offs. */
function frameworkMessage(done: string, change: FrameworkChange) {
  if (change.version === null) return done;
  if (change.signOffsReset > 0) {
    return `${done}. This is version ${change.version}: sign-offs were reset, so every co-producer needs to sign off version ${change.version}`;
  }
  return `${done}. This is version ${change.version}, for the co-producers to sign off`;
}

const common = { sectionKeys, sectionLabels, sectionHints, statusLabels, directions, frequencies, workshopRoles };

const routes: ModuleRoutes = async (app, { services }) => {
  const specs = services.specifications;

  app.get('/specifications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const rows = await specs.list(actorOf(request));
    return reply.view('commissioning/specifications/views/list.njk', { ...common, title: 'Specifications', rows });
  });

  async function newForm(reply: FastifyReply, needSlug: string) {
    const need = needSlug ? await specs.needBySlug(needSlug) : undefined;
    if (!need) {
      return reply.errorPage(404, 'Choose a needs assessment first', [
        'A specification is drafted from a needs assessment. Open the needs assessment and choose "Draft a specification".',
      ]);
    }
    return reply.view('commissioning/specifications/views/new.njk', {
      ...common,
      title: 'Draft a specification',
      need,
      values: { ...emptySections(), title: '', note: '' },
      errors: {},
    });
  }

  app.get<{ Querystring: { need?: string } }>(
    '/specifications/new',
    { config: { access: STAFF } },
    async (request, reply) => newForm(reply, String(request.query.need ?? '')),
  );
  app.get<Slug>('/needs/:slug/specifications/new', { config: { access: STAFF } }, async (request, reply) =>
    newForm(reply, request.params.slug),
  );

  app.post<{ Body: Body }>('/specifications/new', { config: { access: STAFF } }, async (request, reply) => {
    const need = await specs.needBySlug(String(request.body?.need ?? ''));
    if (!need) {
      return reply.errorPage(404, 'Choose a needs assessment first', [
        'A specification is drafted from a needs assessment. Open the needs assessment and choose "Draft a specification".',
      ]);
    }
    const form = parseForm(newSpecificationForm, request.body);
    if (!form.ok) {
      return reply.code(400).view('commissioning/specifications/views/new.njk', {
        ...common,
        title: 'Draft a specification',
        need,
        ...form,
      });
    }
    const { title, note, need: needSlug } = form.data;
    const result = await specs.create(actorOf(request), {
      needSlug,
      title,
      note,
      sections: normaliseSections(form.data),
    });
    if (!result.ok) return refuse(reply, result);
    return reply.seeOther(`/specifications/${result.slug}`, 'Specification drafted as version 1');
  });

  async function showPage(request: FastifyRequest<Slug>, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const page = await specs.page(viewerOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    const commentsBySection = Object.fromEntries(
      sectionKeys.map((key) => [key, page.comments.filter((c) => c.section === key)]),
    );
    const chosen = String((extra.commentForm as { values?: Body } | undefined)?.values?.section ?? '');
    const commentSectionItems = [
      { value: '', text: 'Choose a section' },
      ...sectionKeys.map((key) => ({ value: key, text: sectionLabels[key], selected: chosen === key })),
    ];
    return reply.view('commissioning/specifications/views/show.njk', {
      ...common,
      title: page.spec.title,
      ...page,
      commentsBySection,
      commentSectionItems,
      opportunities: await services.opportunities.forSpecification(page.spec.id),
      chain: await services.chain.forSpecification(page.spec.id, { staff: page.isStaff }),
      values: {},
      errors: {},
      ...extra,
    });
  }

  app.get<Slug>('/specifications/:slug', { config: { access: 'public' } }, (request, reply) =>
    showPage(request, reply),
  );

  app.get<Slug>('/specifications/:slug/edit', { config: { access: STAFF } }, async (request, reply) => {
    const page = await specs.page(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit)
      return refuse(reply, {
        ok: false,
        status: 409,
        message: 'This specification has been published, so it can no longer be changed.',
      });
    return reply.view('commissioning/specifications/views/edit.njk', {
      ...common,
      title: 'Edit the specification',
      spec: page.spec,
      current: page.current,
      signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
      values: { ...page.current.sections, note: '' },
      errors: {},
    });
  });

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/edit',
    { config: { access: STAFF } },
    async (request, reply) => {
      const actor = actorOf(request);
      const rerender = async (form: {
        errors: Record<string, string>;
        errorList: unknown[];
        values: Record<string, unknown>;
      }) => {
        const page = await specs.page(actor, request.params.slug);
        if (!page.ok) return refuse(reply, page);
        return reply.code(400).view('commissioning/specifications/views/edit.njk', {
          ...common,
          title: 'Edit the specification',
          spec: page.spec,
          current: page.current,
          signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
          ...form,
        });
      };
      const form = parseForm(versionForm, request.body);
      if (!form.ok) return rerender(form);
      const result = await specs.saveVersion(actor, request.params.slug, {
        sections: normaliseSections(form.data),
        note: form.data.note,
      });
      if (!result.ok) {
        if (result.issues) return rerender(formErrors(result.issues, request.body ?? {}));
        return refuse(reply, result);
      }
      const message =
        result.signOffsReset > 0
          ? `Version ${result.number} saved. Sign-offs were reset: every co-producer needs to sign off the new version`
          : `Version ${result.number} saved`;
      return reply.seeOther(`/specifications/${request.params.slug}`, message);
    },
  );

  app.get<Slug>('/specifications/:slug/versions', { config: { access: 'public' } }, async (request, reply) => {
    const result = await specs.versions(viewerOf(request), request.params.slug);
    if (!result.ok) return refuse(reply, result);
    return reply.view('commissioning/specifications/views/versions.njk', {
      ...common,
      title: 'Versions',
      ...result,
    });
  });

  app.get<{ Params: { slug: string; a: string; b: string } }>(
    '/specifications/:slug/versions/:a/compare/:b',
    { config: { access: 'public' } },
    async (request, reply) => {
      const a = Number(request.params.a);
      const b = Number(request.params.b);
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < 1) {
        return reply.errorPage(404, 'Page not found', ['There is no such version.']);
      }
      const result = await specs.compare(viewerOf(request), request.params.slug, a, b);
      if (!result.ok) return refuse(reply, result);
      return reply.view('commissioning/specifications/views/compare.njk', {
        ...common,
        title: `Changes from version ${a} to version ${b}`,
        ...result,
      });
    },
  );

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/coproducers',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(coproducerForm, request.body);
      if (!form.ok) return showPage(request, reply.code(400), { ...form, invite: form });
      const result = await specs.inviteCoproducer(actorOf(request), request.params.slug, {
        email: form.data.email,
        roleLabel: form.data.role_label,
      });
      if (!result.ok) {
        if (result.issues) {
          const failed = formErrors(result.issues, request.body ?? {});
          return showPage(request, reply.code(400), { ...failed, invite: failed });
        }
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/specifications/${request.params.slug}#coproducers`,
        `${result.name} is invited as a co-producer`,
      );
    },
  );

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/comments',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const form = parseForm(commentForm, request.body);
      if (!form.ok) return showPage(request, reply.code(400), { ...form, commentForm: form });
      const result = await specs.comment(actorOf(request), request.params.slug, form.data);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/specifications/${request.params.slug}#section-${form.data.section}`,
        'Your comment has been added',
      );
    },
  );

  app.post<{ Params: { slug: string; commentId: string }; Body: Body }>(
    '/specifications/:slug/comments/:commentId/hide',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(hideForm, request.body);
      if (!form.ok)
        return reply.errorPage(400, 'There is a problem', ['Say why the comment is hidden, then try again.']);
      const result = await specs.hideComment(
        actorOf(request),
        request.params.slug,
        request.params.commentId,
        form.data.reason,
      );
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/specifications/${request.params.slug}`, 'The comment is hidden');
    },
  );

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/sign-off',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const version = Number(request.body?.version);
      const result = await specs.signOff(actorOf(request), request.params.slug, version);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/specifications/${request.params.slug}#sign-off`,
        result.allSignedOff
          ? 'You have signed off this version. Every co-producer has now signed it off'
          : 'You have signed off this version',
      );
    },
  );

  app.get<Slug>('/specifications/:slug/workshops/new', { config: { access: STAFF } }, async (request, reply) => {
    const page = await specs.page(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    return reply.view('commissioning/specifications/views/workshop.njk', {
      ...common,
      title: 'Record a co-production workshop',
      spec: page.spec,
      values: {},
      errors: {},
    });
  });

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/workshops/new',
    { config: { access: STAFF } },
    async (request, reply) => {
      const parsed = parseWorkshop(request.body ?? {});
      if (!parsed.ok) {
        const page = await specs.page(actorOf(request), request.params.slug);
        if (!page.ok) return refuse(reply, page);
        const form = formErrors(parsed.issues, request.body ?? {});
        if (form.errors['held_on'])
          form.errorList = form.errorList.map((e) => (e.href === '#held_on' ? { ...e, href: '#held_on-day' } : e));
        return reply.code(400).view('commissioning/specifications/views/workshop.njk', {
          ...common,
          title: 'Record a co-production workshop',
          spec: page.spec,
          ...form,
        });
      }
      const result = await specs.recordWorkshop(actorOf(request), request.params.slug, parsed.data);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/specifications/${request.params.slug}#workshops`, 'Workshop recorded');
    },
  );

  app.post<Slug & { Body: Body }>(
    '/specifications/:slug/outcomes',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(outcomeForm, request.body);
      if (!form.ok) return showPage(request, reply.code(400), { ...form, outcomeForm: form });
      const result = await specs.addOutcome(actorOf(request), request.params.slug, form.data);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/specifications/${request.params.slug}/outcomes/${result.id}/indicators/new`,
        frameworkMessage('Outcome added', result).concat('. Now add how it will be measured'),
      );
    },
  );

  type OutcomeParams = { Params: { slug: string; outcomeId: string } };
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
    const page = await specs.page(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) return refuse(reply, publishedRefusal);
    return reply.view('commissioning/specifications/views/indicator.njk', {
      ...common,
      title: 'Add an indicator',
      ...result,
      signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
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
      const result = await specs.addIndicator(
        actorOf(request),
        request.params.slug,
        request.params.outcomeId,
        form.data,
      );
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
    const page = await specs.page(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) return refuse(reply, publishedRefusal);
    return reply.view('commissioning/specifications/views/outcome.njk', {
      ...common,
      title: 'Change the outcome',
      ...result,
      signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
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

  type IndicatorParams = { Params: { slug: string; outcomeId: string; indicatorId: string } };

  async function changeIndicatorPage(request: FastifyRequest<IndicatorParams>, reply: FastifyReply, form?: Form) {
    const { slug, outcomeId, indicatorId } = request.params;
    const result = await specs.indicator(actorOf(request), slug, outcomeId, indicatorId);
    if (!result.ok) return refuse(reply, result);
    const page = await specs.page(actorOf(request), slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) return refuse(reply, publishedRefusal);
    const i = result.indicator;
    return reply.view('commissioning/specifications/views/indicator.njk', {
      ...common,
      title: 'Change the indicator',
      ...result,
      changing: true,
      signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
      ...(form ?? {
        values: {
          name: i.name,
          unit: i.unit,
          baseline: i.baseline ?? '',
          target: i.target ?? '',
          direction: i.direction ?? '',
          frequency: i.frequency ?? '',
          data_source: i.data_source ?? '',
          disaggregated_by_ward: i.disaggregated_by_ward ? 'yes' : 'no',
          disaggregated_by_group: i.disaggregated_by_group ? 'yes' : 'no',
        },
        errors: {},
      }),
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
    const page = await specs.page(actorOf(reply.request), slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) return refuse(reply, publishedRefusal);
    return reply.view('commissioning/specifications/views/remove.njk', {
      ...common,
      title: `Remove this ${what.kind}`,
      spec: page.spec,
      what,
      signedOffCount: page.coproducers.filter((c) => c.signedOffCurrent).length,
      hasCoproducers: page.coproducers.length > 0,
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

  app.post<Slug>('/specifications/:slug/publish', { config: { access: STAFF } }, async (request, reply) => {
    const result = await specs.publish(actorOf(request), request.params.slug);
    if (!result.ok) {
      if ('missing' in result && result.missing) {
        return showPage(request, reply.code(400), { errorList: result.missing, publishRefused: true });
      }
      return refuse(reply, result);
    }
    return reply.seeOther(`/specifications/${request.params.slug}`, 'The specification is published');
  });
};

export default routes;
