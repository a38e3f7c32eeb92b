import type { FastifyReply, FastifyRequest } from 'fastify';
import { STAFF } from '../../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { actorOf, refuse, viewerOf } from '../../../web/refusal.ts';
import { readUpload, takeBytes } from '../../../web/upload.ts';
import { acceptedExtensions, acceptedLabel, MAX_DOCUMENT_BYTES } from '../../needs/evidence.ts';
import { criterionForm, detailsValues, lotForm, parseDetails, questionForm } from './forms.ts';
import { type Body, choices, detailsErrors, empty, type Form, type Slug, VIEWS } from './pages.ts';
import { penceToField } from './present.ts';

// The pages that change a draft opportunity, one task per page: details, lots, questions, criteria and documents.

export const draftRoutes: ModuleRoutes = async (app, { services }) => {
  const opps = services.opportunities;

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
      ...(await choices(services, f.values)),
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
          max_award: lot.max_award_pence == null ? '' : penceToField(lot.max_award_pence),
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
    const actor = actorOf(request);
    const once = lotId ? undefined : formOnce(body, 'lot.create', actor.id);
    const input = {
      number: form.data.number,
      title: form.data.title,
      description: form.data.description,
      valuePence: form.data.value,
      maxAwardPence: form.data.max_award,
      suitsSmall: form.data.suits_small,
    };
    const result = await opps.saveLot(actor, request.params.slug, lotId, input, once);
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
      const actor = actorOf(request);
      const once = formOnce(request.body, 'opportunity_question.create', actor.id);
      const input = { prompt: form.data.prompt, guidance: form.data.guidance, wordLimit: form.data.word_limit };
      const result = await opps.addQuestion(actor, request.params.slug, input, once);
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
      const actor = actorOf(request);
      const once = formOnce(body, 'assessment_criterion.create', actor.id);
      const input = {
        title: form.data.title,
        description: form.data.description,
        weight: form.data.weight,
        maxScore: form.data.max_score,
      };
      const result = await opps.addCriterion(actor, request.params.slug, input, once);
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
};
