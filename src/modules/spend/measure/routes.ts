import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { STAFF } from '../../../web/access.ts';
import { asArray, parseForm } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { toCsv, toGovukTable } from '../../../web/table.ts';
import { createViewEnvironment } from '../../../web/views.ts';
import {
  charts,
  councilsTable,
  money,
  moneyWhole,
  publishedTable,
  type TableName,
  tableNames,
  tables,
  toJson,
} from './present.ts';
import { excludable, type MeasureOptions, type SpendSummary } from './service.ts';

type Query = {
  year?: string;
  benchmark?: string;
  include?: string | string[];
  format?: string;
  table?: string;
  council?: string;
};

/** Options from the query string; anything unknown falls back to the default rather than failing a public page. */
function optionsFrom(query: Query): MeasureOptions {
  const include = asArray(query.include);
  return {
    year: query.year,
    benchmark: query.benchmark === 'mean' ? 'mean' : 'median',
    exclude: excludable.filter((e) => !include.includes(e)),
  };
}

/** The page's address with the same choices, for links to CSV downloads. */
function csvHref(path: string, options: MeasureOptions, financialYear: string | null, table: TableName): string {
  const params = new URLSearchParams();
  if (financialYear) params.set('year', financialYear);
  if (options.benchmark === 'mean') params.set('benchmark', 'mean');
  for (const e of excludable) if (!options.exclude?.includes(e)) params.append('include', e);
  params.set('format', 'csv');
  params.set('table', table);
  return `${path}?${params.toString()}`;
}

const percentText = z
  .string()
  .trim()
  .min(1, 'Enter the VCS share as a percentage, like 7.5')
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'Enter the VCS share as a number between 0 and 100, with up to 2 decimal places')
  .refine((v) => Number(v) <= 100, 'The VCS share must be 100% or less');

const publishedForm = z.object({
  council: z.string({ message: 'Select a council' }).trim().min(1, 'Select a council'),
  financialYear: z
    .string({ message: 'Enter the financial year, like 2024-25' })
    .trim()
    .regex(/^\d{4}-\d{2}$/, 'Enter the financial year in the form 2024-25')
    .refine((v) => (Number(v.slice(0, 4)) + 1) % 100 === Number(v.slice(5)), {
      message: 'The financial year must be two years in a row, like 2024-25',
    }),
  share: z.string({ message: 'Enter the VCS share as a percentage, like 7.5' }).pipe(percentText),
  source: z
    .string({ message: 'Enter where the figure was published' })
    .trim()
    .min(1, 'Enter where the figure was published')
    .max(500, 'The source must be 500 characters or fewer'),
  sourceUrl: z
    .string()
    .trim()
    .max(2000, 'The web address must be 2,000 characters or fewer')
    .refine((v) => v === '' || /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v), {
      message: 'Enter a web address starting with https://, or leave it empty',
    })
    .default(''),
});

/** Views for the parts of a page drawn once and kept: the same environment and macros as every page. */
const fragments = createViewEnvironment();
const tableFragment = '{% from "table.njk" import appTable %}{{ appTable(t) }}';

