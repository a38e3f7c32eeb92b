import type { Database } from '../../../db/index.ts';
import { people } from '../../accounts/read-models.ts';
import { approvedMemberships } from '../read-models.ts';

// Who acts for which organisation: requests to join or claim, and the decisions on them.

export type MembershipRole = 'member' | 'admin';

export const membershipsOf = (db: Database, organisationId: string) =>
  db
    .selectFrom('membership as m')
    .innerJoin(people(db).as('u'), 'u.id', 'm.user_id')
    .leftJoin(people(db).as('d'), 'd.id', 'm.decided_by')
    .select([
      'm.user_id',
      'm.role',
      'm.status',
      'm.message',
      'm.requested_at',
      'm.decided_at',
      'u.name',
      'u.email',
      'd.name as decided_by_name',
    ])
    .where('m.organisation_id', '=', organisationId)
    .orderBy('m.requested_at')
    .execute();

/** One person's membership of one organisation, whatever its status. */
export const membershipOf = (db: Database, organisationId: string, userId: string) =>
  db
    .selectFrom('membership')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

/**
 * The role a person has been approved for in an organisation, or in any organisation when none is named: the one
 * definition of "an approved member", over the read model the directory publishes.
 */
export async function approvedRole(
  db: Database,
  userId: string,
  organisationId: string | null,
): Promise<MembershipRole | null> {
  let query = db
    .selectFrom(approvedMemberships(db).as('m'))
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('m.role')
    .limit(1);
  if (organisationId) query = query.where('m.organisation_id', '=', organisationId);
  const row = await query.executeTakeFirst();
  return row?.role ?? null;
}

/** The addresses of an organisation's approved administrators whose accounts are in use. */
export async function approvedAdminEmails(db: Database, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom(approvedMemberships(db).as('m'))
    .innerJoin(people(db).as('u'), 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.organisation_id', '=', organisationId)
    .where('m.role', '=', 'admin')
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.email);
}

/** A new request (or a refused one asked again): pending, undecided. */
export async function requestMembership(
  db: Database,
  values: { userId: string; organisationId: string; role: MembershipRole; message: string },
) {
  const request = {
    role: values.role,
    status: 'pending' as const,
    message: values.message,
    requested_at: new Date(),
    decided_at: null,
    decided_by: null,
  };
  await db
    .insertInto('membership')
    .values({ user_id: values.userId, organisation_id: values.organisationId, ...request })
    .onConflict((oc) => oc.columns(['user_id', 'organisation_id']).doUpdateSet(request))
    .execute();
}

export async function decideMembership(
  db: Database,
  values: { organisationId: string; userId: string; status: 'approved' | 'refused'; decidedBy: string },
) {
  await db
    .updateTable('membership')
    .set({ status: values.status, decided_at: new Date(), decided_by: values.decidedBy })
    .where('organisation_id', '=', values.organisationId)
    .where('user_id', '=', values.userId)
    .execute();
}

/** The person who lists a group becomes its administrator at once. */
export async function addApprovedAdmin(db: Database, organisationId: string, userId: string) {
  await db
    .insertInto('membership')
    .values({
      user_id: userId,
      organisation_id: organisationId,
      role: 'admin',
      status: 'approved',
      decided_at: new Date(),
      decided_by: userId,
    })
    .execute();
}
