import { isStaff } from '../../kernel/actor.ts';
import { STAFF } from '../../web/access.ts';
import { formErrors, formOnce, parseForm } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';
import { actorOf, refuse } from '../../web/refusal.ts';
import { readUpload, takeBytes } from '../../web/upload.ts';
import { MAX_DOCUMENT_BYTES } from './evidence.ts';
import { evidenceForm } from './forms.ts';
import { needsPages } from './pages.ts';

// Evidence of a needs assessment: text, links and pasted tables, uploaded documents (accepted only here, bounded
// by size), and downloading them.

type SlugParams = { Params: { slug: string } };
type EvidenceParams = { Params: { slug: string; evidenceId: string } };

// One registration per page, each handler short: the plugin is long only as the list of its pages.
const evidenceRoutes: ModuleRoutes = async (app, { services }) => {
  const needs = services.needs;
  const { editPage } = needsPages(services);

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
    const actor = actorOf(request);
    const once = formOnce(request.body, 'needs_evidence.add', actor.id);
    const result = await needs.addEvidence(actor, slug, input, once);
    if (!result.ok) {
      if (result.status === 404) return refuse(reply, result);
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
    const result = await needs.addEvidence(actorOf(request), slug, {
      kind: 'document',
      title: fields.doc_title ?? '',
      body: fields.doc_body ?? '',
      fileName,
      bytes,
    });
    if (!result.ok) {
      if (result.status === 404) return refuse(reply, result);
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
      const result = await needs.removeEvidence(actorOf(request), slug, evidenceId);
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(`/needs/${slug}/edit#evidence`, 'Evidence removed');
    },
  );

  app.get<EvidenceParams>(
    '/needs/:slug/evidence/:evidenceId',
    { config: { access: 'public' } },
    async (request, reply) => {
      const { slug, evidenceId } = request.params;
      const doc = await needs.document(slug, evidenceId);
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
};

export default evidenceRoutes;
