import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Refusal, refusal as refused } from '../../../kernel/result.ts';
import { STAFF } from '../../../web/access.ts';
import { asArray, formErrors } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse as refusePage } from '../../../web/refusal.ts';
import { panelsTable, panelTable, toScoreTable } from './present.ts';
import type { DecisionInput, ModerationInput, ScoreInput } from './service.ts';

type Slug = { Params: { slug: string } };
type SlugRef = { Params: { slug: string; reference: string } };
type Body = Record<string, unknown>;

// People not on a panel see the platform's usual refusal, as for any page their role does not open.
const refuse = (reply: FastifyReply, refusal: Refusal) =>
  refusePage(reply, refusal, { 403: 'You do not have permission to see this page' });
const VIEWS = 'commissioning/assessment/views';
const COMMISSIONER = ['commissioner' as const];
const refusal = (field: string, message: string): Refusal => refused(400, message, { issues: [{ field, message }] });
const empty = { errors: {}, errorList: [], values: {} };

/** A whole number typed into a form, or NaN. */
const whole = (v: unknown) => (/^\s*\d+\s*$/.test(String(v ?? '')) ? Number(String(v).trim()) : Number.NaN);

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const routes: ModuleRoutes = async (app, { services }) => {
  const assessment = services.assessment;

  async function overview(request: FastifyRequest<Slug>, reply: FastifyReply, form: object = empty) {
    const page = await assessment.overview(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    return reply.view(`${VIEWS}/overview.njk`, {
      title: `Assessment: ${page.opportunity.title}`,
      ...page,
      panelTable: panelTable(page.panel, page.opportunity.slug, page.panelOpen),
      ...form,
    });
  }

  app.get<Slug>('/opportunities/:slug/assessment', { config: { access: STAFF } }, overview);

  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/assessment/panel',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const email = String(request.body?.email ?? '').trim();
      const result = email
        ? await assessment.addMember(actorOf(request), request.params.slug, email)
        : refusal('email', 'Enter the email address of the person to add');
      if (!result.ok) {
        if (result.status === 400 && result.issues)
          return overview(request, reply.code(400), formErrors(result.issues, request.body ?? {}));
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}/assessment`, `${result.name} added to the panel`);
    },
  );

  // Removing a member: the same people who add them, before moderation starts.
  type Member = { Params: { slug: string; userId: string } };
  const cannotRemove = (reply: FastifyReply, refusal: Refusal) =>
    refusePage(reply, refusal, {
      403: 'You do not have permission to see this page',
      409: 'This person cannot be removed from the panel',
    });
  app.get<Member>(
    '/opportunities/:slug/assessment/panel/:userId/remove',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const page = await assessment.removalCheck(actorOf(request), request.params.slug, request.params.userId);
      if (!page.ok) return cannotRemove(reply, page);
      return reply.view(`${VIEWS}/remove.njk`, { title: `Remove ${page.member.name} from the panel?`, ...page });
    },
  );
  app.post<Member>(
    '/opportunities/:slug/assessment/panel/:userId/remove',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const result = await assessment.removeMember(actorOf(request), request.params.slug, request.params.userId);
      if (!result.ok) return cannotRemove(reply, result);
      return reply.seeOther(
        `/opportunities/${request.params.slug}/assessment`,
        `${result.name} removed from the panel`,
      );
    },
  );

  app.get('/panels', { config: { access: 'signed-in' } }, async (request, reply) => {
    const panels = await assessment.panelsFor(request.user!.id);
    return reply.view(`${VIEWS}/panels.njk`, { title: 'Your assessment panels', panels, table: panelsTable(panels) });
  });

  app.get<Slug>('/opportunities/:slug/panel', { config: { access: 'signed-in' } }, async (request, reply) => {
    const page = await assessment.panelPage(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    return reply.view(`${VIEWS}/panel.njk`, {
      title: `Assessment panel: ${page.opportunity.title}`,
      ...page,
      table: toScoreTable(page.opportunity.slug, page.applications, !!page.cancelled),
    });
  });

  async function declarationForm(request: FastifyRequest<Slug>, reply: FastifyReply, form: object = empty) {
    const page = await assessment.declarationPage(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    const values: Record<string, unknown> = { interests: page.declared.map((d) => d.application_id) };
    for (const d of page.declared) values[`detail-${d.application_id}`] = d.detail;
    if (page.member.declared_at) values.declaration = page.declared.length ? 'interests' : 'none';
    return reply.view(`${VIEWS}/declaration.njk`, {
      title: 'Declare your interests',
      ...page,
      errors: {},
      errorList: [],
      values,
      ...form,
    });
  }

  app.get<Slug>('/opportunities/:slug/panel/declaration', { config: { access: 'signed-in' } }, declarationForm);
  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/panel/declaration',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const body = request.body ?? {};
      const choice = String(body.declaration ?? '');
      const interests =
        choice === 'interests'
          ? asArray(body.interests).map((id) => ({ applicationId: id, detail: String(body[`detail-${id}`] ?? '') }))
          : [];
      const result =
        choice === 'none' || choice === 'interests'
          ? await assessment.declare(actorOf(request), request.params.slug, { none: choice === 'none', interests })
          : refusal('declaration', 'Say whether you have any interests to declare');
      if (!result.ok) {
        if (result.status === 400 && result.issues) {
          const form = formErrors(result.issues, { ...body, interests: asArray(body.interests) });
          return declarationForm(request, reply.code(400), form);
        }
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}/panel`, 'Declaration recorded');
    },
  );

  async function scoringForm(request: FastifyRequest<SlugRef>, reply: FastifyReply, form?: object) {
    const page = await assessment.scoringPage(actorOf(request), request.params.slug, request.params.reference);
    if (!page.ok) return refuse(reply, page);
    if (page.excluded) {
      return reply
        .code(form ? 403 : 200)
        .view(`${VIEWS}/excluded.njk`, { title: 'You cannot score this application', ...page });
    }
    const values: Record<string, unknown> = {};
    for (const s of page.own) {
      values[`score-${s.criterion_id}`] = String(s.score);
      values[`comment-${s.criterion_id}`] = s.comment;
    }
    return reply.view(`${VIEWS}/score.njk`, {
      title: `Score ${page.reference}`,
      // The application's parts for the shared summary; the opportunity (with its criteria) stays the panel's.
      ...page.application,
      ...page,
      errors: {},
      errorList: [],
      values,
      ...form,
    });
  }

  app.get<SlugRef>(
    '/opportunities/:slug/panel/applications/:reference',
    { config: { access: 'signed-in' } },
    (request, reply) => scoringForm(request, reply),
  );
  app.post<SlugRef & { Body: Body }>(
    '/opportunities/:slug/panel/applications/:reference',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const body = request.body ?? {};
      const ids = asArray(body.criteria);
      const input: ScoreInput[] = ids.map((id) => ({
        criterionId: id,
        score: whole(body[`score-${id}`]),
        comment: String(body[`comment-${id}`] ?? ''),
      }));
      const result = await assessment.score(actorOf(request), request.params.slug, request.params.reference, input);
      if (!result.ok) {
        if (result.status === 400 && result.issues)
          return scoringForm(request, reply.code(400), formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/opportunities/${request.params.slug}/panel/applications/${request.params.reference}`,
        'Your scores have been saved',
      );
    },
  );

  async function moderationForm(request: FastifyRequest<SlugRef>, reply: FastifyReply, form?: object) {
    const page = await assessment.moderationPage(actorOf(request), request.params.slug, request.params.reference);
    if (!page.ok) return refuse(reply, page);
    const values: Record<string, unknown> = {};
    for (const c of page.criteria) {
      if (!c.moderated) continue;
      values[`score-${c.id}`] = String(c.moderated.score);
      values[`note-${c.id}`] = c.moderated.note;
    }
    return reply.view(`${VIEWS}/moderate.njk`, {
      title: `Moderate ${page.application.reference}`,
      ...page,
      errors: {},
      errorList: [],
      values,
      ...form,
    });
  }

  app.get<SlugRef>(
    '/opportunities/:slug/assessment/applications/:reference',
    { config: { access: COMMISSIONER } },
    (request, reply) => moderationForm(request, reply),
  );
  app.post<SlugRef & { Body: Body }>(
    '/opportunities/:slug/assessment/applications/:reference',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const body = request.body ?? {};
      const input: ModerationInput[] = asArray(body.criteria).map((id) => ({
        criterionId: id,
        score: whole(body[`score-${id}`]),
        note: String(body[`note-${id}`] ?? ''),
      }));
      const result = await assessment.moderate(actorOf(request), request.params.slug, request.params.reference, input);
      if (!result.ok) {
        if (result.status === 400 && result.issues)
          return moderationForm(request, reply.code(400), formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}/assessment`, 'Agreed scores recorded');
    },
  );

  async function decisionForm(request: FastifyRequest<Slug>, reply: FastifyReply, form?: object) {
    const page = await assessment.decisionPage(actorOf(request), request.params.slug);
    if (!page.ok) return refuse(reply, page);
    return reply.view(`${VIEWS}/decisions.njk`, {
      title: `Decisions: ${page.opportunity.title}`,
      ...page,
      errors: {},
      errorList: [],
      values: {},
      ...form,
    });
  }

  app.get<Slug>('/opportunities/:slug/assessment/decisions', { config: { access: COMMISSIONER } }, (request, reply) =>
    decisionForm(request, reply),
  );
  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/assessment/decisions',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const body = request.body ?? {};
      const input: DecisionInput[] = asArray(body.applications).map((id) => {
        const outcome = String(body[`outcome-${id}`] ?? '');
        return {
          applicationId: id,
          outcome: outcome === 'successful' || outcome === 'unsuccessful' ? outcome : '',
          feedback: String(body[`feedback-${id}`] ?? ''),
        };
      });
      const result = await assessment.decide(actorOf(request), request.params.slug, input);
      if (!result.ok) {
        if (result.status === 400 && result.issues)
          return decisionForm(request, reply.code(400), formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/opportunities/${request.params.slug}/assessment`,
        `Decisions recorded and ${result.count} applicant${result.count === 1 ? '' : 's'} told`,
      );
    },
  );
};

export default routes;
