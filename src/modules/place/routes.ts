import { z } from 'zod';
import { ADMIN } from '../../web/access.ts';
import { formOnce, parseForm } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';

const priorityForm = z.object({
  title: z.string().trim().min(1, 'Enter a title for the priority').max(200, 'Title must be 200 characters or fewer'),
  description: z.string().trim().max(2000, 'Description must be 2,000 characters or fewer').default(''),
  active: z
    .union([z.literal('yes'), z.literal('no')], { message: 'Select whether the priority is current' })
    .transform((v) => v === 'yes'),
});

const routes: ModuleRoutes = async (app, { services }) => {
  app.get('/priorities', { config: { access: 'public' } }, async (_request, reply) => {
    const priorities = await services.place.priorities();
    const wards = await services.place.wards();
    return reply.view('place/views/priorities.njk', { title: 'Local priorities', priorities, wards });
  });

  app.get('/admin/priorities', { config: { access: ADMIN } }, async (_request, reply) => {
    const priorities = await services.place.priorities({ includeInactive: true });
    return reply.view('place/views/admin-priorities.njk', { title: 'Edit local priorities', priorities });
  });

  app.get<{ Params: { id: string } }>(
    '/admin/priorities/:id',
    { config: { access: ADMIN } },
    async (request, reply) => {
      const isNew = request.params.id === 'new';
      const priority = isNew
        ? undefined
        : (await services.place.priorities({ includeInactive: true })).find((p) => String(p.id) === request.params.id);
      if (!isNew && !priority) return reply.errorPage(404, 'Page not found', ['There is no such priority.']);
      return reply.view('place/views/priority-form.njk', {
        title: isNew ? 'Add a local priority' : 'Edit a local priority',
        backLink: '/admin/priorities',
        values: priority ? { ...priority, active: priority.active ? 'yes' : 'no' } : { active: 'yes' },
        id: request.params.id,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/priorities/:id',
    { config: { access: ADMIN } },
    async (request, reply) => {
      const form = parseForm(priorityForm, request.body);
      const isNew = request.params.id === 'new';
      if (!form.ok) {
        return reply.code(400).view('place/views/priority-form.njk', {
          title: isNew ? 'Add a local priority' : 'Edit a local priority',
          backLink: '/admin/priorities',
          ...form,
          id: request.params.id,
        });
      }
      const id = isNew ? undefined : Number(request.params.id);
      if (id !== undefined && !Number.isInteger(id))
        return reply.errorPage(404, 'Page not found', ['There is no such priority.']);
      const once = formOnce(request.body, 'local_priority.add', request.user!.id);
      await services.place.savePriority(request.user!.id, { id, ...form.data }, once);
      return reply.seeOther('/admin/priorities', 'Priority saved');
    },
  );
};

export default routes;
