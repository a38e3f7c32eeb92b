import { randomUUID } from 'node:crypto';
import type { Database } from '../../../db/index.ts';
import type { OpportunityRoute } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { Mutate, Once } from '../../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../../kernel/result.ts';
import { slugify } from '../../../web/slugs.ts';
import { checkDocument } from '../../needs/evidence.ts';
import type { PlaceConfig } from '../../place/config.ts';
import type { Missing } from '../specifications/framework.ts';
import type { SpecificationService } from '../specifications/service.ts';
import * as parts from './queries/parts.ts';
import * as records from './queries/records.ts';
import { type Reader, staffOnly } from './reading.ts';
import { weightRefusal } from './rules.ts';

// Drafting an opportunity from a ready specification: its details, lots, questions, criteria and documents, each
// changed only while it is a draft, by staff, under the row lock.

export type DetailsInput = {
  title: string;
  summary: string;
  route: OpportunityRoute;
  serviceArea: string | null;
  wards: string[];
  totalValuePence: number;
  /** The most one application may ask for, across every lot; null when each lot says (or its value). */
  maxAwardPence?: number | null;
  durationMonths: number;
  eligibility: string;
  clarificationsCloseAt: Date | null;
  closesAt: Date;
  decisionExpectedOn: string | null;
  serviceStartsOn: string | null;
};
export type LotInput = {
  number: number;
  title: string;
  description: string;
  valuePence: number;
  /** The most one application may ask for ("up to £5,000 each"), or null for the lot's value. */
  maxAwardPence?: number | null;
  suitsSmall: boolean;
};
export type QuestionInput = { prompt: string; guidance: string; wordLimit: number | null };
export type CriterionInput = { title: string; description: string; weight: number; maxScore: number };

// Words that are pages under /opportunities, never an opportunity.
const RESERVED = new Set(['drafts', 'new']);
const noSpecification = refusal(404, 'There is no such specification.');

const detailsRow = (input: DetailsInput): records.DetailsRow => ({
  title: input.title,
  summary: input.summary,
  route: input.route,
  service_area: input.serviceArea,
  total_value_pence: input.totalValuePence,
  max_award_pence: input.maxAwardPence ?? null,
  duration_months: input.durationMonths,
  eligibility: input.eligibility,
  clarifications_close_at: input.clarificationsCloseAt,
  closes_at: input.closesAt,
  decision_expected_on: input.decisionExpectedOn,
  service_starts_on: input.serviceStartsOn,
});

const auditDetails = (input: DetailsInput) => ({
  ...input,
  clarificationsCloseAt: input.clarificationsCloseAt?.toISOString() ?? null,
  closesAt: input.closesAt.toISOString(),
});

async function freeSlug(title: string, trx: Database): Promise<string> {
  const base = slugify(title, 'opportunity');
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!RESERVED.has(candidate) && !(await records.slugTaken(trx, candidate))) return candidate;
  }
  throw new Error(`No free web address for "${title}"`);
}

async function checkWards(wards: string[], trx: Database): Promise<Refusal | null> {
  if (!wards.length) return null;
  if ((await records.knownWards(trx, wards)) === new Set(wards).size) return null;
  const message = 'Select wards from the list';
  return refusal(400, message, { issues: [{ field: 'wards', message }] });
}

