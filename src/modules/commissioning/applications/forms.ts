import { z } from 'zod';
import type { Issue } from '../../../kernel/result.ts';
import { overLimitMessage, parsePounds, parseTarget } from './rules.ts';

// The forms of the application pages, with messages written for the person filling them in.

/** Who leads, which lot (when there are several to choose from) and how: every missing answer is said at once. */
export const startForm = (lotIds: string[] = []) =>
  z.object({
    organisation: z
      .string({ message: 'Choose which of your organisations leads the application' })
      .min(1, 'Choose which of your organisations leads the application'),
    lot: z
      .string()
      .default('')
      .refine((v) => lotIds.length < 2 || lotIds.includes(v), 'Choose which lot you are applying for'),
    kind: z.enum(['single', 'partnership'], { message: 'Choose whether you are applying alone or as a partnership' }),
  });

const money = (what: string) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .transform((text, ctx) => {
      const pence = parsePounds(text);
      if (pence === null) {
        ctx.addIssue({ code: 'custom', message: `Enter ${what} in pounds, like 12500 or 12,500.50` });
        return z.NEVER;
      }
      return pence;
    });

/** The title and the amount, checked together (every problem at once), the amount against what one may ask for. */
export const aboutForm = (limit?: { pence: number; why: string }) =>
  z.object({
    title: z
      .string({ message: 'Enter a title for your application' })
      .trim()
      .min(1, 'Enter a title for your application')
      .max(200, 'The title must be 200 characters or fewer'),
    requested: money('the amount you are asking for')
      .refine((p) => p > 0, 'The amount you are asking for must be more than £0')
      .refine((p) => !limit || p <= limit.pence, limit ? overLimitMessage(limit) : ''),
  });

export const partnerForm = z.object({
  role: z
    .string({ message: 'Say what the organisation will do in the partnership' })
    .trim()
    .min(1, 'Say what the organisation will do in the partnership')
    .max(200, 'The role must be 200 characters or fewer'),
  share: money('the organisation’s share of the value'),
});

export const withdrawForm = z.object({
  reason: z
    .string({ message: 'Say why you are withdrawing the application' })
    .trim()
    .min(1, 'Say why you are withdrawing the application')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
});

/** Budget rows arrive as heading-N and amount-N; blank rows are left out. */
export function parseBudget(body: Record<string, unknown>, rows: number) {
  const lines: { heading: string; amountPence: number }[] = [];
  const issues: Issue[] = [];
  for (let i = 0; i < rows; i++) {
    const heading = String(body[`heading-${i}`] ?? '').trim();
    const amount = String(body[`amount-${i}`] ?? '').trim();
    if (!heading && !amount) continue;
    if (!heading) issues.push({ field: `heading-${i}`, message: `Enter a heading for budget line ${i + 1}` });
    else if (heading.length > 200)
      issues.push({ field: `heading-${i}`, message: `Heading ${i + 1} must be 200 characters or fewer` });
    const pence = parsePounds(amount);
    if (!amount) issues.push({ field: `amount-${i}`, message: `Enter an amount for budget line ${i + 1}` });
    else if (pence === null)
      issues.push({
        field: `amount-${i}`,
        message: `Enter the amount for budget line ${i + 1} in pounds, like 2500 or 2,500.50`,
      });
    if (heading && pence !== null) lines.push({ heading, amountPence: pence });
  }
  return { lines, issues };
}

/** Targets arrive as target-<indicator id> and note-<indicator id>. */
export function parseCommitments(
  body: Record<string, unknown>,
  indicators: { indicator_id: string; indicator_name: string }[],
) {
  const commitments: { indicatorId: string; target: string; note: string }[] = [];
  const issues: Issue[] = [];
  for (const i of indicators) {
    const raw = String(body[`target-${i.indicator_id}`] ?? '').trim();
    const note = String(body[`note-${i.indicator_id}`] ?? '').trim();
    const target = raw ? parseTarget(raw) : '';
    // Both the target and the note are checked, so that every problem is said at once.
    if (target === null)
      issues.push({
        field: `target-${i.indicator_id}`,
        message: `Enter your target for “${i.indicator_name}” as a number, like 120`,
      });
    if (note.length > 1000)
      issues.push({
        field: `note-${i.indicator_id}`,
        message: `The note on “${i.indicator_name}” must be 1,000 characters or fewer`,
      });
    if (target !== null && note.length <= 1000) commitments.push({ indicatorId: i.indicator_id, target, note });
  }
  return { commitments, issues };
}
