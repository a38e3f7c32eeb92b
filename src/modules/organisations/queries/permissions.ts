import type { Database } from '../../../db/index.ts';
import { approvedMemberships } from '../read-models.ts';

// What each member may do for an organisation, beyond being a member: the grants its administrators make.

/** A person's approved role in the organisation and the permissions granted to them there. */
export async function standing(db: Database, organisationId: string, userId: string) {
  const [role, grants] = await Promise.all([
    db
      .selectFrom(approvedMemberships(db).as('m'))
      .select('m.role')
      .where('m.organisation_id', '=', organisationId)
      .where('m.user_id', '=', userId)
      .executeTakeFirst(),
    db
      .selectFrom('organisation_permission')
      .select('permission')
      .where('organisation_id', '=', organisationId)
      .where('user_id', '=', userId)
      .execute(),
  ]);
  return { role: role?.role ?? null, granted: grants.map((g) => g.permission) };
}

/** Every grant in the organisation. */
export const grantsIn = (db: Database, organisationId: string) =>
  db
    .selectFrom('organisation_permission')
    .select(['user_id', 'permission'])
    .where('organisation_id', '=', organisationId)
    .orderBy('permission')
    .execute();

export async function grant(
  db: Database,
  values: { organisationId: string; userId: string; permissions: string[]; grantedBy: string },
) {
  if (values.permissions.length === 0) return;
  await db
    .insertInto('organisation_permission')
    .values(
      values.permissions.map((permission) => ({
        organisation_id: values.organisationId,
        user_id: values.userId,
        permission,
        granted_by: values.grantedBy,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function revoke(db: Database, organisationId: string, userId: string, permissions: string[]) {
  if (permissions.length === 0) return;
  await db
    .deleteFrom('organisation_permission')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .where('permission', 'in', permissions)
    .execute();
}
