import type { Database } from '../../src/db/index.ts';
import type { DetailsInput } from '../../src/modules/commissioning/opportunities/service.ts';
import type { Services } from '../../src/services.ts';

// Commissioning set up through the services, as staff and co-producers would do it: a specification that is ready
// for an opportunity, and opportunities in draft or published. Shared by the tests of the later steps of the chain.

let n = 0;

async function user(db: Database, role: 'commissioner' | 'resident', name: string) {
  n++;
  return db
    .insertInto('app_user')
    .values({
      email: `${role}-fixture-${n}-${Date.now()}@example.test`,
      name,
      role,
      password_hash: null,
      email_confirmed_at: new Date(),
    })
    .returning(['id', 'role', 'email'])
    .executeTakeFirstOrThrow();
}

/** A needs assessment and a specification signed off by its one co-producer, with an outcomes framework. */
export async function readySpecification(services: Services, db: Database, title = 'Breaks for carers') {
  n++;
  const commissioner = await user(db, 'commissioner', 'Fixture Commissioner');
  const resident = await user(db, 'resident', 'Fixture Carer');
  const need = await db
    .insertInto('needs_assessment')
    .values({ slug: `fixture-need-${n}-${Date.now()}`, title: `Carers need breaks ${n}` })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  const actor = { id: commissioner.id, role: commissioner.role };
  const created = await services.specifications.create(actor, {
    needSlug: need.slug,
    title: `${title} ${n}`,
    note: '',
    sections: {
      context: 'Unpaid carers rarely get a break.',
      outcomes_sought: 'Carers get regular breaks.',
      service_requirements: 'A weekly sitting service.',
      delivery_model_options: 'Small lots.',
      budget: '£120,000 a year.',
      timetable: 'Starting in April.',
    },
  });
  if (!created.ok) throw new Error(created.message);
  const slug = created.slug;
  const outcome = await services.specifications.addOutcome(actor, slug, {
    title: 'Carers get regular breaks',
    description: '',
  });
  if (!outcome.ok) throw new Error(outcome.message);
  const indicator = await services.specifications.addIndicator(actor, slug, outcome.id, {
    name: 'Carers who get a break at least once a month',
    unit: 'percentage of carers supported',
    baseline: '35',
    target: '60',
    direction: 'increase',
    frequency: 'quarterly',
    data_source: 'Provider survey',
    disaggregated_by_ward: true,
    disaggregated_by_group: false,
  });
  if (!indicator.ok) throw new Error(indicator.message);
  const invited = await services.specifications.inviteCoproducer(actor, slug, {
    email: resident.email,
    roleLabel: 'Carer',
  });
  if (!invited.ok) throw new Error(invited.message);
  const signed = await services.specifications.signOff({ id: resident.id, role: resident.role }, slug, 1);
  if (!signed.ok) throw new Error(signed.message);
  const spec = await db.selectFrom('specification').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
  return { spec, need, commissioner: actor };
}

/** Details for a new opportunity: £120,000 over 24 months, closing in 30 days. */
export function details(overrides: Partial<DetailsInput> = {}): DetailsInput {
  const day = 24 * 60 * 60 * 1000;
  return {
    title: 'Breaks for carers in Thornton Heath',
    summary: 'Regular breaks for unpaid carers.',
    route: 'grant',
    serviceArea: null,
    wards: [],
    totalValuePence: 12_000_000,
    durationMonths: 24,
    eligibility: '',
    clarificationsCloseAt: new Date(Date.now() + 20 * day),
    closesAt: new Date(Date.now() + 30 * day),
    decisionExpectedOn: null,
    serviceStartsOn: null,
    ...overrides,
  };
}

/**
 * An open opportunity: one lot for the whole value (suiting small organisations), one question and one criterion
 * weighted 100%. Returns the opportunity as `services.opportunities.bySlug` gives it.
 */
export async function publishedOpportunity(
  services: Services,
  db: Database,
  overrides: Partial<DetailsInput> = {},
  lots?: { title: string; valuePence: number; suitsSmall: boolean }[],
) {
  const { spec, commissioner } = await readySpecification(services, db);
  const input = details(overrides);
  const created = await services.opportunities.create(commissioner, spec.slug, input);
  if (!created.ok) throw new Error(created.message);
  const slug = created.slug;
  for (const [i, lot] of (
    lots ?? [{ title: 'Whole borough', valuePence: input.totalValuePence, suitsSmall: true }]
  ).entries()) {
    const saved = await services.opportunities.saveLot(commissioner, slug, null, {
      number: i + 1,
      title: lot.title,
      description: '',
      valuePence: lot.valuePence,
      suitsSmall: lot.suitsSmall,
    });
    if (!saved.ok) throw new Error(saved.message);
  }
  await services.opportunities.addQuestion(commissioner, slug, {
    prompt: 'How will you reach carers who do not ask for help?',
    guidance: '',
    wordLimit: 500,
  });
  await services.opportunities.addCriterion(commissioner, slug, {
    title: 'Understanding of local need',
    description: '',
    weight: 100,
    maxScore: 5,
  });
  const published = await services.opportunities.publish(commissioner, slug);
  if (!published.ok) throw new Error(`${published.message}: ${JSON.stringify(published.missing ?? [])}`);
  return { opportunity: (await services.opportunities.bySlug(slug))!, commissioner, spec };
}
