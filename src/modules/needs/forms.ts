import { z } from 'zod';
import type { CoproductionLevel, NeedsContributionKind, NeedsStatus } from '../../db/schema.ts';
import { asArray, readDate } from '../../web/forms.ts';
import type { AssessmentInput } from './rules.ts';

// The needs forms: what a person types, checked and turned into what the service stores.

const levels = ['informing', 'consultation', 'engagement', 'co_design', 'co_production'] as const;
const statusValues = ['draft', 'open', 'closed', 'published'] as const;

export const assessmentForm = z
  .object({
    title: z.string().trim().min(1, 'Enter a title').max(200, 'Title must be 200 characters or fewer'),
    summary: z.string().trim().max(600, 'Summary must be 600 characters or fewer').optional().default(''),
    need: z.string().trim().min(1, 'Describe the need').max(20000, 'The need must be 20,000 characters or fewer'),
    groups: z
      .string()
      .optional()
      .default('')
      .transform((v) =>
        v
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean),
      )
      .refine((v) => v.length <= 20, 'List 20 population groups or fewer')
      .refine((v) => v.every((g) => g.length <= 120), 'Each population group must be 120 characters or fewer'),
    wards: z.preprocess((v) => asArray(v), z.array(z.string())),
    priorities: z.preprocess(
      (v) => asArray(v),
      z.array(z.string().regex(/^\d+$/, 'Select priorities from the list').transform(Number)),
    ),
    coproduction_level: z.enum(levels, { message: 'Select the level of co-production' }),
    status: z.enum(statusValues, { message: 'Select a status' }),
    'closes_at-day': z.string().optional(),
    'closes_at-month': z.string().optional(),
    'closes_at-year': z.string().optional(),
  })
  .transform((v, ctx) => {
    const read = readDate(v['closes_at-day'], v['closes_at-month'], v['closes_at-year']);
    const closesAt = read === null || typeof read === 'string' ? read : 'invalid';
    if (closesAt === 'invalid') {
      ctx.addIssue({
        code: 'custom',
        path: ['closes_at'],
        message: 'Closing date must be a real date, like 31 1 2027',
      });
      return z.NEVER;
    }
    if (v.status === 'open' && !closesAt) {
      ctx.addIssue({ code: 'custom', path: ['closes_at'], message: 'Enter the closing date for input' });
      return z.NEVER;
    }
    const input: AssessmentInput = {
      title: v.title,
      summary: v.summary,
      need: v.need,
      populationGroups: v.groups,
      wards: [...new Set(v.wards)],
      priorities: [...new Set(v.priorities)],
      coproductionLevel: v.coproduction_level as CoproductionLevel,
      status: v.status as NeedsStatus,
      closesAt,
    };
    return input;
  });

export const contributionForm = z.object({
  kind: z.enum(['lived_experience', 'idea', 'comment'], { message: 'Select what kind of contribution this is' }),
  body: z
    .string({ message: 'Enter your contribution' })
    .trim()
    .min(1, 'Enter your contribution')
    .max(5000, 'Your contribution must be 5,000 characters or fewer'),
}) satisfies z.ZodType<{ kind: NeedsContributionKind; body: string }>;

export const hideForm = z.object({
  reason: z
    .string({ message: 'Enter the reason for hiding this contribution' })
    .trim()
    .min(1, 'Enter the reason for hiding this contribution')
    .max(500, 'The reason must be 500 characters or fewer'),
});

export const respondForm = z.object({
  response: z
    .string({ message: 'Enter what was done' })
    .trim()
    .min(1, 'Enter what was done')
    .max(5000, 'The response must be 5,000 characters or fewer'),
});

export const evidenceForm = z.object({
  evidence_kind: z.enum(['text', 'link', 'table'], { message: 'Select what kind of evidence this is' }),
  evidence_title: z.string().optional().default(''),
  evidence_body: z.string().max(20000, 'The text must be 20,000 characters or fewer').optional().default(''),
  evidence_url: z.string().max(2000, 'The web address must be 2,000 characters or fewer').optional().default(''),
  evidence_csv: z
    .string()
    .max(200_000, 'The table is too long: upload it as a document instead')
    .optional()
    .default(''),
});

/** The form's values back from an assessment, for the edit page. */
export function valuesFrom(a: {
  title: string;
  summary: string;
  need: string;
  population_groups: string[];
  wards: { code: string }[];
  priorities: { id: number }[];
  coproduction_level: string;
  status: string;
  closes_at: string | null;
}) {
  const [y, m, d] = a.closes_at ? a.closes_at.split('-') : ['', '', ''];
  return {
    title: a.title,
    summary: a.summary,
    need: a.need,
    groups: a.population_groups.join('\n'),
    wards: a.wards.map((w) => w.code),
    priorities: a.priorities.map((p) => String(p.id)),
    coproduction_level: a.coproduction_level,
    status: a.status,
    'closes_at-day': d ? String(Number(d)) : '',
    'closes_at-month': m ? String(Number(m)) : '',
    'closes_at-year': y ?? '',
  };
}
