import type { Database } from '../../src/db/index.ts';
import type { Services } from '../../src/services.ts';

// An open opportunity written straight into the tables, for the tests of applying to it: a published need and
// specification with two outcome indicators, an opportunity with questions (one with a word limit) and its lots.

export type OpenOpportunity = Awaited<ReturnType<typeof insertOpenOpportunity>>;

export async function insertOpenOpportunity(
  db: Database,
  tag: string,
  options: { lots?: number; closesAt?: Date } = {},
) {
  const need = await db
    .insertInto('needs_assessment')
    .values({ slug: `carers-breaks-need-${tag}`, title: `Carers need breaks ${tag}`, status: 'published' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const spec = await db
    .insertInto('specification')
    .values({
      slug: `carers-breaks-spec-${tag}`,
      needs_assessment_id: need.id,
      title: `Breaks for carers ${tag}`,
      status: 'published',
      published_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outcome = await db
    .insertInto('outcome')
    .values({ specification_id: spec.id, title: 'Carers get regular breaks', position: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const indicators = await db
    .insertInto('outcome_indicator')
    .values([
      { outcome_id: outcome.id, name: 'Carers with a break each month', unit: 'carers', target: '120', position: 0 },
      { outcome_id: outcome.id, name: 'Hours of sitting service', unit: 'hours', target: '2000', position: 1 },
    ])
    .returning(['id', 'name'])
    .execute();
  const slug = `carers-breaks-${tag}`;
  const opportunity = await db
    .insertInto('opportunity')
    .values({
      slug,
      ocid: `ocds-test-${tag}`,
      specification_id: spec.id,
      title: `Breaks for carers in Thornton Heath ${tag}`,
      summary: 'Weekly breaks for unpaid carers.',
      route: 'grant',
      total_value_pence: 12_000_000,
      duration_months: 24,
      status: 'open',
      published_at: new Date(),
      closes_at: options.closesAt ?? new Date(Date.now() + 30 * 24 * 3600 * 1000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const lots = [];
  for (let number = 1; number <= (options.lots ?? 0); number++) {
    lots.push(
      await db
        .insertInto('lot')
        .values({ opportunity_id: opportunity.id, number, title: `Lot ${number} area`, value_pence: 6_000_000 })
        .returning(['id', 'number'])
        .executeTakeFirstOrThrow(),
    );
  }
  const questions = await db
    .insertInto('opportunity_question')
    .values([
      { opportunity_id: opportunity.id, position: 0, prompt: 'How will carers find you?', word_limit: 10 },
      { opportunity_id: opportunity.id, position: 1, prompt: 'Who will run the sessions?', word_limit: null },
    ])
    .returning(['id', 'prompt', 'word_limit'])
    .execute();
  return { id: opportunity.id, slug, specificationId: spec.id, indicators, questions, lots };
}

/** A new active organisation in the directory, with its identifiers. */
export async function insertOrganisation(services: Services, name: string, identifiers: string[] = []) {
  const made = await services.organisations.insert({ name }, { source: 'test' });
  if (identifiers.length) await services.organisations.addIdentifiers(made.id, identifiers);
  return { ...made, name };
}

/** Makes a person an approved member of an organisation, whom its administrators let start applications for it. */
export async function approveMember(db: Database, userId: string, organisationId: string) {
  await db
    .insertInto('membership')
    .values({ user_id: userId, organisation_id: organisationId, status: 'approved', decided_at: new Date() })
    .execute();
  await db
    .insertInto('organisation_permission')
    .values({ user_id: userId, organisation_id: organisationId, permission: 'start-applications' })
    .execute();
}
