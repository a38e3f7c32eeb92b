import type { FastifyReply } from 'fastify';
import { asArray, formErrors, parseForm } from '../../web/forms.ts';
import { actorOf } from '../../web/refusal.ts';
import { beneficiaryGroups, serviceAreas, waysOfWorking } from '../place/codelists.ts';
import { profileFormFor, unverifyForm } from './forms.ts';
import { legalForms } from './legal-forms.ts';
import { codeItems, profileValues } from './present.ts';
import { type DirectoryPages, refuse, type SlugParams } from './route-context.ts';
import type { OrganisationProfile } from './service.ts';

// Editing a profile, and the infrastructure body's check of it.
export async function profileRoutes(pages: DirectoryPages) {
  const { app, services, organisations, wardItems, checked, loadProfile } = pages;

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
    return reply.seeOther(
      `/organisations/${profile.slug}`,
      result.unverified
        ? `Profile saved. ${services.place.config.infrastructureBody.name} will check the new name or identifiers before showing it as verified again.`
        : 'Profile saved',
    );
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
}
