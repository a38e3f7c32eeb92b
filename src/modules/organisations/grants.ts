import type { Database } from '../../db/index.ts';
import type { Actor } from '../../kernel/actor.ts';
import type { Mutate } from '../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../kernel/result.ts';
import type { Memberships } from './memberships.ts';
import * as q from './queries/permissions.ts';
import * as profiles from './queries/profiles.ts';
import {
  holds,
  isOrganisationPermission,
  ORGANISATION_PERMISSIONS,
  type OrganisationPermission,
  permissionWords,
} from './rules.ts';

// Permissions inside an organisation: what its administrators let each member do for it. The one answer to "may this
// person do this for this organisation?" that applications, returns, bids and agreements ask.

export function createGrants({ db, mutate, memberships }: { db: Database; mutate: Mutate; memberships: Memberships }) {
  /** Whether this person may do this for the organisation: its administrators may; a member, once granted it. */
  async function may(
    actor: Actor,
    organisationId: string,
    permission: OrganisationPermission,
    trx: Database = db,
  ): Promise<boolean> {
    const { role, granted } = await q.standing(trx, organisationId, actor.id);
    return holds(role, granted, permission);
  }

  /** A refusal that says what the person may not do and whom to ask, or null when they may. */
  async function refusalUnless(
    actor: Actor,
    organisation: { id: string; name: string },
    permission: OrganisationPermission,
    trx: Database = db,
  ): Promise<Refusal | null> {
    if (await may(actor, organisation.id, permission, trx)) return null;
    return refusal(
      403,
      `You do not have permission to ${permissionWords[permission].refused} ${organisation.name}. Ask one of its administrators to give you permission.`,
    );
  }

  /** Each member's grants, by person. */
  async function byMember(organisationId: string): Promise<Map<string, OrganisationPermission[]>> {
    const grants = new Map<string, OrganisationPermission[]>();
    for (const { user_id, permission } of await q.grantsIn(db, organisationId)) {
      if (!isOrganisationPermission(permission)) continue;
      grants.set(user_id, [...(grants.get(user_id) ?? []), permission]);
    }
    return grants;
  }

  /** Gives a member exactly these permissions (taking away the rest), as an administrator of the organisation. */
  async function set(
    actor: Actor,
    organisationId: string,
    userId: string,
    permissions: readonly string[],
  ): Promise<Done | Refusal> {
    const unknown = permissions.filter((p) => !isOrganisationPermission(p));
    if (unknown.length)
      return refusal(400, 'Choose from the list', {
        issues: [{ field: 'permissions', message: 'Choose from the list' }],
      });
    return mutate(async (trx, effects): Promise<Done | Refusal> => {
      const org = await profiles.byId(trx, organisationId);
      if (!org) return refusal(404, 'There is no such organisation.');
      if (!(await memberships.managesOrganisation(actor, organisationId, trx))) {
        return refusal(403, 'Only the organisation’s administrators can change what its members can do.');
      }
      const { role, granted } = await q.standing(trx, organisationId, userId);
      if (role === null) return refusal(404, `This person is not a member of ${org.name}.`);
      if (role === 'admin') return refusal(409, 'Administrators can do everything for the organisation already.');
      const wanted = ORGANISATION_PERMISSIONS.filter((p) => permissions.includes(p));
      const added = wanted.filter((p) => !granted.includes(p));
      const removed = granted.filter((p) => !(wanted as string[]).includes(p));
      await q.revoke(trx, organisationId, userId, removed);
      await q.grant(trx, { organisationId, userId, permissions: added, grantedBy: actor.id });
      if (added.length || removed.length) {
        effects.audit({
          userId: actor.id,
          action: 'membership.permissions',
          entityType: 'organisation',
          entityId: organisationId,
          detail: { userId, granted: added, revoked: removed },
        });
      }
      return { ok: true };
    });
  }

  return { may, refusalUnless, byMember, set };
}

export type Grants = ReturnType<typeof createGrants>;