type Deps = { mutate: Mutate; read: Reader; place: PlaceConfig; specifications: SpecificationService };

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createDrafting({ mutate, read, place, specifications }: Deps) {
  /** A change to a draft's part: checked, locked and audited; `work` returns the audit entry's entity and detail. */
  function changePart(
    actor: Actor,
    slug: string,
    work: (
      trx: Database,
      o: { id: string },
    ) => Promise<{ action: string; entityType: string; entityId: string; detail?: object } | Refusal>,
    once?: Once,
  ): Promise<Done | Refusal> {
    return mutate(
      async (trx, fx) => {
        const found = await read.editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const made = await work(trx, found.o);
        if ('ok' in made) return made;
        await records.touch(trx, found.o.id);
        const { detail, ...entry } = made;
        fx.audit({ userId: actor.id, ...entry, detail: { opportunity: slug, ...detail } });
        return { ok: true };
      },
      { once },
    );
  }

  type PartTable = parts.PartTable;
  const removePart = (actor: Actor, slug: string, table: PartTable, id: string, missing: string) =>
    changePart(actor, slug, async (trx, o) => {
      if (!isUuid(id) || !(await parts.removePart(trx, table, o.id, id))) return refusal(404, missing);
      return { action: `${table}.removed`, entityType: table, entityId: id };
    });

  return {
    /** The specification an opportunity is created from, and what it still lacks. */
    async fromSpecification(actor: Actor, specSlug: string) {
      if (!isStaff(actor)) return staffOnly;
      const found = await specifications.readiness(specSlug);
      if (!found) return noSpecification;
      return { ok: true as const, spec: found.spec, missing: found.missing };
    },

    async create(
      actor: Actor,
      specSlug: string,
      input: DetailsInput,
      once?: Once,
    ): Promise<Done<{ slug: string }> | (Refusal & { missing?: Missing[] })> {
      if (!isStaff(actor)) return staffOnly;
      return mutate(
        async (trx, fx) => {
          const found = await specifications.readiness(specSlug, trx);
          if (!found) return noSpecification;
          if (found.missing.length) {
            const message = 'An opportunity can only be created from a specification that is ready';
            return { ...refusal(400, message), missing: found.missing };
          }
          const bad = await checkWards(input.wards, trx);
          if (bad) return bad;
          const id = randomUUID();
          const slug = await freeSlug(input.title, trx);
          const ocid = `${place.commissioning.ocdsPrefix}-${id}`;
          const details = detailsRow(input);
          await records.insertOpportunity(trx, {
            id,
            slug,
            ocid,
            specification_id: found.spec.id,
            created_by: actor.id,
            ...details,
          });
          await records.writeDetails(trx, id, details, input.wards);
          fx.audit({
            userId: actor.id,
            action: 'opportunity.created',
            entityType: 'opportunity',
            entityId: id,
            detail: { slug, ocid, specification: specSlug, ...auditDetails(input) },
          });
          return { ok: true as const, slug };
        },
        { once },
      );
    },

    async updateDetails(actor: Actor, slug: string, input: DetailsInput): Promise<Done | Refusal> {
      return mutate(async (trx, fx) => {
        const found = await read.editable(actor, slug, trx);
        if (found.refusal) return found.refusal;
        const bad = await checkWards(input.wards, trx);
        if (bad) return bad;
        await records.writeDetails(trx, found.o.id, detailsRow(input), input.wards);
        fx.audit({
          userId: actor.id,
          action: 'opportunity.updated',
          entityType: 'opportunity',
          entityId: found.o.id,
          detail: { slug, ...auditDetails(input) },
        });
        return { ok: true };
      });
    },

    /** Adds a lot when `lotId` is null, else changes it; only adding takes the form's key. */
    async saveLot(
      actor: Actor,
      slug: string,
      lotId: string | null,
      input: LotInput,
      once?: Once,
    ): Promise<Done | Refusal> {
      return changePart(
        actor,
        slug,
        async (trx, o) => {
          if (lotId !== null && !(isUuid(lotId) && (await parts.lotOf(trx, o.id, lotId)))) {
            return refusal(404, 'There is no such lot.');
          }
          if (await parts.lotNumberTaken(trx, o.id, input.number, lotId)) {
            const message = `There is already a lot ${input.number}: choose another number`;
            return refusal(400, message, { issues: [{ field: 'number', message }] });
          }
          const values = {
            number: input.number,
            title: input.title,
            description: input.description,
            value_pence: input.valuePence,
            max_award_pence: input.maxAwardPence ?? null,
            suits_small: input.suitsSmall,
          };
          if (lotId) await parts.updateLot(trx, lotId, values);
          const id = lotId ?? (await parts.insertLot(trx, o.id, values));
          return { action: lotId ? 'lot.updated' : 'lot.created', entityType: 'lot', entityId: id, detail: input };
        },
        lotId ? undefined : once,
      );
    },

    removeLot: (actor: Actor, slug: string, lotId: string) =>
      removePart(actor, slug, 'lot', lotId, 'There is no such lot.'),

    /** Changes a question in place, keeping its position. */
    updateQuestion: (actor: Actor, slug: string, questionId: string, input: QuestionInput) =>
      changePart(actor, slug, async (trx, o) => {
        const values = { prompt: input.prompt, guidance: input.guidance, word_limit: input.wordLimit };
        if (!isUuid(questionId) || !(await parts.updateQuestion(trx, o.id, questionId, values))) {
          return refusal(404, 'There is no such question.');
        }
        const entityType = 'opportunity_question';
        return { action: `${entityType}.updated`, entityType, entityId: questionId, detail: input };
      }),

    addQuestion: (actor: Actor, slug: string, input: QuestionInput, once?: Once) =>
      changePart(
        actor,
        slug,
        async (trx, o) => {
          const values = { prompt: input.prompt, guidance: input.guidance, word_limit: input.wordLimit };
          const id = await parts.appendQuestion(trx, o.id, values);
          const entityType = 'opportunity_question';
          return { action: `${entityType}.created`, entityType, entityId: id, detail: input };
        },
        once,
      ),

    removeQuestion: (actor: Actor, slug: string, questionId: string) =>
      removePart(actor, slug, 'opportunity_question', questionId, 'There is no such question.'),

    addCriterion: (actor: Actor, slug: string, input: CriterionInput, once?: Once) =>
      changePart(
        actor,
        slug,
        async (trx, o) => {
          const existing = await parts.criteriaOf(trx, o.id);
          const tooMuch = weightRefusal(
            existing.reduce((s, c) => s + c.weight, 0),
            input.weight,
          );
          if (tooMuch) return tooMuch;
          const position = Math.max(-1, ...existing.map((c) => c.position)) + 1;
          const id = await parts.insertCriterion(trx, o.id, position, criterionValues(input));
          const entityType = 'assessment_criterion';
          return { action: `${entityType}.created`, entityType, entityId: id, detail: input };
        },
        once,
      ),

    /** Changes a criterion in place; the weights may still not add up to more than 100. */
    updateCriterion: (actor: Actor, slug: string, criterionId: string, input: CriterionInput) =>
      changePart(actor, slug, async (trx, o) => {
        const all = await parts.criteriaOf(trx, o.id);
        if (!all.some((c) => c.id === criterionId)) return refusal(404, 'There is no such criterion.');
        const others = all.filter((c) => c.id !== criterionId).reduce((s, c) => s + c.weight, 0);
        const tooMuch = weightRefusal(others, input.weight);
        if (tooMuch) return tooMuch;
        await parts.updateCriterion(trx, criterionId, criterionValues(input));
        const entityType = 'assessment_criterion';
        return { action: `${entityType}.updated`, entityType, entityId: criterionId, detail: input };
      }),

    removeCriterion: (actor: Actor, slug: string, criterionId: string) =>
      removePart(actor, slug, 'assessment_criterion', criterionId, 'There is no such criterion.'),

    /** A document for bidders, recognised by its content and bounded in size as evidence documents are. */
    addDocument: (actor: Actor, slug: string, input: { title: string; fileName: string; bytes: Uint8Array }) =>
      changePart(actor, slug, async (trx, o) => {
        const title = input.title.trim();
        if (!title || title.length > 200) {
          const message = title ? 'The title must be 200 characters or fewer' : 'Enter a title for the document';
          return refusal(400, message, { issues: [{ field: 'title', message }] });
        }
        const check = checkDocument(input.fileName, input.bytes);
        if (!check.ok) return refusal(400, check.message, { issues: [{ field: 'file', message: check.message }] });
        const id = await parts.insertDocument(trx, {
          opportunity_id: o.id,
          title,
          file_name: check.fileName,
          file_type: check.mime,
          file_size: input.bytes.length,
          file_data: input.bytes,
          created_by: actor.id,
        });
        const detail = { title, fileName: check.fileName, size: input.bytes.length };
        return { action: 'opportunity_document.added', entityType: 'opportunity_document', entityId: id, detail };
      }),

    removeDocument: (actor: Actor, slug: string, documentId: string) =>
      removePart(actor, slug, 'opportunity_document', documentId, 'There is no such document.'),
  };
}

const criterionValues = (input: CriterionInput) => ({
  title: input.title,
  description: input.description,
  weight: input.weight,
  max_score: input.maxScore,
});
