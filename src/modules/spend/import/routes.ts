import { rm } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { isImportError } from '../../../imports/errors.ts';
import { MAX_REJECTED_LISTED } from '../../../imports/runner.ts';
import { normaliseHeading } from '../../../imports/table.ts';
import { formErrors } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { selfUpdating } from '../../../web/self-updating.ts';
import { type TableModel, toCsv, toGovukTable } from '../../../web/table.ts';
import { readUpload } from '../../../web/upload.ts';
import { SPEND_IMPORTERS as IMPORTERS } from './access.ts';
import { FIELD_LABELS, REQUIRED_FIELDS, SPEND_FIELDS, type SpendField } from './columns.ts';
import type { SpendJobView } from './jobs.ts';
import { poundsText as money } from './present.ts';

const ORG_ID = /^GB-[A-Z]+-[A-Za-z0-9]+$/;
const OTHER = 'other';

type Rejected = { line: number; reason: string };
const rejectedTable = (rows: Rejected[]): TableModel<Rejected> => ({
  caption: 'Rejected rows',
  columns: [
    { header: 'Line', value: (r) => r.line, numeric: true },
    { header: 'Reason', value: (r) => r.reason },
  ],
  rows,
});

const n = (value: number) => value.toLocaleString('en-GB');

const routes: ModuleRoutes = async (app, { services }) => {
  const { config, spendImportJobs: jobs } = services;
  const limitMb = Math.round(config.uploadLimitBytes / 1024 / 1024);

  /** The place first, then its neighbours, then every other council already known. */
  async function councilItems(selected = '') {
    const councils = await services.place.councils();
    const groups = [
      councils.filter((c) => c.is_place),
      councils.filter((c) => !c.is_place && c.is_neighbour),
      councils.filter((c) => !c.is_place && !c.is_neighbour),
    ];
    return [
      { value: '', text: 'Choose a council', selected: selected === '' },
      ...groups.flat().map((c) => ({
        value: c.org_id,
        text: `${c.name}${c.is_place ? '' : c.is_neighbour ? ' (neighbour)' : ''}`,
        selected: selected === c.org_id,
      })),
      { value: OTHER, text: 'Another council (enter its org-id below)', selected: selected === OTHER },
    ];
  }

  async function uploadForm(reply: FastifyReply, status: number, form: Record<string, unknown>) {
    const values = (form.values ?? {}) as Record<string, string>;
    return reply.code(status).view('spend/import/views/upload.njk', {
      title: 'Import a spend file',
      backLink: '/spend/imports',
      councils: await councilItems(values.council ?? ''),
      limitMb,
      values: {},
      errors: {},
      ...form,
    });
  }

  app.get('/spend/imports', { config: { access: IMPORTERS } }, async (request, reply) => {
    await jobs.sweep().catch((error) => request.log.warn({ err: error }, 'Clearing old spend uploads failed'));
    const [imports, open] = await Promise.all([jobs.imports(), jobs.openJobs()]);
    return reply.view('spend/import/views/imports.njk', {
      title: 'Spend imports',
      imports: imports.map((i) => ({ ...i, totalText: money(i.total) })),
      open,
    });
  });

  app.get('/spend/imports/new', { config: { access: IMPORTERS } }, async (_request, reply) =>
    uploadForm(reply, 200, {}),
  );

  app.post('/spend/imports/new', { config: { access: IMPORTERS } }, async (request, reply) => {
    const form = await readUpload(request, { kind: 'spend', maxBytes: config.uploadLimitBytes, maxFields: 6 });
    if (!form.ok)
      return uploadForm(reply, 400, formErrors([{ field: form.field, message: form.message }], form.fields));
    const { fields, file } = form;
    const path = file?.path;
    const fileName = file?.name ?? '';

    const selected = fields.council ?? '';
    const otherOrgId = (fields.otherOrgId ?? '').toUpperCase().replace(/\s+/g, '');
    const otherName = fields.otherName ?? '';
    const issues: { field: string; message: string }[] = [];
    let council = '';
    let councilName: string | undefined;
    if (otherOrgId || selected === OTHER) {
      if (!otherOrgId) {
        issues.push({ field: 'otherOrgId', message: "Enter the council's org-id, for example GB-LAE-CRY" });
      } else if (!ORG_ID.test(otherOrgId)) {
        issues.push({
          field: 'otherOrgId',
          message: "Enter the org-id in the form GB-LAE-CRY: GB-LAE- and the council's code",
        });
      } else {
        try {
          await services.spendImport.councilName(otherOrgId, otherName);
          council = otherOrgId;
          councilName = otherName || undefined;
        } catch (error) {
          if (!isImportError(error)) throw error;
          issues.push({
            field: 'otherName',
            message: `Enter the council's name: ${otherOrgId} is not a council we know or in the list of local authorities`,
          });
        }
      }
    } else if (!selected) {
      issues.push({ field: 'council', message: 'Select the council that published the file' });
    } else if (!(await services.place.councils()).some((c) => c.org_id === selected)) {
      issues.push({ field: 'council', message: 'Select a council from the list, or enter its org-id below' });
    } else {
      council = selected;
    }
    if (!file) {
      issues.unshift({
        field: 'file',
        message: 'Select a spend file to import',
      });
    }
    if (issues.length) {
      if (path) await rm(path, { force: true });
      return uploadForm(reply, 400, formErrors(issues, { council: selected, otherOrgId, otherName }));
    }
    const jobId = await jobs.start({ path: path!, fileName, council, councilName }, request.user!.id);
    return reply.seeOther(`/spend/imports/jobs/${jobId}`);
  });

  function mappingModel(job: SpendJobView, chosen?: Record<string, string>) {
    const m = job.summary!.mapping!;
    return SPEND_FIELDS.map((field) => {
      const current = chosen ? (chosen[field] ?? '') : (m.suggested[field] ?? '');
      // The suggestion is normalised ("how_much"); the select offers the headings as written.
      const match = (label: string) => current === label || (!chosen && current === normaliseHeading(label));
      const required = REQUIRED_FIELDS.includes(field);
      return {
        field,
        label: FIELD_LABELS[field],
        required,
        items: [
          { value: '', text: required ? 'Choose a column' : 'Not in this file', selected: !current },
          ...m.labels.filter(Boolean).map((label) => ({ value: label, text: label, selected: match(label) })),
        ],
      };
    });
  }

  async function jobPage(
    reply: FastifyReply,
    job: SpendJobView,
    form: Record<string, unknown> = {},
    status = 200,
    query: { updates?: string | undefined } = {},
  ) {
    const summary = job.summary;
    const awaiting = job.status === 'queued' && Boolean(summary?.mapping);
    const finished = job.status === 'succeeded' || job.status === 'failed';
    const r = summary?.result;
    const title = awaiting
      ? 'Say which column is which'
      : finished
        ? job.status === 'succeeded'
          ? 'Import finished'
          : 'Import failed'
        : 'Import in progress';
    const updates = selfUpdating(reply, {
      running: !finished && !awaiting,
      path: `/spend/imports/jobs/${job.id}`,
      query,
    });
    return reply.code(status).view('spend/import/views/job.njk', {
      title,
      backLink: '/spend/imports',
      job,
      input: summary?.input,
      awaiting,
      updates,
      fields: awaiting ? mappingModel(job, form.values as Record<string, string> | undefined) : undefined,
      result: r,
      equation: r
        ? `rows read ${n(r.rowsRead)} = imported ${n(r.rowsImported)} + already held ${n(r.rowsDuplicate)} + rejected ${n(r.rowsRejected)} + summary rows skipped ${n(r.rowsSkipped)}`
        : undefined,
      money: r
        ? { total: money(r.totalAmount), duplicate: money(r.duplicateAmount), vcs: money(r.vcsAmount) }
        : undefined,
      vcsPercent: r?.vcsShare == null ? undefined : `${(r.vcsShare * 100).toFixed(1)}%`,
      rejected: r?.rejected.length ? toGovukTable(rejectedTable(r.rejected)) : undefined,
      listedLimit: MAX_REJECTED_LISTED,
      errors: {},
      ...form,
    });
  }

  app.get<{ Params: { id: string }; Querystring: { updates?: string } }>(
    '/spend/imports/jobs/:id',
    { config: { access: IMPORTERS } },
    async (request, reply) => {
      const job = await jobs.job(request.params.id);
      if (!job) return reply.errorPage(404, 'Page not found', ['There is no such import.']);
      return jobPage(reply, job, {}, 200, request.query);
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/spend/imports/jobs/:id',
    { config: { access: IMPORTERS } },
    async (request, reply) => {
      const job = await jobs.job(request.params.id);
      if (!job) return reply.errorPage(404, 'Page not found', ['There is no such import.']);
      const mapping = job.status === 'queued' ? job.summary?.mapping : undefined;
      if (!mapping) return reply.seeOther(`/spend/imports/jobs/${job.id}`);
      const body = request.body ?? {};
      const chosen: Record<string, string> = {};
      const issues: { field: string; message: string }[] = [];
      const used = new Map<string, SpendField>();
      for (const field of SPEND_FIELDS) {
        const value = typeof body[field] === 'string' ? (body[field] as string) : '';
        if (!value) {
          if (REQUIRED_FIELDS.includes(field)) {
            issues.push({ field, message: `Select the column that holds the ${FIELD_LABELS[field].toLowerCase()}` });
          }
          continue;
        }
        chosen[field] = value;
        if (!mapping.labels.includes(value)) {
          issues.push({
            field,
            message: `Select one of the file's columns for the ${FIELD_LABELS[field].toLowerCase()}`,
          });
        } else if (used.has(value)) {
          issues.push({
            field,
            message: `"${value}" is already chosen for the ${FIELD_LABELS[used.get(value)!].toLowerCase()}: choose a different column`,
          });
        } else used.set(value, field);
      }
      if (issues.length) return jobPage(reply, job, formErrors(issues, chosen), 400);
      await jobs.map(job.id, chosen, request.user!.id);
      return reply.seeOther(`/spend/imports/jobs/${job.id}`, 'The columns are saved for this council’s files');
    },
  );

  app.get<{ Params: { id: string } }>(
    '/spend/imports/jobs/:id/rejected.csv',
    { config: { access: IMPORTERS } },
    async (request, reply) => {
      const job = await jobs.job(request.params.id);
      const result = job?.summary?.result;
      if (!job || !result) return reply.errorPage(404, 'Page not found', ['There is no such import.']);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected-rows-${job.id}.csv"`)
        .send(toCsv(rejectedTable(result.rejected)));
    },
  );
};

export default routes;
