import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type {
  CoproductionLevel,
  NeedsContributionKind,
  NeedsEvidenceKind,
  NeedsStatus,
  Role,
} from '../../db/schema.ts';
import type { AuditService } from '../audit/service.ts';
import { slugFor } from '../organisations/slugs.ts';
import type { OutboxService } from '../outbox/service.ts';
import { checkDocument, type DataTable, parseDataTable } from './evidence.ts';

export type Actor = { id: string; role: Role };
export type Refusal = { ok: false; status: 400 | 403 | 404 | 409; message: string; field?: string };
export type Done<T = object> = { ok: true } & T;

const STAFF_ROLES: Role[] = ['officer', 'commissioner', 'admin'];
export const isStaff = (actor: Actor | null | undefined) => !!actor && STAFF_ROLES.includes(actor.role);

export const statuses: { value: NeedsStatus; text: string; hint: string }[] = [
  { value: 'draft', text: 'Draft', hint: 'Only staff can see it.' },
  { value: 'open', text: 'Open for input', hint: 'Residents and VCS members can add to it until the closing date.' },
  { value: 'closed', text: 'Closed', hint: 'Visible to everyone; no more contributions.' },
  {
    value: 'published',
    text: 'Published',
    hint: 'The finished assessment, with what was done about what people said.',
  },
];

// Think Local Act Personal's ladder of co-production, lowest rung first.
export const ladder: { value: CoproductionLevel; text: string; hint: string }[] = [
  { value: 'informing', text: 'Informing', hint: 'We tell people what has been decided and why.' },
  { value: 'consultation', text: 'Consultation', hint: 'We ask for views on our plans, and decide.' },
  { value: 'engagement', text: 'Engagement', hint: 'People help shape the plans, and we still decide.' },
  { value: 'co_design', text: 'Co-design', hint: 'People with lived experience design it with us.' },
  {
    value: 'co_production',
    text: 'Co-production',
    hint: 'Equal partners from start to finish: sharing power, design, delivery and decisions.',
  },
];

export const contributionKinds: { value: NeedsContributionKind; text: string; hint: string }[] = [
  { value: 'lived_experience', text: 'Lived experience', hint: 'What happened to you or people you know.' },
  { value: 'idea', text: 'An idea', hint: 'Something that would help.' },
  { value: 'comment', text: 'A comment', hint: 'Anything else about this need.' },
];

export const statusLabel = (s: NeedsStatus) => statuses.find((x) => x.value === s)?.text ?? s;
export const kindLabel = (k: NeedsContributionKind) => contributionKinds.find((x) => x.value === k)?.text ?? k;

export type AssessmentInput = {
  title: string;
  summary: string;
  need: string;
  populationGroups: string[];
  wards: string[];
  priorities: number[];
  coproductionLevel: CoproductionLevel;
  status: NeedsStatus;
  closesAt: string | null;
};

export type EvidenceInput =
  | { kind: 'text'; title: string; body: string }
  | { kind: 'link'; title: string; url: string; body?: string }
  | { kind: 'document'; title: string; fileName: string; bytes: Uint8Array; body?: string }
  | { kind: 'table'; title: string; csv: string; body?: string };

/** The date in London, which decides whether a closing date has passed. */
export function londonDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

