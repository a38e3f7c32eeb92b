import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isUuid } from '../../../kernel/ids.ts';
import { asArray } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { SUPPLIER_REVIEWERS as REVIEWERS } from './access.ts';
import { decisionLabel, labelFor, latestPaymentsTable } from './present.ts';

const SHOWN = ['uncertain', 'unresolved', 'vcs', 'not_vcs', 'public_body', 'redacted', 'any'] as const;

const queueQuery = z.object({
  council: z.string().optional(),
  show: z.enum(SHOWN).optional(),
  page: z.coerce.number().int().min(1).max(10000).optional(),
  q: z.string().max(200).optional(),
});

const routes: ModuleRoutes = async (app, { services }) => {
  const resolution = services.spendResolution;

  async function renderQueue(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const query = queueQuery.safeParse(request.query);
    const q = query.success ? query.data : {};
    const councils = await resolution.councils();
    const show = q.show ?? 'uncertain';
    const queue = await resolution.queue({
      councilOrgId: q.council || undefined,
      classification: show,
      page: q.page ?? 1,
    });
    const found = q.q ? await resolution.searchOrganisations(q.q) : [];
    return reply.status(status).view('spend/resolution/views/queue.njk', {
      title: 'Suppliers to review',
      queue: { ...queue, rows: queue.rows.map((r) => ({ ...r, classificationLabel: labelFor(r.classification) })) },
      councils,
      council: q.council ?? '',
      show,
      q: q.q ?? '',
      found,
      shows: SHOWN.map((s) => ({ value: s, text: labelFor(s), selected: s === show })),
      ...extra,
    });
  }

  app.get('/spend/review', { config: { access: REVIEWERS } }, async (request, reply) => renderQueue(request, reply));

  /** One supplier's page, with the errors of a decision that could not be saved. */
  async function renderSupplier(reply: FastifyReply, id: number, extra: Record<string, unknown> = {}, status = 200) {
    const found = Number.isSafeInteger(id) && id > 0 ? await resolution.supplier(id) : null;
    if (!found)
      return reply.errorPage(404, 'Supplier not found', [
        'There is no supplier with that number. Go back to the review queue.',
      ]);
    return reply.status(status).view('spend/resolution/views/supplier.njk', {
      title: found.supplier.name,
      backLink: '/spend/review',
      ...found,
      latest: found.recent.length ? latestPaymentsTable(found.recent) : undefined,
      label: labelFor(found.supplier.classification),
      decisionLabel,
      evidenceJson: JSON.stringify(found.supplier.evidence, null, 2),
      ...extra,
    });
  }

  app.post('/spend/review', { config: { access: REVIEWERS } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ids = asArray(body.supplier as string | string[] | undefined)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    // The decision form on a supplier's own page comes back to that page.
    const onSupplier = body.from === 'supplier' && ids.length === 1 ? ids[0]! : null;
    const decision = String(body.decision ?? '');
    const organisationId = String(body.organisation ?? '').trim();
    const errors: Record<string, string> = {};
    if (!ids.length) errors.suppliers = 'Select at least one supplier by ticking its box in the table';
    if (!['vcs', 'not_vcs', 'organisation'].includes(decision))
      errors.decision = onSupplier
        ? 'Select whether this supplier is a VCS organisation, not VCS, or an organisation in the directory'
        : 'Select whether the ticked suppliers are VCS organisations, not VCS, or an organisation in the directory';
    if (decision === 'organisation' && !isUuid(organisationId))
      errors.organisation =
        'Enter the organisation’s reference: copy it from a candidate, or find it by name or number';
    if (Object.keys(errors).length) {
      const errorList = Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }));
      const extra = { errors, errorList, values: body };
      return onSupplier ? renderSupplier(reply, onSupplier, extra, 400) : renderQueue(request, reply, extra, 400);
    }
    const result = await resolution.decide({
      supplierIds: ids,
      decision: decision as 'vcs' | 'not_vcs' | 'organisation',
      organisationId: decision === 'organisation' ? organisationId : null,
      note: String(body.note ?? '').slice(0, 500),
      userId: request.user?.id ?? null,
    });
    const saved = `Decision saved for ${result.names} ${result.names === 1 ? 'supplier' : 'suppliers'} (${result.rows} ${result.rows === 1 ? 'row' : 'rows'} across councils). Future imports will use it.`;
    if (onSupplier) return reply.seeOther(`/spend/suppliers/${onSupplier}`, saved);
    const back = new URLSearchParams();
    const query = queueQuery.safeParse(request.query);
    if (query.success && query.data.council) back.set('council', query.data.council);
    if (query.success && query.data.show) back.set('show', query.data.show);
    return reply.seeOther(`/spend/review${back.size ? `?${back}` : ''}`, saved);
  });

  app.get('/spend/suppliers/:id', { config: { access: REVIEWERS } }, async (request, reply) =>
    renderSupplier(reply, Number((request.params as { id: string }).id)),
  );
};

export default routes;
