import { z } from 'zod';

// The outcomes framework of a specification: outcomes, each measured by indicators. Pure rules, used by the
// service and its forms, so that "complete" means one thing everywhere.

export const directions = [
  { value: 'increase', text: 'Increase' },
  { value: 'decrease', text: 'Decrease' },
  { value: 'maintain', text: 'Stay the same' },
] as const;
export const frequencies = [
  { value: 'monthly', text: 'Monthly' },
  { value: 'quarterly', text: 'Quarterly' },
  { value: 'annually', text: 'Annually' },
] as const;

export type Direction = (typeof directions)[number]['value'];
export type Frequency = (typeof frequencies)[number]['value'];

export const outcomeForm = z.object({
  title: z
    .string({ message: 'Enter the outcome' })
    .trim()
    .min(1, 'Enter the outcome')
    .max(300, 'The outcome must be 300 characters or fewer'),
  description: z.string().trim().max(5000, 'The description must be 5,000 characters or fewer').default(''),
});

/** "1,200", " 45.5 " → "1200", "45.5"; anything else is not a number. */
export function parseNumber(text: string): string | null {
  const cleaned = text.trim().replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return cleaned;
}

const numberField = (what: string) =>
  z
    .string({ message: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .refine((v) => parseNumber(v) !== null, `The ${what} must be a number, like 120 or 45.5`)
    .transform((v) => parseNumber(v)!);

/** A required text field, with the same message whether it is empty or absent. */
const text = (message: string, max: number, tooLong: string) =>
  z.string({ message }).trim().min(1, message).max(max, tooLong);

const yesNo = z.enum(['yes', 'no'], { message: 'Choose yes or no' }).transform((v) => v === 'yes');

export const indicatorForm = z
  .object({
    name: text('Enter the name of the indicator', 300, 'The name must be 300 characters or fewer'),
    unit: text(
      'Enter the unit, for example people, percentage or visits',
      60,
      'The unit must be 60 characters or fewer',
    ),
    baseline: numberField('baseline'),
    target: numberField('target'),
    direction: z.enum(['increase', 'decrease', 'maintain'], {
      message: 'Choose whether it should increase, decrease or stay the same',
    }),
    frequency: z.enum(['monthly', 'quarterly', 'annually'], { message: 'Choose how often it is measured' }),
    data_source: text('Enter where the data will come from', 500, 'The data source must be 500 characters or fewer'),
    disaggregated_by_ward: yesNo,
    disaggregated_by_group: yesNo,
  })
  .superRefine((value, ctx) => {
    const problem = targetProblem(value.direction, value.baseline, value.target);
    if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
  });

export type IndicatorInput = z.infer<typeof indicatorForm>;

/** Whether the target moves away from the baseline in the stated direction; the message if not. */
export function targetProblem(direction: Direction, baseline: string, target: string): string | null {
  const b = Number(baseline);
  const t = Number(target);
  if (direction === 'increase' && !(t > b))
    return 'The target must be more than the baseline, because it should increase';
  if (direction === 'decrease' && !(t < b))
    return 'The target must be less than the baseline, because it should decrease';
  if (direction === 'maintain' && t !== b)
    return 'The target must be the same as the baseline, because it should stay the same';
  return null;
}

export type StoredIndicator = {
  name: string;
  unit: string;
  baseline: string | null;
  target: string | null;
  direction: string | null;
  frequency: string | null;
  data_source: string | null;
};

/** Complete: every field filled in and the target consistent with the direction. */
export function isCompleteIndicator(indicator: StoredIndicator): boolean {
  const { name, unit, baseline, target, direction, frequency, data_source } = indicator;
  if (!name.trim() || !unit.trim() || !data_source?.trim()) return false;
  if (baseline == null || target == null || !direction || !frequency) return false;
  if (!['increase', 'decrease', 'maintain'].includes(direction)) return false;
  return targetProblem(direction as Direction, baseline, target) === null;
}

export type Readiness = {
  coproducers: number;
  currentVersionSignedOff: boolean;
  outcomes: { title: string; indicators: StoredIndicator[] }[];
};

export type Missing = { text: string; href: string };

/**
 * What stops a specification from being published, in the words of an error summary. Empty when it may be published:
 * a version signed off by every named co-producer, and at least one outcome with at least one complete indicator.
 */
export function missingForPublication(r: Readiness): Missing[] {
  const missing: Missing[] = [];
  if (r.coproducers === 0) {
    missing.push({ text: 'Invite at least one co-producer to sign off the specification', href: '#coproducers' });
  } else if (!r.currentVersionSignedOff) {
    missing.push({ text: 'The current version must be signed off by every co-producer', href: '#sign-off' });
  }
  if (r.outcomes.length === 0) {
    missing.push({ text: 'Add at least one outcome to the outcomes framework', href: '#outcomes' });
    missing.push({ text: 'Add at least one complete indicator to an outcome', href: '#outcomes' });
  } else if (!r.outcomes.some((o) => o.indicators.some(isCompleteIndicator))) {
    missing.push({
      text: 'Add at least one complete indicator to an outcome (name, unit, baseline, target, direction, how often and data source)',
      href: '#outcomes',
    });
  }
  return missing;
}
