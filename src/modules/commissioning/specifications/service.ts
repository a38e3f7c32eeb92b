import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { SpecificationStatus } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import type { Once } from '../../../kernel/mutation.ts';
import { createMutate } from '../../../kernel/mutation.ts';
import { type Done, done, isRefusal, type Refusal, refusal } from '../../../kernel/result.ts';
import { isStaffRole } from '../../../kernel/roles.ts';
import { slugify } from '../../../web/slugs.ts';
import type { AuditService } from '../../audit/service.ts';
import type { NeedsService } from '../../needs/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { createSpecificationContext } from './context.ts';
import { createCoproductionService } from './coproduction-service.ts';
import { countWords, diffToHtml, diffWords } from './diff.ts';
import type { Missing } from './framework.ts';
import { createFrameworkService } from './framework-service.ts';
import { statusLabels } from './present.ts';
import * as q from './queries/specifications.ts';
import { mayRead, unchanged } from './rules.ts';
import { changedSections, normaliseSections, type SectionKey, type Sections, sectionKeys } from './sections.ts';

export type { WorkshopInput } from './coproduction-service.ts';
export type { FrameworkChange } from './rules.ts';

// Words that are pages under /specifications, never a specification.
const RESERVED = new Set(['new']);

// The factory is long only as a list of short operations that share its dependencies.
export function createSpecificationService(deps: {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
  needs: NeedsService;
}) {
  const { db, config, needs } = deps;
  const mutate = createMutate(deps);
  const ctx = createSpecificationContext(db, mutate);
  const { viewable, editable, currentVersion, coproducersOf, framework, readiness } = ctx;

  async function freeSlug(title: string, trx: Database): Promise<string> {
    const base = slugify(title, 'specification');
    for (let n = 1; n < 10_000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!RESERVED.has(candidate) && !(await q.slugTaken(trx, candidate))) return candidate;
    }
    throw new Error(`No free web address for "${title}"`);
  }

  /** Of these specifications, the ones this person may read, by the one rule its own pages follow. */
  async function visibleTo<S extends { id: string; status: SpecificationStatus }>(
    viewer: Actor | null,
    specs: S[],
    trx: Database = db,
  ): Promise<S[]> {
    const unpublished = specs.filter((s) => s.status !== 'published').map((s) => s.id);
    const asCoproducer = viewer && !isStaffRole(viewer.role) ? viewer.id : null;
    const mine = asCoproducer ? await q.coproducedBy(trx, asCoproducer, unpublished) : new Set<string>();
    return specs.filter((s) => mayRead(s, viewer, mine.has(s.id)));
  }

  /** Everything the specification's page shows, for someone allowed to see it. */
  async function page(actor: Actor | null, slug: string) {
    const seen = await viewable(actor, slug);
    if (isRefusal(seen)) return seen;
    const { spec, coproducer } = seen;
    const need = await needs.summary({ id: spec.needs_assessment_id });
    if (!need) throw new Error(`Specification ${spec.slug} answers no needs assessment`);
    const current = await currentVersion(spec.id);
    const [people, comments, workshops, outcomes, missing] = await Promise.all([
      coproducersOf(spec.id, current.id),
      q.comments(db, spec.id),
      q.workshops(db, spec.id),
      framework(spec.id),
      readiness(spec.id),
    ]);
    const staff = isStaff(actor);
    const me = coproducer ? people.find((p) => p.user_id === coproducer.user_id) : undefined;
    const open = spec.status !== 'published';
    return {
      ok: true as const,
      spec,
      need,
      current,
      coproducers: people,
      allSignedOff: people.length > 0 && people.every((p) => p.signedOffCurrent),
      // Hidden comments stay in the record; only staff read what they said.
      comments: comments.map((c) => ({ ...c, body: c.hidden_at && !staff ? null : c.body })),
      workshops,
      outcomes,
      missing,
      canEdit: staff && open,
      canComment: !!me && open,
      canSignOff: !!me && !me.signedOffCurrent && open,
      isStaff: staff,
    };
  }

  return {
    ...createFrameworkService(ctx),
    ...createCoproductionService(ctx, config.baseUrl),

    needBySlug: (slug: string, trx: Database = db) => needs.summary({ slug }, trx),

    /** For the opportunity created from a specification: the specification and what it still lacks. */
    async readiness(slug: string, trx: Database = db) {
      const spec = await q.bySlug(trx, slug);
      if (!spec) return undefined;
      return { spec, missing: await readiness(spec.id, trx) };
    },

    readinessOf: (specificationId: string, trx: Database = db): Promise<Missing[]> => readiness(specificationId, trx),

    /** Which need a specification answers, for the chain. */
    needOf: async (specificationId: string, trx: Database = db) =>
      (await q.needOfSpecification(trx, specificationId))?.needs_assessment_id,

    visibleTo,

    /** Publishing an opportunity publishes its specification, inside the opportunity's transaction. */
    async markPublished(actor: Actor, specificationId: string, trx: Database) {
      await mutate(
        async (t, fx) => {
          const slug = await q.markPublished(t, specificationId, actor.id);
          if (slug) {
            fx.audit({
              userId: actor.id,
              action: 'specification.published',
              entityType: 'specification',
              entityId: specificationId,
              detail: { slug, withOpportunity: true },
            });
          }
          return done();
        },
        { trx },
      );
    },

    /** The specifications answering a need, with a label for each status; `visibleTo` says which a person may read. */
    async forNeed(needId: string, trx: Database = db) {
      const rows = await q.forNeed(trx, needId);
      return rows.map((r) => ({ ...r, statusLabel: statusLabels[r.status] }));
    },

    /** Staff see every specification; residents and VCS members the ones they co-produce. */
    async list(actor: Actor) {
      const rows = await q.list(db, isStaffRole(actor.role) ? undefined : actor.id);
      const answered = await needs.summaries([...new Set(rows.map((r) => r.needs_assessment_id))]);
      return rows.map((r) => {
        const need = answered.find((a) => a.id === r.needs_assessment_id);
        return { ...r, need_slug: need?.slug ?? '', need_title: need?.title ?? '' };
      });
    },

    create(
      actor: Actor,
      input: { needSlug: string; title: string; sections: Sections; note: string },
      once?: Once,
    ): Promise<Done<{ slug: string }> | Refusal> {
      if (!isStaff(actor)) {
        return Promise.resolve(refusal(403, 'Only commissioners and officers can draft a specification.'));
      }
      return mutate(
        async (trx, fx) => {
          const need = await needs.summary({ slug: input.needSlug }, trx);
          if (!need) return refusal(404, 'There is no such needs assessment.');
          const slug = await freeSlug(input.title, trx);
          const id = await q.insertSpecification(trx, {
            slug,
            needs_assessment_id: need.id,
            title: input.title,
            created_by: actor.id,
          });
          await q.insertVersion(trx, {
            specification_id: id,
            number: 1,
            sections: JSON.stringify(normaliseSections(input.sections)),
            note: input.note || 'First draft',
            created_by: actor.id,
          });
          fx.audit({
            userId: actor.id,
            action: 'specification.created',
            entityType: 'specification',
            entityId: id,
            detail: { slug, title: input.title, needsAssessment: need.slug },
          });
          return done({ slug });
        },
        { once },
      );
    },

    page,

    /** Saving the sections makes a new version; sign-offs of the version before no longer count. */
    saveVersion(
      actor: Actor,
      slug: string,
      input: { sections: Sections; note: string },
    ): Promise<Done<{ number: number; signOffsReset: number }> | Refusal> {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const current = await currentVersion(spec.id, trx);
        const sections = normaliseSections(input.sections);
        const changed = changedSections(current.sections, sections);
        if (changed.length === 0) return unchanged(sectionKeys[0], 'Change at least one section to save a new version');
        const made = await ctx.newVersion(actor, spec.id, current.number + 1, sections, input.note, trx);
        fx.audit({
          userId: actor.id,
          action: 'specification.version_saved',
          entityType: 'specification',
          entityId: spec.id,
          detail: { ...made, note: input.note, changed, wasSignedOff: spec.status === 'signed_off' },
        });
        return done(made);
      });
    },

    async versions(actor: Actor | null, slug: string) {
      const seen = await viewable(actor, slug);
      if (isRefusal(seen)) return seen;
      return { ok: true as const, spec: seen.spec, versions: await q.versions(db, seen.spec.id) };
    },

    /** The readable difference between two versions, section by section. */
    async compare(actor: Actor | null, slug: string, a: number, b: number) {
      const seen = await viewable(actor, slug);
      if (isRefusal(seen)) return seen;
      const rows = await q.versionsNumbered(db, seen.spec.id, [a, b]);
      const from = rows.find((r) => r.number === a);
      const to = rows.find((r) => r.number === b);
      if (!from || !to) return refusal(404, 'There is no such version.');
      const before = normaliseSections(from.sections);
      const after = normaliseSections(to.sections);
      const sections = sectionKeys.map((key: SectionKey) => {
        const parts = diffWords(before[key], after[key]);
        return { key, changed: before[key] !== after[key], html: diffToHtml(parts), ...countWords(parts) };
      });
      return { ok: true as const, spec: seen.spec, from, to, sections };
    },

    /**
     * Publishing marks the specification as published, only when it is signed off and has an outcomes framework.
     * The specification's row is locked, so what is checked is what is published.
     */
    publish(actor: Actor, slug: string): Promise<Done | (Refusal & { missing?: Missing[] })> {
      return mutate<Done>(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const missing = await readiness(spec.id, trx);
        if (missing.length) return { ...refusal(400, 'The specification cannot be published yet'), missing };
        await q.markPublished(trx, spec.id, actor.id);
        fx.audit({
          userId: actor.id,
          action: 'specification.published',
          entityType: 'specification',
          entityId: spec.id,
          detail: { slug },
        });
        return done();
      });
    },
  };
}

export type SpecificationService = ReturnType<typeof createSpecificationService>;
