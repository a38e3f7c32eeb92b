import type { Database } from '../../../db/index.ts';
import type { OpportunityStatus } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { type Refusal, refusal } from '../../../kernel/result.ts';
import { conflictRefusal } from '../assessment/present.ts';
import { isCancelled, pastClosing } from '../opportunities/lifecycle.ts';
import { applicationStatusLabels, isEditable } from './lifecycle.ts';
import * as people from './queries/people.ts';
import * as records from './queries/records.ts';
import { blockersOf, plainDateTime, requestLimit, tasksOf, wordCount } from './rules.ts';

// Reading one application: the whole of it for its pages, how a person stands to it, and the checks every change
// of a draft makes.

// New references are APP-<year>-<6 digits>; older and demo ones may differ, so any plain reference is looked up.
const REFERENCE = /^[A-Za-z0-9-]{1,60}$/;

// Outsiders are told there is no such application, as with draft opportunities: its existence is not theirs to know.
export const notFound = refusal(404, 'There is no such application.');
export const leadOnly = refusal(403, 'Only members of the lead organisation can change this application.');
export const notDraft = refusal(409, 'This application is no longer a draft, so it can no longer be changed.');
export const opportunityCancelled = refusal(
  409,
  'This opportunity was cancelled, so applications to it can no longer be changed.',
);

/** After the closing date a draft can be neither submitted nor changed: saying so beats saving work that goes nowhere. */
export const closedToChanges = (o: { closes_at: Date | string }): Refusal =>
  refusal(
    409,
    `The closing date was ${plainDateTime(o.closes_at)}, so this draft can no longer be changed or submitted.`,
  );

/** Why the lead cannot change a draft now (cancelled, or past its closing time), or null. */
export function draftRefusal(o: { status: OpportunityStatus; closes_at: Date | string }, now: Date): Refusal | null {
  if (isCancelled(o)) return opportunityCancelled;
  return pastClosing(o, now) ? closedToChanges(o) : null;
}

