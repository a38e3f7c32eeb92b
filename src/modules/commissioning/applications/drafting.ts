import { randomInt } from 'node:crypto';
import type { Database } from '../../../db/index.ts';
import type { Actor } from '../../../kernel/actor.ts';
import type { Mutate, MutationEffects, Once } from '../../../kernel/mutation.ts';
import { type Done, type Issue, type Refusal, refusal } from '../../../kernel/result.ts';
import type { OrganisationService } from '../../organisations/service.ts';
import { isCancelled, isOpen, isPublished } from '../opportunities/lifecycle.ts';
import * as people from './queries/people.ts';
import * as records from './queries/records.ts';
import * as writes from './queries/writes.ts';
import { notFound, type Reader } from './reading.ts';
import { overLimitMessage, plainDateTime, requestLimit, wordCount } from './rules.ts';

// Writing a draft application: starting it for one of the person's organisations, then its details, answers,
// budget and outcome commitments, each by the lead's members while the opportunity takes changes.

export type AboutInput = { title: string; requestedPence: number };
export type BudgetLineInput = { heading: string; amountPence: number };
export type CommitmentInput = { indicatorId: string; target: string; note: string };
export type StartInput = { organisationId: string; lotId: string | null; kind: 'single' | 'partnership' };

type Changeable = Extract<Awaited<ReturnType<Reader['changeable']>>, { row: unknown }>;

