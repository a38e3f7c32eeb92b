import type { FastifyReply } from 'fastify';
import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import coproductionRoutes from './coproduction-routes.ts';
import { newSpecificationForm, versionForm } from './forms.ts';
import { outcomeForm } from './framework.ts';
import outcomeRoutes from './outcome-routes.ts';
import { specificationPage } from './pages.ts';
import { common, frameworkMessage, listTable, versionSavedMessage, versionsTable } from './present.ts';
import { publishedRefusal } from './rules.ts';
import { emptySections, normaliseSections } from './sections.ts';

type Slug = { Params: { slug: string } };
type Body = Record<string, unknown>;

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const routes: ModuleRoutes = async (app, options) => {
  const { services } = options;
  const specs = services.specifications;
  await outcomeRoutes(app, options);
  await coproductionRoutes(app, options);
  const showPage = specificationPage(services);

  app.get('/specifications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const rows = await specs.list(actorOf(request));
    return reply.view('commissioning/specifications/views/list.njk', {
      ...common,
      title: 'Specifications',
      rows,
      table: listTable(rows),
    });
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
    const actor = actorOf(request);
    const once = formOnce(request.body, 'specification.create', actor.id);
    const result = await specs.create(actor, { needSlug, title, note, sections: normaliseSections(form.data) }, once);
    if (!result.ok) return refuse(reply, result);
    return reply.seeOther(`/specifications/${result.slug}`, 'Specification drafted as version 1');
  });

  app.get<Slug>('/specifications/:slug', { config: { access: 'public' } }, (request, reply) =>
    showPage(request, reply),
  );

  app.get<Slug>('/specifications/:slug/edit', { config: { access: STAFF } }, async (request, reply) => {
    const page = await specs.page(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    if (!page.canEdit) return refuse(reply, publishedRefusal());
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
      return reply.seeOther(`/specifications/${request.params.slug}`, versionSavedMessage(result));
    },
  );

  app.get<Slug>('/specifications/:slug/versions', { config: { access: 'public' } }, async (request, reply) => {
    const result = await specs.versions(viewerOf(request), request.params.slug);
    if (!result.ok) return refuse(reply, result);
    return reply.view('commissioning/specifications/views/versions.njk', {
      ...common,
      title: 'Versions',
      ...result,
      table: versionsTable(result.spec.slug, result.versions),
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
    '/specifications/:slug/outcomes',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(outcomeForm, request.body);
      if (!form.ok) return showPage(request, reply.code(400), { ...form, outcomeForm: form });
      const actor = actorOf(request);
      const once = formOnce(request.body, 'outcome.add', actor.id);
      const result = await specs.addOutcome(actor, request.params.slug, form.data, once);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/specifications/${request.params.slug}/outcomes/${result.id}/indicators/new`,
        frameworkMessage('Outcome added', result).concat('. Now add how it will be measured'),
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