export type Conflict = { reason: 'declared_interest' | 'member_of_applicant'; detail: string };
export type Standing = { lead: boolean; partnerOf: string[]; staff: boolean; conflict: Conflict | null };

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createReader(db: Database) {
  async function byReference(reference: string, trx: Database = db) {
    return REFERENCE.test(reference) ? records.applicationRow(trx, { reference }) : undefined;
  }

  /** How this person stands to an application: the lead's member, a partner's member, staff, or nobody. */
  async function standing(actor: Actor | null, applicationId: string, trx: Database = db): Promise<Standing> {
    if (!actor) return { lead: false, partnerOf: [], staff: false, conflict: null };
    const [rows, conflicts] = await Promise.all([
      people.partOf(trx, actor.id, applicationId),
      people.conflictsOf(trx, actor.id, [applicationId]),
    ]);
    return {
      lead: rows.some((r) => r.is_lead),
      partnerOf: rows.filter((r) => !r.is_lead).map((r) => r.organisation_id),
      staff: isStaff(actor),
      conflict: conflicts[0] ?? null,
    };
  }

  /** Everything about one application: who is in it, what it says and what is still to do. */
  async function full(id: string, trx: Database = db, now = new Date()) {
    if (!isUuid(id)) return undefined;
    const application = await records.applicationRow(trx, { id });
    if (!application) return undefined;
    const opportunity = (await records.opportunityOf(trx, { id: application.opportunity_id }, now))!;
    const [lot, lead, partnerRows, identifiers, answerRows, budgetRows, commitmentRows] = await Promise.all([
      application.lot_id ? records.lotById(trx, application.lot_id) : Promise.resolve(undefined),
      records.organisationById(trx, application.lead_organisation_id),
      records.partnersOf(trx, id),
      records.identifiersOf(trx, id),
      records.answersOf(trx, id, application.opportunity_id),
      records.budgetOf(trx, id),
      records.commitmentsOf(trx, id, opportunity.specification_id),
    ]);
    const partners = partnerRows.map((p) => ({
      ...p,
      share_pence: Number(p.share_pence),
      identifiers: identifiers.filter((i) => i.organisation_id === p.organisation_id).map((i) => i.identifier),
    }));
    const answers = answerRows.map((a, index) => ({
      ...a,
      number: index + 1,
      body: a.body ?? '',
      words: wordCount(a.body ?? ''),
    }));
    const budget = budgetRows.map((b) => ({ ...b, amount_pence: Number(b.amount_pence) }));
    const commitments = commitmentRows.map((c) => ({ ...c, note: c.note ?? '' }));
    const limit = requestLimit(lot ?? null, opportunity);
    const tasks = tasksOf({
      ...application,
      requested: application.requested_pence,
      limit,
      partners,
      answers,
      budget,
      commitments,
    });
    return {
      application: { ...application, statusLabel: applicationStatusLabels[application.status] },
      opportunity: { ...opportunity, effectiveStatus: opportunity.phase },
      lot: lot
        ? {
            ...lot,
            value_pence: Number(lot.value_pence),
            max_award_pence: lot.max_award_pence == null ? null : Number(lot.max_award_pence),
          }
        : null,
      /** The most this application may ask for, and why. */
      limit,
      lead: { id: lead!.id, name: lead!.name, slug: lead!.slug },
      partners,
      sharesTotal: partners.reduce((sum, p) => sum + p.share_pence, 0),
      answers,
      budget,
      budgetTotal: budget.reduce((sum, b) => sum + b.amount_pence, 0),
      commitments,
      tasks,
      tasksComplete: tasks.filter((t) => t.state === 'complete').length,
      unconfirmed: partners.filter((p) => !p.is_lead && !p.confirmed_at),
      closingText: plainDateTime(opportunity.closes_at),
    };
  }

  /**
   * The application for someone allowed to see it, with how they stand to it. Staff see any application, except
   * one they are kept from by a conflict of interest: of that they learn only that it exists. Its own
   * organisations' members see it as applicants, whatever they declared.
   */
  async function visible(actor: Actor | null, reference: string, trx: Database = db) {
    const row = await byReference(reference, trx);
    if (!row) return { refusal: notFound };
    const who = await standing(actor, row.id, trx);
    const applicant = who.lead || who.partnerOf.length > 0;
    if (!applicant && !who.staff) return { refusal: notFound };
    if (!applicant && who.conflict) return { refusal: conflictRefusal(row.reference, who.conflict.reason) };
    return { row, who };
  }

  /** For changes: the lead's members only, only while a draft, and only while its opportunity takes changes. */
  async function changeable(actor: Actor, reference: string, trx: Database, now = new Date()) {
    const seen = await visible(actor, reference, trx);
    if (seen.refusal) return seen;
    if (!seen.who.lead) return { refusal: leadOnly };
    if (!isEditable(seen.row)) return { refusal: notDraft };
    const opportunity = (await records.opportunityOf(trx, { id: seen.row.opportunity_id }, now))!;
    const refused = draftRefusal(opportunity, now);
    return refused ? { refusal: refused } : { ...seen, opportunity };
  }

  return { byReference, standing, full, visible, changeable };
}

export type Reader = ReturnType<typeof createReader>;
export type FullApplication = NonNullable<Awaited<ReturnType<Reader['full']>>>;

/** Reasons the application cannot be submitted yet, each written for the applicant; empty when it can. */
export function blockers(f: FullApplication, now: Date) {
  const o = f.opportunity;
  const deadline = isCancelled(o)
    ? 'This opportunity has been cancelled. Applications can no longer be submitted.'
    : o.phase !== 'open' || pastClosing(o, now)
      ? `The closing date was ${f.closingText}. Applications can no longer be submitted.`
      : null;
  return blockersOf(f, deadline);
}
