import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.ts';
import { STAFF } from '../../web/access.ts';
import { type FieldErrors, formErrors, parseForm } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';
import { toGovukTable } from '../../web/table.ts';
import { readUpload, takeBytes } from '../../web/upload.ts';
import { acceptedExtensions, acceptedLabel, type DataTable, MAX_DOCUMENT_BYTES } from './evidence.ts';
import { assessmentForm, contributionForm, evidenceForm, hideForm, respondForm, valuesFrom } from './forms.ts';
import {
  acceptsInput,
  contributionKinds,
  isStaff,
  kindLabel,
  ladder,
  type Refusal,
  statuses,
  statusLabel,
} from './service.ts';

// Who may take part: residents and VCS members (admins are always allowed too).
const CONTRIBUTORS: readonly Role[] = ['resident', 'vcs_member'];

type SlugParams = { Params: { slug: string } };
type ContributionParams = { Params: { slug: string; contributionId: string } };
type EvidenceParams = { Params: { slug: string; evidenceId: string } };

const dataTable = (table: DataTable) =>
  toGovukTable({
    columns: table.headers.map((header, i) => ({
      header,
      value: (row: string[]) => row[i] ?? '',
      numeric: table.rows.every((r) => /^-?[£]?[\d,]+(\.\d+)?%?$/.test(r[i] ?? '') || r[i] === ''),
    })),
    rows: table.rows,
  });