async function freeReference(trx: Database, now: Date): Promise<string> {
  for (;;) {
    const reference = `APP-${now.getUTCFullYear()}-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!(await records.referenceTaken(trx, reference))) return reference;
  }
}

/** The lot applied for: the only one, or the one chosen when there are several; a refusal when none was chosen. */
function chosenLot(lots: { id: string }[], lotId: string | null): string | null | Refusal {
  if (lots.length === 0) return null;
  if (lots.length === 1) return lots[0]!.id;
  if (lotId && lots.some((l) => l.id === lotId)) return lotId;
  return refusal(400, 'Choose a lot', { issues: [{ field: 'lot', message: 'Choose which lot you are applying for' }] });
}

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createDrafting({
  db,
  mutate,
  read,
  organisations,
}: {
  db: Database;
  mutate: Mutate;
  read: Reader;
  organisations: Pick<OrganisationService, 'refusalUnless'>;
}) {
  /**
   * A change to a draft by the lead's members: checked, audited as `application.<action>`, then touched. With a form's
   * key, `answer` (read once `work` has run) is what a second submission of the form is given back.
   */
  function change<A extends object = object>(
    actor: Actor,
    reference: string,
    action: string,
    work: (trx: Database, found: Changeable, fx: MutationEffects) => Promise<Record<string, unknown> | Refusal>,
    once?: Once,
    answer?: () => A,
  ): Promise<Done<A> | Refusal> {
    return mutate(
      async (trx, fx) => {
        const found = await read.changeable(actor, reference, trx);
        if (found.refusal) return found.refusal;
        const detail = await work(trx, found, fx);
        if (detail.ok === false) return detail as Refusal;
        await records.touch(trx, found.row.id);
        fx.audit({
          userId: actor.id,
          action: `application.${action}`,
          entityType: 'application',
          entityId: found.row.id,
          detail,
        });
        return { ok: true as const, ...(answer?.() as A) };
      },
      { once },
    );
  }

  return {
    change,

    /** Starts a draft; one live (draft or submitted) application per lead organisation per lot. */
    async start(
      actor: Actor,
      slug: string,
      input: StartInput,
      now = new Date(),
      once?: Once,
    ): Promise<Done<{ reference: string }> | Refusal> {
      return mutate(
        async (trx, fx) => {
          const opportunity = await records.opportunityOf(trx, { slug }, now);
          if (!opportunity || !isPublished(opportunity)) return notFound;
          if (isCancelled(opportunity)) {
            return refusal(409, 'This opportunity has been cancelled. Applications can no longer be started.');
          }
          if (!isOpen(opportunity, now)) {
            const closed = plainDateTime(opportunity.closes_at);
            return refusal(409, `The closing date was ${closed}. Applications can no longer be started.`);
          }
          const org = (await people.organisationsOf(trx, actor.id)).find((o) => o.id === input.organisationId);
          const lotId = chosenLot(await records.lotsOf(trx, opportunity.id), input.lotId);
          // Both said at once when both are wrong.
          const issues = [
            ...(org
              ? []
              : [{ field: 'organisation', message: 'Choose which of your organisations leads the application' }]),
            ...(typeof lotId === 'object' && lotId !== null ? (lotId.issues ?? []) : []),
          ];
          if (issues.length) return refusal(400, 'Check your answers', { issues });
          if (!org || (typeof lotId === 'object' && lotId !== null)) return notFound;
          // Starting one is for the organisation's administrators and the members they let.
          const notAllowed = await organisations.refusalUnless(actor, org, 'start-applications', trx);
          if (notAllowed) return notAllowed;
          await records.holdStart(trx, opportunity.id, org.id);
          const existing = await records.liveApplicationOf(trx, opportunity.id, org.id, lotId);
          if (existing) {
            return refusal(
              409,
              `${org.name} already has an application for this ${lotId ? 'lot' : 'opportunity'} (${existing.reference}). Carry on with that one, or withdraw it first.`,
              {
                issues: [
                  { field: 'organisation', message: `${org.name} already has an application (${existing.reference})` },
                ],
              },
            );
          }
          const reference = await freeReference(trx, now);
          const id = await writes.insertApplication(trx, {
            reference,
            opportunity_id: opportunity.id,
            lot_id: lotId,
            lead_organisation_id: org.id,
            kind: input.kind,
            created_by: actor.id,
          });
          // The lead is one of the organisations in the application; it confirms its own part by starting it.
          await writes.insertPartner(trx, {
            application_id: id,
            organisation_id: org.id,
            is_lead: true,
            role: 'Lead organisation',
            share_pence: 0,
            confirmed_at: now,
            confirmed_by: actor.id,
          });
          const detail = { reference, opportunity: opportunity.slug, lead: org.id, lotId, kind: input.kind };
          fx.audit({
            userId: actor.id,
            action: 'application.started',
            entityType: 'application',
            entityId: id,
            detail,
          });
          return { ok: true as const, reference };
        },
        { once },
      );
    },

    /** The title and the amount asked for, which may not be more than the lot (or opportunity) allows one application. */
    saveAbout: (actor: Actor, reference: string, input: AboutInput) =>
      change(actor, reference, 'about_saved', async (trx, { row, opportunity }) => {
        const lot = row.lot_id ? ((await records.lotById(trx, row.lot_id)) ?? null) : null;
        const limit = requestLimit(lot, opportunity);
        if (input.requestedPence > limit.pence) {
          const message = overLimitMessage(limit);
          return refusal(400, message, { issues: [{ field: 'requested', message }] });
        }
        await writes.writeAbout(trx, row.id, input.title, input.requestedPence);
        // Alone, the lead's share is the whole amount; in a partnership the lead sets its share with the others.
        if (row.kind === 'single') await writes.writeLeadShare(trx, row.id, input.requestedPence);
        return { title: input.title, requestedPence: input.requestedPence };
      }),

    /** Saves answers; an answer over its word limit is refused, with nothing saved, so the applicant can shorten it. */
    saveAnswers: (actor: Actor, reference: string, bodies: Record<string, string>) =>
      change(actor, reference, 'answers_saved', async (trx, { row }) => {
        const questions = await records.questionsOf(trx, row.opportunity_id);
        const issues: Issue[] = [];
        questions.forEach((q, index) => {
          const body = (bodies[q.id] ?? '').trim();
          const field = `answer-${q.id}`;
          if (body.length > 50_000) issues.push({ field, message: `Answer ${index + 1} is too long` });
          else if (q.word_limit != null && wordCount(body) > q.word_limit)
            issues.push({ field, message: `Answer ${index + 1} must be ${q.word_limit} words or fewer` });
        });
        if (issues.length) return refusal(400, 'Some answers are too long', { issues });
        for (const q of questions) await writes.upsertAnswer(trx, row.id, q.id, (bodies[q.id] ?? '').trim());
        return { answered: questions.filter((q) => (bodies[q.id] ?? '').trim()).length };
      }),

    /** Replaces the budget with these lines, in order. */
    async saveBudget(
      actor: Actor,
      reference: string,
      lines: BudgetLineInput[],
    ): Promise<Done<{ totalPence: number }> | Refusal> {
      const totalPence = lines.reduce((sum, l) => sum + l.amountPence, 0);
      const saved = await change(actor, reference, 'budget_saved', async (trx, { row }) => {
        await writes.replaceBudget(trx, row.id, lines);
        return { lines: lines.length, totalPence };
      });
      return saved.ok ? { ok: true, totalPence } : saved;
    },

    /** The applicant's own targets; an empty target takes the commitment out. */
    saveCommitments: (actor: Actor, reference: string, input: CommitmentInput[]) =>
      change(actor, reference, 'commitments_saved', async (trx, { row, opportunity }) => {
        const known = new Set((await records.indicatorIdsOf(trx, opportunity.specification_id)).map((i) => i.id));
        for (const c of input) {
          if (!known.has(c.indicatorId)) continue;
          if (c.target === '') await writes.deleteCommitment(trx, row.id, c.indicatorId);
          else await writes.upsertCommitment(trx, row.id, c);
        }
        return { given: input.filter((c) => c.target !== '').length };
      }),

    /** Active organisations in the directory whose name matches, for adding a partner. */
    async searchOrganisations(query: string, excludeIds: string[] = []) {
      const text = query.trim();
      return text.length < 2 ? [] : people.activeOrganisationsNamed(db, text, excludeIds);
    },
  };
}
