import { parsePounds } from '../../../kernel/money.ts';
import type { Issue } from '../../../kernel/result.ts';
import { dateFrom } from '../../../web/forms.ts';
import { parseTarget, penceToField } from '../applications/rules.ts';
import type { AwardInput, AwardKind, MonitoringFrequency, MonitoringLevel } from './rules.ts';

type Body = Record<string, unknown>;
const text = (body: Body, name: string) => String(body[name] ?? '').trim();
const LEVELS: MonitoringLevel[] = ['light', 'standard', 'full'];
const FREQUENCIES: MonitoringFrequency[] = ['annually', 'six_monthly', 'quarterly'];
export const MAX_PAYMENTS = 24;

/** How many payment rows the form shows: those typed, and one more when "Add another payment" was pressed. */
export function paymentRows(body: Body): number {
  const n = Number(body.rows);
  const rows = Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PAYMENTS) : 1;
  return body.action === 'add' ? Math.min(rows + 1, MAX_PAYMENTS) : rows;
}

/** Reads the award form; every problem is an issue against its field, so the form can be shown again as typed. */
export function parseAward(body: Body, indicatorIds: string[]): { input: AwardInput; issues: Issue[] } {
  const issues: Issue[] = [];
  const kind = text(body, 'kind');
  if (kind !== 'grant_agreement' && kind !== 'contract')
    issues.push({ field: 'kind', message: 'Choose a grant agreement or a contract' });
  const title = text(body, 'title');
  if (!title) issues.push({ field: 'title', message: 'Enter a title for the award' });
  else if (title.length > 200) issues.push({ field: 'title', message: 'The title must be 200 characters or fewer' });
  const value = parsePounds(text(body, 'value'));
  if (!text(body, 'value')) issues.push({ field: 'value', message: 'Enter the value of the award' });
  else if (value === null || value <= 0)
    issues.push({ field: 'value', message: 'The value must be an amount of money, like 25000' });
  const startsOn = dateFrom(body, 'starts', 'the start date', issues, true);
  const endsOn = dateFrom(body, 'ends', 'the end date', issues, true);
  const payments: AwardInput['payments'] = [];
  for (let i = 1; i <= paymentRows({ ...body, action: '' }); i++) {
    const amountText = text(body, `payment-${i}-amount`);
    const description = text(body, `payment-${i}-description`);
    const anyDate = ['day', 'month', 'year'].some((k) => text(body, `payment-${i}-due-${k}`));
    if (!amountText && !description && !anyDate) continue;
    const dueOn = dateFrom(body, `payment-${i}-due`, `the date payment ${i} is due`, issues, true);
    const amount = parsePounds(amountText);
    if (amount === null || amount <= 0)
      issues.push({ field: `payment-${i}-amount`, message: `Enter the amount of payment ${i}, like 5000` });
    if (dueOn && amount) payments.push({ dueOn, amountPence: amount, description });
  }
  const targets: AwardInput['targets'] = [];
  for (const id of indicatorIds) {
    const raw = text(body, `target-${id}`);
    if (!raw) continue;
    const target = parseTarget(raw);
    if (target === null) issues.push({ field: `target-${id}`, message: 'The target must be a number, like 120' });
    else targets.push({ indicatorId: id, target });
  }
  const level = text(body, 'monitoringLevel') as MonitoringLevel;
  if (!LEVELS.includes(level)) issues.push({ field: 'monitoringLevel', message: 'Choose a level of monitoring' });
  const frequency = text(body, 'monitoringFrequency') as MonitoringFrequency;
  if (!FREQUENCIES.includes(frequency))
    issues.push({ field: 'monitoringFrequency', message: 'Choose how often the recipient reports' });
  const plan = text(body, 'monitoringPlan');
  if (!plan) issues.push({ field: 'monitoringPlan', message: 'Describe the monitoring plan' });
  return {
    input: {
      kind: kind as AwardKind,
      title,
      valuePence: value ?? 0,
      startsOn,
      endsOn,
      payments,
      targets,
      monitoringLevel: level,
      monitoringFrequency: frequency,
      monitoringPlan: plan,
    },
    issues,
  };
}

const dateValues = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y };
};

/** The form's fields filled from an award's values, for the first showing. */
export function awardValues(input: AwardInput): Record<string, unknown> {
  const values: Record<string, unknown> = {
    kind: input.kind,
    title: input.title,
    value: penceToField(input.valuePence),
    ...dateValues('starts', input.startsOn),
    ...dateValues('ends', input.endsOn),
    rows: String(Math.max(1, input.payments.length)),
    monitoringLevel: input.monitoringLevel,
    monitoringFrequency: input.monitoringFrequency,
    monitoringPlan: input.monitoringPlan,
  };
  input.payments.forEach((p, i) => {
    Object.assign(values, dateValues(`payment-${i + 1}-due`, p.dueOn));
    values[`payment-${i + 1}-amount`] = penceToField(p.amountPence);
    values[`payment-${i + 1}-description`] = p.description;
  });
  for (const t of input.targets) values[`target-${t.indicatorId}`] = t.target;
  return values;
}
