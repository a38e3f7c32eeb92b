import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { asArray, formErrors, formOnce, parseForm } from '../../web/forms.ts';
import { tag } from '../../web/html.ts';
import { actorOf, viewerOf } from '../../web/refusal.ts';
import { toCsv } from '../../web/table.ts';
import { beneficiaryGroups, labelFor, serviceAreas, sizeBands, waysOfWorking } from '../place/codelists.ts';
import { filterPanelHtml } from './filter-panel.ts';
import { newGroupForm } from './forms.ts';
import { identifierLabel, registerUrl } from './identifiers.ts';
import { legalFormLabel } from './legal-forms.ts';
import {
  codeItems,
  criteriaFrom,
  directoryColumns,
  pagination,
  type Query,
  queryString,
  sizeBandLabel,
  verificationTable,
} from './present.ts';
import { type DirectoryPages, refuse, type SlugParams } from './route-context.ts';

const PAGE_SIZE = 20;

// The public directory, its download, adding a community group, the verification queue and an organisation's page.
export async function directoryRoutes(pages: DirectoryPages) {
  const { app, organisations, wardItems, checked, loadProfile } = pages;

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
      filtersHtml: filterPanelHtml({
        open: {
          wards: Boolean(criteria.wards?.length),
          serviceAreas: Boolean(criteria.serviceAreas?.length),
          beneficiaryGroups: Boolean(criteria.beneficiaryGroups?.length),
        },
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
            checked: Boolean(criteria.includeRemoved),
          },
        ],
      }),
      rows: result.rows.map((r) => ({
        ...r,
        tagsHtml: [
          r.verified_at ? tag('Verified', 'green') : '',
          r.status === 'removed' ? tag('Closed or removed', 'grey') : '',
        ]
          .filter(Boolean)
          .join(' '),
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
    const actor = actorOf(request);
    const once = formOnce(request.body, 'organisation.create', actor.id);
    const result = await organisations.createGroup(actor, form.data, once);
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
}
