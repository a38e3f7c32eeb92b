import { z } from 'zod';
import type { OpportunityRoute } from '../../../db/schema.ts';
import { londonDay } from '../../../kernel/dates.ts';
import { asArray, dateFrom, readDate } from '../../../web/forms.ts';
import { serviceAreas } from '../../place/codelists.ts';
import type { DetailsInput } from './drafting.ts';
import { londonClock, penceToField, routes, statusLabels } from './present.ts';
import type { DetailsRow } from './queries/records.ts';
import { londonTime } from './rules.ts';
import type { Filters } from './service.ts';

// The forms of the opportunity pages, with messages written for the person filling them in.

type Issue = { field: string; message: string };
type Body = Record<string, unknown>;

const MAX_PENCE = 100_000_000_000; // £1 billion: anything more is a typing mistake

/** Pounds as typed ("£120,000", "120000", "1,250.50") to whole pence, or null if it is not an amount. */
export function penceFrom(text: string): number | null {
  const cleaned = text.trim().replace(/^£\s*/, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.replace(/,/g, '').split('.') as [string, string?];
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const money = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .transform((v, ctx) => {
      const pence = penceFrom(v);
      if (pence === null) {
        ctx.addIssue({ code: 'custom', message: `Enter ${label} in pounds, like 120,000 or 2500.50` });
        return z.NEVER;
      }
      if (pence <= 0) {
        ctx.addIssue({ code: 'custom', message: `${label[0]!.toUpperCase()}${label.slice(1)} must be more than £0` });
        return z.NEVER;
      }
      if (pence > MAX_PENCE) {
        ctx.addIssue({
          code: 'custom',
          message: `${label[0]!.toUpperCase()}${label.slice(1)} must be £1 billion or less`,
        });
        return z.NEVER;
      }
      return pence;
    });

/** An amount that may be left empty: null then. */
const optionalMoney = (label: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.union([z.literal('').transform(() => null), money(label)]));

const wholeNumber = (label: string, min: number, max: number, unit = '') =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .refine((v) => /^\d{1,6}$/.test(v), `Enter ${label} as a whole number, like ${min === 1 ? 3 : min}`)
    .transform(Number)
    .refine(
      (n) => n >= min && n <= max,
      `${label[0]!.toUpperCase()}${label.slice(1)} must be between ${min}${unit} and ${max}${unit}`,
    );

const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .default('');
const required = (message: string, label: string, max: number) =>
  z
    .string({ message })
    .trim()
    .min(1, message)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`);

/** '17:00', '5pm', '5:30pm', '09:15' → 'HH:MM', or null. */
export function timeFrom(value: string): string | null {
  const v = value.trim().toLowerCase().replace(/\s+/g, '');
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(v);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  if (match[3]) {
    if (hour < 1 || hour > 12) return null;
    if (match[3] === 'pm' && hour !== 12) hour += 12;
    if (match[3] === 'am' && hour === 12) hour = 0;
  } else if (match[2] === undefined) return null;
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const detailsShape = z.object({
  title: required('Enter a title for the opportunity', 'The title', 200),
  summary: required('Enter a summary in plain English', 'The summary', 2000),
  route: z.enum(routes.map((r) => r.code) as [OpportunityRoute, ...OpportunityRoute[]], {
    message: 'Choose how the money will be given',
  }),
  service_area: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || serviceAreas.some((a) => a.code === v), 'Choose a service area from the list'),
  total_value: money('the total value'),
  max_award: optionalMoney('the most one application can ask for'),
  duration_months: wholeNumber('the duration in months', 1, 240),
  eligibility: text('Eligibility', 5000),
});

/** The details of an opportunity: text fields through zod, the timetable from GOV.UK date inputs. */
export function parseDetails(body: Body): { ok: true; data: DetailsInput } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const parsed = detailsShape.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      issues.push({ field: String(issue.path[0] ?? 'title'), message: issue.message });
  }
  const wards = asArray(body.wards);
  const clarifications = dateFrom(
    body,
    'clarifications_close',
    'the date clarification questions close',
    issues,
    false,
  );
  const closes = dateFrom(body, 'closes', 'the closing date', issues, true);
  const rawTime = String(body.closes_time ?? '').trim();
  const time = rawTime === '' ? null : timeFrom(rawTime);
  if (rawTime === '') issues.push({ field: 'closes_time', message: 'Enter the closing time, like 17:00' });
  else if (!time)
    issues.push({ field: 'closes_time', message: 'Enter the closing time as a real time, like 17:00 or 5pm' });
  const decision = dateFrom(body, 'decision_expected', 'the date a decision is expected', issues, false);
  const starts = dateFrom(body, 'service_starts', 'the date the service starts', issues, false);
  if (closes && clarifications && clarifications > closes) {
    issues.push({
      field: 'clarifications_close',
      message: 'Clarification questions must close on or before the closing date',
    });
  }
  if (closes && decision && decision < closes) {
    issues.push({ field: 'decision_expected', message: 'The decision must be expected on or after the closing date' });
  }
  if (closes && starts && starts < closes) {
    issues.push({ field: 'service_starts', message: 'The service must start on or after the closing date' });
  }
  if (decision && starts && starts < decision) {
    issues.push({ field: 'service_starts', message: 'The service must start on or after the date of the decision' });
  }
  if (parsed.success && parsed.data.max_award !== null && parsed.data.max_award > parsed.data.total_value) {
    issues.push({
      field: 'max_award',
      message: 'The most one application can ask for must be no more than the total value',
    });
  }
  if (issues.length || !parsed.success || !time) return { ok: false, issues };
  const d = parsed.data;
  return {
    ok: true,
    data: {
      title: d.title,
      summary: d.summary,
      route: d.route,
      serviceArea: d.service_area || null,
      wards,
      totalValuePence: d.total_value,
      maxAwardPence: d.max_award,
      durationMonths: d.duration_months,
      eligibility: d.eligibility,
      // Questions may be asked until the end of that day.
      clarificationsCloseAt: clarifications ? londonTime(clarifications, '23:59') : null,
      closesAt: londonTime(closes, time),
      decisionExpectedOn: decision || null,
      serviceStartsOn: starts || null,
    },
  };
}

/** The form's values from a saved opportunity, for the edit page. */
export function detailsValues(o: DetailsRow & { wards: { code: string }[] }): Body {
  const london = (at: Date) => {
    const [year, month, day] = londonDay(at).split('-') as [string, string, string];
    return { day: String(Number(day)), month: String(Number(month)), year, time: londonClock(at) };
  };
  const dateParts = (name: string, iso: string | null) => {
    if (!iso) return {};
    const [y, m, d] = iso.split('-');
    return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y };
  };
  const closes = london(o.closes_at);
  const clar = o.clarifications_close_at ? london(o.clarifications_close_at) : null;
  const pence = o.total_value_pence;
  return {
    title: o.title,
    summary: o.summary,
    route: o.route,
    service_area: o.service_area ?? '',
    wards: o.wards.map((w) => w.code),
    total_value: penceToField(pence),
    max_award: o.max_award_pence == null ? '' : penceToField(Number(o.max_award_pence)),
    duration_months: String(o.duration_months),
    eligibility: o.eligibility,
    ...(clar
      ? {
          'clarifications_close-day': clar.day,
          'clarifications_close-month': clar.month,
          'clarifications_close-year': clar.year,
        }
      : {}),
    'closes-day': closes.day,
    'closes-month': closes.month,
    'closes-year': closes.year,
    closes_time: closes.time,
    ...dateParts('decision_expected', o.decision_expected_on),
    ...dateParts('service_starts', o.service_starts_on),
  };
}

export const lotForm = z
  .object({
    number: wholeNumber('the lot number', 1, 99),
    title: required('Enter a title for the lot', 'The title', 200),
    description: text('The description', 5000),
    value: money('the value of the lot'),
    max_award: optionalMoney('the most one application can ask for'),
    suits_small: z
      .string()
      .optional()
      .transform((v) => v === 'yes'),
  })
  .superRefine((lot, ctx) => {
    if (lot.max_award !== null && lot.max_award > lot.value)
      ctx.addIssue({
        code: 'custom',
        path: ['max_award'],
        message: 'The most one application can ask for must be no more than the value of the lot',
      });
  });

export const questionForm = z.object({
  prompt: required('Enter the question', 'The question', 1000),
  guidance: text('The guidance', 5000),
  word_limit: z
    .string()
    .trim()
    .default('')
    .refine(
      (v) => v === '' || /^\d{1,5}$/.test(v),
      'Enter the word limit as a whole number, like 500, or leave it empty',
    )
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((n) => n === null || (n >= 10 && n <= 10_000), 'The word limit must be between 10 and 10,000 words'),
});

export const criterionForm = z.object({
  title: required('Enter a title for the criterion', 'The title', 200),
  description: text('The description', 5000),
  weight: wholeNumber('the weight', 1, 100, '%'),
  max_score: wholeNumber('the highest score', 1, 100),
});

export const clarificationForm = z.object({
  question: required('Enter your question', 'Your question', 2000),
});

export const answerForm = z.object({
  answer: required('Enter the answer', 'The answer', 5000),
});

export const cancelForm = z.object({
  reason: required('Say why the opportunity is being cancelled', 'The reason', 2000),
});

export const documentTitleLimit = 200;

/** The statuses the public list can be filtered by; with none chosen, cancelled opportunities are left out. */
export const listStatuses = (['open', 'closed', 'awarded', 'unsuccessful', 'cancelled'] as const).map((code) => ({
  code,
  label: statusLabels[code],
}));

/** The list's filters from the query string; anything that does not make sense is ignored and reported. */
export function parseFilters(query: Record<string, unknown>, wardCodes: string[]) {
  const get = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const errors: Issue[] = [];
  const filters: Filters = {};
  const route = get('route');
  if (routes.some((r) => r.code === route)) filters.route = route as OpportunityRoute;
  const area = get('service_area');
  if (serviceAreas.some((a) => a.code === area)) filters.serviceArea = area;
  const ward = get('ward');
  if (wardCodes.includes(ward)) filters.ward = ward;
  const min = get('min_value');
  if (min) {
    const pence = penceFrom(min);
    if (pence === null) errors.push({ field: 'min_value', message: 'Enter the lowest value in pounds, like 10,000' });
    else filters.minPence = pence;
  }
  const max = get('max_value');
  if (max) {
    const pence = penceFrom(max);
    if (pence === null) errors.push({ field: 'max_value', message: 'Enter the highest value in pounds, like 100,000' });
    else filters.maxPence = pence;
  }
  if (filters.minPence !== undefined && filters.maxPence !== undefined && filters.minPence > filters.maxPence) {
    errors.push({ field: 'max_value', message: 'The highest value must be more than the lowest value' });
    delete filters.maxPence;
  }
  // Day, month and year boxes, as the form has them; or one year-month-day value, as a link may carry it.
  const parts = ['day', 'month', 'year'].map((p) => get(`closing_before-${p}`));
  const iso = get('closing_before');
  const read = parts.some(Boolean)
    ? readDate(parts[0], parts[1], parts[2])
    : iso
      ? (readDate(...(iso.split('-').reverse() as [string, string, string])) ?? { invalid: true as const })
      : null;
  const before = read === null || typeof read === 'string' ? read : 'invalid';
  if (before === 'invalid') {
    errors.push({
      field: 'closing_before',
      message: 'Closing before must be a real date, with a day, month and year, like 31 3 2027',
    });
  } else if (before) filters.closingBefore = before;
  const [day, month, year] = parts.some(Boolean)
    ? parts
    : before && before !== 'invalid'
      ? before
          .split('-')
          .reverse()
          .map((n) => String(Number(n)))
      : ['', '', ''];
  if (get('suits_small') === 'yes') filters.suitsSmall = true;
  const status = get('status');
  if (listStatuses.some((s) => s.code === status)) filters.status = status as Filters['status'];
  const values = {
    route: filters.route ?? '',
    service_area: filters.serviceArea ?? '',
    ward: filters.ward ?? '',
    min_value: min,
    max_value: max,
    'closing_before-day': day,
    'closing_before-month': month,
    'closing_before-year': year,
    suits_small: filters.suitsSmall ? 'yes' : '',
    status: filters.status ?? '',
  };
  return { filters, errors, values };
}
