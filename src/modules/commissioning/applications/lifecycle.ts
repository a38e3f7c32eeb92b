import type { ApplicationStatus } from '../../../db/schema.ts';
import { type Actor, holds } from '../../../kernel/actor.ts';
import type { Role } from '../../../kernel/roles.ts';

// The one state machine of an application: its states, the moves between them, who may make each, the words for
// each state on every page, and what "live", "decided" and "successful" mean. Pure: the service writes what this allows.

export type { ApplicationStatus };

export const APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'withdrawn',
  'successful',
  'unsuccessful',
];

/** The words for each state, the same on every page. */
export const applicationStatusLabels: Record<ApplicationStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  withdrawn: 'Withdrawn',
  successful: 'Successful',
  unsuccessful: 'Not successful',
};

/** Who decides on applications: commissioners (and administrators). */
export const DECIDERS: readonly Role[] = ['commissioner', 'admin'];

/**
 * Who may make a move: `lead` is a member of the lead organisation (a relationship to this application, checked by
 * the service); `roles` are platform roles.
 */
type Who = { lead: boolean; roles: readonly Role[] };
type Move = { from: readonly ApplicationStatus[]; who: Who; audit: string };

/** Every move the machine allows, by the state it leads to. */
export const applicationTransitions: Record<Exclude<ApplicationStatus, 'draft'>, Move> = {
  // Only while the opportunity is open and the application complete (the service checks both under lock).
  submitted: { from: ['draft'], who: { lead: true, roles: [] }, audit: 'application.submitted' },
  // Any time before a decision.
  withdrawn: { from: ['draft', 'submitted'], who: { lead: true, roles: [] }, audit: 'application.withdrawn' },
  successful: { from: ['submitted'], who: { lead: false, roles: DECIDERS }, audit: 'application.successful' },
  unsuccessful: { from: ['submitted'], who: { lead: false, roles: DECIDERS }, audit: 'application.unsuccessful' },
};

export function canMove(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return to !== 'draft' && applicationTransitions[to].from.includes(from);
}

/** Whether this actor may make the move into `to`, given whether they act for the lead organisation. */
export function mayMove(to: Exclude<ApplicationStatus, 'draft'>, actor: Actor | null | undefined, isLead: boolean) {
  const { who } = applicationTransitions[to];
  if (!actor) return false;
  return (who.lead && isLead) || (who.roles.length > 0 && holds(actor, who.roles));
}

/** Live: still in play, a draft being written or a submission waiting for its decision. */
export const LIVE_STATUSES: readonly ApplicationStatus[] = ['draft', 'submitted'];
export const isLive = (a: { status: ApplicationStatus }): boolean => LIVE_STATUSES.includes(a.status);

/** Decided: successful or not successful. */
export const DECIDED_STATUSES: readonly ApplicationStatus[] = ['successful', 'unsuccessful'];
export const isDecided = (a: { status: ApplicationStatus }): boolean => DECIDED_STATUSES.includes(a.status);

/** Successful: chosen for an award. */
export const isSuccessful = (a: { status: ApplicationStatus }): boolean => a.status === 'successful';

/** Assessed by the panel: submitted, and kept in assessment once decided. */
export const ASSESSED_STATUSES: readonly ApplicationStatus[] = ['submitted', 'successful', 'unsuccessful'];

/** Still waiting on its opportunity: live, or successful without its award yet. Told when the opportunity is cancelled. */
export const isWaiting = (a: { status: ApplicationStatus; hasAward: boolean }): boolean =>
  isLive(a) || (isSuccessful(a) && !a.hasAward);

/** Only a draft can be changed. */
export const isEditable = (a: { status: ApplicationStatus }): boolean => a.status === 'draft';
