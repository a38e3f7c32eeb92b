import { rm } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { MAX_REJECTED_LISTED } from '../../../imports/runner.ts';
import { formErrors } from '../../../web/forms.ts';
import type { ModuleRoutes } from '../../../web/module.ts';
import { selfUpdating } from '../../../web/self-updating.ts';
import { type TableModel, toCsv, toGovukTable } from '../../../web/table.ts';
import { readUpload } from '../../../web/upload.ts';
import { REGISTER_IMPORTERS } from './access.ts';
import type { JobView } from './service.ts';

const IMPORTERS = REGISTER_IMPORTERS;

const rejectedTable = (job: JobView): TableModel<{ line: number; reason: string }> => ({
  caption: 'Rejected rows',
  columns: [
    { header: 'Line', value: (r) => r.line, numeric: true },
    { header: 'Reason', value: (r) => r.reason },
  ],
  rows: job.summary?.rejectedRows ?? [],
});

const routes: ModuleRoutes = async (app, { services }) => {
  // Uploads are only accepted here, with the configured size limit.

  const formatItems = (selected = '') => [
    { value: '', text: 'Recognise from the file', selected: selected === '' },
    ...services.registers.formats.map((f) => ({
      value: f.name,
      text: f.label.charAt(0).toUpperCase() + f.label.slice(1),
      selected: selected === f.name,
    })),
  ];

  app.get('/admin/imports', { config: { access: IMPORTERS } }, async (request, reply) => {
    await services.registers
      .sweep()
      .catch((error) => request.log.warn({ err: error }, 'Could not clear stray uploads'));
    const jobs = await services.registers.jobs();
    return reply.view('organisations/registers/views/imports.njk', { title: 'Imports', jobs });
  });

  const uploadPage = (reply: FastifyReply, form: Record<string, unknown> = { values: {}, errors: {} }) =>
    reply.view('organisations/registers/views/upload.njk', {
      title: 'Import a register',
      backLink: '/admin/imports',
      formats: formatItems((form.values as { format?: string } | undefined)?.format),
      limitMb: Math.round(services.registers.uploadLimitBytes / 1024 / 1024),
      ...form,
    });

  app.get('/admin/imports/register', { config: { access: IMPORTERS } }, async (_request, reply) => uploadPage(reply));

  app.post('/admin/imports/register', { config: { access: IMPORTERS } }, async (request, reply) => {
    const form = await readUpload(request, {
      kind: 'register',
      maxBytes: services.registers.uploadLimitBytes,
      maxFields: 5,
    });
    if (!form.ok)
      return uploadPage(reply.code(400), formErrors([{ field: form.field, message: form.message }], form.fields));
    const { fields, file } = form;
    const path = file?.path;
    const fileName = file?.name ?? '';
    const format = fields.format ?? '';
    const issues: { field: string; message: string }[] = [];
    if (!file) {
      issues.push({
        field: 'file',
        message: 'Select a register file to import',
      });
    }
    if (format && !services.registers.formats.some((f) => f.name === format)) {
      issues.push({ field: 'format', message: 'Select what kind of file it is, or "Recognise from the file"' });
    }
    if (issues.length) {
      if (path) await rm(path, { force: true });
      return uploadPage(reply.code(400), formErrors(issues, { format }));
    }
    const jobId = await services.registers.startJob({
      path: path!,
      fileName,
      format: format || undefined,
      userId: request.user!.id,
    });
    return reply.seeOther(`/admin/imports/${jobId}`);
  });

  app.get<{ Params: { jobId: string }; Querystring: { updates?: string } }>(
    '/admin/imports/:jobId',
    { config: { access: IMPORTERS } },
    async (request, reply) => {
      const job = await services.registers.job(request.params.jobId);
      if (!job) return reply.errorPage(404, 'Page not found', ['There is no such import.']);
      const finished = job.status === 'succeeded' || job.status === 'failed';
      const updates = selfUpdating(reply, {
        running: !finished,
        path: `/admin/imports/${job.id}`,
        query: request.query,
      });
      return reply.view('organisations/registers/views/job.njk', {
        title: finished ? (job.status === 'succeeded' ? 'Import finished' : 'Import failed') : 'Import in progress',
        backLink: '/admin/imports',
        job,
        updates,
        rejected: job.summary?.rejectedRows.length ? toGovukTable(rejectedTable(job)) : undefined,
        listedLimit: MAX_REJECTED_LISTED,
      });
    },
  );

  app.get<{ Params: { jobId: string } }>(
    '/admin/imports/:jobId/rejected.csv',
    { config: { access: IMPORTERS } },
    async (request, reply) => {
      const job = await services.registers.job(request.params.jobId);
      if (!job?.summary) return reply.errorPage(404, 'Page not found', ['There is no such import.']);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected-rows-${job.id}.csv"`)
        .send(toCsv(rejectedTable(job)));
    },
  );
};

export default routes;
