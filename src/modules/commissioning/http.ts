import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.ts';

// What every commissioning page does with the person asking and with a service's refusal.

export type Actor = { id: string; role: Role };
type Refusal = { ok?: false; status: 400 | 401 | 403 | 404 | 409; message: string };

const titles: Record<Refusal['status'], string> = {
  400: 'There is a problem',
  401: 'You need to sign in',
  403: 'You cannot do this',
  404: 'Page not found',
  409: 'This cannot be changed now',
};

/** The error page for a refusal, titled by its status (or by a page's own title for that status). */
export function refuse(reply: FastifyReply, refusal: Refusal, own: Partial<Record<Refusal['status'], string>> = {}) {
  return reply.errorPage(refusal.status, own[refusal.status] ?? titles[refusal.status], [refusal.message]);
}

/** The signed-in person, on routes whose access requires one. */
export const actorOf = (request: FastifyRequest): Actor => ({ id: request.user!.id, role: request.user!.role });

/** The person, if signed in, on pages open to everyone. */
export const viewerOf = (request: FastifyRequest): Actor | null =>
  request.user ? { id: request.user.id, role: request.user.role } : null;
