import type { ModuleRoutes } from '../../web/module.ts';
import { directoryRoutes } from './directory-routes.ts';
import { membershipRoutes } from './membership-routes.ts';
import { openReferralRoutes } from './openreferral-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { directoryPages } from './route-context.ts';

// The directory's pages, by what they do.
const routes: ModuleRoutes = async (app, { services }) => {
  const pages = directoryPages(app, services);
  await directoryRoutes(pages);
  await membershipRoutes(pages);
  await profileRoutes(pages);
  await openReferralRoutes(pages);
};

export default routes;
