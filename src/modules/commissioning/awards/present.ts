import { financialYear } from '../../../kernel/dates.ts';
import { labelFor, serviceAreas } from '../../place/codelists.ts';
import { routeLabel } from '../opportunities/present.ts';
import type { AwardListRow } from './queries.ts';
import { type AwardKind, frequencyLabels, levelLabels } from './rules.ts';

// The words and figures the award pages show for each row.

export const kindLabels: Record<AwardKind, string> = { grant_agreement: 'Grant agreement', contract: 'Contract' };
const statusLabels: Record<string, string> = { active: 'Active', ended: 'Ended', cancelled: 'Cancelled' };

/** An award as lists and pages show it: amounts as numbers of pence, and each code with its words. */
export const presentAward = (r: AwardListRow) => ({
  ...r,
  value_pence: Number(r.value_pence),
  kindLabel: kindLabels[r.kind],
  statusLabel: statusLabels[r.status] ?? r.status,
  routeLabel: routeLabel(r.route),
  serviceAreaLabel: r.service_area ? labelFor(serviceAreas, r.service_area) : null,
  financialYear: financialYear(r.awarded_at),
  levelLabel: levelLabels[r.monitoring_level],
  frequencyLabel: frequencyLabels[r.monitoring_frequency],
});
