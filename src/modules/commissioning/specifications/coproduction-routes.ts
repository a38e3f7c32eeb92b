import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse } from '../../../web/refusal.ts';
import { commentForm, coproducerForm, hideForm, parseWorkshop } from './forms.ts';
import { specificationPage } from './pages.ts';
import { common } from './present.ts';

// Co-production of a specification: inviting co-producers, their comments and sign-off, and workshops.

type Slug = { Params: { slug: string } };
type Body = Record<string, unknown>;

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const coproductionRoutes: ModuleRoutes = async (app, { services }) => {
  const specs = services.specifications;
  const showPage = specificationPage(services);

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
      const actor = actorOf(request);
      const once = formOnce(request.body, 'specification.comment', actor.id);
      const result = await specs.comment(actor, request.params.slug, form.data, once);
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
      const actor = actorOf(request);
      const once = formOnce(request.body, 'specification.workshop', actor.id);
      const result = await specs.recordWorkshop(actor, request.params.slug, parsed.data, once);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/specifications/${request.params.slug}#workshops`, 'Workshop recorded');
    },
  );
};

export default coproductionRoutes;
