import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const orgId = z.string().regex(/^GB-[A-Z]+-[A-Za-z0-9]+$/, 'must be an org-id such as GB-LAE-CRY');

const placeSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  serviceName: z.string().min(1),
  council: z.object({
    orgId,
    name: z.string(),
    shortName: z.string(),
    population: z.number().int().positive(),
    populationSource: z.string().optional(),
  }),
  infrastructureBody: z.object({ name: z.string(), shortName: z.string() }),
  contactEmail: z.string().email(),
  wards: z.array(z.string().min(1)).min(1),
  neighbours: z.array(z.object({ orgId, name: z.string() })),
  priorities: z.array(z.object({ title: z.string(), description: z.string() })),
  commissioning: z
    .object({
      // Every OCDS ocid starts with the publisher's prefix, registered with the OCDS helpdesk.
      ocdsPrefix: z.string().regex(/^ocds-[a-z0-9]{6}$/, 'must be an OCDS prefix such as ocds-abc123'),
      // Monitoring proportionate to value: light and annual below the first figure, full and quarterly from the second.
      monitoring: z
        .object({ lightBelowPounds: z.number().positive(), fullFromPounds: z.number().positive() })
        .refine((m) => m.lightBelowPounds < m.fullFromPounds, 'lightBelowPounds must be below fullFromPounds'),
      // A lot is within reach of a size band when its yearly value is at most this share of the band's top income.
      lotReach: z.object({ maxShareOfAnnualIncome: z.number().positive().max(1) }),
    })
    .default({
      ocdsPrefix: 'ocds-000000',
      monitoring: { lightBelowPounds: 25_000, fullFromPounds: 250_000 },
      lotReach: { maxShareOfAnnualIncome: 0.5 },
    }),
});

export type PlaceConfig = z.infer<typeof placeSchema> & { wardCodes: { code: string; name: string }[] };

export const placesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../places');

/** A stable code for a ward from its name: "Crystal Palace & Upper Norwood" → "crystal-palace-and-upper-norwood". */
export function wardCode(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function loadPlace(id: string, dir = placesDir): PlaceConfig {
  const file = join(dir, id, 'place.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the place configuration ${file}: ${(error as Error).message}`);
  }
  const parsed = placeSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`The place configuration ${file} is not valid:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, wardCodes: parsed.data.wards.map((name) => ({ code: wardCode(name), name })) };
}
