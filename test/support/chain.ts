import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/index.ts';
import type { Services } from '../../src/services.ts';

// A whole commissioning chain written straight into the tables, for the tests of what reads it (open data and the
// chain shown on each page): a published need and specification, an awarded opportunity with two lots, a single
// application and a partnership of two charities, an award to the partnership; and a draft opportunity beside it.

export type ChainFixture = Awaited<ReturnType<typeof insertChain>>;

export async function insertChain(services: Services, db: Database, tag: string) {
  const prefix = services.place.config.commissioning.ocdsPrefix;
  const commissioner = (
    await db
      .insertInto('app_user')
      .values({ email: `commissioner-${tag}@example.test`, name: 'Chain Commissioner', role: 'commissioner' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const org = async (name: string, ids: string[]) => {
    const made = await services.organisations.insert({ name }, { source: 'test' });
    if (ids.length) await services.organisations.addIdentifiers(made.id, ids);
    return made.id;
  };
  const lead = await org(`Thornton Carers Circle ${tag}`, [`GB-COH-0${tag}010`, `GB-CHC-1${tag}01`]);
  const partner = await org(`Bensham Sitting Service ${tag}`, [`GB-CHC-1${tag}02`]);
  const single = await org(`Norbury Neighbours ${tag}`, []);

  const need = (
    await db
      .insertInto('needs_assessment')
      .values({
        slug: `respite-${tag}`,
        title: `Respite for carers ${tag}`,
        summary: 'Carers cannot get a break.',
        need: 'Many carers look after someone for more than 50 hours a week.',
        status: 'published',
        population_groups: ['Unpaid carers'],
        created_by: commissioner,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const spec = (
    await db
      .insertInto('specification')
      .values({
        slug: `respite-service-${tag}`,
        needs_assessment_id: need,
        title: `Carers respite service ${tag}`,
        status: 'published',
        published_at: new Date('2026-06-01T09:00:00Z'),
        created_by: commissioner,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db
    .insertInto('specification_version')
    .values({
      specification_id: spec,
      number: 1,
      sections: JSON.stringify({}),
      note: 'First draft',
      created_by: commissioner,
    })
    .execute();
  const oppId = randomUUID();
  const ocid = `${prefix}-${oppId}`;
  await db
    .insertInto('opportunity')
    .values({
      id: oppId,
      slug: `carers-respite-${tag}`,
      ocid,
      specification_id: spec,
      title: `Carers respite ${tag}`,
      summary: 'Breaks and peer support for unpaid carers in the north of the borough.',
      route: 'grant',
      total_value_pence: 12_345_678,
      duration_months: 24,
      eligibility: 'Voluntary and community organisations working in the borough.',
      status: 'awarded',
      clarifications_close_at: new Date('2026-06-20T17:00:00Z'),
      closes_at: new Date('2026-07-01T12:00:00Z'),
      service_starts_on: '2026-10-01',
      published_at: new Date('2026-06-02T09:00:00Z'),
      published_by: commissioner,
      created_by: commissioner,
    })
    .execute();
  const [lot1, lot2] = await db
    .insertInto('lot')
    .values([
      {
        opportunity_id: oppId,
        number: 1,
        title: 'Sitting service',
        description: 'Weekly breaks at home',
        value_pence: 10_000_001,
      },
      {
        opportunity_id: oppId,
        number: 2,
        title: 'Evening peer groups',
        description: 'For small groups',
        value_pence: 2_345_677,
        suits_small: true,
      },
    ])
    .returning('id')
    .execute();
  const draftId = randomUUID();
  await db
    .insertInto('opportunity')
    .values({
      id: draftId,
      slug: `draft-${tag}`,
      ocid: `${prefix}-${draftId}`,
      specification_id: spec,
      title: `Draft opportunity ${tag}`,
      route: 'grant',
      total_value_pence: 100,
      duration_months: 12,
      closes_at: new Date('2027-01-01T12:00:00Z'),
      created_by: commissioner,
    })
    .execute();

  const application = async (leadOrg: string, kind: 'single' | 'partnership', lotId: string, status: string) =>
    (
      await db
        .insertInto('application')
        .values({
          reference: `APP-${tag}-${leadOrg.slice(0, 8)}`,
          opportunity_id: oppId,
          lot_id: lotId,
          lead_organisation_id: leadOrg,
          kind,
          title: 'Our bid',
          requested_pence: 10_000_001,
          status: status as 'successful',
          submitted_at: new Date('2026-06-30T10:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const partnership = await application(lead, 'partnership', lot1!.id, 'successful');
  await db
    .insertInto('application_partner')
    .values([
      {
        application_id: partnership,
        organisation_id: lead,
        is_lead: true,
        role: 'Lead',
        share_pence: 6_000_000,
        confirmed_at: new Date(),
      },
      {
        application_id: partnership,
        organisation_id: partner,
        role: 'Sitting',
        share_pence: 4_000_001,
        confirmed_at: new Date(),
      },
    ])
    .execute();
  await application(single, 'single', lot1!.id, 'unsuccessful');
  const award = await db
    .insertInto('award')
    .values({
      slug: `carers-respite-award-${tag}`,
      opportunity_id: oppId,
      lot_id: lot1!.id,
      application_id: partnership,
      kind: 'grant_agreement',
      title: `Sitting service for carers ${tag}`,
      value_pence: 10_000_001,
      starts_on: '2026-10-01',
      ends_on: '2028-09-30',
      monitoring_level: 'standard',
      monitoring_frequency: 'six_monthly',
      awarded_at: new Date('2026-08-01T10:00:00Z'),
      awarded_by: commissioner,
    })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  return {
    need,
    needSlug: `respite-${tag}`,
    spec,
    specSlug: `respite-service-${tag}`,
    opportunity: oppId,
    ocid,
    draftOcid: `${prefix}-${draftId}`,
    lot2: lot2!.id,
    award: award.id,
    awardSlug: award.slug,
    lead,
    partner,
  };
}
