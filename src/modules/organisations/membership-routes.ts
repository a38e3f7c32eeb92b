import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUuid } from '../../kernel/ids.ts';
import { asArray, parseForm } from '../../web/forms.ts';
import { actorOf } from '../../web/refusal.ts';
import { membershipRequestForm } from './forms.ts';
import { membersTable } from './present.ts';
import { type DirectoryPages, refuse, type SlugParams } from './route-context.ts';
import { ORGANISATION_PERMISSIONS, permissionWords } from './rules.ts';
import type { OrganisationProfile } from './service.ts';

// Asking to join or claiming an organisation, and deciding those requests.
export async function membershipRoutes(pages: DirectoryPages) {
  const { app, services, organisations, loadProfile } = pages;

  // ---- Joining and claiming. ----

  /** The organisation to join or claim: one the directory lists (its page says nothing of any other). */
  async function listedProfile(slug: string, reply: FastifyReply) {
    const profile = await loadProfile(slug, reply);
    if (profile && !profile.listed) {
      reply.errorPage(404, 'Page not found', ['There is no organisation at this address.']);
      return undefined;
    }
    return profile;
  }

  for (const kind of ['join', 'claim'] as const) {
    const heading = (org: OrganisationProfile) => (kind === 'join' ? `Ask to join ${org.name}` : `Claim ${org.name}`);
    app.get<SlugParams>(
      `/organisations/:slug/${kind}`,
      { config: { access: ['resident', 'vcs_member'] } },
      async (request, reply) => {
        const profile = await listedProfile(request.params.slug, reply);
        if (!profile) return reply;
        return reply.view('organisations/views/request.njk', {
          title: heading(profile),
          backLink: `/organisations/${profile.slug}`,
          org: profile,
          kind,
          values: {},
        });
      },
    );
    app.post<SlugParams>(
      `/organisations/:slug/${kind}`,
      { config: { access: ['resident', 'vcs_member'] } },
      async (request, reply) => {
        const profile = await listedProfile(request.params.slug, reply);
        if (!profile) return reply;
        const form = parseForm(membershipRequestForm, request.body);
        if (!form.ok) {
          return reply
            .code(400)
            .view('organisations/views/request.njk', { title: heading(profile), org: profile, kind, ...form });
        }
        const result = await organisations.memberships.request(actorOf(request), profile.id, kind, form.data.message);
        if (!result.ok) return refuse(reply, result);
        return reply.seeOther(
          `/organisations/${profile.slug}`,
          kind === 'join'
            ? `You have asked to join ${profile.name}. You will get an email when it is decided.`
            : `You have claimed ${profile.name}. ${services.place.config.infrastructureBody.name} will check and email you.`,
        );
      },
    );
  }

  // ---- Members and requests. ----

  app.get<SlugParams>('/organisations/:slug/members', { config: { access: 'signed-in' } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const can = await organisations.permissions(actorOf(request), profile);
    if (!can.canManageMembers) {
      return reply.errorPage(403, 'You cannot see this page', [
        'Only the organisation’s administrators and the infrastructure body can see its members.',
      ]);
    }
    const all = await organisations.memberships.list(profile.id);
    return reply.view('organisations/views/members.njk', {
      title: `Members of ${profile.name}`,
      backLink: `/organisations/${profile.slug}`,
      org: profile,
      requests: all
        .filter((m) => m.status === 'pending')
        .map((m) => ({ ...m, canDecide: can.canVerify || m.role !== 'admin' })),
      members: membersTable(
        all.filter((m) => m.status === 'approved'),
        profile.slug,
        await organisations.grants.byMember(profile.id),
      ),
      refused: all.filter((m) => m.status === 'refused'),
    });
  });

  app.post<{ Params: { slug: string; userId: string } }>(
    '/organisations/:slug/members/:userId',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const profile = await loadProfile(request.params.slug, reply);
      if (!profile) return reply;
      const decision = (request.body as Record<string, string> | undefined)?.decision;
      if (decision !== 'approve' && decision !== 'refuse') {
        return reply.errorPage(400, 'There is a problem', ['Choose whether to approve or refuse the request.']);
      }
      if (!isUuid(request.params.userId)) {
        return reply.errorPage(404, 'Page not found', ['There is no such request.']);
      }
      const result = await organisations.memberships.decide(
        actorOf(request),
        profile.id,
        request.params.userId,
        decision,
      );
      if (!result.ok) return refuse(reply, result);
      return reply.seeOther(
        `/organisations/${profile.slug}/members`,
        decision === 'approve' ? 'Request approved' : 'Request refused',
      );
    },
  );

  // ---- What each member may do for the organisation. ----

  type MemberParams = { Params: { slug: string; userId: string } };
  const MANAGERS = ['vcs_member', 'officer'] as const;

  /** The member a permissions page is about, or a page saying why there is none. */
  async function memberOf(request: FastifyRequest<MemberParams>, reply: FastifyReply) {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return undefined;
    const can = await organisations.permissions(actorOf(request), profile);
    if (!can.canManageMembers) {
      reply.errorPage(403, 'You cannot see this page', [
        'Only the organisation’s administrators can change what its members can do.',
      ]);
      return undefined;
    }
    const member = isUuid(request.params.userId)
      ? (await organisations.memberships.list(profile.id)).find(
          (m) => m.user_id === request.params.userId && m.status === 'approved',
        )
      : undefined;
    if (!member || member.role === 'admin') {
      reply.errorPage(404, 'Page not found', [
        member
          ? 'Administrators can do everything for the organisation already.'
          : `This person is not a member of ${profile.name}.`,
      ]);
      return undefined;
    }
    return { profile, member };
  }

  const permissionsView = (
    reply: FastifyReply,
    found: NonNullable<Awaited<ReturnType<typeof memberOf>>>,
    chosen: string[],
    errors: Record<string, string> = {},
  ) =>
    reply.code(errors.permissions ? 400 : 200).view('organisations/views/permissions.njk', {
      title: `What ${found.member.name} can do for ${found.profile.name}`,
      backLink: `/organisations/${found.profile.slug}/members`,
      org: found.profile,
      member: found.member,
      errors,
      errorList: errors.permissions ? [{ text: errors.permissions, href: '#permissions' }] : [],
      items: ORGANISATION_PERMISSIONS.map((p) => ({
        value: p,
        text: permissionWords[p].label,
        hint: { text: permissionWords[p].hint },
        checked: chosen.includes(p),
      })),
    });

  app.get<MemberParams>(
    '/organisations/:slug/members/:userId/permissions',
    { config: { access: MANAGERS } },
    async (request, reply) => {
      const found = await memberOf(request, reply);
      if (!found) return reply;
      const grants = await organisations.grants.byMember(found.profile.id);
      return permissionsView(reply, found, grants.get(found.member.user_id) ?? []);
    },
  );

  app.post<MemberParams>(
    '/organisations/:slug/members/:userId/permissions',
    { config: { access: MANAGERS } },
    async (request, reply) => {
      const found = await memberOf(request, reply);
      if (!found) return reply;
      const chosen = asArray((request.body as Record<string, unknown> | undefined)?.permissions);
      const result = await organisations.grants.set(actorOf(request), found.profile.id, found.member.user_id, chosen);
      if (!result.ok) {
        if (result.issues) return permissionsView(reply, found, chosen, { permissions: 'Choose from the list' });
        return refuse(reply, result);
      }
      return reply.seeOther(
        `/organisations/${found.profile.slug}/members`,
        `What ${found.member.name} can do has been saved`,
      );
    },
  );
}
