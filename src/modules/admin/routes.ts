import type { ModuleRoutes } from '../../web/module.ts';
import { recordRoutes } from './record-routes.ts';
import { staffRoutes } from './staff-routes.ts';
import { userRoutes } from './user-routes.ts';

// The staff home and the administration pages, by what they do.
const routes: ModuleRoutes = async (app, { services }) => {
  await staffRoutes(app, services);
  await userRoutes(app, services);
  await recordRoutes(app, services);
};

export default routes;
