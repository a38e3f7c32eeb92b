import type { Database } from '../../db/index.ts';
import type { NeedsContributionKind } from '../../db/schema.ts';
import type { Actor } from '../../kernel/actor.ts';
import { londonDay } from '../../kernel/dates.ts';
import { isUuid } from '../../kernel/ids.ts';
import type { Once } from '../../kernel/mutation.ts';
import { createMutate } from '../../kernel/mutation.ts';
import { type Done, done, isRefusal, type Refusal, refusal } from '../../kernel/result.ts';
import type { AuditService } from '../audit/service.ts';
import { slugFor } from '../organisations/slugs.ts';
import type { OutboxService } from '../outbox/service.ts';
import { digestMessage } from './emails.ts';
import type { DataTable } from './evidence.ts';
import * as q from './queries.ts';
import {
  type AssessmentInput,
  acceptsInput,
  closedRefusal,
  type EvidenceInput,
  evidenceRow,
  noAssessment,
  noContribution,
  noEvidence,
  referencesRefusal,
} from './rules.ts';

export type { AssessmentInput, EvidenceInput } from './rules.ts';

/** The columns of an assessment that its form writes. */
const assessmentRow = (input: AssessmentInput, opensAt: string | null) => ({
  title: input.title,
  summary: input.summary,
  need: input.need,
  population_groups: input.populationGroups,
  coproduction_level: input.coproductionLevel,
  status: input.status,
  opens_at: opensAt,
  closes_at: input.closesAt,
});

