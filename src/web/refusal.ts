import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../kernel/actor.ts';
import type { Refusal, RefusalStatus } from '../kernel/result.ts';

// What every page does with the person asking and with a service's refusal: the one way a refusal becomes a page.

const titles: Record<RefusalStatus, string> = {
  400: 'There is a problem',
  401: 'You need to sign in',
  403: 'You cannot do this',
  404: 'Page not found',
  409: 'This cannot be changed now',
};

/** The error page for a refusal, titled by its status (or by a page's own title for that status). */
export function refuse(
  reply: FastifyReply,
  refusal: Pick<Refusal, 'status' | 'message'> & { ok?: boolean },
  own: Partial<Record<RefusalStatus, string>> = {},
) {
  return reply.errorPage(refusal.status, own[refusal.status] ?? titles[refusal.status], [refusal.message]);
}

/** The signed-in person, on routes whose access requires one. */
export const actorOf = (request: FastifyRequest): Actor => ({ id: request.user!.id, role: request.user!.role });

/** The person, if signed in, on pages open to everyone. */
export const viewerOf = (request: FastifyRequest): Actor | null =>
  request.user ? { id: request.user.id, role: request.user.role } : null;
