import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { isUuid } from '../../kernel/ids.ts';
import type { Refusal } from '../../kernel/result.ts';
import { asArray, formErrors, parseForm } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';
import { actorOf, refuse as refusalPage, viewerOf } from '../../web/refusal.ts';
import { toCsv } from '../../web/table.ts';
import { beneficiaryGroups, labelFor, serviceAreas, sizeBands, waysOfWorking } from '../place/codelists.ts';
import { membershipRequestForm, newGroupForm, profileFormFor, unverifyForm } from './forms.ts';
import { identifierLabel, registerUrl } from './identifiers.ts';
import { legalFormLabel, legalForms } from './legal-forms.ts';
import { toOrganization, toOrganizationIdentifier, toPage } from './openreferral.ts';
import {
  codeItems,
  criteriaFrom,
  directoryColumns,
  membersTable,
  pagination,
  profileValues,
  type Query,
  queryString,
  sizeBandLabel,
  verificationTable,
} from './present.ts';
import type { OrganisationProfile } from './service.ts';

// A refusal of a decision already made reads "This has already happened" on these pages.
const refuse = (reply: FastifyReply, refusal: Refusal) =>
  refusalPage(reply, refusal, { 409: 'This has already happened' });

type SlugParams = { Params: { slug: string } };

const PAGE_SIZE = 20;

