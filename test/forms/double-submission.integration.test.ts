import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../support/app.ts';
import { approveMember, insertOpenOpportunity, insertOrganisation } from '../support/applications.ts';
import { insertClosedOpportunity } from '../support/closed-opportunity.ts';
import { publishedOpportunity, readySpecification } from '../support/opportunities.ts';

// A person who presses a create form's button twice, or whose browser sends the form again after a slow answer, must
// create one thing. Each create form carries a key drawn when it was shown; both submissions carry the same key.

/** Shows the form as a browser would, then sends it twice at once with the key the page gave. */
async function sendTwice(client: TestClient, formUrl: string, postUrl: string, fields: Record<string, string>) {
  const page = await client.get(formUrl);
  expect(page.statusCode).toBe(200);
  const key = /name="_idempotency" value="([^"]+)"/.exec(page.body)?.[1];
  expect(key, `${formUrl} draws a form key`).toBeDefined();
  const sent = { ...fields, _idempotency: key! };
  return Promise.all([client.post(postUrl, sent), client.post(postUrl, sent)]);
}

describe('create forms sent twice', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('add one local priority', async () => {
    const admin = await ctx.as('admin');
    const before = (await ctx.services.place.priorities({ includeInactive: true })).length;
    const answers = await sendTwice(admin, '/admin/priorities/new', '/admin/priorities/new', {
      title: 'Warm spaces in winter',
      description: '',
      active: 'yes',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const after = await ctx.services.place.priorities({ includeInactive: true });
    expect(after.length).toBe(before + 1);
    expect(after.filter((p) => p.title === 'Warm spaces in winter')).toHaveLength(1);
  });

  it('draft one specification, and add one outcome to it', async () => {
    const commissioner = await ctx.as('commissioner');
    const need = await ctx.handle.db
      .insertInto('needs_assessment')
      .values({ slug: 'twice-need', title: 'Carers need breaks' })
      .returning('slug')
      .executeTakeFirstOrThrow();
    const drafted = await sendTwice(commissioner, `/specifications/new?need=${need.slug}`, '/specifications/new', {
      need: need.slug,
      title: 'Breaks sent twice',
      note: '',
      context: 'Carers rarely get a break.',
    });
    expect(drafted.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(drafted[1]!.headers.location).toBe(drafted[0]!.headers.location);
    const specs = await ctx.handle.db
      .selectFrom('specification')
      .select('slug')
      .where('title', '=', 'Breaks sent twice')
      .execute();
    expect(specs).toHaveLength(1);
    const slug = specs[0]!.slug;
    const added = await sendTwice(commissioner, `/specifications/${slug}`, `/specifications/${slug}/outcomes`, {
      title: 'Carers get regular breaks',
      description: '',
    });
    expect(added.map((a) => a.statusCode)).toEqual([303, 303]);
    const outcomes = await ctx.handle.db
      .selectFrom('outcome')
      .select('id')
      .where('title', '=', 'Carers get regular breaks')
      .execute();
    expect(outcomes).toHaveLength(1);
  });

  it('store one contribution to a needs assessment', async () => {
    const resident = await ctx.as('resident');
    await ctx.handle.db
      .insertInto('needs_assessment')
      .values({ slug: 'twice-open', title: 'Warm spaces', status: 'open' })
      .execute();
    const answers = await sendTwice(resident, '/needs/twice-open', '/needs/twice-open/contributions', {
      kind: 'lived_experience',
      body: 'The library was the only warm place on our estate.',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const stored = await ctx.handle.db
      .selectFrom('needs_contribution')
      .select('id')
      .where('body', '=', 'The library was the only warm place on our estate.')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('list one community group', async () => {
    const member = await ctx.as('vcs_member');
    const name = 'Twice Sent Allotment Friends';
    const answers = await sendTwice(member, '/organisations/new', '/organisations/new', {
      name,
      description: 'We grow food together on the Waddon allotments.',
      confirmNew: 'yes',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(answers[1]!.headers.location).toBe(answers[0]!.headers.location);
    const listed = await ctx.handle.db.selectFrom('organisation').select('id').where('name', '=', name).execute();
    expect(listed).toHaveLength(1);
  });

  it('create one opportunity, and add one lot, criterion and question to it', async () => {
    const commissioner = await ctx.as('commissioner');
    const { spec } = await readySpecification(ctx.services, ctx.handle.db);
    const year = String(new Date().getUTCFullYear() + 1);
    const created = await sendTwice(
      commissioner,
      `/specifications/${spec.slug}/opportunity`,
      `/specifications/${spec.slug}/opportunity`,
      {
        title: 'Breaks sent twice',
        summary: 'Regular breaks for unpaid carers.',
        route: 'grant',
        service_area: '',
        total_value: '120,000',
        duration_months: '24',
        eligibility: '',
        'closes-day': '31',
        'closes-month': '1',
        'closes-year': year,
        closes_time: '17:00',
      },
    );
    expect(created.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(created[1]!.headers.location).toBe(created[0]!.headers.location);
    const made = await ctx.handle.db
      .selectFrom('opportunity')
      .select(['id', 'slug'])
      .where('title', '=', 'Breaks sent twice')
      .execute();
    expect(made).toHaveLength(1);
    const { id, slug } = made[0]!;
    const url = `/opportunities/${slug}`;

    const lot = await sendTwice(commissioner, `${url}/lots/new`, `${url}/lots/new`, {
      number: '1',
      title: 'North of the borough',
      description: '',
      value: '40,000',
    });
    const criterion = await sendTwice(commissioner, `${url}/criteria`, `${url}/criteria`, {
      title: 'Local need',
      description: '',
      weight: '40',
      max_score: '5',
    });
    const question = await sendTwice(commissioner, `${url}/questions`, `${url}/questions`, {
      prompt: 'How will you reach carers?',
      guidance: '',
      word_limit: '500',
    });
    for (const answers of [lot, criterion, question]) {
      expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
      expect(answers[1]!.headers.location).toBe(answers[0]!.headers.location);
    }
    const count = async (table: 'lot' | 'assessment_criterion' | 'opportunity_question') =>
      (await ctx.handle.db.selectFrom(table).select('id').where('opportunity_id', '=', id).execute()).length;
    expect([await count('lot'), await count('assessment_criterion'), await count('opportunity_question')]).toEqual([
      1, 1, 1,
    ]);
  });

  it('ask one clarification question', async () => {
    const { opportunity } = await publishedOpportunity(ctx.services, ctx.handle.db);
    const member = await ctx.as('vcs_member', { email: 'twice.asker@example.test' });
    const org = await insertOrganisation(ctx.services, 'Twice Askers');
    await approveMember(ctx.handle.db, member.userId!, org.id);
    const url = `/opportunities/${opportunity.slug}`;
    const answers = await sendTwice(member, url, `${url}/clarifications`, { question: 'Can two groups share a lot?' });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const asked = await ctx.handle.db
      .selectFrom('clarification')
      .select('id')
      .where('opportunity_id', '=', opportunity.id)
      .execute();
    expect(asked).toHaveLength(1);
  });

  it('start one application, and add one partner to it', async () => {
    const o = await insertOpenOpportunity(ctx.handle.db, 'twice');
    const lead = await ctx.as('vcs_member', { email: 'twice.lead@example.test' });
    const org = await insertOrganisation(ctx.services, 'Twice Leads');
    await approveMember(ctx.handle.db, lead.userId!, org.id);
    const started = await sendTwice(lead, `/opportunities/${o.slug}/apply`, `/opportunities/${o.slug}/apply`, {
      organisation: org.id,
      kind: 'partnership',
      lot: '',
    });
    expect(started.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(started[1]!.headers.location).toBe(started[0]!.headers.location);
    const applications = await ctx.handle.db
      .selectFrom('application')
      .select(['id', 'reference'])
      .where('opportunity_id', '=', o.id)
      .execute();
    expect(applications).toHaveLength(1);
    const { id, reference } = applications[0]!;

    const partner = await insertOrganisation(ctx.services, 'Twice Partners');
    const base = `/applications/${reference}/partners`;
    const added = await sendTwice(lead, `${base}?q=Twice+Partners`, base, {
      q: 'Twice Partners',
      organisation: partner.id,
      role: 'Runs the sitting service',
      share: '4000',
    });
    expect(added.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(added[1]!.headers.location).toBe(added[0]!.headers.location);
    const partners = await ctx.handle.db
      .selectFrom('application_partner')
      .select('organisation_id')
      .where('application_id', '=', id)
      .where('is_lead', '=', false)
      .execute();
    expect(partners).toEqual([{ organisation_id: partner.id }]);
  });

  it('make one award, also when the form is sent again after the first is answered', async () => {
    const o = await insertClosedOpportunity(ctx.services, ctx.handle.db, 'twice');
    const winner = await o.application(await o.org('Twice Winners'), o.lot1);
    await ctx.handle.db.updateTable('application').set({ status: 'successful' }).where('id', '=', winner.id).execute();
    const commissioner = await ctx.as('commissioner');
    const url = `/opportunities/${o.slug}/awards/new?application=${winner.reference}`;
    const fields = {
      kind: 'grant_agreement',
      title: 'Lunch clubs sent twice',
      value: '40000',
      'starts-day': '1',
      'starts-month': '4',
      'starts-year': '2027',
      'ends-day': '31',
      'ends-month': '3',
      'ends-year': '2028',
      rows: '1',
      [`target-${o.indicatorId}`]: '140',
      monitoringLevel: 'standard',
      monitoringFrequency: 'six_monthly',
      monitoringPlan: 'Reports every six months.',
      'payment-1-due-day': '1',
      'payment-1-due-month': '4',
      'payment-1-due-year': '2027',
      'payment-1-amount': '40000',
      'payment-1-description': 'All of it',
    };
    const key = /name="_idempotency" value="([^"]+)"/.exec((await commissioner.get(url)).body)?.[1];
    expect(key).toBeDefined();
    const sent = { ...fields, _idempotency: key! };
    const answers = await Promise.all([commissioner.post(url, sent), commissioner.post(url, sent)]);
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(answers[1]!.headers.location).toBe(answers[0]!.headers.location);
    // Sent once more after the award is made (a browser's resend), it is answered as the first was, not refused.
    const resent = await commissioner.post(url, sent);
    expect(resent.statusCode).toBe(303);
    expect(resent.headers.location).toBe(answers[0]!.headers.location);
    const awards = await ctx.handle.db
      .selectFrom('award')
      .select('id')
      .where('application_id', '=', winner.id)
      .execute();
    expect(awards).toHaveLength(1);
  });
});
