import { z } from 'zod';
import { dateFrom } from '../../../web/forms.ts';
import { sectionKeys } from './sections.ts';

// The forms of the specifications pages, with messages written for the person filling them in.

const sectionText = z.string().max(20_000, 'A section must be 20,000 characters or fewer').default('');

const sectionsShape = Object.fromEntries(sectionKeys.map((key) => [key, sectionText])) as Record<
  (typeof sectionKeys)[number],
  typeof sectionText
>;

export const versionForm = z
  .object({
    ...sectionsShape,
    note: z
      .string({ message: 'Say what changed in this version' })
      .trim()
      .min(1, 'Say what changed in this version')
      .max(500, 'The note must be 500 characters or fewer'),
  })
  .superRefine((value, ctx) => {
    if (sectionKeys.every((key) => !value[key].trim())) {
      ctx.addIssue({ code: 'custom', path: ['context'], message: 'Write at least one section' });
    }
  });

export const newSpecificationForm = z
  .object({
    need: z
      .string({ message: 'Choose the needs assessment this answers' })
      .min(1, 'Choose the needs assessment this answers'),
    title: z
      .string({ message: 'Enter a title for the specification' })
      .trim()
      .min(1, 'Enter a title for the specification')
      .max(200, 'The title must be 200 characters or fewer'),
    ...sectionsShape,
    note: z.string().trim().max(500, 'The note must be 500 characters or fewer').default(''),
  })
  .superRefine((value, ctx) => {
    if (sectionKeys.every((key) => !value[key].trim())) {
      ctx.addIssue({ code: 'custom', path: ['context'], message: 'Write at least one section' });
    }
  });

export const coproducerForm = z.object({
  email: z
    .string({ message: 'Enter the email address of the person to invite' })
    .trim()
    .min(1, 'Enter the email address of the person to invite')
    .email('Enter an email address in the correct format, like name@example.com'),
  role_label: z
    .string({ message: 'Say how they take part, for example "Carer" or "Age UK Croydon"' })
    .trim()
    .min(1, 'Say how they take part, for example "Carer" or "Age UK Croydon"')
    .max(120, 'How they take part must be 120 characters or fewer'),
});

export const commentForm = z.object({
  section: z.enum(sectionKeys, { message: 'Choose the section you are commenting on' }),
  body: z
    .string({ message: 'Enter your comment' })
    .trim()
    .min(1, 'Enter your comment')
    .max(5000, 'Your comment must be 5,000 characters or fewer'),
});

export const hideForm = z.object({
  reason: z
    .string({ message: 'Say why the comment is hidden' })
    .trim()
    .min(1, 'Say why the comment is hidden')
    .max(500, 'The reason must be 500 characters or fewer'),
});

export const workshopRoles = [
  { key: 'residents', label: 'Residents' },
  { key: 'vcs_members', label: 'VCS members' },
  { key: 'commissioners', label: 'Commissioners' },
  { key: 'officers', label: 'Infrastructure officers' },
  { key: 'others', label: 'Others' },
] as const;

const count = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || /^\d{1,4}$/.test(v), `${label}: enter a whole number, like 6, or leave it empty`)
    .transform((v) => (v === '' ? 0 : Number(v)));

/** A workshop: the date in three fields (GOV.UK date input), who took part by role, and what changed. */
export function parseWorkshop(body: Record<string, unknown>, today = new Date()) {
  const issues: { field: string; message: string }[] = [];
  const get = (k: string) => String(body[k] ?? '').trim();
  let heldOn = dateFrom(body, 'held_on', 'the date of the workshop', issues, true);
  const todayIso = today.toISOString().slice(0, 10);
  if (heldOn > todayIso) {
    issues.push({ field: 'held_on', message: 'The date of the workshop must be today or in the past' });
    heldOn = '';
  }
  const participants: Record<string, number> = {};
  for (const role of workshopRoles) {
    const parsed = count(role.label).safeParse(get(role.key));
    if (parsed.success) participants[role.key] = parsed.data;
    else issues.push({ field: role.key, message: parsed.error.issues[0]!.message });
  }
  if (issues.every((i) => !workshopRoles.some((r) => r.key === i.field))) {
    if (Object.values(participants).every((n) => n === 0)) {
      issues.push({ field: 'residents', message: 'Enter how many people took part, by role' });
    }
  }
  const whatChanged = get('what_changed');
  if (!whatChanged) issues.push({ field: 'what_changed', message: 'Say what changed because of the workshop' });
  else if (whatChanged.length > 5000) {
    issues.push({ field: 'what_changed', message: 'What changed must be 5,000 characters or fewer' });
  }
  if (issues.length) return { ok: false as const, issues };
  // Only the roles that took part are kept, e.g. { residents: 6, vcs_members: 4, commissioners: 2 }.
  const kept = Object.fromEntries(Object.entries(participants).filter(([, n]) => n > 0));
  return { ok: true as const, data: { held_on: heldOn, participants: kept, what_changed: whatChanged } };
}