// The factory is long only as a list of short operations that share its dependencies.
export function createNeedsService(deps: {
  db: Database;
  audit: AuditService;
  outbox: OutboxService;
  serviceName: string;
  baseUrl: string;
}) {
  const { db } = deps;
  const mutate = createMutate(deps);

  async function checkReferences(input: AssessmentInput, trx: Database) {
    return referencesRefusal(input, await q.knownReferences(trx, input.wards, input.priorities));
  }

  /** An assessment that takes contributions and support now; drafts are not there for anyone taking part. */
  async function takingPart(slug: string, now: Date, trx: Database) {
    const a = await q.assessmentBySlug(trx, slug);
    if (!a || a.status === 'draft') return noAssessment();
    if (!acceptsInput(a, now)) return closedRefusal(a.closes_at);
    return a;
  }

  async function contributionIn(slug: string, id: string, trx: Database) {
    return isUuid(id) ? q.contributionIn(trx, slug, id) : undefined;
  }

  return {
    assessmentById: (id: string, trx: Database = db) => q.assessmentById(trx, id),

    /** Which needs assessment this is, by web address or id, for the steps of the chain that answer it. */
    summary: (where: { slug: string } | { id: string }, trx: Database = db) => q.assessmentSummary(trx, where),

    /** The same for several needs assessments at once, for lists. */
    summaries: async (ids: string[], trx: Database = db) => (ids.length ? q.assessmentSummaries(trx, ids) : []),

    list: (options: q.ListOptions = {}) => q.listAssessments(db, options),

    /** What the staff home counts as contributions to answer: per assessment, oldest waiting first. */
    waiting: () => q.unansweredContributions(db),

    /** A person's own contributions, newest first, with the assessment each answers (for their account page). */
    contributionsBy: (userId: string, trx: Database = db) => q.contributionsBy(trx, userId),

    async bySlug(slug: string) {
      const a = await q.assessmentBySlug(db, slug);
      if (!a) return undefined;
      const parts = await q.assessmentParts(db, a.id);
      return {
        ...a,
        ...parts,
        evidence: parts.evidence.map((e) => ({ ...e, table: e.table_data as DataTable | null })),
        supporters: parts.supporters.map((s) => s.user_id),
      };
    },

    create(
      actor: Actor,
      input: AssessmentInput,
      now = new Date(),
      once?: Once,
    ): Promise<Refusal | Done<{ slug: string }>> {
      return mutate(
        async (trx, fx) => {
          const refused = await checkReferences(input, trx);
          if (refused) return refused;
          const slug = await slugFor(input.title, (s) => q.slugTaken(trx, s));
          const id = await q.insertAssessment(trx, {
            ...assessmentRow(input, input.status === 'draft' ? null : londonDay(now)),
            slug,
            created_by: actor.id,
          });
          await q.writeLinks(trx, id, input.wards, input.priorities);
          fx.audit({
            userId: actor.id,
            action: 'needs.create',
            entityType: 'needs_assessment',
            entityId: id,
            detail: { slug, ...input },
          });
          return done({ slug });
        },
        { once },
      );
    },

    update(
      actor: Actor,
      slug: string,
      input: AssessmentInput,
      now = new Date(),
    ): Promise<Refusal | Done<{ slug: string }>> {
      return mutate(async (trx, fx) => {
        const existing = await q.assessmentBySlug(trx, slug);
        if (!existing) return noAssessment();
        const refused = await checkReferences(input, trx);
        if (refused) return refused;
        const opensAt = existing.opens_at ?? (input.status === 'draft' ? null : londonDay(now));
        await q.updateAssessment(trx, existing.id, { ...assessmentRow(input, opensAt), updated_at: now });
        await q.writeLinks(trx, existing.id, input.wards, input.priorities);
        fx.audit({
          userId: actor.id,
          action: 'needs.update',
          entityType: 'needs_assessment',
          entityId: existing.id,
          detail: {
            before: { status: existing.status, title: existing.title, closes_at: existing.closes_at },
            after: input,
          },
        });
        return done({ slug });
      });
    },

    addEvidence(actor: Actor, slug: string, input: EvidenceInput, once?: Once): Promise<Refusal | Done> {
      return mutate(
        async (trx, fx) => {
          const a = await q.assessmentBySlug(trx, slug);
          if (!a) return noAssessment();
          const checked = evidenceRow(input);
          if (isRefusal(checked)) return checked;
          const { title, row } = checked;
          const id = await q.insertEvidence(trx, { ...row, needs_assessment_id: a.id, title, created_by: actor.id });
          fx.audit({
            userId: actor.id,
            action: 'needs.evidence.add',
            entityType: 'needs_evidence',
            entityId: id,
            detail: { assessment: a.id, kind: input.kind, title, file_name: row.file_name, file_size: row.file_size },
          });
          return done();
        },
        { once },
      );
    },

    removeEvidence(actor: Actor, slug: string, evidenceId: string): Promise<Refusal | Done> {
      return mutate(async (trx, fx) => {
        const e = isUuid(evidenceId) ? await q.evidenceIn(trx, slug, evidenceId) : undefined;
        if (!e) return noEvidence();
        await q.deleteEvidence(trx, e.id);
        fx.audit({
          userId: actor.id,
          action: 'needs.evidence.remove',
          entityType: 'needs_evidence',
          entityId: e.id,
          detail: e,
        });
        return done();
      });
    },

    document: async (slug: string, evidenceId: string) =>
      isUuid(evidenceId) ? q.documentIn(db, slug, evidenceId) : undefined,

    contribute(
      actor: Actor,
      slug: string,
      input: { kind: NeedsContributionKind; body: string },
      now = new Date(),
      once?: Once,
    ): Promise<Refusal | Done> {
      return mutate(
        async (trx, fx) => {
          const a = await takingPart(slug, now, trx);
          if (isRefusal(a)) return a;
          const id = await q.insertContribution(trx, {
            needs_assessment_id: a.id,
            kind: input.kind,
            body: input.body,
            author_id: actor.id,
          });
          fx.audit({
            userId: actor.id,
            action: 'needs.contribute',
            entityType: 'needs_contribution',
            entityId: id,
            detail: { assessment: a.id, kind: input.kind },
          });
          return done();
        },
        { once },
      );
    },

    /** One support per person per assessment: supporting again changes nothing. */
    support(actor: Actor, slug: string, now = new Date()): Promise<Refusal | Done<{ already: boolean }>> {
      return mutate(async (trx, fx) => {
        const a = await takingPart(slug, now, trx);
        if (isRefusal(a)) return a;
        const added = await q.insertSupport(trx, a.id, actor.id);
        if (added) {
          fx.audit({ userId: actor.id, action: 'needs.support', entityType: 'needs_assessment', entityId: a.id });
        }
        return done({ already: !added });
      });
    },

    hide(actor: Actor, slug: string, contributionId: string, reason: string): Promise<Refusal | Done> {
      return mutate(async (trx, fx) => {
        const c = await contributionIn(slug, contributionId, trx);
        if (!c) return noContribution();
        if (!(await q.hideContribution(trx, c.id, actor.id, reason)))
          return refusal(409, 'This contribution is already hidden.');
        fx.audit({
          userId: actor.id,
          action: 'needs.hide',
          entityType: 'needs_contribution',
          entityId: c.id,
          detail: { reason },
        });
        return done();
      });
    },

    /** "You said, we did": a response, which reaches the contributor in their next daily digest. */
    respond(
      actor: Actor,
      slug: string,
      contributionId: string,
      response: string,
      now = new Date(),
    ): Promise<Refusal | Done> {
      return mutate(async (trx, fx) => {
        const c = await contributionIn(slug, contributionId, trx);
        if (!c) return noContribution();
        await q.respondToContribution(trx, c.id, actor.id, response, now);
        fx.audit({
          userId: actor.id,
          action: 'needs.respond',
          entityType: 'needs_contribution',
          entityId: c.id,
          detail: { response, previous: c.response },
        });
        return done();
      });
    },

    /**
     * One e-mail per contributor with every response they have not yet been told about, at most once a day:
     * someone told within the last 24 hours waits for the next run after that.
     */
    async sendDigests(now = new Date()): Promise<{ emails: number; responses: number }> {
      const due = await q.responsesToTell(db, now);
      const byPerson = new Map<string, typeof due>();
      for (const row of due) byPerson.set(row.author_id!, [...(byPerson.get(row.author_id!) ?? []), row]);
      for (const [userId, rows] of byPerson) {
        const first = rows[0]!;
        await mutate(async (trx, fx) => {
          const message = digestMessage({ ...deps, name: first.name, rows });
          fx.email({ to: first.email, ...message });
          await q.markTold(
            trx,
            rows.map((r) => r.id),
            now,
          );
          fx.audit({
            userId: null,
            action: 'needs.digest',
            entityType: 'app_user',
            entityId: userId,
            detail: { contributions: rows.map((r) => r.id) },
          });
          return done();
        });
      }
      return { emails: byPerson.size, responses: due.length };
    },
  };
}

export type NeedsService = ReturnType<typeof createNeedsService>;
