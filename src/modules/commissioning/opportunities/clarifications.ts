import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { Mutate, Once } from '../../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../../kernel/result.ts';
import type { OrganisationService } from '../../organisations/service.ts';
import { clarificationAnswered } from './emails.ts';
import { acceptsClarifications, awaitsAnswer, isPublished } from './lifecycle.ts';
import * as q from './queries/clarifications.ts';
import { notFound, type Reader, staffOnly } from './reading.ts';

// Clarification questions: asked privately by members of organisations in the directory, answered by staff, and
// shown to everyone without saying who asked.

type Deps = {
  db: Database;
  config: Config;
  mutate: Mutate;
  read: Reader;
  organisations: Pick<OrganisationService, 'isApprovedMember'>;
};

const noSuchQuestion = refusal(404, 'There is no such question.');

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createClarifications({ db, config, mutate, read, organisations }: Deps) {
  /** Whether this person may ask a clarification question: an approved member of an organisation. */
  const canAsk = async (actor: Actor | null, trx: Database = db) =>
    !!actor && (await organisations.isApprovedMember(actor.id, null, trx));

  return {
    canAsk: (actor: Actor | null) => canAsk(actor),

    async askClarification(
      actor: Actor,
      slug: string,
      question: string,
      now = new Date(),
      once?: Once,
    ): Promise<Done | Refusal> {
      return mutate(
        async (trx, fx) => {
          const o = await read.row({ slug }, trx);
          if (!o || !isPublished(o)) return notFound;
          if (!(await canAsk(actor, trx))) {
            return refusal(403, 'Only members of an organisation in the directory can ask clarification questions.');
          }
          if (!acceptsClarifications(o, now))
            return refusal(409, 'Clarification questions for this opportunity have closed.');
          const id = await q.insertClarification(trx, {
            opportunity_id: o.id,
            question,
            asked_by: actor.id,
            asked_at: now,
          });
          fx.audit({
            userId: actor.id,
            action: 'clarification.asked',
            entityType: 'clarification',
            entityId: id,
            detail: { opportunity: slug },
          });
          return { ok: true };
        },
        { once },
      );
    },

    /** Answered questions, for everyone, never saying who asked. */
    publicClarifications: (opportunityId: string) => q.answered(db, opportunityId),

    /** The questions this person asked that are still waiting for an answer. */
    async myWaitingClarifications(actor: Actor | null, opportunityId: string) {
      return actor ? q.unanswered(db, opportunityId, actor.id) : [];
    },

    /** How many questions on this opportunity wait for an answer, by the rule the staff home counts by. */
    async unansweredCount(opportunityId: string) {
      return isUuid(opportunityId) ? q.waitingQuestionCount(db, opportunityId) : 0;
    },

    /** The opportunities with questions waiting for an answer, and how many on each: for the staff home. */
    unansweredClarifications: () => q.waitingQuestions(db),

    /** The questions on one opportunity waiting for an answer, for staff to answer. */
    async clarificationsToAnswer(actor: Actor, slug: string) {
      if (!isStaff(actor)) return staffOnly;
      const o = await read.row({ slug });
      if (!o) return notFound;
      // The same rule as the counts: once it is cancelled, no question waits for an answer.
      const rows = awaitsAnswer({ answer: null }, o) ? await q.unanswered(db, o.id) : [];
      return { ok: true as const, opportunity: o, rows };
    },

    async answerClarification(actor: Actor, slug: string, clarificationId: string, answer: string) {
      if (!isStaff(actor)) return staffOnly;
      return mutate(async (trx, fx): Promise<Done | Refusal> => {
        const o = await read.row({ slug }, trx);
        if (!o) return notFound;
        const c = isUuid(clarificationId) ? await q.questionWithAsker(trx, o.id, clarificationId) : undefined;
        if (!c) return noSuchQuestion;
        if (c.answer !== null) return refusal(409, 'This question has already been answered.');
        await q.writeAnswer(trx, c.id, answer, actor.id, new Date());
        if (c.email) {
          const link = `${config.baseUrl}/opportunities/${o.slug}#clarifications`;
          fx.email({
            to: c.email,
            ...clarificationAnswered({ name: c.name, title: o.title, question: c.question, answer, link }),
          });
        }
        fx.audit({
          userId: actor.id,
          action: 'clarification.answered',
          entityType: 'clarification',
          entityId: c.id,
          detail: { opportunity: slug },
        });
        return { ok: true };
      });
    },
  };
}