export function acceptsInput(a: { status: NeedsStatus; closes_at: string | null }, now: Date): boolean {
  return a.status === 'open' && (!a.closes_at || londonDate(now) <= a.closes_at);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createNeedsService(deps: {
  db: Database;
  audit: AuditService;
  outbox: OutboxService;
  serviceName: string;
  baseUrl: string;
}) {
  const { db, audit, outbox } = deps;

  async function assessmentById(id: string, trx: Database = db) {
    return trx.selectFrom('needs_assessment').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function writeLinks(trx: Database, id: string, input: AssessmentInput) {
    await trx.deleteFrom('needs_assessment_ward').where('needs_assessment_id', '=', id).execute();
    await trx.deleteFrom('needs_assessment_priority').where('needs_assessment_id', '=', id).execute();
    if (input.wards.length) {
      await trx
        .insertInto('needs_assessment_ward')
        .values(input.wards.map((ward_code) => ({ needs_assessment_id: id, ward_code })))
        .execute();
    }
    if (input.priorities.length) {
      await trx
        .insertInto('needs_assessment_priority')
        .values(input.priorities.map((priority_id) => ({ needs_assessment_id: id, priority_id })))
        .execute();
    }
  }

  /** Wards and priorities that do not exist are refused, so a stale form cannot link to nothing. */
  async function checkReferences(input: AssessmentInput): Promise<Refusal | null> {
    if (input.wards.length) {
      const found = await db.selectFrom('ward').select('code').where('code', 'in', input.wards).execute();
      if (found.length !== new Set(input.wards).size)
        return { ok: false, status: 400, field: 'wards', message: 'Select wards from the list' };
    }
    if (input.priorities.length) {
      const found = await db.selectFrom('local_priority').select('id').where('id', 'in', input.priorities).execute();
      if (found.length !== new Set(input.priorities).size)
        return { ok: false, status: 400, field: 'priorities', message: 'Select priorities from the list' };
    }
    return null;
  }

  const service = {
    /** Which needs assessment this is, by web address or id, for the steps of the chain that answer it. */
    async summary(where: { slug: string } | { id: string }, trx: Database = db) {
      const q = trx.selectFrom('needs_assessment').select(['id', 'slug', 'title']);
      return ('id' in where ? q.where('id', '=', where.id) : q.where('slug', '=', where.slug)).executeTakeFirst();
    },

    /** The same for several needs assessments at once, for lists. */
    async summaries(ids: string[]) {
      if (!ids.length) return [];
      return db.selectFrom('needs_assessment').select(['id', 'slug', 'title']).where('id', 'in', ids).execute();
    },

    async list(options: { ward?: string | undefined; priority?: number | undefined; includeDrafts?: boolean } = {}) {
      let q = db
        .selectFrom('needs_assessment as n')
        .select([
          'n.id',
          'n.slug',
          'n.title',
          'n.summary',
          'n.status',
          'n.closes_at',
          'n.coproduction_level',
          'n.is_demo',
          sql<number>`(select count(*) from needs_support s where s.needs_assessment_id = n.id)::int`.as('supporters'),
          sql<number>`(select count(*) from needs_contribution c where c.needs_assessment_id = n.id and c.hidden_at is null)::int`.as(
            'contributions',
          ),
          sql<
            string[]
          >`coalesce((select array_agg(w.name order by w.position) from needs_assessment_ward aw join ward w on w.code = aw.ward_code where aw.needs_assessment_id = n.id), '{}')`.as(
            'wards',
          ),
        ]);
      if (!options.includeDrafts) q = q.where('n.status', '<>', 'draft');
      if (options.ward) {
        const ward = options.ward;
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('needs_assessment_ward as fw')
              .select('fw.ward_code')
              .whereRef('fw.needs_assessment_id', '=', 'n.id')
              .where('fw.ward_code', '=', ward),
          ),
        );
      }
      if (options.priority !== undefined) {
        const priority = options.priority;
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('needs_assessment_priority as fp')
              .select('fp.priority_id')
              .whereRef('fp.needs_assessment_id', '=', 'n.id')
              .where('fp.priority_id', '=', priority),
          ),
        );
      }
      // Open for input first (soonest closing first), then published, then closed, then drafts.
      return q
        .orderBy(sql`case n.status when 'open' then 0 when 'published' then 1 when 'closed' then 2 else 3 end`)
        .orderBy(sql`n.closes_at asc nulls last`)
        .orderBy('n.title')
        .execute();
    },

    async bySlug(slug: string) {
      const a = await db.selectFrom('needs_assessment').selectAll().where('slug', '=', slug).executeTakeFirst();
      if (!a) return undefined;
      const [wards, priorities, evidence, contributions, supporters] = await Promise.all([
        db
          .selectFrom('needs_assessment_ward as aw')
          .innerJoin('ward as w', 'w.code', 'aw.ward_code')
          .select(['w.code', 'w.name'])
          .where('aw.needs_assessment_id', '=', a.id)
          .orderBy('w.position')
          .execute(),
        db
          .selectFrom('needs_assessment_priority as ap')
          .innerJoin('local_priority as p', 'p.id', 'ap.priority_id')
          .select(['p.id', 'p.title'])
          .where('ap.needs_assessment_id', '=', a.id)
          .orderBy('p.position')
          .execute(),
        db
          .selectFrom('needs_evidence')
          .select([
            'id',
            'kind',
            'title',
            'body',
            'url',
            'file_name',
            'file_size',
            'file_type',
            'table_data',
            'created_at',
          ])
          .where('needs_assessment_id', '=', a.id)
          .orderBy('position')
          .orderBy('created_at')
          .execute(),
        db
          .selectFrom('needs_contribution as c')
          .leftJoin('app_user as u', 'u.id', 'c.author_id')
          .leftJoin('app_user as r', 'r.id', 'c.responded_by')
          .select([
            'c.id',
            'c.kind',
            'c.body',
            'c.author_id',
            'c.created_at',
            'c.hidden_at',
            'c.hidden_reason',
            'c.response',
            'c.responded_at',
            'u.name as author_name',
            'u.role as author_role',
            'r.name as responder_name',
          ])
          .where('c.needs_assessment_id', '=', a.id)
          .orderBy('c.created_at')
          .execute(),
        db.selectFrom('needs_support').select(['user_id']).where('needs_assessment_id', '=', a.id).execute(),
      ]);
      return {
        ...a,
        wards,
        priorities,
        evidence: evidence.map((e) => ({ ...e, table: e.table_data as DataTable | null })),
        contributions,
        supporters: supporters.map((s) => s.user_id),
      };
    },

    async create(actor: Actor, input: AssessmentInput, now = new Date()): Promise<Refusal | Done<{ slug: string }>> {
      const refusal = await checkReferences(input);
      if (refusal) return refusal;
      return db.transaction().execute(async (trx) => {
        const slug = await slugFor(input.title, async (s) =>
          Boolean(await trx.selectFrom('needs_assessment').select('id').where('slug', '=', s).executeTakeFirst()),
        );
        const row = await trx
          .insertInto('needs_assessment')
          .values({
            slug,
            title: input.title,
            summary: input.summary,
            need: input.need,
            population_groups: input.populationGroups,
            coproduction_level: input.coproductionLevel,
            status: input.status,
            opens_at: input.status === 'draft' ? null : londonDate(now),
            closes_at: input.closesAt,
            created_by: actor.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await writeLinks(trx, row.id, input);
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.create',
            entityType: 'needs_assessment',
            entityId: row.id,
            detail: { slug, ...input },
          },
          trx,
        );
        return { ok: true as const, slug };
      });
    },

    async update(
      actor: Actor,
      slug: string,
      input: AssessmentInput,
      now = new Date(),
    ): Promise<Refusal | Done<{ slug: string }>> {
      const existing = await db.selectFrom('needs_assessment').selectAll().where('slug', '=', slug).executeTakeFirst();
      if (!existing) return { ok: false, status: 404, message: 'There is no such needs assessment.' };
      const refusal = await checkReferences(input);
      if (refusal) return refusal;
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('needs_assessment')
          .set({
            title: input.title,
            summary: input.summary,
            need: input.need,
            population_groups: input.populationGroups,
            coproduction_level: input.coproductionLevel,
            status: input.status,
            opens_at: existing.opens_at ?? (input.status === 'draft' ? null : londonDate(now)),
            closes_at: input.closesAt,
            updated_at: now,
          })
          .where('id', '=', existing.id)
          .execute();
        await writeLinks(trx, existing.id, input);
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.update',
            entityType: 'needs_assessment',
            entityId: existing.id,
            detail: {
              before: { status: existing.status, title: existing.title, closes_at: existing.closes_at },
              after: input,
            },
          },
          trx,
        );
        return { ok: true as const, slug };
      });
    },

    async addEvidence(actor: Actor, slug: string, input: EvidenceInput): Promise<Refusal | Done> {
      const a = await db.selectFrom('needs_assessment').select('id').where('slug', '=', slug).executeTakeFirst();
      if (!a) return { ok: false, status: 404, message: 'There is no such needs assessment.' };
      const title = input.title.trim();
      if (!title) return { ok: false, status: 400, field: 'title', message: 'Enter a title for the evidence' };
      if (title.length > 200)
        return { ok: false, status: 400, field: 'title', message: 'Title must be 200 characters or fewer' };
      const row: {
        kind: NeedsEvidenceKind;
        body: string;
        url?: string;
        file_name?: string;
        file_size?: number;
        file_type?: string;
        file_data?: Uint8Array;
        table_data?: string;
      } = { kind: input.kind, body: (input.body ?? '').trim() };
      if (input.kind === 'text') {
        if (!row.body) return { ok: false, status: 400, field: 'body', message: 'Enter the evidence' };
      } else if (input.kind === 'link') {
        let url: URL | undefined;
        try {
          url = new URL(input.url.trim());
        } catch {}
        if (!url || !['http:', 'https:'].includes(url.protocol))
          return { ok: false, status: 400, field: 'url', message: 'Enter a web address starting with https://' };
        row.url = url.toString();
      } else if (input.kind === 'document') {
        const check = checkDocument(input.fileName, input.bytes);
        if (!check.ok) return { ok: false, status: 400, field: 'file', message: check.message };
        Object.assign(row, {
          file_name: check.fileName,
          file_size: input.bytes.length,
          file_type: check.mime,
          file_data: input.bytes,
        });
      } else {
        const check = parseDataTable(input.csv);
        if (!check.ok) return { ok: false, status: 400, field: 'csv', message: check.message };
        row.table_data = JSON.stringify(check.table);
      }
      await db.transaction().execute(async (trx) => {
        const position = await trx
          .selectFrom('needs_evidence')
          .select(sql<number>`coalesce(max(position), 0) + 1`.as('next'))
          .where('needs_assessment_id', '=', a.id)
          .executeTakeFirstOrThrow();
        const inserted = await trx
          .insertInto('needs_evidence')
          .values({ ...row, needs_assessment_id: a.id, title, position: position.next, created_by: actor.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.evidence.add',
            entityType: 'needs_evidence',
            entityId: inserted.id,
            detail: { assessment: a.id, kind: input.kind, title, file_name: row.file_name, file_size: row.file_size },
          },
          trx,
        );
      });
      return { ok: true };
    },

    async removeEvidence(actor: Actor, slug: string, evidenceId: string): Promise<Refusal | Done> {
      if (!UUID.test(evidenceId)) return { ok: false, status: 404, message: 'There is no such evidence.' };
      const e = await db
        .selectFrom('needs_evidence as e')
        .innerJoin('needs_assessment as a', 'a.id', 'e.needs_assessment_id')
        .select(['e.id', 'e.title', 'e.kind', 'a.id as assessment'])
        .where('a.slug', '=', slug)
        .where('e.id', '=', evidenceId)
        .executeTakeFirst();
      if (!e) return { ok: false, status: 404, message: 'There is no such evidence.' };
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('needs_evidence').where('id', '=', e.id).execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.evidence.remove',
            entityType: 'needs_evidence',
            entityId: e.id,
            detail: e,
          },
          trx,
        );
      });
      return { ok: true };
    },

    async document(slug: string, evidenceId: string) {
      return db
        .selectFrom('needs_evidence as e')
        .innerJoin('needs_assessment as a', 'a.id', 'e.needs_assessment_id')
        .select(['e.file_name', 'e.file_type', 'e.file_data', 'a.status'])
        .where('a.slug', '=', slug)
        .where('e.id', '=', evidenceId)
        .where('e.kind', '=', 'document')
        .executeTakeFirst();
    },

    async contribute(
      actor: Actor,
      slug: string,
      input: { kind: NeedsContributionKind; body: string },
      now = new Date(),
    ): Promise<Refusal | Done> {
      const a = await db.selectFrom('needs_assessment').selectAll().where('slug', '=', slug).executeTakeFirst();
      if (!a || a.status === 'draft') return { ok: false, status: 404, message: 'There is no such needs assessment.' };
      if (!acceptsInput(a, now)) return closedRefusal(a.closes_at);
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('needs_contribution')
          .values({ needs_assessment_id: a.id, kind: input.kind, body: input.body, author_id: actor.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.contribute',
            entityType: 'needs_contribution',
            entityId: row.id,
            detail: { assessment: a.id, kind: input.kind },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /** One support per person per assessment: supporting again changes nothing. */
    async support(actor: Actor, slug: string, now = new Date()): Promise<Refusal | Done<{ already: boolean }>> {
      const a = await db.selectFrom('needs_assessment').selectAll().where('slug', '=', slug).executeTakeFirst();
      if (!a || a.status === 'draft') return { ok: false, status: 404, message: 'There is no such needs assessment.' };
      if (!acceptsInput(a, now)) return closedRefusal(a.closes_at);
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('needs_support')
          .values({ needs_assessment_id: a.id, user_id: actor.id })
          .onConflict((oc) => oc.doNothing())
          .returning('user_id')
          .executeTakeFirst();
        if (inserted) {
          await audit.record(
            { userId: actor.id, action: 'needs.support', entityType: 'needs_assessment', entityId: a.id },
            trx,
          );
        }
        return { ok: true as const, already: !inserted };
      });
    },

    async hide(actor: Actor, slug: string, contributionId: string, reason: string): Promise<Refusal | Done> {
      const c = await contributionIn(slug, contributionId);
      if (!c) return { ok: false, status: 404, message: 'There is no such contribution.' };
      if (c.hidden_at) return { ok: false, status: 409, message: 'This contribution is already hidden.' };
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('needs_contribution')
          .set({ hidden_at: new Date(), hidden_by: actor.id, hidden_reason: reason })
          .where('id', '=', c.id)
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.hide',
            entityType: 'needs_contribution',
            entityId: c.id,
            detail: { reason },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /** "You said, we did": a response, which reaches the contributor in their next daily digest. */
    async respond(
      actor: Actor,
      slug: string,
      contributionId: string,
      response: string,
      now = new Date(),
    ): Promise<Refusal | Done> {
      const c = await contributionIn(slug, contributionId);
      if (!c) return { ok: false, status: 404, message: 'There is no such contribution.' };
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('needs_contribution')
          // A changed response is news again, so it goes in the next digest.
          .set({ response, responded_by: actor.id, responded_at: now, notified_at: null })
          .where('id', '=', c.id)
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'needs.respond',
            entityType: 'needs_contribution',
            entityId: c.id,
            detail: { response, previous: c.response },
          },
          trx,
        );
      });
      return { ok: true };
    },

    /**
     * One e-mail per contributor with every response they have not yet been told about, at most once a day:
     * someone told within the last 24 hours waits for the next run after that.
     */
    async sendDigests(now = new Date()): Promise<{ emails: number; responses: number }> {
      const due = await db
        .selectFrom('needs_contribution as c')
        .innerJoin('app_user as u', 'u.id', 'c.author_id')
        .innerJoin('needs_assessment as a', 'a.id', 'c.needs_assessment_id')
        .select(['c.id', 'c.author_id', 'c.body', 'c.response', 'u.email', 'u.name', 'a.title', 'a.slug'])
        .where('c.responded_at', 'is not', null)
        .where('c.notified_at', 'is', null)
        .where('u.disabled_at', 'is', null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('needs_contribution as recent')
                .select('recent.id')
                .whereRef('recent.author_id', '=', 'c.author_id')
                .where('recent.notified_at', '>', new Date(now.getTime() - DAY_MS)),
            ),
          ),
        )
        .orderBy('c.author_id')
        .orderBy('a.title')
        .orderBy('c.responded_at')
        .execute();
      const byPerson = new Map<string, typeof due>();
      for (const row of due) {
        const list = byPerson.get(row.author_id!) ?? [];
        list.push(row);
        byPerson.set(row.author_id!, list);
      }
      for (const [userId, rows] of byPerson) {
        const first = rows[0]!;
        await db.transaction().execute(async (trx) => {
          await outbox.queue(
            {
              to: first.email,
              subject:
                rows.length === 1
                  ? `${deps.serviceName}: a response to what you said`
                  : `${deps.serviceName}: ${rows.length} responses to what you said`,
              body: digestBody(first.name, rows, deps.baseUrl),
              kind: 'needs_digest',
            },
            trx,
          );
          await trx
            .updateTable('needs_contribution')
            .set({ notified_at: now })
            .where(
              'id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
          await audit.record(
            {
              userId: null,
              action: 'needs.digest',
              entityType: 'app_user',
              entityId: userId,
              detail: { contributions: rows.map((r) => r.id) },
            },
            trx,
          );
        });
      }
      return { emails: byPerson.size, responses: due.length };
    },
  };

  async function contributionIn(slug: string, id: string) {
    if (!UUID.test(id)) return undefined;
    return db
      .selectFrom('needs_contribution as c')
      .innerJoin('needs_assessment as a', 'a.id', 'c.needs_assessment_id')
      .select(['c.id', 'c.hidden_at', 'c.response'])
      .where('a.slug', '=', slug)
      .where('c.id', '=', id)
      .executeTakeFirst();
  }

  return { ...service, assessmentById };
}

function closedRefusal(closesAt: string | null): Refusal {
  const when = closesAt
    ? ` It closed on ${new Date(`${closesAt}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.`
    : '';
  return {
    ok: false,
    status: 409,
    message: `This needs assessment is no longer open for contributions or support.${when}`,
  };
}

function digestBody(
  name: string,
  rows: { body: string; response: string | null; title: string; slug: string }[],
  baseUrl: string,
): string {
  const parts = [`Dear ${name},`, '', 'You said, we did. Here is what has been done about what you told us.', ''];
  for (const r of rows) {
    const said = r.body.length > 300 ? `${r.body.slice(0, 297)}…` : r.body;
    parts.push(`${r.title}`, `You said: ${said}`, `We did: ${r.response ?? ''}`, `${baseUrl}/needs/${r.slug}`, '');
  }
  parts.push('You get this e-mail at most once a day, when there is something new.');
  return parts.join('\n');
}

export type NeedsService = ReturnType<typeof createNeedsService>;
