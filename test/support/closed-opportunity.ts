import { randomInt, randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/index.ts';
import type { Services } from '../../src/services.ts';

// An opportunity that has closed, written straight into the tables, with two criteria and two lots, and submitted
// applications: for the tests of assessment and awards (and their browser journey).

export type ClosedOpportunity = Awaited<ReturnType<typeof insertClosedOpportunity>>;

export async function insertClosedOpportunity(
  services: Services,
  db: Database,
  tag: string,
  options: { route?: 'grant' | 'light_touch_contract'; closesAt?: Date } = {},
) {
  const need = await db
    .insertInto('needs_assessment')
    .values({ slug: `meals-${tag}`, title: `Hot meals for older people ${tag}`, status: 'published' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const spec = await db
    .insertInto('specification')
    .values({
      slug: `meals-service-${tag}`,
      needs_assessment_id: need.id,
      title: `Meals service ${tag}`,
      status: 'published',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('specification_version')
    .values({ specification_id: spec.id, number: 1, sections: JSON.stringify({}), note: 'First' })
    .execute();
  const outcome = await db
    .insertInto('outcome')
    .values({ specification_id: spec.id, title: 'Older people eat well' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const indicator = await db
    .insertInto('outcome_indicator')
    .values({
      outcome_id: outcome.id,
      name: 'People getting a hot meal each week',
      unit: 'people',
      baseline: '40',
      target: '120',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const oppId = randomUUID();
  const slug = `meals-${tag}`;
  await db
    .insertInto('opportunity')
    .values({
      id: oppId,
      slug,
      ocid: `${services.place.config.commissioning.ocdsPrefix}-${oppId}`,
      specification_id: spec.id,
      title: `Hot meals ${tag}`,
      route: options.route ?? 'grant',
      service_area: 'adult_social_care',
      total_value_pence: 10_000_000,
      duration_months: 12,
      status: 'open',
      closes_at: options.closesAt ?? new Date(Date.now() - 24 * 3600 * 1000),
      service_starts_on: '2027-04-01',
      published_at: new Date(Date.now() - 30 * 24 * 3600 * 1000),
    })
    .execute();
  const [lot1, lot2] = await db
    .insertInto('lot')
    .values([
      { opportunity_id: oppId, number: 1, title: 'North', value_pence: 5_000_000 },
      { opportunity_id: oppId, number: 2, title: 'South', value_pence: 5_000_000 },
    ])
    .returning('id')
    .execute();
  // Weights 60 and 40; scored out of 5 and out of 10.
  const [quality, value] = await db
    .insertInto('assessment_criterion')
    .values([
      { opportunity_id: oppId, position: 1, title: 'Quality of the service', weight: 60, max_score: 5 },
      { opportunity_id: oppId, position: 2, title: 'Value for money', weight: 40, max_score: 10 },
    ])
    .returning('id')
    .execute();
  await db
    .insertInto('opportunity_question')
    .values({ opportunity_id: oppId, position: 1, prompt: 'How will you reach isolated people?' })
    .execute();

  const org = async (name: string) =>
    (await services.organisations.insert({ name: `${name} ${tag}` }, { source: 'test' })).id;
  async function application(
    lead: string,
    lotId: string,
    options: { partners?: { id: string; role: string; sharePence: number }[]; requestedPence?: number } = {},
  ) {
    const requested = options.requestedPence ?? 4_000_000;
    const row = await db
      .insertInto('application')
      .values({
        reference: `APP-2026-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`,
        opportunity_id: oppId,
        lot_id: lotId,
        lead_organisation_id: lead,
        kind: options.partners?.length ? 'partnership' : 'single',
        title: 'Lunch clubs in every ward',
        requested_pence: requested,
        status: 'submitted',
        submitted_at: new Date(Date.now() - 48 * 3600 * 1000),
      })
      .returning(['id', 'reference'])
      .executeTakeFirstOrThrow();
    const others = options.partners ?? [];
    const leadShare = requested - others.reduce((s, p) => s + p.sharePence, 0);
    await db
      .insertInto('application_partner')
      .values([
        { application_id: row.id, organisation_id: lead, is_lead: true, role: 'Lead', share_pence: leadShare },
        ...others.map((p) => ({
          application_id: row.id,
          organisation_id: p.id,
          role: p.role,
          share_pence: p.sharePence,
        })),
      ])
      .execute();
    await db
      .insertInto('application_answer')
      .values({
        application_id: row.id,
        question_id: (
          await db
            .selectFrom('opportunity_question')
            .select('id')
            .where('opportunity_id', '=', oppId)
            .executeTakeFirstOrThrow()
        ).id,
        body: 'Through GPs and faith groups.',
      })
      .execute();
    await db
      .insertInto('application_commitment')
      .values({ application_id: row.id, indicator_id: indicator.id, target: '150', note: 'Three clubs' })
      .execute();
    return row;
  }
  async function member(userId: string, organisationId: string) {
    await db
      .insertInto('membership')
      .values({ user_id: userId, organisation_id: organisationId, status: 'approved' })
      .execute();
  }
  return {
    id: oppId,
    slug,
    needId: need.id,
    indicatorId: indicator.id,
    lot1: lot1!.id,
    lot2: lot2!.id,
    quality: quality!.id,
    value: value!.id,
    org,
    application,
    member,
  };
}
