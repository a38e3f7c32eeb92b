import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteServices } from '../../../web/module.ts';
import { refuse, viewerOf } from '../../../web/refusal.ts';
import { common, coproducersTable } from './present.ts';
import { sectionKeys, sectionLabels } from './sections.ts';

// The specification's own page, which more than one route renders: with the errors and values of a form sent back.

type Slug = { Params: { slug: string } };
type Body = Record<string, unknown>;

export function specificationPage(services: RouteServices) {
  const specs = services.specifications;
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
      coproducersTable: coproducersTable(page.coproducers, page.current.number),
      opportunities: await services.opportunities.forSpecification(page.spec.id),
      chain: await services.chain.forSpecification(page.spec.id, viewerOf(request)),
      values: {},
      errors: {},
      ...extra,
    });
  }
  return showPage;
}
