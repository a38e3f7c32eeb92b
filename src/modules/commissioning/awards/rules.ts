// Pure rules of an award, apart from the database so they read (and test) on their own.

export type MonitoringLevel = 'light' | 'standard' | 'full';
export type MonitoringFrequency = 'annually' | 'six_monthly' | 'quarterly';

export const levelLabels: Record<MonitoringLevel, string> = { light: 'Light', standard: 'Standard', full: 'Full' };
export const frequencyLabels: Record<MonitoringFrequency, string> = {
  annually: 'Once a year',
  six_monthly: 'Every six months',
  quarterly: 'Every three months',
};

/**
 * Monitoring proportionate to the value: below the place's first threshold light and once a year, from the second
 * full and every quarter, standard and every six months between.
 */
export function proposedMonitoring(
  valuePence: number,
  thresholds: { lightBelowPounds: number; fullFromPounds: number },
): { level: MonitoringLevel; frequency: MonitoringFrequency } {
  if (valuePence < thresholds.lightBelowPounds * 100) return { level: 'light', frequency: 'annually' };
  if (valuePence >= thresholds.fullFromPounds * 100) return { level: 'full', frequency: 'quarterly' };
  return { level: 'standard', frequency: 'six_monthly' };
}

/** The plan's opening text for a level, for the commissioner to change. */
export function planText(level: MonitoringLevel): string {
  switch (level) {
    case 'light':
      return 'A short report once a year against each outcome target, with a note of any changes to the service. One conversation with the commissioner each year.';
    case 'standard':
      return 'A report every six months against each outcome target, with spending against the payment schedule and case studies from the people using the service. A review meeting every six months.';
    case 'full':
      return 'A report every three months against each outcome target, disaggregated by ward and population group, with spending against the payment schedule, risks and feedback from the people using the service. A review meeting every quarter and a visit each year.';
  }
}

/** The UK financial year an award falls in, April to March: 2026-05-01 → "2026-27". */
export function financialYear(at: Date | string): string {
  const d = new Date(at);
  const year = d.getUTCMonth() >= 3 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}

/** The first and last moment of a financial year such as "2026-27", or null when it is not one. */
export function financialYearRange(fy: string): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(fy);
  if (!m) return null;
  const start = Number(m[1]);
  if ((start + 1) % 100 !== Number(m[2])) return null;
  return { from: new Date(Date.UTC(start, 3, 1)), to: new Date(Date.UTC(start + 1, 3, 1)) };
}
