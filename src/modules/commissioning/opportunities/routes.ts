import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStaff } from '../../../kernel/actor.ts';
import { STAFF } from '../../../web/access.ts';
import { formErrors, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import { readUpload, takeBytes } from '../../../web/upload.ts';
import { pageNumber, pagination } from '../../admin/present.ts';
import { acceptedExtensions, acceptedLabel, MAX_DOCUMENT_BYTES } from '../../needs/evidence.ts';
import { serviceAreas } from '../../place/codelists.ts';
import { atomFeed } from './feed.ts';
import {
  answerForm,
  cancelForm,
  clarificationForm,
  criterionForm,
  detailsValues,
  listStatuses,
  lotForm,
  parseDetails,
  parseFilters,
  questionForm,
} from './forms.ts';
import { acceptsClarifications } from './lifecycle.ts';
import { moneyText, routes as opportunityRoutes, penceToField, statusLabels } from './present.ts';
import { PAGE_SIZE } from './service.ts';

type Slug = { Params: { slug: string } };
type Body = Record<string, unknown>;
type Form = { errors: Record<string, string>; errorList: unknown[]; values: Record<string, unknown> };

const empty = (): Form => ({ errors: {}, errorList: [], values: {} });
const VIEWS = 'commissioning/opportunities/views';

// A date input's error links to its first field, as GOV.UK asks.
const DATE_FIELDS = new Set(['clarifications_close', 'closes', 'decision_expected', 'service_starts']);
function detailsErrors(issues: { field: string; message: string }[], body: Body): Form {
  const form = formErrors(issues, body);
  form.errorList = form.errorList.map((e) => (DATE_FIELDS.has(e.href.slice(1)) ? { ...e, href: `${e.href}-day` } : e));
  return form;
}

const routes: ModuleRoutes = async (app, { services }) => {
  const opps = services.opportunities;
  // Documents for bidders are only accepted here, bounded by size.

  async function choices(values: Body = {}) {
    const wards = await services.place.wards();
    const chosenWards = new Set(
      Array.isArray(values.wards) ? values.wards.map(String) : values.wards ? [String(values.wards)] : [],
    );
    return {
      wardItems: wards.map((w) => ({ value: w.code, text: w.name, checked: chosenWards.has(w.code) })),
      serviceAreaItems: [
        { value: '', text: 'Any service area' },
        ...serviceAreas.map((a) => ({ value: a.code, text: a.label, selected: values.service_area === a.code })),
      ],
      routeItems: opportunityRoutes.map((r) => ({
        value: r.code,
        text: r.label,
        hint: { text: r.hint },
        checked: values.route === r.code,
      })),
    };
  }

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
      ...(await choices(form.values)),
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
      const result = await opps.create(actorOf(request), request.params.slug, parsed.data);
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
    const chain = await services.chain.forOpportunity(o.id, { staff });
    return reply.view(`${VIEWS}/show.njk`, {
      title: o.title,
      o,
      reach,
      answered,
      waiting,
      staff,
      canAsk: canAsk && acceptsClarifications(o),
      clarificationsOpen: acceptsClarifications(o),
      missing: check?.ok ? check.missing : [],
      unanswered,
      onPanel,
      cancellable,
      chain,
      statusLabels,
      pounds: moneyText,
      clarification: empty(),
      ...extra,
    });
  }

  app.get<Slug>('/opportunities/:slug', { config: { access: 'public' } }, (request, reply) => showPage(request, reply));

  // ---- Editing a draft, one task per page ----

  async function draftFor(request: FastifyRequest<Slug>, reply: FastifyReply) {
    const o = await opps.bySlug(request.params.slug);
    if (!o) return { reply: reply.errorPage(404, 'Page not found', ['There is no such opportunity.']) };
    if (o.status !== 'draft') {
      return {
        reply: refuse(reply, {
          ok: false,
          status: 409,
          message: 'This opportunity has been published, so its details can no longer be changed.',
        }),
      };
    }
    return { o };
  }

  async function detailsPage(request: FastifyRequest<Slug>, reply: FastifyReply, form?: Form) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    const f = form ?? { ...empty(), values: detailsValues(found.o) };
    return reply.view(`${VIEWS}/details.njk`, {
      title: 'Opportunity details',
      o: found.o,
      spec: found.o.specification,
      action: `/opportunities/${found.o.slug}/details`,
      backLink: `/opportunities/${found.o.slug}`,
      creating: false,
      ...(await choices(f.values)),
      ...f,
    });
  }

  app.get<Slug>('/opportunities/:slug/details', { config: { access: STAFF } }, (request, reply) =>
    detailsPage(request, reply),
  );

  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/details',
    { config: { access: STAFF } },
    async (request, reply) => {
      const body = request.body ?? {};
      const parsed = parseDetails(body);
      if (!parsed.ok) return detailsPage(request, reply.code(400), detailsErrors(parsed.issues, body));
      const result = await opps.updateDetails(actorOf(request), request.params.slug, parsed.data);
      if (!result.ok) {
        if (result.issues) return detailsPage(request, reply.code(400), detailsErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}`, 'Details saved');
    },
  );

  // Lots
  type LotParams = { Params: { slug: string; lotId: string } };

  async function lotPage(request: FastifyRequest<Slug>, reply: FastifyReply, lotId: string | null, form?: Form) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    const lot = lotId ? found.o.lots.find((l) => l.id === lotId) : undefined;
    if (lotId && !lot) return reply.errorPage(404, 'Page not found', ['There is no such lot.']);
    const nextNumber = Math.max(0, ...found.o.lots.map((l) => l.number)) + 1;
    const values = lot
      ? {
          number: String(lot.number),
          title: lot.title,
          description: lot.description,
          value: penceToField(lot.value_pence),
          suits_small: lot.suits_small ? 'yes' : '',
        }
      : { number: String(nextNumber) };
    return reply.view(`${VIEWS}/lot.njk`, {
      title: lot ? `Change lot ${lot.number}` : 'Add a lot',
      o: found.o,
      lot,
      action: lot ? `/opportunities/${found.o.slug}/lots/${lot.id}` : `/opportunities/${found.o.slug}/lots/new`,
      backLink: `/opportunities/${found.o.slug}#lots`,
      ...(form ?? { ...empty(), values }),
    });
  }

  async function saveLot(request: FastifyRequest<Slug & { Body: Body }>, reply: FastifyReply, lotId: string | null) {
    const body = request.body ?? {};
    const form = parseForm(lotForm, body);
    if (!form.ok) return lotPage(request, reply.code(400), lotId, form);
    const result = await opps.saveLot(actorOf(request), request.params.slug, lotId, {
      number: form.data.number,
      title: form.data.title,
      description: form.data.description,
      valuePence: form.data.value,
      suitsSmall: form.data.suits_small,
    });
    if (!result.ok) {
      if (result.issues) return lotPage(request, reply.code(400), lotId, formErrors(result.issues, body));
      return refuse(reply, result);
    }
    return reply.seeOther(`/opportunities/${request.params.slug}#lots`, lotId ? 'Lot saved' : 'Lot added');
  }

  app.get<Slug>('/opportunities/:slug/lots/new', { config: { access: STAFF } }, (request, reply) =>
    lotPage(request, reply, null),
  );
  app.post<Slug & { Body: Body }>('/opportunities/:slug/lots/new', { config: { access: STAFF } }, (request, reply) =>
    saveLot(request, reply, null),
  );
  app.get<LotParams>('/opportunities/:slug/lots/:lotId', { config: { access: STAFF } }, (request, reply) =>
    lotPage(request, reply, request.params.lotId),
  );
  app.post<LotParams & { Body: Body }>(
    '/opportunities/:slug/lots/:lotId',
    { config: { access: STAFF } },
    (request, reply) => saveLot(request, reply, request.params.lotId),
  );
  app.post<LotParams>(
    '/opportunities/:slug/lots/:lotId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const result = await opps.removeLot(actorOf(request), request.params.slug, request.params.lotId);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}#lots`, 'Lot removed');
    },
  );

  // Application questions
  async function questionsPage(request: FastifyRequest<Slug>, reply: FastifyReply, form: Form = empty()) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    return reply.view(`${VIEWS}/questions.njk`, {
      title: 'Application questions',
      o: found.o,
      backLink: `/opportunities/${found.o.slug}`,
      ...form,
    });
  }
  app.get<Slug>('/opportunities/:slug/questions', { config: { access: STAFF } }, (request, reply) =>
    questionsPage(request, reply),
  );
  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/questions',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(questionForm, request.body);
      if (!form.ok) return questionsPage(request, reply.code(400), form);
      const result = await opps.addQuestion(actorOf(request), request.params.slug, {
        prompt: form.data.prompt,
        guidance: form.data.guidance,
        wordLimit: form.data.word_limit,
      });
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}/questions`, 'Question added');
    },
  );
  type QuestionParams = { Params: { slug: string; questionId: string } };
  async function questionPage(request: FastifyRequest<QuestionParams>, reply: FastifyReply, form?: Form) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    const q = found.o.questions.find((x) => x.id === request.params.questionId);
    if (!q) return reply.errorPage(404, 'Page not found', ['There is no such question.']);
    return reply.view(`${VIEWS}/question.njk`, {
      title: 'Change a question',
      o: found.o,
      q,
      backLink: `/opportunities/${found.o.slug}/questions`,
      ...(form ?? {
        ...empty(),
        values: { prompt: q.prompt, guidance: q.guidance, word_limit: q.word_limit ? String(q.word_limit) : '' },
      }),
    });
  }
  app.get<QuestionParams>(
    '/opportunities/:slug/questions/:questionId',
    { config: { access: STAFF } },
    (request, reply) => questionPage(request, reply),
  );
  app.post<QuestionParams & { Body: Body }>(
    '/opportunities/:slug/questions/:questionId',
    { config: { access: STAFF } },
    async (request, reply) => {
      const form = parseForm(questionForm, request.body);
      if (!form.ok) return questionPage(request, reply.code(400), form);
      const result = await opps.updateQuestion(actorOf(request), request.params.slug, request.params.questionId, {
        prompt: form.data.prompt,
        guidance: form.data.guidance,
        wordLimit: form.data.word_limit,
      });
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}/questions`, 'Question saved');
    },
  );
  app.post<{ Params: { slug: string; questionId: string } }>(
    '/opportunities/:slug/questions/:questionId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const result = await opps.removeQuestion(actorOf(request), request.params.slug, request.params.questionId);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}/questions`, 'Question removed');
    },
  );

  // Assessment criteria
  async function criteriaPage(request: FastifyRequest<Slug>, reply: FastifyReply, form?: Form) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    const total = found.o.criteria.reduce((s, c) => s + c.weight, 0);
    return reply.view(`${VIEWS}/criteria.njk`, {
      title: 'Assessment criteria',
      o: found.o,
      totalWeight: total,
      backLink: `/opportunities/${found.o.slug}`,
      ...(form ?? { ...empty(), values: { max_score: '5', weight: total < 100 ? String(100 - total) : '' } }),
    });
  }
  app.get<Slug>('/opportunities/:slug/criteria', { config: { access: STAFF } }, (request, reply) =>
    criteriaPage(request, reply),
  );
  app.post<Slug & { Body: Body }>(
    '/opportunities/:slug/criteria',
    { config: { access: STAFF } },
    async (request, reply) => {
      const body = request.body ?? {};
      const form = parseForm(criterionForm, body);
      if (!form.ok) return criteriaPage(request, reply.code(400), form);
      const result = await opps.addCriterion(actorOf(request), request.params.slug, {
        title: form.data.title,
        description: form.data.description,
        weight: form.data.weight,
        maxScore: form.data.max_score,
      });
      if (!result.ok) {
        if (result.issues) return criteriaPage(request, reply.code(400), formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}/criteria`, 'Criterion added');
    },
  );
  type CriterionParams = { Params: { slug: string; criterionId: string } };
  async function criterionPage(request: FastifyRequest<CriterionParams>, reply: FastifyReply, form?: Form) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    const c = found.o.criteria.find((x) => x.id === request.params.criterionId);
    if (!c) return reply.errorPage(404, 'Page not found', ['There is no such criterion.']);
    return reply.view(`${VIEWS}/criterion.njk`, {
      title: 'Change a criterion',
      o: found.o,
      c,
      left: 100 - found.o.totalWeight + c.weight,
      backLink: `/opportunities/${found.o.slug}/criteria`,
      ...(form ?? {
        ...empty(),
        values: {
          title: c.title,
          description: c.description,
          weight: String(c.weight),
          max_score: String(c.max_score),
        },
      }),
    });
  }
  app.get<CriterionParams>(
    '/opportunities/:slug/criteria/:criterionId',
    { config: { access: STAFF } },
    (request, reply) => criterionPage(request, reply),
  );
  app.post<CriterionParams & { Body: Body }>(
    '/opportunities/:slug/criteria/:criterionId',
    { config: { access: STAFF } },
    async (request, reply) => {
      const body = request.body ?? {};
      const form = parseForm(criterionForm, body);
      if (!form.ok) return criterionPage(request, reply.code(400), form);
      const result = await opps.updateCriterion(actorOf(request), request.params.slug, request.params.criterionId, {
        title: form.data.title,
        description: form.data.description,
        weight: form.data.weight,
        maxScore: form.data.max_score,
      });
      if (!result.ok) {
        if (result.issues) return criterionPage(request, reply.code(400), formErrors(result.issues, body));
        return refuse(reply, result);
      }
      return reply.seeOther(`/opportunities/${request.params.slug}/criteria`, 'Criterion saved');
    },
  );
  app.post<{ Params: { slug: string; criterionId: string } }>(
    '/opportunities/:slug/criteria/:criterionId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const result = await opps.removeCriterion(actorOf(request), request.params.slug, request.params.criterionId);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}/criteria`, 'Criterion removed');
    },
  );

  // Documents
  async function documentsPage(request: FastifyRequest<Slug>, reply: FastifyReply, form: Form = empty()) {
    const found = await draftFor(request, reply);
    if (!found.o) return found.reply;
    return reply.view(`${VIEWS}/documents.njk`, {
      title: 'Documents for bidders',
      o: found.o,
      acceptedExtensions,
      acceptedLabel,
      backLink: `/opportunities/${found.o.slug}`,
      ...form,
    });
  }
  app.get<Slug>('/opportunities/:slug/documents', { config: { access: STAFF } }, (request, reply) =>
    documentsPage(request, reply),
  );
  app.post<Slug>('/opportunities/:slug/documents', { config: { access: STAFF } }, async (request, reply) => {
    const fail = (field: string, message: string, values: Body = {}) =>
      documentsPage(request, reply.code(400), formErrors([{ field, message }], values));
    const form = await readUpload(request, { kind: 'document', maxBytes: MAX_DOCUMENT_BYTES, maxFields: 3 });
    if (!form.ok) return fail(form.field, form.message, form.fields);
    const { fields } = form;
    const fileName = form.file?.name ?? '';
    const bytes = form.file ? await takeBytes(form.file) : new Uint8Array();
    const result = await opps.addDocument(actorOf(request), request.params.slug, {
      title: fields.title ?? '',
      fileName,
      bytes,
    });
    if (!result.ok) {
      if (result.issues?.[0]) return fail(result.issues[0].field, result.issues[0].message, fields);
      return refuse(reply, result);
    }
    return reply.seeOther(`/opportunities/${request.params.slug}/documents`, 'Document added');
  });
  app.post<{ Params: { slug: string; documentId: string } }>(
    '/opportunities/:slug/documents/:documentId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const result = await opps.removeDocument(actorOf(request), request.params.slug, request.params.documentId);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/opportunities/${request.params.slug}/documents`, 'Document removed');
    },
  );
  app.get<{ Params: { slug: string; documentId: string } }>(
    '/opportunities/:slug/documents/:documentId',
    { config: { access: 'public' } },
    async (request, reply) => {
      const doc = await opps.document(viewerOf(request), request.params.slug, request.params.documentId);
      if (!doc) return reply.errorPage(404, 'Page not found', ['There is no such document.']);
      const name = doc.file_name;
      return reply
        .type(doc.file_type)
        .header(
          'content-disposition',
          `attachment; filename="${name.replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(Buffer.from(doc.file_data));
    },
  );

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
      const result = await opps.askClarification(actorOf(request), request.params.slug, form.data.question);
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
