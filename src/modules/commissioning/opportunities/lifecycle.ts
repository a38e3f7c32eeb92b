import type { OpportunityStatus } from '../../../db/schema.ts';
import { type Actor, holds } from '../../../kernel/actor.ts';
import { type Role, STAFF_ROLES } from '../../../kernel/roles.ts';

// The one state machine of an opportunity: its states, the moves between them, who may make each, the words for each
// state on every page, and what "open", "closed" and "awarded" mean. Pure: the service writes what this allows.

export type { OpportunityStatus };

export const OPPORTUNITY_STATUSES: readonly OpportunityStatus[] = [
  'draft',
  'open',
  'closed',
  'awarded',
  'unsuccessful',
  'cancelled',
];

/** The words for each state, the same on every page, feed and e-mail. */
export const opportunityStatusLabels: Record<OpportunityStatus, string> = {
  draft: 'Draft',
  open: 'Open',
  closed: 'Closed',
  awarded: 'Awarded',
  unsuccessful: 'No award made',
  cancelled: 'Cancelled',
};

/**
 * Who may make a move: people holding one of the roles, and `system` when a move follows from another record
 * (decisions on every application, the last award made) with no person making it.
 */
type Who = { roles: readonly Role[]; system: boolean };
type Move = { from: readonly OpportunityStatus[]; who: Who; audit: string };

const staff: Who = { roles: STAFF_ROLES, system: false };
const staffOrSystem: Who = { roles: STAFF_ROLES, system: true };

/** Every move the machine allows, by the state it leads to. */
export const opportunityTransitions: Record<Exclude<OpportunityStatus, 'draft'>, Move> = {
  // Published: draft → open, only when complete (the service checks completeness under the row lock).
  open: { from: ['draft'], who: staff, audit: 'opportunity.published' },
  // Decisions made and some successful: it stays closed while awards wait.
  closed: { from: ['open'], who: staffOrSystem, audit: 'opportunity.closed' },
  // Every successful application has its award.
  awarded: { from: ['open', 'closed'], who: staffOrSystem, audit: 'opportunity.awarded' },
  // Every application decided and none successful (OCDS "unsuccessful").
  unsuccessful: { from: ['open', 'closed'], who: staffOrSystem, audit: 'opportunity.no_award' },
  // Published and not yet ended; the service also refuses once an award exists.
  cancelled: { from: ['open', 'closed'], who: staff, audit: 'opportunity.cancelled' },
};

/** Whether the machine allows `from` → `to` at all, whoever asks. */
export function canMove(from: OpportunityStatus, to: OpportunityStatus): boolean {
  return to !== 'draft' && opportunityTransitions[to].from.includes(from);
}

/** Whether this actor (or the platform itself, with no actor) may make the move into `to`. */
export function mayMove(to: Exclude<OpportunityStatus, 'draft'>, actor: Actor | null | undefined): boolean {
  const { who } = opportunityTransitions[to];
  return actor ? holds(actor, who.roles) : who.system;
}

type Dated = { status: OpportunityStatus; closes_at: Date | string };

/** Whether the closing date and time has come: applications close at that instant. */
export const pastClosing = (o: { closes_at: Date | string }, now: Date = new Date()): boolean =>
  new Date(o.closes_at).getTime() <= now.getTime();

/**
 * The state people see: an open opportunity whose closing time has passed is closed, before anyone changes its
 * status. Every page, list, feed and chain shows this, never the stored status alone.
 */
export function opportunityPhase(o: Dated, now: Date = new Date()): OpportunityStatus {
  return o.status === 'open' && pastClosing(o, now) ? 'closed' : o.status;
}

export const phaseLabel = (o: Dated, now: Date = new Date()): string =>
  opportunityStatusLabels[opportunityPhase(o, now)];

/** Open for applications: published, not cancelled, and before its closing time. */
export const isOpen = (o: Dated, now: Date = new Date()): boolean => opportunityPhase(o, now) === 'open';

/**
 * Closed: no longer taking applications, and not cancelled: past its closing time or moved on to its outcome
 * (awarded, or no award made).
 */
export const isClosed = (o: Dated, now: Date = new Date()): boolean =>
  ['closed', 'awarded', 'unsuccessful'].includes(opportunityPhase(o, now));

/** Applications may be scored: it has closed and is not cancelled, and has not ended with no award. */
export const isAssessable = (o: Dated, now: Date = new Date()): boolean =>
  ['closed', 'awarded'].includes(opportunityPhase(o, now));

/** Awarded: every successful application has its award. */
export const isAwarded = (o: { status: OpportunityStatus }): boolean => o.status === 'awarded';

export const isCancelled = (o: { status: OpportunityStatus }): boolean => o.status === 'cancelled';

/** Seen by everyone once published; a draft only by staff. */
export const isPublished = (o: { status: OpportunityStatus }): boolean => o.status !== 'draft';

/** Whether clarification questions may still be asked: while open, and before their own closing time if it has one. */
export function acceptsClarifications(
  o: Dated & { clarifications_close_at: Date | string | null },
  now: Date = new Date(),
): boolean {
  if (!isOpen(o, now)) return false;
  return !o.clarifications_close_at || new Date(o.clarifications_close_at) > now;
}

/**
 * After decisions on every application: closed while successful ones wait for their awards, or ended with no award
 * made when none was successful. Null when there is nothing to move.
 */
export function afterDecisions(
  o: { status: OpportunityStatus },
  decided: readonly { status: string }[],
): 'closed' | 'unsuccessful' | null {
  const noAward = decided.length > 0 && decided.every((a) => a.status === 'unsuccessful');
  const to = noAward ? 'unsuccessful' : 'closed';
  return canMove(o.status, to) ? to : null;
}

/**
 * A clarification question waits for an answer while it has none and its opportunity is live: not a draft (none
 * can be asked) and not cancelled (there is nothing left to answer for). The staff home and the opportunity's page
 * count the same questions.
 */
export const awaitsAnswer = (q: { answer: string | null }, o: { status: OpportunityStatus }): boolean =>
  q.answer === null && o.status !== 'draft' && o.status !== 'cancelled';

/** The stored statuses whose unanswered questions wait for staff: the SQL form of `awaitsAnswer`. */
export const STATUSES_AWAITING_ANSWERS = OPPORTUNITY_STATUSES.filter((s) => s !== 'draft' && s !== 'cancelled');
