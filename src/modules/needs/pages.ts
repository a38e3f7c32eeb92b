import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.ts';
import { isStaff } from '../../kernel/actor.ts';
import type { FieldErrors } from '../../web/forms.ts';
import type { RouteServices } from '../../web/module.ts';
import { viewerOf } from '../../web/refusal.ts';
import { acceptedExtensions, acceptedLabel } from './evidence.ts';
import { valuesFrom } from './forms.ts';
import {
  contributionKinds,
  evidenceItems,
  ladder,
  ladderAt,
  statuses,
  statusLabel,
  visibleContributions,
} from './present.ts';
import { acceptsInput } from './rules.ts';

// The pages of a needs assessment that more than one route renders: its form, its edit page and its own page,
// each with the errors and values of a form that was sent back.

/** Who may take part: residents and VCS members (admins are always allowed too). */
export const CONTRIBUTORS: readonly Role[] = ['resident', 'vcs_member'];

export type PageForm = {
  status?: number;
  errors?: FieldErrors;
  errorList?: unknown[];
  values?: Record<string, unknown>;
};

export function needsPages(services: RouteServices) {
  const needs = services.needs;

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
    extra: PageForm = {},
    evidence: Omit<PageForm, 'status'> = {},
  ) {
    const a = await needs.bySlug(slug);
    if (!a) return reply.errorPage(404, 'Page not found', ['There is no such needs assessment.']);
    void request;
    return editorView(reply, {
      slug,
      assessment: a,
      evidenceItems: evidenceItems(a.evidence),
      values: valuesFrom(a),
      acceptedExtensions,
      acceptedLabel,
      evidenceErrors: evidence.errors ?? {},
      evidenceValues: evidence.values ?? {},
      ...extra,
      errorList: [...(extra.errorList ?? []), ...(evidence.errorList ?? [])],
    });
  }

  /**
   * The specifications answering the need that this person may read, and how many others are still drafts: so the
   * page can say that one is being written, in keeping with any "we did" that mentions it.
   */
  async function specificationsFor(needId: string, user: ReturnType<typeof viewerOf>) {
    const all = await services.specifications.forNeed(needId);
    const specifications = await services.specifications.visibleTo(user, all);
    return { specifications, specificationsInDraft: all.length - specifications.length };
  }

  async function showPage(request: FastifyRequest, reply: FastifyReply, slug: string, extra: PageForm = {}) {
    const a = await needs.bySlug(slug);
    const user = viewerOf(request);
    const staff = isStaff(user);
    if (!a || (a.status === 'draft' && !staff)) {
      return reply.errorPage(404, 'Page not found', ['There is no such needs assessment.']);
    }
    const contributions = visibleContributions(a.contributions, user);
    const { status = 200, ...rest } = extra;
    return reply.code(status).view('needs/views/show.njk', {
      title: a.title,
      backLink: '/needs',
      assessment: a,
      statusLabel: statusLabel(a.status),
      ladder: ladderAt(a.coproduction_level),
      evidenceItems: evidenceItems(a.evidence),
      contributions,
      ...(await specificationsFor(a.id, user)),
      chain: await services.chain.forNeed(a.id, user),
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

  return { formChoices, editorView, editPage, showPage };
}
