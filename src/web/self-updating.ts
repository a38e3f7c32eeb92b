import type { FastifyReply } from 'fastify';

/** How often a page that follows a background job reloads itself, in seconds. */
export const UPDATE_EVERY_SECONDS = 2;

export type SelfUpdating = {
  /** The page is reloading itself now. */
  updating: boolean;
  /** The person turned the reloading off (`?updates=off`). */
  stopped: boolean;
  /** The page's own address with reloading off, and with it on. */
  stopHref: string;
  startHref: string;
};

/**
 * A page that follows something running reloads itself: a Refresh header, so that it works with JavaScript off.
 * WCAG 2.2.1 asks that people can turn that off, so `?updates=off` serves the same page without it (a refresh in
 * a <meta> element could not be turned off by the server, and F41 faults it).
 */
export function selfUpdating(
  reply: FastifyReply,
  { running, path, query }: { running: boolean; path: string; query: { updates?: string | undefined } },
): SelfUpdating {
  const stopped = query.updates === 'off';
  const updating = running && !stopped;
  if (updating) reply.header('refresh', String(UPDATE_EVERY_SECONDS));
  return { updating, stopped, stopHref: `${path}?updates=off`, startHref: path };
}
