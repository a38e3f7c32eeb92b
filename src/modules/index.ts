import type { ModuleRoutes } from '../web/module.ts';
import accounts from './accounts/routes.ts';
import admin from './admin/routes.ts';
import applications from './commissioning/applications/routes.ts';
import assessment from './commissioning/assessment/routes.ts';
import awards from './commissioning/awards/routes.ts';
import ocds from './commissioning/ocds/routes.ts';
import opportunities from './commissioning/opportunities/routes.ts';
import specifications from './commissioning/specifications/routes.ts';
import needs from './needs/routes.ts';
import registers from './organisations/registers/routes.ts';
import organisations from './organisations/routes.ts';
import pages from './pages/routes.ts';
import place from './place/routes.ts';
import spendImport from './spend/import/routes.ts';
import spendMeasure from './spend/measure/routes.ts';
import spendResolution from './spend/resolution/routes.ts';

// Each capability registers its routes here, in one place.
export const modules: ModuleRoutes[] = [
  pages,
  place,
  accounts,
  admin,
  registers,
  organisations,
  spendImport,
  spendMeasure,
  spendResolution,
  needs,
  specifications,
  opportunities,
  ocds,
  applications,
  assessment,
  awards,
];