const routes: ModuleRoutes = async (app, { services }) => {
  const needs = services.needs;
  // Documents are only accepted here, bounded by size.

  async function formChoices() {
    const [wards, priorities] = await Promise.all([services.place.wards(), services.place.priorities()]);
    return { wards, priorities };
  }

  async function editorView(reply: FastifyReply, ctx: { slug?: string; status?: number } & Record<string, unknown>) {
    const { status = 200, ...rest } = ctx;
    const choices = await formChoices();
    return reply.code(status).view('needs/views/form.njk', {
      title: rest.slug ? 'Edit needs assessment' : 'Create a needs assessment',
      backLink: rest.slug ? `/needs/${rest.slug}` : '/needs',
      ...choices,
      statuses,
      ladder,
      errors: {},
      values: {},
      ...rest,
    });
  }

  /** The edit page: the assessment's form and its evidence, each with forms of its own. */
  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    extra: { status?: number; errors?: FieldErrors; errorList?: unknown[]; values?: Record<string, unknown> } = {},
    evidence: { errors?: FieldErrors; errorList?: unknown[]; values?: Record<string, unknown> } = {},
  ) {
    const a = await needs.bySlug(slug);
    if (!a) return reply.errorPage(404, 'Page not found', ['There is no such needs assessment.']);
    void request;
    return editorView(reply, {
      slug,
      assessment: a,
      evidenceItems: a.evidence.map((e) => ({ ...e, tableModel: e.table ? dataTable(e.table) : null })),
      values: valuesFrom(a),
      acceptedExtensions,
      acceptedLabel,
      evidenceErrors: evidence.errors ?? {},
      evidenceValues: evidence.values ?? {},
      ...extra,
      errorList: [...(extra.errorList ?? []), ...(evidence.errorList ?? [])],
    });
  }

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    extra: { status?: number; errors?: FieldErrors; errorList?: unknown[]; values?: Record<string, unknown> } = {},
  ) {
    const a = await needs.bySlug(slug);
    const user = request.user;
    const staff = isStaff(user);
    if (!a || (a.status === 'draft' && !staff)) {
      return reply.errorPage(404, 'Page not found', ['There is no such needs assessment.']);
    }
    // Hidden contributions are shown only to staff and to the person who wrote them.
    const contributions = a.contributions
      .filter((c) => !c.hidden_at || staff || (user && c.author_id === user.id))
      .map((c) => ({ ...c, kindLabel: kindLabel(c.kind), mine: !!user && c.author_id === user.id }));
    const rung = ladder.findIndex((l) => l.value === a.coproduction_level);
    const { status = 200, ...rest } = extra;
    return reply.code(status).view('needs/views/show.njk', {
      title: a.title,
      backLink: '/needs',
      assessment: a,
      statusLabel: statusLabel(a.status),
      ladder: ladder.map((l, i) => ({ ...l, current: i === rung, reached: i <= rung })),
      evidenceItems: a.evidence.map((e) => ({ ...e, tableModel: e.table ? dataTable(e.table) : null })),
      contributions,
      // Drafts are shown to staff only; published specifications to everyone.
      specifications: (await services.specifications.forNeed(a.id)).filter((s) => staff || s.status === 'published'),
      chain: await services.chain.forNeed(a.id, { staff }),
      responses: contributions.filter((c) => c.response && !c.hidden_at),
      supportCount: a.supporters.length,
      supported: !!user && a.supporters.includes(user.id),
      open: acceptsInput(a, new Date()),
      canTakePart: !!user && (CONTRIBUTORS.includes(user.role) || user.role === 'admin'),
      staff,
      contributionKinds,
      errors: {},
      values: {},
      ...rest,
    });
  }

  function refused(reply: FastifyReply, refusal: Refusal) {
    const title = refusal.status === 404 ? 'Page not found' : 'Sorry, you cannot do that';
    return reply.errorPage(refusal.status, title, [refusal.message]);
  }

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
    const result = await needs.create(request.user!, form.data);
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
    const result = await needs.update(request.user!, slug, form.data);
    if (!result.ok) {
      if (result.status === 404) return refused(reply, result);
      const errors = formErrors([{ field: result.field ?? 'title', message: result.message }]);
      return editPage(request, reply, slug, {
        status: 400,
        ...errors,
        values: request.body as Record<string, unknown>,
      });
    }
    return reply.seeOther(`/needs/${slug}`, 'Needs assessment saved');
  });

  app.post<SlugParams>('/needs/:slug/evidence', { config: { access: STAFF } }, async (request, reply) => {
    const { slug } = request.params;
    const form = parseForm(evidenceForm, request.body);
    const fail = (field: string, message: string) =>
      editPage(
        request,
        reply,
        slug,
        { status: 400 },
        { ...formErrors([{ field, message }]), values: request.body as Record<string, unknown> },
      );
    if (!form.ok) return fail(Object.keys(form.errors)[0] ?? 'evidence_kind', Object.values(form.errors)[0] ?? '');
    const { evidence_kind: kind, evidence_title: title, evidence_body: body } = form.data;
    const input =
      kind === 'text'
        ? { kind, title, body }
        : kind === 'link'
          ? { kind, title, url: form.data.evidence_url, body }
          : { kind, title, csv: form.data.evidence_csv, body };
    const result = await needs.addEvidence(request.user!, slug, input);
    if (!result.ok) {
      if (result.status === 404) return refused(reply, result);
      return fail(`evidence_${result.field ?? 'kind'}`, result.message);
    }
    return reply.seeOther(`/needs/${slug}/edit#evidence`, 'Evidence added');
  });

  app.post<SlugParams>('/needs/:slug/evidence/document', { config: { access: STAFF } }, async (request, reply) => {
    const { slug } = request.params;
    const docFail = (message: string, values: Record<string, unknown> = {}) =>
      editPage(
        request,
        reply,
        slug,
        { status: 400 },
        { ...formErrors([{ field: 'file', message }]), values: { ...values, kind: 'document' } },
      );
    const form = await readUpload(request, { kind: 'document', maxBytes: MAX_DOCUMENT_BYTES, maxFields: 5 });
    if (!form.ok) return docFail(form.message, form.fields);
    const { fields, file } = form;
    if (!file) return docFail('Select a document to upload', fields);
    const fileName = file.name;
    const bytes = await takeBytes(file);
    const result = await needs.addEvidence(request.user!, slug, {
      kind: 'document',
      title: fields.doc_title ?? '',
      body: fields.doc_body ?? '',
      fileName,
      bytes,
    });
    if (!result.ok) {
      if (result.status === 404) return refused(reply, result);
      if (result.field === 'title') {
        return editPage(
          request,
          reply,
          slug,
          { status: 400 },
          { ...formErrors([{ field: 'doc_title', message: result.message }]), values: fields },
        );
      }
      return docFail(result.message, fields);
    }
    return reply.seeOther(`/needs/${slug}/edit#evidence`, 'Document added');
  });

  app.post<EvidenceParams>(
    '/needs/:slug/evidence/:evidenceId/remove',
    { config: { access: STAFF } },
    async (request, reply) => {
      const { slug, evidenceId } = request.params;
      const result = await needs.removeEvidence(request.user!, slug, evidenceId);
      if (!result.ok) return refused(reply, result);
      return reply.seeOther(`/needs/${slug}/edit#evidence`, 'Evidence removed');
    },
  );

  app.get<EvidenceParams>(
    '/needs/:slug/evidence/:evidenceId',
    { config: { access: 'public' } },
    async (request, reply) => {
      const { slug, evidenceId } = request.params;
      const doc = /^[0-9a-f-]{36}$/i.test(evidenceId) ? await needs.document(slug, evidenceId) : undefined;
      if (!doc?.file_data || (doc.status === 'draft' && !isStaff(request.user))) {
        return reply.errorPage(404, 'Page not found', ['There is no such document.']);
      }
      const name = doc.file_name ?? 'document';
      return reply
        .type(doc.file_type ?? 'application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="${name.replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(Buffer.from(doc.file_data));
    },
  );

  app.post<SlugParams>('/needs/:slug/contributions', { config: { access: CONTRIBUTORS } }, async (request, reply) => {
    const { slug } = request.params;
    const form = parseForm(contributionForm, request.body);
    if (!form.ok) return showPage(request, reply, slug, { status: 400, ...form });
    const result = await needs.contribute(request.user!, slug, form.data);
    if (!result.ok) {
      if (result.status === 409) {
        return showPage(request, reply, slug, {
          status: 409,
          ...formErrors([{ field: 'body', message: result.message }]),
          values: form.data,
        });
      }
      return refused(reply, result);
    }
    return reply.seeOther(`/needs/${slug}#contributions`, 'Thank you: your contribution has been added');
  });

  app.post<SlugParams>('/needs/:slug/support', { config: { access: CONTRIBUTORS } }, async (request, reply) => {
    const { slug } = request.params;
    const result = await needs.support(request.user!, slug);
    if (!result.ok) {
      if (result.status === 409) {
        return showPage(request, reply, slug, {
          status: 409,
          ...formErrors([{ field: 'support', message: result.message }]),
        });
      }
      return refused(reply, result);
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
      const result = await needs.hide(request.user!, slug, contributionId, form.data.reason);
      if (!result.ok) return refused(reply, result);
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
      const result = await needs.respond(request.user!, slug, contributionId, form.data.response);
      if (!result.ok) return refused(reply, result);
      return reply.seeOther(
        `/needs/${slug}#contributions`,
        'Response saved: the contributor will be told in their next daily e-mail',
      );
    },
  );
};

export default routes;
