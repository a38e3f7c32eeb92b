import type { Database } from '../../../db/index.ts';
import type { SpecificationStatus } from '../../../db/schema.ts';
import type { Actor } from '../../../kernel/actor.ts';
import type { Mutate } from '../../../kernel/mutation.ts';
import type { Refusal } from '../../../kernel/result.ts';
import { isCompleteIndicator, type Missing, missingForPublication } from './framework.ts';
import * as f from './queries/framework.ts';
import * as q from './queries/specifications.ts';
import { editRefusal, type FrameworkChange, notFound, readRefusal } from './rules.ts';
import { normaliseSections, type Sections } from './sections.ts';

// What the specification's operations share: finding a specification someone may read or change, its current
// version, co-producers, outcomes framework and readiness, and making a new version.

export function createSpecificationContext(db: Database, mutate: Mutate) {
  async function currentVersion(specificationId: string, trx: Database = db) {
    const row = await q.currentVersion(trx, specificationId);
    return { ...row, sections: normaliseSections(row.sections) };
  }

  async function coproducersOf(specificationId: string, currentVersionId: string, trx: Database = db) {
    const rows = await q.coproducers(trx, specificationId);
    return rows.map((r) => ({ ...r, signedOffCurrent: r.signed_off_version_id === currentVersionId }));
  }

  /** The specification, with the viewer's place among its co-producers, if the one rule lets them read it. */
  async function viewable(viewer: Actor | null, slug: string, trx: Database = db) {
    const spec = await q.bySlug(trx, slug);
    if (!spec) return notFound();
    const coproducer = viewer ? await q.coproducerOf(trx, spec.id, viewer.id) : undefined;
    return readRefusal(spec, viewer, !!coproducer) ?? { spec, coproducer };
  }

  /** The specification, locked for this change, if this person may change it now. */
  async function editable(actor: Actor, slug: string, trx: Database): Promise<NonNullable<q.Spec> | Refusal> {
    const spec = await q.lockedBySlug(trx, slug);
    if (!spec) return notFound();
    return editRefusal(spec, actor) ?? spec;
  }

  async function framework(specificationId: string, trx: Database = db) {
    const outcomes = await f.outcomes(trx, specificationId);
    const indicators = await f.indicatorsOf(
      trx,
      outcomes.map((o) => o.id),
    );
    return outcomes.map((o) => ({
      ...o,
      indicators: indicators
        .filter((i) => i.outcome_id === o.id)
        .map((i) => ({ ...i, complete: isCompleteIndicator(i) })),
    }));
  }

  async function readiness(specificationId: string, trx: Database = db): Promise<Missing[]> {
    const current = await currentVersion(specificationId, trx);
    const people = await coproducersOf(specificationId, current.id, trx);
    return missingForPublication({
      coproducers: people.length,
      currentVersionSignedOff: people.length > 0 && people.every((p) => p.signedOffCurrent),
      outcomes: await framework(specificationId, trx),
    });
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
    await q.insertVersion(trx, {
      specification_id: specificationId,
      number,
      sections: JSON.stringify(sections),
      note,
      created_by: actor.id,
    });
    const signOffsReset = await q.resetSignOffs(trx, specificationId);
    const status = (await q.hasCoproducers(trx, specificationId)) ? 'in_review' : 'draft';
    await q.updateSpecification(trx, specificationId, { signed_off_at: null, status });
    return { number, signOffsReset };
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
  ): Promise<FrameworkChange> {
    if (!(await q.hasCoproducers(trx, spec.id))) {
      await q.updateSpecification(trx, spec.id, {});
      return { version: null, signOffsReset: 0 };
    }
    const current = await currentVersion(spec.id, trx);
    const made = await newVersion(actor, spec.id, current.number + 1, current.sections, note, trx);
    return { version: made.number, signOffsReset: made.signOffsReset };
  }

  return {
    db,
    mutate,
    currentVersion,
    coproducersOf,
    viewable,
    editable,
    framework,
    readiness,
    newVersion,
    frameworkChanged,
  };
}

export type SpecificationContext = ReturnType<typeof createSpecificationContext>;