const routes: ModuleRoutes = async (app, { services }) => {
  const organisations = services.organisations;
  const wardItems = () => services.place.config.wardCodes.map((w) => ({ value: w.code, text: w.name }));
  const checked = (items: { value: string; text: string }[], selected: unknown) =>
    items.map((i) => ({ ...i, checked: asArray(selected).includes(i.value) }));

  async function loadProfile(slug: string, reply: FastifyReply) {
    const profile = await organisations.get(slug);
    if (!profile) {
      reply.errorPage(404, 'Page not found', [
        'There is no organisation at this address. Search the directory to find it.',
      ]);
      return undefined;
    }
    return profile;
  }

  // ---- The public directory. ----

  app.get<{ Querystring: Query }>('/organisations', { config: { access: 'public' } }, async (request, reply) => {
    const criteria = criteriaFrom(request.query);
    const page = Math.max(1, Number.parseInt(String([request.query.page ?? '1'].flat()[0]), 10) || 1);
    const result = await organisations.search(criteria, { page, pageSize: PAGE_SIZE });
    const filtersUsed =
      Boolean(criteria.wards?.length) ||
      Boolean(criteria.serviceAreas?.length) ||
      Boolean(criteria.beneficiaryGroups?.length) ||
      Boolean(criteria.sizeBands?.length);
    return reply.view('organisations/views/search.njk', {
      title: 'Find a voluntary or community organisation',
      criteria,
      result,
      filtersUsed,
      first: (result.page - 1) * result.pageSize + 1,
      last: (result.page - 1) * result.pageSize + result.rows.length,
      pagination: pagination(criteria, result.page, result.pageCount),
      csvHref: `/organisations.csv${queryString(criteria)}`,
      clearHref: criteria.text ? `/organisations${queryString({ text: criteria.text })}` : '/organisations',
      wardItems: checked(wardItems(), criteria.wards),
      areaItems: codeItems(serviceAreas, criteria.serviceAreas),
      groupItems: codeItems(beneficiaryGroups, criteria.beneficiaryGroups),
      sizeItems: codeItems(
        sizeBands.map((b) => ({ code: b.code, label: b.label })),
        criteria.sizeBands,
      ),
      includeRemovedItems: [
        {
          value: 'removed',
          text: 'Include organisations that have closed or been removed',
          checked: criteria.includeRemoved,
        },
      ],
      rows: result.rows.map((r) => ({
        ...r,
        legalFormLabel: legalFormLabel(r.legal_form),
        sizeBandLabel: sizeBandLabel(r.size_band),
        serviceAreaLabels: r.serviceAreas.map((c) => labelFor(serviceAreas, c)),
      })),
    });
  });

  app.get<{ Querystring: Query }>('/organisations.csv', { config: { access: 'public' } }, async (request, reply) => {
    const criteria = criteriaFrom(request.query);
    const columns = directoryColumns(organisations.pageUrl);
    // Streamed a batch at a time: the whole directory never sits in memory.
    async function* csv() {
      let first = true;
      for await (const rows of organisations.searchAll(criteria)) {
        const text = toCsv({ columns, rows });
        yield first ? text : text.slice(text.indexOf('\r\n') + 2);
        first = false;
      }
      if (first) yield toCsv({ columns, rows: [] });
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="organisations.csv"')
      .send(Readable.from(csv()));
  });

  // ---- Adding an unregistered community group. ----

  const newGroupView = (reply: FastifyReply, context: Record<string, unknown>, status = 200) => {
    const values = (context.values ?? {}) as Record<string, unknown>;
    return reply.code(status).view('organisations/views/new.njk', {
      title: 'Add a community group',
      backLink: '/organisations',
      values,
      wardItems: checked(wardItems(), values.wards),
      areaItems: codeItems(serviceAreas, asArray(values.serviceAreas)),
      groupItems: codeItems(beneficiaryGroups, asArray(values.beneficiaryGroups)),
      publish: {
        email: asArray(values.publishEmail).includes('yes'),
        phone: asArray(values.publishPhone).includes('yes'),
      },
      ...context,
    });
  };

  app.get('/organisations/new', { config: { access: ['vcs_member', 'officer'] } }, async (_request, reply) =>
    newGroupView(reply, {}),
  );

  app.post('/organisations/new', { config: { access: ['vcs_member', 'officer'] } }, async (request, reply) => {
    const form = parseForm(newGroupForm, request.body);
    if (!form.ok) return newGroupView(reply, { ...form }, 400);
    if (!form.data.confirmNew) {
      const similar = await organisations.similarNames(form.data.name, 5);
      if (similar.length) {
        return newGroupView(reply, { values: request.body as Record<string, unknown>, similar });
      }
    }
    const result = await organisations.createGroup(actorOf(request), form.data);
    if (!result.ok) {
      if (result.issues)
        return newGroupView(reply, { ...formErrors(result.issues, request.body as Record<string, unknown>) }, 400);
      return refuse(reply, result);
    }
    return reply.seeOther(`/organisations/${result.slug}`, `${form.data.name} has been added to the directory`);
  });

  // ---- The verification queue. ----

  app.get('/organisations/verification', { config: { access: ['officer'] } }, async (_request, reply) => {
    const queue = await organisations.verificationQueue();
    return reply.view('organisations/views/verification.njk', {
      title: 'Organisations waiting for a check',
      queue: queue.length ? verificationTable(queue) : null,
    });
  });

  // ---- An organisation's page. ----

  app.get<SlugParams>('/organisations/:slug', { config: { access: 'public' } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const can = await organisations.permissions(viewerOf(request), profile);
    if (!profile.listed && !can.canEdit) {
      return reply.errorPage(404, 'Page not found', ['There is no organisation at this address.']);
    }
    return reply.view('organisations/views/show.njk', {
      title: profile.name,
      backLink: '/organisations',
      org: profile,
      can,
      legalForm: legalFormLabel(profile.legal_form),
      sizeBand: sizeBandLabel(profile.size_band),
      incomeYear: profile.income_period_end?.slice(0, 4),
      identifiers: profile.identifiers.map((identifier) => ({
        identifier,
        label: identifierLabel(identifier),
        url: registerUrl(identifier),
      })),
      serviceAreaLabels: profile.serviceAreas.map((c) => labelFor(serviceAreas, c)),
      beneficiaryLabels: profile.beneficiaryGroups.map((c) => labelFor(beneficiaryGroups, c)),
      wayLabels: profile.waysOfWorking.map((c) => labelFor(waysOfWorking, c)),
    });
  });

  // ---- Joining and claiming. ----

  for (const kind of ['join', 'claim'] as const) {
    const heading = (org: OrganisationProfile) => (kind === 'join' ? `Ask to join ${org.name}` : `Claim ${org.name}`);
    app.get<SlugParams>(
      `/organisations/:slug/${kind}`,
      { config: { access: ['resident', 'vcs_member'] } },
      async (request, reply) => {
        const profile = await loadProfile(request.params.slug, reply);
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
        const profile = await loadProfile(request.params.slug, reply);
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
      members: membersTable(all.filter((m) => m.status === 'approved')),
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

  // ---- Editing a profile. ----

  const editView = (reply: FastifyReply, org: OrganisationProfile, context: Record<string, unknown>, status = 200) => {
    const values = (context.values ?? {}) as Record<string, unknown>;
    const legalFormValue = String(values.legalForm ?? '');
    return reply.code(status).view('organisations/views/edit.njk', {
      title: `Edit ${org.name}`,
      backLink: `/organisations/${org.slug}`,
      org,
      legalFormItems: [
        { value: '', text: 'Not known' },
        ...legalForms.map((f) => ({ value: f.code, text: f.label })),
        // A register may have stored a form the list does not have: keep it selectable.
        ...(legalFormValue && !legalForms.some((f) => f.code === legalFormValue)
          ? [{ value: legalFormValue, text: legalFormValue }]
          : []),
      ],
      wardItems: checked(wardItems(), values.wards),
      areaItems: codeItems(serviceAreas, asArray(values.serviceAreas)),
      groupItems: codeItems(beneficiaryGroups, asArray(values.beneficiaryGroups)),
      wayItems: codeItems(waysOfWorking, asArray(values.waysOfWorking)),
      publish: {
        email: asArray(values.publishEmail).includes('yes'),
        phone: asArray(values.publishPhone).includes('yes'),
        address: asArray(values.publishAddress).includes('yes'),
      },
      ...context,
    });
  };

  app.get<SlugParams>('/organisations/:slug/edit', { config: { access: 'signed-in' } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const can = await organisations.permissions(actorOf(request), profile);
    if (!can.canEdit) {
      return reply.errorPage(403, 'You cannot edit this profile', [
        'Only the organisation’s administrators and the infrastructure body can edit it. Ask to join the organisation, or claim it if nobody manages it yet.',
      ]);
    }
    return editView(reply, profile, { values: profileValues(profile) });
  });

  app.post<SlugParams>('/organisations/:slug/edit', { config: { access: 'signed-in' } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = parseForm(profileFormFor(profile.legal_form), body);
    if (!form.ok) return editView(reply, profile, { ...form }, 400);
    const { latestIncome, ...rest } = form.data;
    const result = await organisations.update(actorOf(request), profile.id, {
      ...rest,
      latestIncomePence: latestIncome,
    });
    if (!result.ok) {
      if (result.issues) return editView(reply, profile, { ...formErrors(result.issues, body) }, 400);
      return refuse(reply, result);
    }
    return reply.seeOther(`/organisations/${profile.slug}`, 'Profile saved');
  });

  // ---- Verification. ----

  app.post<SlugParams>('/organisations/:slug/verify', { config: { access: ['officer'] } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const result = await organisations.verify(actorOf(request), profile.id);
    if (!result.ok) return refuse(reply, result);
    return reply.seeOther(`/organisations/${profile.slug}`, `${profile.name} is now verified`);
  });

  app.get<SlugParams>('/organisations/:slug/unverify', { config: { access: ['officer'] } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    return reply.view('organisations/views/unverify.njk', {
      title: `Remove verification from ${profile.name}`,
      backLink: `/organisations/${profile.slug}`,
      org: profile,
      values: {},
    });
  });

  app.post<SlugParams>('/organisations/:slug/unverify', { config: { access: ['officer'] } }, async (request, reply) => {
    const profile = await loadProfile(request.params.slug, reply);
    if (!profile) return reply;
    const form = parseForm(unverifyForm, request.body);
    if (!form.ok) {
      return reply.code(400).view('organisations/views/unverify.njk', {
        title: `Remove verification from ${profile.name}`,
        backLink: `/organisations/${profile.slug}`,
        org: profile,
        ...form,
      });
    }
    const result = await organisations.unverify(actorOf(request), profile.id, form.data.reason);
    if (!result.ok) return refuse(reply, result);
    return reply.seeOther(`/organisations/${profile.slug}`, `${profile.name} is no longer verified`);
  });

  // ---- Open Referral UK. ----

  app.get<{ Querystring: Query }>(
    '/open-data/openreferral/organizations',
    { config: { access: 'public' } },
    async (request, reply) => {
      const page = Number([request.query.page ?? '1'].flat()[0]);
      const perPage = Number([request.query.per_page ?? '50'].flat()[0]);
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 500) {
        return reply
          .code(400)
          .send({ error: 'page must be a whole number from 1, and per_page a whole number from 1 to 500' });
      }
      const { rows, total } = await organisations.openReferralPage({ limit: perPage, offset: (page - 1) * perPage });
      return reply.header('access-control-allow-origin', '*').send(
        toPage(
          rows.map((r) => toOrganization(r, organisations.pageUrl(r.slug))),
          { total, page, perPage },
        ),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/open-data/openreferral/organizations/:id',
    { config: { access: 'public' } },
    async (request, reply) => {
      const org = isUuid(request.params.id) ? await organisations.getById(request.params.id) : undefined;
      if (!org?.listed || org.status !== 'active') return reply.code(404).send({ error: 'Not found' });
      const profile = (await organisations.get(org.slug))!;
      return reply.header('access-control-allow-origin', '*').send({
        ...toOrganization(profile, organisations.pageUrl(profile.slug)),
        organization_identifiers: profile.identifiers.map((i) => toOrganizationIdentifier(profile.id, i)),
      });
    },
  );
};

export default routes;
