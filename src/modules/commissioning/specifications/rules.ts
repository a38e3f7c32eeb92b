import type { Role, SpecificationStatus } from '../../../db/schema.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { type Refusal, refusal } from '../../../kernel/result.ts';
import type { IndicatorInput, StoredIndicator as StoredFields } from './framework.ts';

// The rules of specifications, without the database: who may read and change one, and when an indicator may go.

/** Co-producers are residents and VCS members; staff write the specification. */
export const COPRODUCER_ROLES: readonly Role[] = ['resident', 'vcs_member'];

export const notFound = () => refusal(404, 'There is no such specification.');
export const noOutcome = () => refusal(404, 'There is no such outcome.');
export const noIndicator = () => refusal(404, 'There is no such indicator.');
export const publishedRefusal = () =>
  refusal(409, 'This specification has been published, so it can no longer be changed.');

/** What a change to the outcomes framework did: the version it made, if any, and how many sign-offs it reset. */
export type FrameworkChange = { version: number | null; signOffsReset: number };

/**
 * The one rule of who may read a specification, for its own pages, the need's page and the chain alike: staff see
 * every specification and a co-producer the ones they were invited to; once published, it is open to everyone.
 */
export function readRefusal(
  spec: { status: SpecificationStatus },
  viewer: Actor | null,
  isCoproducer: boolean,
): Refusal | null {
  if (spec.status === 'published' || isStaff(viewer) || isCoproducer) return null;
  if (!viewer) return refusal(401, 'Sign in to read this specification.');
  return refusal(403, 'Only staff and the co-producers invited to this specification can see it.');
}

export const mayRead = (spec: { status: SpecificationStatus }, viewer: Actor | null, isCoproducer: boolean) =>
  readRefusal(spec, viewer, isCoproducer) === null;

/** Staff change a specification until it is published. */
export function editRefusal(spec: { status: SpecificationStatus }, actor: Actor): Refusal | null {
  if (!isStaff(actor)) return refusal(403, 'Only commissioners and officers can change a specification.');
  if (spec.status === 'published') return publishedRefusal();
  return null;
}

/** Only the co-producers named on it comment on or sign off a specification, until it is published. */
export function coproducerRefusal(
  spec: { status: SpecificationStatus },
  isCoproducer: boolean,
  what: 'comment' | 'signOff',
): Refusal | null {
  if (!isCoproducer) {
    return refusal(
      403,
      what === 'comment'
        ? 'Only the co-producers invited to this specification can comment on it.'
        : 'Only the co-producers named on this specification can sign it off.',
    );
  }
  if (spec.status === 'published') return publishedRefusal();
  return null;
}

/**
 * Indicators that applicants committed to or an award set targets against are kept as they were agreed, so such
 * an indicator (and its outcome) cannot be removed.
 */
export function inUseRefusal(what: string, use: { commitments: number; targets: number }): Refusal | null {
  if (!use.commitments && !use.targets) return null;
  const uses = [
    use.commitments && `${use.commitments} application commitment${use.commitments === 1 ? '' : 's'}`,
    use.targets && `${use.targets} award target${use.targets === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return refusal(
    409,
    `${what} cannot be removed because ${uses} ${use.commitments + use.targets === 1 ? 'is' : 'are'} measured against it. You can still change its wording.`,
  );
}

/** A save that changes nothing is refused with this message, on this field. */
export const unchanged = (field: string, message: string) => refusal(400, message, { issues: [{ field, message }] });

type StoredIndicator = StoredFields & { disaggregated_by_ward: boolean; disaggregated_by_group: boolean };

export function sameIndicator(before: StoredIndicator, input: IndicatorInput): boolean {
  return (
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
    before.disaggregated_by_group === input.disaggregated_by_group
  );
}
