import type { OpportunityStatus } from '../../../db/schema.ts';
import { formatDate, londonDay } from '../../../kernel/dates.ts';
import { type Refusal, refusal } from '../../../kernel/result.ts';
import type { sizeBands } from '../../place/codelists.ts';
import type { Missing } from '../specifications/framework.ts';
import { pastClosing } from './lifecycle.ts';
import { londonClock, moneyText } from './present.ts';

// Pure rules of opportunities, apart from the database: reach for small providers, what stops publication, when a
// cancellation is refused, and London wall-clock times.

/** A lot's value over one year: value ÷ duration in years, in pence. */
export const yearlyPence = (valuePence: number, durationMonths: number) =>
  Math.round((valuePence * 12) / durationMonths);

/**
 * A lot is within reach of a size band when its yearly value is at most the configured share of the top income of
 * the band: an organisation should not have to more than double itself, say, to deliver it.
 */
export function withinReach(yearly: number, band: (typeof sizeBands)[number], share: number): boolean {
  if (!Number.isFinite(band.maxPounds)) return true;
  return yearly <= share * band.maxPounds * 100;
}

/** The most one application may be awarded from a lot: its own maximum, the opportunity's, or the lot's value. */
export function largestAward(
  lot: { value_pence: number | string; max_award_pence: number | string | null },
  o: { max_award_pence: number | string | null },
): number {
  const caps = [lot.value_pence, lot.max_award_pence, o.max_award_pence].filter((v) => v != null).map(Number);
  return Math.min(...caps);
}

/**
 * Whether a lot is within reach of a size band: by the yearly value of the largest award one organisation could
 * win from it (a lot of many small grants is reached grant by grant, not as a whole), and always for micro and
 * small organisations when the lot is marked as suiting small organisations.
 */
export function lotWithinReach(
  lot: { suits_small: boolean },
  yearlyAward: number,
  band: (typeof sizeBands)[number],
  share: number,
): boolean {
  if (lot.suits_small && (band.code === 'micro' || band.code === 'small')) return true;
  return withinReach(yearlyAward, band, share);
}

type Draft = {
  slug: string;
  closes_at: Date | string;
  total_value_pence: number;
  lots: { value_pence: number }[];
  questions: unknown[];
  criteria: { weight: number }[];
  specification: { slug: string };
};

/**
 * What stops a draft being published, in words for the person publishing it, each linked to where to fix it.
 * `specification` is what the specification still lacks.
 */
export function missingForPublication(o: Draft, specification: Missing[], now: Date): Missing[] {
  const missing: Missing[] = [];
  if (specification.length) {
    missing.push({
      text: `The specification is not ready: ${specification.map((m) => m.text.replace(/\.$/, '')).join('; ')}`,
      href: `/specifications/${o.specification.slug}#publish`,
    });
  }
  if (!o.lots.length) missing.push({ text: 'Add at least one lot', href: `/opportunities/${o.slug}/lots/new` });
  else {
    const sum = o.lots.reduce((s, l) => s + l.value_pence, 0);
    if (sum !== o.total_value_pence) {
      missing.push({
        text: `The lots add up to ${moneyText(sum)} but the total value is ${moneyText(o.total_value_pence)}: change the lots or the total value`,
        href: `/opportunities/${o.slug}#lots`,
      });
    }
  }
  if (!o.questions.length) {
    missing.push({ text: 'Add at least one application question', href: `/opportunities/${o.slug}/questions` });
  }
  const weights = o.criteria.reduce((s, c) => s + c.weight, 0);
  if (weights !== 100) {
    missing.push({
      text: o.criteria.length
        ? `The assessment criteria weights add up to ${weights}%: they must add up to 100%`
        : 'Add assessment criteria whose weights add up to 100%',
      href: `/opportunities/${o.slug}/criteria`,
    });
  }
  if (pastClosing(o, now)) {
    missing.push({ text: 'Change the closing date to a date in the future', href: `/opportunities/${o.slug}/details` });
  }
  return missing;
}

/** Why this opportunity cannot be cancelled, or null when it can: published, with no award and no final outcome. */
export function cannotCancel(
  o: { status: OpportunityStatus; cancelled_at: Date | null },
  awardMade: boolean,
  now: Date = new Date(),
): Refusal | null {
  if (o.status === 'draft') {
    return refusal(
      409,
      'This opportunity is a draft, so only staff can see it and there is nothing to cancel. Change its details instead.',
    );
  }
  if (o.status === 'cancelled') {
    return refusal(409, `This opportunity was already cancelled on ${formatDate(o.cancelled_at ?? now)}.`);
  }
  if (o.status === 'unsuccessful') {
    return refusal(
      409,
      'Every application to this opportunity was unsuccessful and no award was made, so it has ended.',
    );
  }
  if (o.status === 'awarded' || awardMade) {
    return refusal(409, 'An award has been made for this opportunity, so it can no longer be cancelled.');
  }
  return null;
}

/** Criteria weights may not add up to more than 100: the refusal when `others` and this weight would. */
export function weightRefusal(others: number, weight: number): Refusal | null {
  if (others + weight <= 100) return null;
  const message = `The weights would add up to ${others + weight}%: the weight can be at most ${100 - others}%`;
  return refusal(400, message, { issues: [{ field: 'weight', message }] });
}

/** A London wall-clock time as an instant: "2027-01-31" at "17:00" is 17:00 GMT in winter, BST in summer. */
export function londonTime(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, h, mi);
  // How far London's clock is ahead of UTC at an instant, read from the kernel's London day and clock.
  const offset = (at: number) => {
    const [ly, lm, ld] = londonDay(new Date(at)).split('-').map(Number) as [number, number, number];
    const [lh, lmi] = londonClock(new Date(at)).split(':').map(Number) as [number, number];
    return Date.UTC(ly, lm - 1, ld, lh, lmi) - Math.floor(at / 60_000) * 60_000;
  };
  const first = naive - offset(naive);
  return new Date(naive - offset(first));
}
