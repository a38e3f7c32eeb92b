import { ADMIN_ROLES, roleLabels as labels, ROLES, type Role, STAFF_ROLES } from '../kernel/roles.ts';

/**
 * Who may use a route. Every route declares one in `config.access`; the app refuses to start otherwise.
 * - 'public': anyone, signed in or not
 * - 'signed-in': any signed-in user
 * - a list of roles: signed-in users holding one of them (admins are always allowed)
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export const roles = ROLES;
export const roleLabels = labels;

/** Staff roles: people working for the council or the infrastructure body. */
export const STAFF: readonly Role[] = STAFF_ROLES;
export const ADMIN: readonly Role[] = ADMIN_ROLES;

export function allows(access: Access, role: Role | null): boolean {
  if (access === 'public') return true;
  if (role === null) return false;
  if (access === 'signed-in' || role === 'admin') return true;
  return access.includes(role);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