const routes: ModuleRoutes = async (app, { services }) => {
  const measure = services.spendMeasure;
  const placeOrgId = services.place.config.council.orgId;

  // What a council's page shows that is the same for everyone: its figures, its charts and its tables drawn as
  // HTML (by the one table macro), kept by the service per generation of the figures. The rest of the page and
  // the layout (who is signed in, the CSRF token, the staff links) are drawn per request.
  const pageView = (s: SpendSummary) => {
    const all = tables(s);
    return {
      s,
      tables: Object.fromEntries(
        Object.entries(all).map(([k, t]) => [
          k,
          fragments.renderString(tableFragment, { t: toGovukTable(t as Parameters<typeof toGovukTable>[0]) }),
        ]),
      ),
      charts: charts(s),
    };
  };

  async function councilPage(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, orgId: string) {
    const path = request.url.split('?')[0]!;
    const options = optionsFrom(request.query);
    const notFound = () => reply.errorPage(404, 'Page not found', ['There is no council with that org-id here.']);
    if (request.query.format === 'csv') {
      const name = request.query.table as TableName;
      if (!tableNames.includes(name)) {
        if (!(await measure.council(orgId))) return notFound();
        return reply.errorPage(404, 'Page not found', [
          `There is no table called “${String(request.query.table ?? '')}”. Use one of: ${tableNames.join(', ')}.`,
        ]);
      }
      const download = await measure.publicView(`csv:${name}`, orgId, options, (s) => ({
        file: `spend-${orgId}-${name}${s.financialYear ? `-${s.financialYear}` : ''}${s.isDemo ? '-demo' : ''}.csv`,
        body: toCsv(tables(s)[name] as Parameters<typeof toCsv>[0]),
      }));
      if (!download) return notFound();
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${download.file}"`)
        .send(download.body);
    }
    const view = await measure.publicView('page', orgId, options, pageView);
    if (!view) return notFound();
    const summary = view.s;
    const csv = Object.fromEntries(tableNames.map((n) => [n, csvHref(path, options, summary.financialYear, n)]));
    const isPlace = orgId === placeOrgId;
    return reply.view('spend/measure/views/council.njk', {
      title: isPlace ? 'Spend with the voluntary and community sector' : `Spend with the VCS: ${summary.council.name}`,
      backLink: isPlace ? undefined : '/spend/councils',
      s: summary,
      tables: view.tables,
      csv,
      charts: view.charts,
      options: { ...options, include: excludable.filter((e) => !options.exclude?.includes(e)) },
      money,
      moneyWhole,
      formAction: path,
    });
  }

  app.get<{ Querystring: Query }>('/spend', { config: { access: 'public' } }, (request, reply) =>
    councilPage(request, reply, placeOrgId),
  );

  app.get<{ Querystring: Query; Params: { orgId: string } }>(
    '/spend/councils/:orgId',
    { config: { access: 'public' } },
    (request, reply) => councilPage(request, reply, request.params.orgId),
  );

  app.get('/spend/councils', { config: { access: 'public' } }, async (_request, reply) => {
    const councils = await measure.councils();
    return reply.view('spend/measure/views/councils.njk', {
      title: 'Councils’ spend with the VCS',
      backLink: '/spend',
      councils: toGovukTable(councilsTable(councils)),
      isDemo: councils.some((c) => c.isDemo) || (await measure.hasDemo()),
    });
  });

  app.get('/spend/methodology', { config: { access: 'public' } }, async (_request, reply) =>
    reply.view('spend/measure/views/methodology.njk', {
      title: 'How we measure spend with the VCS',
      backLink: '/spend',
      isDemo: await measure.hasDemo(),
      populationSource: measure.populationSource,
    }),
  );

  app.get<{ Querystring: Query }>('/api/spend/summary', { config: { access: 'public' } }, async (request, reply) => {
    const council = typeof request.query.council === 'string' ? request.query.council.trim() : '';
    if (!council) {
      return reply.code(400).send({ error: 'Give the council’s org-id in the query, for example ?council=GB-LAE-CRY' });
    }
    const json = await measure.publicView('json', council, optionsFrom(request.query), toJson);
    if (!json) return reply.code(404).send({ error: `There is no council with the org-id ${council}` });
    return reply.send(json);
  });

  async function publishedPage(reply: FastifyReply, form: Record<string, unknown> = {}, status = 200) {
    const [figures, councils] = await Promise.all([measure.listPublished(), services.place.councils()]);
    return reply.code(status).view('spend/measure/views/published.njk', {
      title: 'Neighbours’ published VCS figures',
      backLink: '/spend',
      figures: toGovukTable(publishedTable(figures)),
      hasFigures: figures.length > 0,
      councils: councils.map((c) => ({ value: c.org_id, text: `${c.name} (${c.org_id})` })),
      values: {},
      ...form,
    });
  }

  app.get('/spend/published', { config: { access: STAFF } }, (_request, reply) => publishedPage(reply));

  app.post('/spend/published', { config: { access: STAFF } }, async (request, reply) => {
    const form = parseForm(publishedForm, request.body);
    if (!form.ok) return publishedPage(reply, form, 400);
    const saved = await measure.savePublished(request.user!.id, {
      councilOrgId: form.data.council,
      financialYear: form.data.financialYear,
      sharePercent: form.data.share,
      source: form.data.source,
      sourceUrl: form.data.sourceUrl || null,
    });
    if (!saved.ok) {
      return publishedPage(
        reply,
        {
          errors: { [saved.field]: saved.message },
          errorList: [{ text: saved.message, href: `#${saved.field}` }],
          values: request.body as Record<string, unknown>,
        },
        400,
      );
    }
    return reply.seeOther('/spend/published', `Saved the published figure for ${form.data.financialYear}`);
  });
};

export default routes;
