import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { Role, SpecificationStatus } from '../../../db/schema.ts';
import { slugify } from '../../../web/slugs.ts';
import type { AuditService } from '../../audit/service.ts';
import type { NeedsService } from '../../needs/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { countWords, diffToHtml, diffWords } from './diff.ts';
import { type IndicatorInput, isCompleteIndicator, type Missing, missingForPublication } from './framework.ts';
import { changedSections, normaliseSections, type SectionKey, type Sections, sectionKeys } from './sections.ts';

export type Actor = { id: string; role: Role };
export type Issue = { field: string; message: string };
/** A refusal the web layer turns into a page: 400 bad input, 403 not allowed, 404 not found, 409 not in this state. */
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type Done<T = object> = { ok: true } & T;

const STAFF: readonly Role[] = ['officer', 'commissioner', 'admin'];
const COPRODUCER_ROLES: readonly Role[] = ['resident', 'vcs_member'];
export const isStaff = (actor: Actor | null) => !!actor && STAFF.includes(actor.role);

export const statusLabels: Record<SpecificationStatus, string> = {
  draft: 'Draft',
  in_review: 'With co-producers',
  signed_off: 'Signed off',
  published: 'Published',
};

export type WorkshopInput = { held_on: string; participants: Record<string, number>; what_changed: string };

