import { z } from 'zod';
import { parsePounds } from '../../kernel/money.ts';
import { asArray } from '../../web/forms.ts';
import { parseIdentifier } from './identifiers.ts';
import { legalFormCodes } from './legal-forms.ts';

// The profile forms: what a person types, checked and turned into what the service stores.

const lines = (value: unknown) =>
  String(value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : null));

const checkboxes = z.preprocess((v) => asArray(v), z.array(z.string()));
const tick = z.preprocess((v) => asArray(v).includes('yes'), z.boolean());

/**
 * An income as people type it ("£12,500", "12500", "12,500.50") in pence by the kernel's one reader of pounds;
 * null when left empty, and a mistake to point out when it is not an amount, is below zero or has more than 12
 * figures of pounds.
 */
export function parseIncome(text: string): number | null | 'invalid' {
  if (text.trim() === '') return null;
  const pence = parsePounds(text);
  return pence === null || pence < 0 || pence >= 100 * 10 ** 12 ? 'invalid' : pence;
}

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/;

const contactFields = {
  website: z
    .string()
    .trim()
    .max(300, 'Website address must be 300 characters or fewer')
    .optional()
    .transform((v) => (v ? (/^https?:\/\//i.test(v) ? v : `https://${v}`) : null))
    .refine((v) => v === null || /^https?:\/\/[^\s/$.?#][^\s]*\.[^\s]+$/i.test(v), {
      message: 'Enter a website address in the correct format, like www.example.org.uk',
    }),
  email: z
    .string()
    .trim()
    .max(200, 'Email address must be 200 characters or fewer')
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
      message: 'Enter an email address in the correct format, like name@example.org.uk',
    }),
  phone: optionalText(30, 'Phone number must be 30 characters or fewer').refine(
    (v) => v === null || /^\+?[\d\s()-]{7,}$/.test(v),
    { message: 'Enter a phone number, like 020 8123 4567' },
  ),
  publishEmail: tick,
  publishPhone: tick,
};

export const newGroupForm = z.object({
  name: z.string().trim().min(1, 'Enter the name of the group').max(200, 'Name must be 200 characters or fewer'),
  description: z
    .string()
    .trim()
    .min(1, 'Enter what the group does')
    .max(5000, 'What the group does must be 5,000 characters or fewer'),
  wards: checkboxes,
  serviceAreas: checkboxes,
  beneficiaryGroups: checkboxes,
  ...contactFields,
  confirmNew: z.preprocess((v) => asArray(v).includes('yes'), z.boolean()),
});
export type NewGroupForm = z.infer<typeof newGroupForm>;

/** The profile form; `keepLegalForm` is a form a register stored that the list does not have, kept selectable. */
export const profileFormFor = (keepLegalForm: string | null = null) =>
  z
    .object({
      name: z
        .string()
        .trim()
        .min(1, 'Enter the name of the organisation')
        .max(200, 'Name must be 200 characters or fewer'),
      otherNames: z
        .string()
        .optional()
        .transform((v) => [...new Set(lines(v))])
        .refine((v) => v.every((n) => n.length <= 200), { message: 'Each other name must be 200 characters or fewer' }),
      legalForm: z
        .string()
        .optional()
        .transform((v) => v || null)
        .refine((v) => v === null || v === keepLegalForm || (legalFormCodes as string[]).includes(v), {
          message: 'Select a legal form',
        }),
      description: z.string().trim().max(5000, 'What it does must be 5,000 characters or fewer').default(''),
      whoItHelps: z.string().trim().max(2000, 'Who it helps must be 2,000 characters or fewer').default(''),
      latestIncome: z
        .string()
        .optional()
        .transform((v, ctx) => {
          const pence = parseIncome(v ?? '');
          if (pence === 'invalid') {
            ctx.addIssue({ code: 'custom', message: 'Enter the latest income as an amount in pounds, like 12500' });
            return z.NEVER;
          }
          return pence;
        }),
      incomeYear: z
        .string()
        .trim()
        .optional()
        .transform((v) => v || null)
        .refine((v) => v === null || (/^\d{4}$/.test(v) && Number(v) >= 1900 && Number(v) <= 2100), {
          message: 'Enter the year the accounts ended as 4 digits, like 2025',
        }),
      wards: checkboxes,
      serviceAreas: checkboxes,
      beneficiaryGroups: checkboxes,
      waysOfWorking: checkboxes,
      identifiers: z
        .string()
        .optional()
        .transform((v, ctx) => {
          const found: string[] = [];
          for (const [index, line] of lines(v).entries()) {
            const result = parseIdentifier(line);
            if (!result.ok) {
              ctx.addIssue({ code: 'custom', message: `Identifier ${index + 1} (${line}): ${result.message}` });
              return z.NEVER;
            }
            if (!found.includes(result.identifier)) found.push(result.identifier);
          }
          return found;
        }),
      address: optionalText(500, 'Address must be 500 characters or fewer'),
      postcode: z
        .string()
        .trim()
        .optional()
        .transform((v, ctx) => {
          if (!v) return null;
          const match = POSTCODE.exec(v.toUpperCase().replace(/\s+/g, ' '));
          if (!match) {
            ctx.addIssue({ code: 'custom', message: 'Enter a real postcode, like CR0 1NX' });
            return z.NEVER;
          }
          return `${match[1]} ${match[2]}`;
        }),
      publishAddress: tick,
      ...contactFields,
    })
    .superRefine((v, ctx) => {
      if (v.incomeYear && v.latestIncome === null) {
        ctx.addIssue({ code: 'custom', path: ['latestIncome'], message: 'Enter the latest income for that year' });
      }
    });
export const profileForm = profileFormFor();
export type ProfileForm = z.infer<typeof profileForm>;

export const membershipRequestForm = z.object({
  message: z.string().trim().max(1000, 'Message must be 1,000 characters or fewer').default(''),
});

export const unverifyForm = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why the organisation is no longer verified')
    .max(1000, 'Reason must be 1,000 characters or fewer'),
});
