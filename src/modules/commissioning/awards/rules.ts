import { formatMoney } from '../../../kernel/money.ts';
import type { Issue } from '../../../kernel/result.ts';

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

/**
 * The first and last moment of a financial year such as "2026-27" in London time, or null when it is not one. The
 * year starts at midnight on 1 April, which is always in summer time: 23:00 UTC on 31 March.
 */
export function financialYearRange(fy: string): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(fy);
  if (!m) return null;
  const start = Number(m[1]);
  if ((start + 1) % 100 !== Number(m[2])) return null;
  return { from: new Date(Date.UTC(start, 2, 31, 23)), to: new Date(Date.UTC(start + 1, 2, 31, 23)) };
}

export type AwardKind = 'grant_agreement' | 'contract';
export type PaymentInput = { dueOn: string; amountPence: number; description: string };
export type AwardInput = {
  kind: AwardKind;
  title: string;
  valuePence: number;
  startsOn: string;
  endsOn: string;
  payments: PaymentInput[];
  targets: { indicatorId: string; target: string }[];
  monitoringLevel: MonitoringLevel;
  monitoringFrequency: MonitoringFrequency;
  monitoringPlan: string;
};

/** Pence as the award form's messages write them: whole pounds without pence ("£40,000"), else with ("£39,999.99"). */
const amount = (pence: number) => formatMoney(pence, { whole: pence % 100 === 0 });

/** What is wrong with an award as a whole, beyond each field: the dates, the payments and the indicators. */
export function awardIssues(input: AwardInput, indicatorIds: ReadonlySet<string>): Issue[] {
  const issues: Issue[] = [];
  if (input.endsOn && input.startsOn && input.endsOn < input.startsOn)
    issues.push({ field: 'ends', message: 'The end date must be the same as or after the start date' });
  if (input.payments.length === 0) issues.push({ field: 'payments', message: 'Add at least one payment' });
  const total = input.payments.reduce((s, p) => s + p.amountPence, 0);
  if (input.payments.length && total !== input.valuePence)
    issues.push({
      field: 'payments',
      message: `The payments add up to ${amount(total)} but the value is ${amount(input.valuePence)}: they must be equal`,
    });
  for (const t of input.targets)
    if (!indicatorIds.has(t.indicatorId))
      issues.push({ field: 'targets', message: 'Choose an indicator from the specification' });
  return issues;
}

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

/** The day before the service has run for its months: a 12-month service from 1 April 2027 ends on 31 March 2028. */
export function serviceEnd(startsOn: string, months: number): string {
  const end = new Date(`${addMonths(startsOn, months)}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}
