import { isStaffRole, type Role } from './roles.ts';

/** The person a service acts for: who they are and the role they hold on the platform. */
export type Actor = { id: string; role: Role };

export const isStaff = (actor: Actor | null | undefined): actor is Actor => !!actor && isStaffRole(actor.role);

/** Whether the actor holds one of these roles; administrators may do whatever staff may. */
export const holds = (actor: Actor | null | undefined, roles: readonly Role[]): actor is Actor =>
  !!actor && (actor.role === 'admin' || roles.includes(actor.role));