const notFound = { ok: false, status: 404, message: 'There is no such specification.' } as const;
const noOutcome = { ok: false, status: 404, message: 'There is no such outcome.' } as const;
const noIndicator = { ok: false, status: 404, message: 'There is no such indicator.' } as const;
/** What a change to the outcomes framework did: the version it made, if any, and how many sign-offs it reset. */
export type FrameworkChange = { version: number | null; signOffsReset: number };
const published = {
  ok: false,
  status: 409,
  message: 'This specification has been published, so it can no longer be changed.',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Words that are pages under /specifications, never a specification.
const RESERVED = new Set(['new']);

export function createSpecificationService({
  db,
  config,
  audit,
  outbox,
  needs,
}: {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
  needs: NeedsService;
}) {
  async function freeSlug(title: string, trx: Database): Promise<string> {
    const base = slugify(title, 'specification');
    for (let n = 1; n < 10_000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (RESERVED.has(candidate)) continue;
      const taken = await trx.selectFrom('specification').select('id').where('slug', '=', candidate).executeTakeFirst();
      if (!taken) return candidate;
    }
    throw new Error(`No free web address for "${title}"`);
  }

  // Needs assessments belong to the needs module; a specification only needs to know which one it answers.
  async function needBySlug(slug: string, trx: Database = db) {
    return needs.summary({ slug }, trx);
  }

  async function bySlug(slug: string, trx: Database = db) {
    return trx.selectFrom('specification').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async function currentVersion(specificationId: string, trx: Database = db) {
    const row = await trx
      .selectFrom('specification_version as v')
      .leftJoin('app_user as u', 'u.id', 'v.created_by')
      .select(['v.id', 'v.number', 'v.sections', 'v.note', 'v.created_at', 'u.name as author_name'])
      .where('v.specification_id', '=', specificationId)
      .orderBy('v.number', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return { ...row, sections: normaliseSections(row.sections) };
  }

  async function coproducerOf(specificationId: string, userId: string, trx: Database = db) {
    return trx
      .selectFrom('specification_coproducer')
      .selectAll()
      .where('specification_id', '=', specificationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /**
   * Staff see every specification and a co-producer the ones they were invited to; once published, a specification
   * is open to everyone, as the next step of the chain will be.
   */
  async function viewable(actor: Actor | null, slug: string, trx: Database = db) {
    const spec = await bySlug(slug, trx);
    if (!spec) return { refusal: notFound };
    const coproducer = actor ? await coproducerOf(spec.id, actor.id, trx) : undefined;
    if (spec.status === 'published' || isStaff(actor)) return { spec, coproducer };
    if (!actor) {
      return {
        refusal: { ok: false, status: 401, message: 'Sign in to read this specification.' } as const,
      };
    }
    if (!coproducer) {
      return {
        refusal: {
          ok: false,
          status: 403,
          message: 'Only staff and the co-producers invited to this specification can see it.',
        } as const,
      };
    }
    return { spec, coproducer };
  }

  async function framework(specificationId: string, trx: Database = db) {
    const outcomes = await trx
      .selectFrom('outcome')
      .selectAll()
      .where('specification_id', '=', specificationId)
      .orderBy('position')
      .orderBy('created_at')
      .execute();
    const indicators = outcomes.length
      ? await trx
          .selectFrom('outcome_indicator')
          .selectAll()
          .where(
            'outcome_id',
            'in',
            outcomes.map((o) => o.id),
          )
          .orderBy('position')
          .orderBy('created_at')
          .execute()
      : [];
    return outcomes.map((o) => ({
      ...o,
      indicators: indicators
        .filter((i) => i.outcome_id === o.id)
        .map((i) => ({ ...i, complete: isCompleteIndicator(i) })),
    }));
  }

  async function coproducers(specificationId: string, currentVersionId: string, trx: Database = db) {
    const rows = await trx
      .selectFrom('specification_coproducer as c')
      .innerJoin('app_user as u', 'u.id', 'c.user_id')
      .select([
        'c.user_id',
        'c.role_label',
        'c.invited_at',
        'c.signed_off_version_id',
        'c.signed_off_at',
        'u.name',
        'u.email',
      ])
      .where('c.specification_id', '=', specificationId)
      .orderBy('c.invited_at')
      .execute();
    return rows.map((r) => ({ ...r, signedOffCurrent: r.signed_off_version_id === currentVersionId }));
  }

  async function readiness(specificationId: string, trx: Database = db): Promise<Missing[]> {
    const current = await currentVersion(specificationId, trx);
    const people = await coproducers(specificationId, current.id, trx);
    return missingForPublication({
      coproducers: people.length,
      currentVersionSignedOff: people.length > 0 && people.every((p) => p.signedOffCurrent),
      outcomes: await framework(specificationId, trx),
    });
  }

  async function touch(specificationId: string, trx: Database, status?: SpecificationStatus) {
    await trx
      .updateTable('specification')
      .set({ updated_at: new Date(), ...(status ? { status } : {}) })
      .where('id', '=', specificationId)
      .execute();
  }

  async function editable(actor: Actor, slug: string, trx: Database) {
    const spec = await bySlug(slug, trx);
    if (!spec) return { refusal: notFound as Refusal };
    if (!isStaff(actor)) {
      return {
        refusal: {
          ok: false,
          status: 403,
          message: 'Only commissioners and officers can change a specification.',
        } as Refusal,
      };
    }
    if (spec.status === 'published') return { refusal: published as Refusal };
    return { spec };
  }

  /**
   * The outcomes framework is part of what co-producers sign off. Once co-producers are named, a change to it is
   * saved as a new version (the sections unchanged, the note saying what changed in the framework), so that, as with
   * any new version, sign-offs of the version before no longer count and a page opened before the change cannot be
   * signed off. While a draft has no co-producers, the framework changes without making versions.
   */
  async function frameworkChanged(
    actor: Actor,
    spec: { id: string; status: SpecificationStatus },
    note: string,
    trx: Database,
  ): Promise<{ version: number | null; signOffsReset: number }> {
    const named = await trx
      .selectFrom('specification_coproducer')
      .select('user_id')
      .where('specification_id', '=', spec.id)
      .executeTakeFirst();
    if (!named) {
      await touch(spec.id, trx);
      return { version: null, signOffsReset: 0 };
    }
    const current = await currentVersion(spec.id, trx);
    const made = await newVersion(actor, spec.id, current.number + 1, current.sections, note, trx);
    return { version: made.number, signOffsReset: made.signOffsReset };
  }

  /**
   * A new version of the sections: sign-offs of the version before no longer count, and the specification goes
   * back to review (or to draft while no co-producer is named).
   */
  async function newVersion(
    actor: Actor,
    specificationId: string,
    number: number,
    sections: Sections,
    note: string,
    trx: Database,
  ): Promise<{ number: number; signOffsReset: number }> {
    await trx
      .insertInto('specification_version')
      .values({
        specification_id: specificationId,
        number,
        sections: JSON.stringify(sections),
        note,
        created_by: actor.id,
      })
      .execute();
    const reset = await trx
      .updateTable('specification_coproducer')
      .set({ signed_off_version_id: null, signed_off_at: null })
      .where('specification_id', '=', specificationId)
      .where('signed_off_version_id', 'is not', null)
      .returning('user_id')
      .execute();
    const hasCoproducers = await trx
      .selectFrom('specification_coproducer')
      .select('user_id')
      .where('specification_id', '=', specificationId)
      .executeTakeFirst();
    await trx
      .updateTable('specification')
      .set({ updated_at: new Date(), signed_off_at: null, status: hasCoproducers ? 'in_review' : 'draft' })
      .where('id', '=', specificationId)
      .execute();
    return { number, signOffsReset: reset.length };
  }

  async function outcomeOf(specificationId: string, outcomeId: string, trx: Database) {
    if (!UUID.test(outcomeId)) return undefined;
    return trx
      .selectFrom('outcome')
      .selectAll()
      .where('id', '=', outcomeId)
      .where('specification_id', '=', specificationId)
      .executeTakeFirst();
  }

  async function indicatorOf(specificationId: string, outcomeId: string, indicatorId: string, trx: Database) {
    if (!UUID.test(outcomeId) || !UUID.test(indicatorId)) return undefined;
    return trx
      .selectFrom('outcome_indicator as i')
      .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
      .selectAll('i')
      .where('i.id', '=', indicatorId)
      .where('i.outcome_id', '=', outcomeId)
      .where('o.specification_id', '=', specificationId)
      .executeTakeFirst();
  }

  /**
   * Indicators that applicants committed to or an award set targets against. Those records are kept as they were
   * agreed, so such an indicator stays. (Read here rather than through the applications and awards services, which
   * are built on top of this one.)
   */
  async function indicatorsInUse(indicatorIds: string[], trx: Database) {
    if (!indicatorIds.length) return { commitments: 0, targets: 0 };
    const [commitments, targets] = await Promise.all([
      trx
        .selectFrom('application_commitment')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('indicator_id', 'in', indicatorIds)
        .executeTakeFirstOrThrow(),
      trx
        .selectFrom('award_target')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('indicator_id', 'in', indicatorIds)
        .executeTakeFirstOrThrow(),
    ]);
    return { commitments: Number(commitments.n), targets: Number(targets.n) };
  }

  function inUseRefusal(what: string, use: { commitments: number; targets: number }): Refusal | null {
    if (!use.commitments && !use.targets) return null;
    const uses = [
      use.commitments && `${use.commitments} application commitment${use.commitments === 1 ? '' : 's'}`,
      use.targets && `${use.targets} award target${use.targets === 1 ? '' : 's'}`,
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      ok: false,
      status: 409,
      message: `${what} cannot be removed because ${uses} ${use.commitments + use.targets === 1 ? 'is' : 'are'} measured against it. You can still change its wording.`,
    };
  }

  return {
    needBySlug,

    /** For the opportunity created from a specification: the specification and what it still lacks. */
    async readiness(slug: string, trx: Database = db) {
      const spec = await bySlug(slug, trx);
      if (!spec) return undefined;
      return { spec, missing: await readiness(spec.id, trx) };
    },

    readinessOf: readiness,

    /** Publishing an opportunity publishes its specification, inside the opportunity's transaction. */
    async markPublished(actor: Actor, specificationId: string, trx: Database) {
      const done = await trx
        .updateTable('specification')
        .set({ status: 'published', published_at: new Date(), published_by: actor.id, updated_at: new Date() })
        .where('id', '=', specificationId)
        .where('status', '!=', 'published')
        .returning('slug')
        .executeTakeFirst();
      if (done) {
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.published',
            entityType: 'specification',
            entityId: specificationId,
            detail: { slug: done.slug, withOpportunity: true },
          },
          trx,
        );
      }
    },

    /** The specifications that answer a need, for the need's own page (with a label for each status). */
    async forNeed(needId: string) {
      const rows = await db
        .selectFrom('specification')
        .select(['id', 'slug', 'title', 'status', 'updated_at', 'published_at'])
        .where('needs_assessment_id', '=', needId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({ ...r, statusLabel: statusLabels[r.status] }));
    },

    /** Staff see every specification; residents and VCS members the ones they co-produce. */
    async list(actor: Actor) {
      let query = db
        .selectFrom('specification as s')
        .select(['s.id', 's.slug', 's.title', 's.status', 's.updated_at', 's.needs_assessment_id']);
      if (!isStaff(actor)) {
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('specification_coproducer as c')
              .select('c.user_id')
              .whereRef('c.specification_id', '=', 's.id')
              .where('c.user_id', '=', actor.id),
          ),
        );
      }
      const rows = await query.orderBy('s.updated_at', 'desc').execute();
      const answered = await needs.summaries([...new Set(rows.map((r) => r.needs_assessment_id))]);
      return rows.map((r) => {
        const need = answered.find((a) => a.id === r.needs_assessment_id);
        return { ...r, need_slug: need?.slug ?? '', need_title: need?.title ?? '' };
      });
    },

    async create(
      actor: Actor,
      input: { needSlug: string; title: string; sections: Sections; note: string },
    ): Promise<Done<{ slug: string }> | Refusal> {
      if (!isStaff(actor)) {
        return { ok: false, status: 403, message: 'Only commissioners and officers can draft a specification.' };
      }
      return db.transaction().execute(async (trx) => {
        const need = await needBySlug(input.needSlug, trx);
        if (!need) return { ok: false, status: 404, message: 'There is no such needs assessment.' } as const;
        const slug = await freeSlug(input.title, trx);
        const spec = await trx
          .insertInto('specification')
          .values({ slug, needs_assessment_id: need.id, title: input.title, created_by: actor.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('specification_version')
          .values({
            specification_id: spec.id,
            number: 1,
            sections: JSON.stringify(normaliseSections(input.sections)),
            note: input.note || 'First draft',
            created_by: actor.id,
          })
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.created',
            entityType: 'specification',
            entityId: spec.id,
            detail: { slug, title: input.title, needsAssessment: need.slug },
          },
          trx,
        );
        return { ok: true, slug };
      });
    },

    /** Everything the specification's page shows, for someone allowed to see it. */
    async page(actor: Actor | null, slug: string) {
      const seen = await viewable(actor, slug);
      if (seen.refusal) return seen.refusal;
      const { spec } = seen;
      const need = await needs.summary({ id: spec.needs_assessment_id });
      if (!need) throw new Error(`Specification ${spec.slug} answers no needs assessment`);
      const current = await currentVersion(spec.id);
      const people = await coproducers(spec.id, current.id);
      const staff = isStaff(actor);
      const comments = await db
        .selectFrom('specification_comment as c')
        .leftJoin('app_user as u', 'u.id', 'c.author_id')
        .innerJoin('specification_version as v', 'v.id', 'c.version_id')
        .select([
          'c.id',
          'c.section',
          'c.body',
          'c.created_at',
          'c.hidden_at',
          'c.hidden_reason',
          'u.name as author_name',
          'v.number as version_number',
        ])
        .where('c.specification_id', '=', spec.id)
        .orderBy('c.created_at')
        .execute();
      const workshops = await db
        .selectFrom('coproduction_workshop')
        .selectAll()
        .where('specification_id', '=', spec.id)
        .orderBy('held_on', 'desc')
        .execute();
      const me = actor ? people.find((p) => p.user_id === actor.id) : undefined;
      return {
        ok: true as const,
        spec,
        need,
        current,
        coproducers: people,
        allSignedOff: people.length > 0 && people.every((p) => p.signedOffCurrent),
        comments: comments.map((c) => ({
          ...c,
          // Hidden comments stay in the record; only staff read what they said.
          body: c.hidden_at && !staff ? null : c.body,
        })),
        workshops,
        outcomes: await framework(spec.id),
        missing: await readiness(spec.id),
        canEdit: staff && spec.status !== 'published',
        canComment: !!me && spec.status !== 'published',
        canSignOff: !!me && !me.signedOffCurrent && spec.status !== 'published',
        isStaff: staff,
      };
    },

    /** Saving the sections makes a new version; sign-offs of the version before no longer count. */
    async saveVersion(
      actor: Actor,
      slug: string,
      input: { sections: Sections; note: string },
    ): Promise<Done<{ number: number; signOffsReset: number }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const { spec } = found;
        const current = await currentVersion(spec.id, trx);
        const sections = normaliseSections(input.sections);
        const changed = changedSections(current.sections, sections);
        if (changed.length === 0) {
          return {
            ok: false,
            status: 400,
            message: 'Nothing has changed',
            issues: [{ field: sectionKeys[0], message: 'Change at least one section to save a new version' }],
          } as const;
        }
        const { number, signOffsReset } = await newVersion(
          actor,
          spec.id,
          current.number + 1,
          sections,
          input.note,
          trx,
        );
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.version_saved',
            entityType: 'specification',
            entityId: spec.id,
            detail: {
              number,
              note: input.note,
              changed,
              signOffsReset,
              wasSignedOff: spec.status === 'signed_off',
            },
          },
          trx,
        );
        return { ok: true, number, signOffsReset };
      });
    },

    async versions(actor: Actor | null, slug: string) {
      const seen = await viewable(actor, slug);
      if (seen.refusal) return seen.refusal;
      const rows = await db
        .selectFrom('specification_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.created_by')
        .select(['v.number', 'v.note', 'v.created_at', 'u.name as author_name'])
        .where('v.specification_id', '=', seen.spec.id)
        .orderBy('v.number', 'desc')
        .execute();
      return { ok: true as const, spec: seen.spec, versions: rows };
    },

    /** The readable difference between two versions, section by section. */
    async compare(actor: Actor | null, slug: string, a: number, b: number) {
      const seen = await viewable(actor, slug);
      if (seen.refusal) return seen.refusal;
      const rows = await db
        .selectFrom('specification_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.created_by')
        .select(['v.number', 'v.sections', 'v.note', 'v.created_at', 'u.name as author_name'])
        .where('v.specification_id', '=', seen.spec.id)
        .where('v.number', 'in', [a, b])
        .execute();
      const from = rows.find((r) => r.number === a);
      const to = rows.find((r) => r.number === b);
      if (!from || !to) return { ok: false, status: 404, message: 'There is no such version.' } as const;
      const before = normaliseSections(from.sections);
      const after = normaliseSections(to.sections);
      const sections = sectionKeys.map((key: SectionKey) => {
        const parts = diffWords(before[key], after[key]);
        return { key, changed: before[key] !== after[key], html: diffToHtml(parts), ...countWords(parts) };
      });
      return { ok: true as const, spec: seen.spec, from, to, sections };
    },

    async inviteCoproducer(
      actor: Actor,
      slug: string,
      input: { email: string; roleLabel: string },
    ): Promise<Done<{ name: string }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const { spec } = found;
        const person = await trx
          .selectFrom('app_user')
          .select(['id', 'name', 'email', 'role'])
          .where(({ fn }) => fn('lower', ['email']), '=', input.email.toLowerCase())
          .where('disabled_at', 'is', null)
          .executeTakeFirst();
        const fail = (message: string): Refusal => ({
          ok: false,
          status: 400,
          message,
          issues: [{ field: 'email', message }],
        });
        if (!person) {
          return fail('There is no account with that email address. Ask them to create an account first');
        }
        if (!COPRODUCER_ROLES.includes(person.role)) {
          return fail('Co-producers are residents and VCS members. That account belongs to a member of staff');
        }
        if (await coproducerOf(spec.id, person.id, trx)) return fail(`${person.name} is already a co-producer`);
        await trx
          .insertInto('specification_coproducer')
          .values({ specification_id: spec.id, user_id: person.id, role_label: input.roleLabel, invited_by: actor.id })
          .execute();
        // A new co-producer has not signed off, so the specification is with its co-producers again.
        await trx
          .updateTable('specification')
          .set({ status: 'in_review', signed_off_at: null, updated_at: new Date() })
          .where('id', '=', spec.id)
          .execute();
        await outbox.queue(
          {
            to: person.email,
            subject: `You are invited to co-produce "${spec.title}"`,
            body: [
              `Hello ${person.name},`,
              '',
              `You have been invited to co-produce the specification "${spec.title}" as ${input.roleLabel}.`,
              'You can read it, comment on each section and sign it off when you are happy with it:',
              `${config.baseUrl}/specifications/${spec.slug}`,
            ].join('\n'),
            kind: 'specification_invitation',
          },
          trx,
        );
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.coproducer_invited',
            entityType: 'specification',
            entityId: spec.id,
            detail: { userId: person.id, roleLabel: input.roleLabel },
          },
          trx,
        );
        return { ok: true, name: person.name };
      });
    },

    /** Only invited co-producers comment, always on the current version. */
    async comment(actor: Actor, slug: string, input: { section: SectionKey; body: string }): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const spec = await bySlug(slug, trx);
        if (!spec) return notFound;
        if (!(await coproducerOf(spec.id, actor.id, trx))) {
          return {
            ok: false,
            status: 403,
            message: 'Only the co-producers invited to this specification can comment on it.',
          } as const;
        }
        if (spec.status === 'published') return published;
        const current = await currentVersion(spec.id, trx);
        const row = await trx
          .insertInto('specification_comment')
          .values({
            specification_id: spec.id,
            version_id: current.id,
            section: input.section,
            author_id: actor.id,
            body: input.body,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await touch(spec.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.commented',
            entityType: 'specification_comment',
            entityId: row.id,
            detail: { specification: spec.slug, version: current.number, section: input.section },
          },
          trx,
        );
        return { ok: true };
      });
    },

    /** Comments are hidden with a reason, never deleted. */
    async hideComment(actor: Actor, slug: string, commentId: string, reason: string): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        if (!isStaff(actor)) return { ok: false, status: 403, message: 'Only staff can hide comments.' } as const;
        const spec = await bySlug(slug, trx);
        if (!spec) return notFound;
        const hidden = await trx
          .updateTable('specification_comment')
          .set({ hidden_at: new Date(), hidden_reason: reason, hidden_by: actor.id })
          .where('id', '=', commentId)
          .where('specification_id', '=', spec.id)
          .where('hidden_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!hidden)
          return { ok: false, status: 404, message: 'There is no such comment, or it is already hidden.' } as const;
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.comment_hidden',
            entityType: 'specification_comment',
            entityId: commentId,
            detail: { reason },
          },
          trx,
        );
        return { ok: true };
      });
    },

    /** A co-producer signs off the version they read; once everyone has, the specification is signed off. */
    async signOff(
      actor: Actor,
      slug: string,
      versionNumber: number,
    ): Promise<Done<{ allSignedOff: boolean }> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const spec = await bySlug(slug, trx);
        if (!spec) return notFound;
        if (!(await coproducerOf(spec.id, actor.id, trx))) {
          return {
            ok: false,
            status: 403,
            message: 'Only the co-producers named on this specification can sign it off.',
          } as const;
        }
        if (spec.status === 'published') return published;
        const current = await currentVersion(spec.id, trx);
        if (current.number !== versionNumber) {
          return {
            ok: false,
            status: 409,
            message: `Version ${current.number} has been saved since you opened the page. Read it, then sign off that version.`,
          } as const;
        }
        await trx
          .updateTable('specification_coproducer')
          .set({ signed_off_version_id: current.id, signed_off_at: new Date() })
          .where('specification_id', '=', spec.id)
          .where('user_id', '=', actor.id)
          .execute();
        const people = await coproducers(spec.id, current.id, trx);
        const allSignedOff = people.every((p) => p.signedOffCurrent);
        await trx
          .updateTable('specification')
          .set({
            updated_at: new Date(),
            status: allSignedOff ? 'signed_off' : 'in_review',
            signed_off_at: allSignedOff ? new Date() : null,
          })
          .where('id', '=', spec.id)
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.signed_off',
            entityType: 'specification',
            entityId: spec.id,
            detail: { version: current.number, allSignedOff },
          },
          trx,
        );
        return { ok: true, allSignedOff };
      });
    },

    async recordWorkshop(actor: Actor, slug: string, input: WorkshopInput): Promise<Done | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const row = await trx
          .insertInto('coproduction_workshop')
          .values({
            specification_id: found.spec.id,
            held_on: input.held_on,
            participants: JSON.stringify(input.participants),
            what_changed: input.what_changed,
            recorded_by: actor.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await touch(found.spec.id, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.workshop_recorded',
            entityType: 'coproduction_workshop',
            entityId: row.id,
            detail: { specification: slug, heldOn: input.held_on, participants: input.participants },
          },
          trx,
        );
        return { ok: true };
      });
    },

    async outcome(actor: Actor, slug: string, outcomeId: string) {
      const seen = await viewable(actor, slug);
      if (seen.refusal) return seen.refusal;
      const outcome = (await framework(seen.spec.id)).find((o) => o.id === outcomeId);
      if (!outcome) return noOutcome;
      return { ok: true as const, spec: seen.spec, outcome };
    },

    async addOutcome(
      actor: Actor,
      slug: string,
      input: { title: string; description: string },
    ): Promise<Done<{ id: string } & FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const count = await trx
          .selectFrom('outcome')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('specification_id', '=', found.spec.id)
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('outcome')
          .values({
            specification_id: found.spec.id,
            title: input.title,
            description: input.description,
            position: Number(count.n),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const changed = await frameworkChanged(actor, found.spec, `Outcome added: ${input.title}`, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome.created',
            entityType: 'outcome',
            entityId: row.id,
            detail: { specification: slug, ...input, ...changed },
          },
          trx,
        );
        return { ok: true, id: row.id, ...changed };
      });
    },

    async addIndicator(
      actor: Actor,
      slug: string,
      outcomeId: string,
      input: IndicatorInput,
    ): Promise<Done<FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const outcome = await outcomeOf(found.spec.id, outcomeId, trx);
        if (!outcome) return noOutcome;
        const count = await trx
          .selectFrom('outcome_indicator')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .where('outcome_id', '=', outcomeId)
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('outcome_indicator')
          .values({ outcome_id: outcomeId, ...input, position: Number(count.n) })
          .returning('id')
          .executeTakeFirstOrThrow();
        const changed = await frameworkChanged(actor, found.spec, `Indicator added: ${input.name}`, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome_indicator.created',
            entityType: 'outcome_indicator',
            entityId: row.id,
            detail: { specification: slug, outcomeId, ...input, ...changed },
          },
          trx,
        );
        return { ok: true, ...changed };
      });
    },

    /** An indicator with its outcome, for the pages that change or remove it. */
    async indicator(actor: Actor, slug: string, outcomeId: string, indicatorId: string) {
      const seen = await viewable(actor, slug);
      if (seen.refusal) return seen.refusal;
      const outcome = (await framework(seen.spec.id)).find((o) => o.id === outcomeId);
      const indicator = outcome?.indicators.find((i) => i.id === indicatorId);
      if (!outcome || !indicator) return noIndicator;
      return { ok: true as const, spec: seen.spec, outcome, indicator };
    },

    async updateOutcome(
      actor: Actor,
      slug: string,
      outcomeId: string,
      input: { title: string; description: string },
    ): Promise<Done<FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const before = await outcomeOf(found.spec.id, outcomeId, trx);
        if (!before) return noOutcome;
        if (before.title === input.title && before.description === input.description) {
          const message = 'Nothing has changed: change the outcome or its description, or cancel';
          return { ok: false, status: 400, message, issues: [{ field: 'title', message }] } as const;
        }
        await trx.updateTable('outcome').set(input).where('id', '=', outcomeId).execute();
        const changed = await frameworkChanged(actor, found.spec, `Outcome changed: ${input.title}`, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome.updated',
            entityType: 'outcome',
            entityId: outcomeId,
            detail: {
              specification: slug,
              before: { title: before.title, description: before.description },
              after: input,
              ...changed,
            },
          },
          trx,
        );
        return { ok: true, ...changed };
      });
    },

    /** Removes an outcome with its indicators, unless an application or award measures against one of them. */
    async removeOutcome(actor: Actor, slug: string, outcomeId: string): Promise<Done<FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const outcome = await outcomeOf(found.spec.id, outcomeId, trx);
        if (!outcome) return noOutcome;
        const indicators = await trx
          .selectFrom('outcome_indicator')
          .select(['id', 'name'])
          .where('outcome_id', '=', outcomeId)
          .execute();
        const refusal = inUseRefusal(
          'This outcome',
          await indicatorsInUse(
            indicators.map((i) => i.id),
            trx,
          ),
        );
        if (refusal) return refusal;
        await trx.deleteFrom('outcome').where('id', '=', outcomeId).execute();
        const changed = await frameworkChanged(actor, found.spec, `Outcome removed: ${outcome.title}`, trx);
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome.removed',
            entityType: 'outcome',
            entityId: outcomeId,
            detail: {
              specification: slug,
              title: outcome.title,
              description: outcome.description,
              indicators: indicators.map((i) => i.name),
              ...changed,
            },
          },
          trx,
        );
        return { ok: true, ...changed };
      });
    },

    async updateIndicator(
      actor: Actor,
      slug: string,
      outcomeId: string,
      indicatorId: string,
      input: IndicatorInput,
    ): Promise<Done<FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const before = await indicatorOf(found.spec.id, outcomeId, indicatorId, trx);
        if (!before) return noIndicator;
        const same =
          before.name === input.name &&
          before.unit === input.unit &&
          before.baseline !== null &&
          Number(before.baseline) === Number(input.baseline) &&
          before.target !== null &&
          Number(before.target) === Number(input.target) &&
          before.direction === input.direction &&
          before.frequency === input.frequency &&
          before.data_source === input.data_source &&
          before.disaggregated_by_ward === input.disaggregated_by_ward &&
          before.disaggregated_by_group === input.disaggregated_by_group;
        if (same) {
          const message = 'Nothing has changed: change at least one answer, or cancel';
          return { ok: false, status: 400, message, issues: [{ field: 'name', message }] } as const;
        }
        await trx.updateTable('outcome_indicator').set(input).where('id', '=', indicatorId).execute();
        const changed = await frameworkChanged(actor, found.spec, `Indicator changed: ${input.name}`, trx);
        const { id: _id, outcome_id: _o, position: _p, created_at: _c, ...was } = before;
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome_indicator.updated',
            entityType: 'outcome_indicator',
            entityId: indicatorId,
            detail: { specification: slug, outcomeId, before: was, after: input, ...changed },
          },
          trx,
        );
        return { ok: true, ...changed };
      });
    },

    async removeIndicator(
      actor: Actor,
      slug: string,
      outcomeId: string,
      indicatorId: string,
    ): Promise<Done<FrameworkChange> | Refusal> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const indicator = await indicatorOf(found.spec.id, outcomeId, indicatorId, trx);
        if (!indicator) return noIndicator;
        const refusal = inUseRefusal('This indicator', await indicatorsInUse([indicatorId], trx));
        if (refusal) return refusal;
        await trx.deleteFrom('outcome_indicator').where('id', '=', indicatorId).execute();
        const changed = await frameworkChanged(actor, found.spec, `Indicator removed: ${indicator.name}`, trx);
        const { id: _id, outcome_id: _o, position: _p, created_at: _c, ...was } = indicator;
        await audit.record(
          {
            userId: actor.id,
            action: 'outcome_indicator.removed',
            entityType: 'outcome_indicator',
            entityId: indicatorId,
            detail: { specification: slug, outcomeId, ...was, ...changed },
          },
          trx,
        );
        return { ok: true, ...changed };
      });
    },

    /**
     * "Publish as an opportunity". The opportunity itself is a later step of the chain; for now publishing marks the
     * specification as published, and only when it is signed off and has an outcomes framework.
     */
    async publish(actor: Actor, slug: string): Promise<Done | (Refusal & { missing?: Missing[] })> {
      return db.transaction().execute(async (trx) => {
        const found = await editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const missing = await readiness(found.spec.id, trx);
        if (missing.length) {
          return { ok: false, status: 400, message: 'The specification cannot be published yet', missing } as const;
        }
        await trx
          .updateTable('specification')
          .set({ status: 'published', published_at: new Date(), published_by: actor.id, updated_at: new Date() })
          .where('id', '=', found.spec.id)
          .execute();
        await audit.record(
          {
            userId: actor.id,
            action: 'specification.published',
            entityType: 'specification',
            entityId: found.spec.id,
            detail: { slug },
          },
          trx,
        );
        return { ok: true };
      });
    },
  };
}

export type SpecificationService = ReturnType<typeof createSpecificationService>;
