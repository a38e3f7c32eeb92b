import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Refusal } from '../../kernel/result.ts';
import { asArray } from '../../web/forms.ts';
import type { RouteServices } from '../../web/module.ts';
import { refuse as refusalPage } from '../../web/refusal.ts';

// What the directory's route files share: the services, the lists of a form, and the organisation a page is about.

export type SlugParams = { Params: { slug: string } };

// A refusal of a decision already made reads "This has already happened" on these pages.
export const refuse = (reply: FastifyReply, refusal: Refusal) =>
  refusalPage(reply, refusal, { 409: 'This has already happened' });

export function directoryPages(app: FastifyInstance, services: RouteServices) {
  const organisations = services.organisations;
  const wardItems = () => services.place.config.wardCodes.map((w) => ({ value: w.code, text: w.name }));
  const checked = (items: { value: string; text: string }[], selected: unknown) =>
    items.map((i) => ({ ...i, checked: asArray(selected).includes(i.value) }));

  async function loadProfile(slug: string, reply: FastifyReply) {
    const profile = await organisations.get(slug);
    if (!profile) {
      reply.errorPage(404, 'Page not found', [
        'There is no organisation at this address. Search the directory to find it.',
      ]);
      return undefined;
    }
    return profile;
  }

  return { app, services, organisations, wardItems, checked, loadProfile };
}

export type DirectoryPages = ReturnType<typeof directoryPages>;
