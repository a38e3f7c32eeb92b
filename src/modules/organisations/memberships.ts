import type { Config } from '../../config.ts';
import type { Database } from '../../db/index.ts';
import type { Actor } from '../../kernel/actor.ts';
import type { Mutate } from '../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../kernel/result.ts';
import type { AccountService } from '../accounts/service.ts';
import type { PlaceConfig } from '../place/config.ts';
import { claimMessage, decisionMessage, joinRequestMessage } from './emails.ts';
import * as q from './queries/memberships.ts';
import * as profiles from './queries/profiles.ts';
import { JOINING_ROLES, verifies } from './rules.ts';

// Who acts for an organisation: asking to join or claiming it, deciding those requests, and the one answer to
// "is this person an approved member of this organisation?" that every module asks.

export type MembershipDeps = {
  db: Database;
  mutate: Mutate;
  place: PlaceConfig;
  config: Config;
  accounts: Pick<AccountService, 'getAccount' | 'promoteToVcsMember'>;
};

const noSuchOrganisation = refusal(404, 'There is no such organisation.');

export function createMemberships({ db, mutate, place, config, accounts }: MembershipDeps) {
  const link = (path: string) => `${config.baseUrl.replace(/\/$/, '')}${path}`;

  /** The role this person has been approved for in the organisation (in any organisation, when null), or null. */
  const approvedRole = (userId: string, organisationId: string | null, trx: Database = db) =>
    q.approvedRole(trx, userId, organisationId);

  /** Whether this person is an approved member (or administrator) of the organisation, or of any when null. */
  const isApprovedMember = async (userId: string, organisationId: string | null, trx: Database = db) =>
    (await approvedRole(userId, organisationId, trx)) !== null;

  /** Staff who verify, or the organisation's own approved administrators. */
  const managesOrganisation = async (actor: Actor, organisationId: string, trx: Database = db) =>
    verifies(actor) || (await approvedRole(actor.id, organisationId, trx)) === 'admin';

  /** Ask to join (member) or claim the organisation (admin, which only staff may approve). */
  async function request(actor: Actor, organisationId: string, kind: 'join' | 'claim', message: string) {
    return mutate(async (trx, effects): Promise<Done | Refusal> => {
      const org = await profiles.byId(trx, organisationId);
      // Only organisations the directory lists can be joined or claimed: the others are not the place's.
      if (org?.status !== 'active' || !org.listed) return noSuchOrganisation;
      if (!JOINING_ROLES.includes(actor.role)) {
        return refusal(403, 'Staff accounts cannot join organisations. Use a personal account.');
      }
      const existing = await q.membershipOf(trx, organisationId, actor.id);
      if (existing?.status === 'approved') return refusal(409, `You are already a member of ${org.name}.`);
      if (existing?.status === 'pending') {
        return refusal(409, `You have already asked to join ${org.name}. You will get an email when it is decided.`);
      }
      const { approvedAdmins } = await profiles.profileParts(trx, organisationId);
      if (kind === 'claim' && approvedAdmins > 0) {
        return refusal(409, `${org.name} already has an administrator. Ask to join it instead.`);
      }
      const role = kind === 'claim' ? 'admin' : 'member';
      await q.requestMembership(trx, { userId: actor.id, organisationId, role, message });
      effects.audit({
        userId: actor.id,
        action: kind === 'claim' ? 'membership.claim' : 'membership.request',
        entityType: 'organisation',
        entityId: organisationId,
        detail: { userId: actor.id, message },
      });
      const requester = (await accounts.getAccount(actor.id, trx))!;
      const words = {
        requester,
        organisation: org.name,
        message,
        membersPage: link(`/organisations/${org.slug}/members`),
      };
      // A claim needs the infrastructure body; a request to join goes to the organisation's administrators.
      const recipients = kind === 'claim' ? [place.contactEmail] : await q.approvedAdminEmails(trx, organisationId);
      for (const to of recipients) {
        effects.email({ to, ...(kind === 'claim' ? claimMessage(words) : joinRequestMessage(words)) });
      }
      return { ok: true };
    });
  }

  async function decide(actor: Actor, organisationId: string, userId: string, decision: 'approve' | 'refuse') {
    return mutate(async (trx, effects): Promise<Done | Refusal> => {
      const org = await profiles.byId(trx, organisationId);
      if (!org) return noSuchOrganisation;
      const asked = await q.membershipOf(trx, organisationId, userId);
      if (!asked) return refusal(404, 'There is no such request.');
      if (!(await managesOrganisation(actor, organisationId, trx))) {
        return refusal(403, 'Only the organisation’s administrators and the infrastructure body can decide requests.');
      }
      if (asked.role === 'admin' && !verifies(actor)) {
        return refusal(403, `Only ${place.infrastructureBody.name} can approve a claim to manage an organisation.`);
      }
      if (asked.status !== 'pending') return refusal(409, 'This request has already been decided.');
      const status = decision === 'approve' ? 'approved' : 'refused';
      await q.decideMembership(trx, { organisationId, userId, status, decidedBy: actor.id });
      const person = (await accounts.getAccount(userId, trx))!;
      if (status === 'approved') {
        // Belonging to an organisation is what makes someone a VCS member.
        await accounts.promoteToVcsMember({ userId: actor.id }, userId, `joined ${org.name}`, trx);
      }
      effects.audit({
        userId: actor.id,
        action: `membership.${decision}`,
        entityType: 'organisation',
        entityId: organisationId,
        detail: { userId, role: asked.role },
      });
      effects.email({
        to: person.email,
        ...decisionMessage({
          decision,
          role: asked.role,
          organisation: org.name,
          editLink: link(`/organisations/${org.slug}/edit`),
          pageLink: link(`/organisations/${org.slug}`),
          infrastructureBody: place.infrastructureBody.name,
          contactEmail: place.contactEmail,
        }),
      });
      return { ok: true };
    });
  }

  return {
    list: (organisationId: string) => q.membershipsOf(db, organisationId),
    /** This person's membership of the organisation, whatever its status. */
    of: (organisationId: string, userId: string, trx: Database = db) => q.membershipOf(trx, organisationId, userId),
    approvedRole,
    isApprovedMember,
    managesOrganisation,
    /** The person who lists a group becomes its administrator at once. */
    addCreatorAsAdmin: (organisationId: string, userId: string, trx: Database = db) =>
      q.addApprovedAdmin(trx, organisationId, userId),
    request,
    decide,
  };
}

export type Memberships = ReturnType<typeof createMemberships>;
