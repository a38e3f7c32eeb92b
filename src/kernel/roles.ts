import type { Role } from '../db/schema.ts';

// Who people are on the platform. The one list of roles, and of staff roles, that every module reads.

export type { Role };

export const ROLES: readonly Role[] = ['resident', 'vcs_member', 'officer', 'commissioner', 'admin'];

/** People working for the council or the infrastructure body. */
export const STAFF_ROLES = ['officer', 'commissioner', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ADMIN_ROLES: readonly Role[] = ['admin'];

export const roleLabels: Record<Role, string> = {
  resident: 'Resident',
  vcs_member: 'VCS member',
  officer: 'Infrastructure officer',
  commissioner: 'Commissioner',
  admin: 'Administrator',
};

export const isStaffRole = (role: Role | null | undefined): role is StaffRole =>
  !!role && (STAFF_ROLES as readonly Role[]).includes(role);
