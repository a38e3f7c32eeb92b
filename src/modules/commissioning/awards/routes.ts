import type { FastifyReply, FastifyRequest } from 'fastify';
import { refusal } from '../../../kernel/result.ts';
import { formErrors, formOnce } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import { awardValues, parseAward, paymentRows } from './forms.ts';
import { recipientsTable, registerTable, targetsTable } from './present.ts';
import { frequencyLabels, levelLabels, planText } from './rules.ts';

type Slug = { Params: { slug: string } };
type NewAward = { Params: { slug: string }; Querystring: { application?: string } };
type Body = Record<string, unknown>;

const VIEWS = 'commissioning/awards/views';
const COMMISSIONER = ['commissioner' as const];

// A date input's error links to its day field, as GOV.UK asks.
const linkDates = (form: ReturnType<typeof formErrors>) => {
  form.errorList = form.errorList.map((e) =>
    /^#(starts|ends|payment-\d+-due)$/.test(e.href) ? { ...e, href: `${e.href}-day` } : e,
  );
  return form;
};

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const routes: ModuleRoutes = async (app, { services }) => {
  const awards = services.awards;

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/awards',
    { config: { access: 'public' } },
    async (request, reply) => {
      const filters = {
        year: request.query.year || undefined,
        area: request.query.area || undefined,
        route: request.query.route || undefined,
      };
      const list = await awards.list(filters);
      return reply.view(`${VIEWS}/list.njk`, { title: 'Awards', ...list, table: registerTable(list.rows), filters });
    },
  );

  app.get<Slug>('/awards/:slug', { config: { access: 'public' } }, async (request, reply) => {
    const award = await awards.bySlug(request.params.slug);
    if (!award) return refuse(reply, refusal(404, 'There is no such award.'));
    const chain = await services.chain.forAward(award.id, viewerOf(request));
    return reply.view(`${VIEWS}/show.njk`, {
      title: award.title,
      award,
      recipients: recipientsTable(award.partners),
      targets: targetsTable(award.targets),
      chain,
    });
  });

  async function form(
    request: FastifyRequest<NewAward>,
    reply: FastifyReply,
    reference: string,
    shown?: { errors: Record<string, string>; errorList: unknown[]; values: Record<string, unknown> },
  ) {
    const draft = await awards.draft(actorOf(request), request.params.slug, reference);
    if (!draft.ok) return refuse(reply, draft);
    const values = shown?.values ?? awardValues(draft.defaults);
    const proposed = awards.proposedMonitoring(Number(draft.defaults.valuePence));
    return reply.view(`${VIEWS}/new.njk`, {
      title: 'Make the award',
      opportunity: draft.context.opportunity,
      f: draft.context.application,
      reference,
      rows: paymentRows(values),
      values,
      errors: shown?.errors ?? {},
      errorList: shown?.errorList ?? [],
      proposed,
      thresholds: awards.thresholds,
      levelLabels,
      frequencyLabels,
      planTexts: { light: planText('light'), standard: planText('standard'), full: planText('full') },
    });
  }

  app.get<NewAward>('/opportunities/:slug/awards/new', { config: { access: COMMISSIONER } }, (request, reply) =>
    form(request, reply, String(request.query.application ?? '')),
  );

  app.post<NewAward & { Body: Body }>(
    '/opportunities/:slug/awards/new',
    { config: { access: COMMISSIONER } },
    async (request, reply) => {
      const body = request.body ?? {};
      const reference = String(body.application ?? request.query.application ?? '');
      const actor = actorOf(request);
      const once = formOnce(body, 'award.create', actor.id);
      const ctx = await awards.context(actor, request.params.slug, reference, !!once);
      if ('ok' in ctx) return refuse(reply, ctx);
      // "Add another payment" shows the form again with one more row, keeping what was typed.
      if (body.action === 'add') return form(request, reply, reference, { errors: {}, errorList: [], values: body });
      const indicatorIds = ctx.application.commitments.map((c) => c.indicator_id);
      const { input, issues } = parseAward(body, indicatorIds);
      if (issues.length) return form(request, reply.code(400), reference, linkDates(formErrors(issues, body)));
      const result = await awards.create(actor, request.params.slug, reference, input, once);
      if (!result.ok) {
        if (result.status === 400 && result.issues)
          return form(request, reply.code(400), reference, linkDates(formErrors(result.issues, body)));
        return refuse(reply, result);
      }
      return reply.seeOther(`/awards/${result.slug}`, 'Award made');
    },
  );
};

export default routes;
