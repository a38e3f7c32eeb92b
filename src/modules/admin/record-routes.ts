import type { FastifyInstance } from 'fastify';
import { formatDateTime } from '../../kernel/dates.ts';
import { ADMIN } from '../../web/access.ts';
import type { RouteServices } from '../../web/module.ts';
import { toGovukTable } from '../../web/table.ts';
import { pageNumber, pagination, serviceLinks } from './present.ts';

// What the platform has done: the audit log, and the e-mails in the outbox.
export async function recordRoutes(app: FastifyInstance, services: RouteServices) {
  const { audit, outbox, accounts } = services;
  const admin = { config: { access: ADMIN } };

  // ---- Audit log ----

  app.get<{ Querystring: { type?: string; page?: string } }>('/admin/audit', admin, async (request, reply) => {
    const types = await audit.entityTypes();
    const type = types.includes(String(request.query.type)) ? String(request.query.type) : '';
    const page = pageNumber(request.query.page);
    const result = await audit.list({ page, entityType: type || undefined });
    type Row = (typeof result.rows)[number];
    const table = toGovukTable<Row>({
      caption: type ? `Changes to records of kind ${type}` : 'All changes',
      columns: [
        { header: 'When', value: (r) => formatDateTime(r.at) },
        { header: 'Who', value: (r) => r.user_name ?? (isCli(r.detail) ? 'Command line' : 'System') },
        { header: 'Action', value: (r) => r.action.replace(/_/g, ' ') },
        { header: 'Record', value: (r) => `${r.entity_type}${r.entity_id ? ` ${r.entity_id}` : ''}` },
        { header: 'Detail', value: (r) => describeDetail(r.detail) },
      ],
      rows: result.rows,
    });
    return reply.view('admin/views/audit.njk', {
      title: 'Audit log',
      backLink: '/admin',
      type,
      typeItems: [{ value: '', text: 'All kinds' }, ...types.map((t) => ({ value: t, text: t }))],
      table,
      pages: pagination('/admin/audit', { type }, page, result.hasNext),
    });
  });

  // ---- Outbox ----

  app.get<{ Querystring: { page?: string } }>('/admin/outbox', admin, async (request, reply) => {
    const page = pageNumber(request.query.page);
    const result = await outbox.list({ page, pageSize: 25 });
    // A link that still works (to reset a password, accept an invitation, confirm an address, let someone sign in
    // again) is its recipient's alone: it is hidden here until it has been used or has expired.
    const live = await accounts.liveLinks(result.rows.flatMap((e) => serviceLinks(e.body, outbox.baseUrl)));
    // Other links are clickable only outside production; bodies are always shown, escaped.
    const clickable = outbox.linksClickable;
    const emails = result.rows.map((e) => ({
      ...e,
      body: hideLinks(e.body, live),
      status: e.sent_at
        ? `Sent ${formatDateTime(e.sent_at)}`
        : e.attempts >= 5
          ? `Failed after ${e.attempts} attempts: ${e.last_error ?? ''}`
          : e.attempts > 0
            ? `Waiting to retry (${e.attempts} failed): ${e.last_error ?? ''}`
            : 'Waiting to be sent',
      links: clickable ? serviceLinks(e.body, outbox.baseUrl).filter((l) => !live.has(l)) : [],
    }));
    return reply.view('admin/views/outbox.njk', {
      title: 'Outbox',
      backLink: '/admin',
      adapter: outbox.adapter.name,
      emails,
      pages: pagination('/admin/outbox', {}, page, result.hasNext),
    });
  });
}

/** The body with every live link replaced by words that say one was there. */
function hideLinks(body: string, live: Set<string>): string {
  let hidden = body;
  // Longest first, so a link that begins another is not replaced inside it.
  for (const link of [...live].sort((a, b) => b.length - a.length)) hidden = hidden.split(link).join('[link hidden]');
  return hidden;
}

function isCli(detail: unknown): boolean {
  return Boolean(detail && typeof detail === 'object' && (detail as { source?: unknown }).source === 'cli');
}

function describeDetail(detail: unknown): string {
  const value = typeof detail === 'string' ? safeJson(detail) : detail;
  if (!value || typeof value !== 'object' || Object.keys(value).length === 0) return '';
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
