import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import { holdAuditLog, untilWaitingForLocks } from '../../../../test/support/locks.ts';
import { details, publishedOpportunity, readySpecification } from '../../../../test/support/opportunities.ts';
import { sizeBands } from '../../place/codelists.ts';
import { penceFrom, timeFrom } from './forms.ts';
import { opportunityPhase } from './lifecycle.ts';
import { largestAward, londonTime, lotWithinReach, withinReach, yearlyPence } from './rules.ts';
import { PAGE_SIZE } from './service.ts';

let t: TestContext;
let n = 0;

beforeAll(async () => {
  t = await createTestContext();
}, 120_000);
afterAll(async () => t?.close());

const nextYear = new Date().getUTCFullYear() + 1;

/** The create form as a browser sends it: £120,000 over 24 months, closing at 17:00 on 31 January next year. */
function form(overrides: Record<string, string | string[]> = {}) {
  n++;
  return {
    title: `Breaks for carers ${n}`,
    summary: 'Regular breaks for unpaid carers.',
    route: 'grant',
    service_area: '',
    total_value: '120,000',
    duration_months: '24',
    eligibility: 'Voluntary organisations in Croydon.',
    'clarifications_close-day': '15',
    'clarifications_close-month': '1',
    'clarifications_close-year': String(nextYear),
    'closes-day': '31',
    'closes-month': '1',
    'closes-year': String(nextYear),
    closes_time: '17:00',
    ...overrides,
  };
}

async function createDraft(client: TestClient, overrides: Record<string, string | string[]> = {}) {
  const { spec } = await readySpecification(t.services, t.handle.db);
  const res = await client.post(`/specifications/${spec.slug}/opportunity`, form(overrides));
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  const slug = String(res.headers.location).replace('/opportunities/', '');
  return { slug, spec };
}

async function audits(action: string) {
  return t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
}

async function vcsMember(name = 'Val Member') {
  const client = await t.as('vcs_member', { name, email: `val.${++n}@example.test` });
  const org = await t.handle.db
    .insertInto('organisation')
    .values({ slug: `member-org-${n}`, name: `Member Org ${n}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.handle.db
    .insertInto('membership')
    .values({ user_id: client.userId!, organisation_id: org.id, status: 'approved' })
    .execute();
  return client;
}

describe('helpers', () => {
  it('reads pounds, times and London closing times', () => {
    expect(penceFrom('£120,000')).toBe(12_000_000);
    expect(penceFrom('2500.5')).toBe(250_050);
    expect(penceFrom('12,00')).toBeNull();
    expect(penceFrom('ten')).toBeNull();
    expect(timeFrom('5pm')).toBe('17:00');
    expect(timeFrom('09:15')).toBe('09:15');
    expect(timeFrom('25:00')).toBeNull();
    expect(londonTime('2027-01-31', '17:00').toISOString()).toBe('2027-01-31T17:00:00.000Z');
    expect(londonTime('2027-07-01', '17:00').toISOString()).toBe('2027-07-01T16:00:00.000Z');
  });

  it('reads an open opportunity past its closing time as closed', () => {
    const now = new Date('2027-02-01T12:00:00Z');
    expect(opportunityPhase({ status: 'open', closes_at: '2027-01-31T17:00:00Z' }, now)).toBe('closed');
    expect(opportunityPhase({ status: 'open', closes_at: '2027-03-01T17:00:00Z' }, now)).toBe('open');
    expect(opportunityPhase({ status: 'draft', closes_at: '2027-01-31T17:00:00Z' }, now)).toBe('draft');
  });

  it('judges reach from the yearly value and the top income of each band', () => {
    const small = sizeBands.find((b) => b.code === 'small')!;
    // £100,000 over 24 months is £50,000 a year: exactly half of £100,000.
    expect(yearlyPence(10_000_000, 24)).toBe(5_000_000);
    expect(withinReach(5_000_000, small, 0.5)).toBe(true);
    expect(withinReach(5_000_001, small, 0.5)).toBe(false);
    // A lot is reached award by award: up to £5,000 each from £30,000 is £5,000 at most, capped by the opportunity.
    const grants = { value_pence: 3_000_000, max_award_pence: 500_000 };
    expect(largestAward(grants, { max_award_pence: null })).toBe(500_000);
    expect(largestAward(grants, { max_award_pence: 200_000 })).toBe(200_000);
    expect(largestAward({ value_pence: 3_000_000, max_award_pence: null }, { max_award_pence: null })).toBe(3_000_000);
    const micro = sizeBands.find((b) => b.code === 'micro')!;
    expect(lotWithinReach({ suits_small: true }, 1_500_000, micro, 0.5)).toBe(true);
    expect(lotWithinReach({ suits_small: false }, 1_500_000, micro, 0.5)).toBe(false);
    expect(lotWithinReach({ suits_small: false }, 250_000, micro, 0.5)).toBe(true);
  });
});

describe('creating from a specification', () => {
  it('refuses a specification that is not ready, saying what is missing', async () => {
    const commissioner = await t.as('commissioner');
    const need = await t.handle.db
      .insertInto('needs_assessment')
      .values({ slug: `not-ready-${++n}`, title: 'Not ready' })
      .returning('slug')
      .executeTakeFirstOrThrow();
    const made = await commissioner.post('/specifications/new', {
      need: need.slug,
      title: `Unfinished ${n}`,
      context: 'Some context.',
    });
    const specSlug = String(made.headers.location).replace('/specifications/', '');
    const specPage = await commissioner.get(`/specifications/${specSlug}`);
    expect(specPage.body).toContain('Create an opportunity from this specification');
    expect(specPage.body).toContain(`action="/specifications/${specSlug}/opportunity"`);

    const page = await commissioner.get(`/specifications/${specSlug}/opportunity`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('An opportunity cannot be created from this specification yet');
    expect(page.body).toContain('Add at least one outcome to the outcomes framework');
    expect(page.body).toContain('Invite at least one co-producer');
    // The very form posted, so that the check below looks for the title that was refused.
    const refused = form();
    const post = await commissioner.post(`/specifications/${specSlug}/opportunity`, refused);
    expect(post.statusCode).toBe(400);
    expect(post.body).toContain('Add at least one outcome to the outcomes framework');
    expect(
      await t.handle.db.selectFrom('opportunity').select('id').where('title', '=', refused.title).execute(),
    ).toEqual([]);
    const specId = (await t.services.specifications.readiness(specSlug))!.spec.id;
    expect(await t.services.opportunities.forSpecification(specId)).toEqual([]);
    expect((await commissioner.get('/specifications/no-such-spec/opportunity')).statusCode).toBe(404);
  });

  it('is for staff only', async () => {
    const { spec } = await readySpecification(t.services, t.handle.db);
    const member = await t.as('vcs_member');
    expect((await member.get(`/specifications/${spec.slug}/opportunity`)).statusCode).toBe(403);
    expect((await member.post(`/specifications/${spec.slug}/opportunity`, form())).statusCode).toBe(403);
    const refused = await t.services.opportunities.create(
      { id: member.userId!, role: 'vcs_member' },
      spec.slug,
      details(),
    );
    expect(refused.ok).toBe(false);
  });

  it('refuses bad values, keeping what was typed', async () => {
    const commissioner = await t.as('commissioner');
    const { spec } = await readySpecification(t.services, t.handle.db);
    const res = await commissioner.post(
      `/specifications/${spec.slug}/opportunity`,
      form({
        title: '',
        summary: 'Kept summary',
        route: 'loan',
        total_value: 'lots',
        duration_months: '0',
        'closes-day': '31',
        'closes-month': '2',
        closes_time: '25:00',
        'decision_expected-day': '1',
        'decision_expected-month': '',
        'decision_expected-year': String(nextYear),
        wards: 'no-such-ward',
      }),
    );
    expect(res.statusCode).toBe(400);
    for (const message of [
      'Enter a title for the opportunity',
      'Choose how the money will be given',
      'Enter the total value in pounds, like 120,000 or 2500.50',
      'The duration in months must be between 1 and 240',
      'The closing date must be a real date',
      'Enter the closing time as a real time, like 17:00 or 5pm',
      'The date a decision is expected must include a month',
    ]) {
      expect(res.body).toContain(message);
    }
    expect(res.body).toContain('href="#closes-day"');
    expect(res.body).toContain('Kept summary');

    const wrongOrder = await commissioner.post(
      `/specifications/${spec.slug}/opportunity`,
      form({ 'clarifications_close-month': '2', 'closes-month': '1', 'clarifications_close-day': '28' }),
    );
    expect(wrongOrder.body).toContain('Clarification questions must close on or before the closing date');

    const badWard = await commissioner.post(`/specifications/${spec.slug}/opportunity`, form({ wards: 'atlantis' }));
    expect(badWard.statusCode).toBe(400);
    expect(badWard.body).toContain('Select wards from the list');
  });

  it('creates a draft with an ocid, a unique slug and the values in pence, hidden from everyone but staff', async () => {
    const commissioner = await t.as('commissioner');
    const { slug, spec } = await createDraft(commissioner, {
      title: 'Carers’ breaks',
      wards: ['thornton-heath', 'norbury-and-pollards-hill'],
      service_area: '103',
      total_value: '£120,000.50',
    });
    expect(slug).toBe('carers-breaks');
    const again = await createDraft(commissioner, { title: 'Carers’ breaks' });
    expect(again.slug).toBe('carers-breaks-2');

    const o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.status).toBe('draft');
    expect(o.ocid).toMatch(/^ocds-[a-z0-9]{6}-[0-9a-f-]{36}$/);
    expect(o.ocid.startsWith(`${t.services.place.config.commissioning.ocdsPrefix}-`)).toBe(true);
    expect(o.total_value_pence).toBe(12_000_050);
    expect(o.closes_at.toISOString()).toBe(`${nextYear}-01-31T17:00:00.000Z`);
    expect(o.wards.map((w) => w.code).sort()).toEqual(['norbury-and-pollards-hill', 'thornton-heath']);
    expect(o.specification.id).toBe(spec.id);
    expect((await audits('opportunity.created')).some((a) => a.entity_id === o.id)).toBe(true);
    expect((await t.services.opportunities.byId(o.id))?.slug).toBe(slug);
    expect((await t.services.opportunities.forSpecification(spec.id)).map((r) => r.slug)).toEqual([slug]);
    expect((await t.services.opportunities.forNeed(spec.needs_assessment_id)).map((r) => r.slug)).toEqual([slug]);

    const staffPage = await commissioner.get(`/opportunities/${slug}`);
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('This is a draft');
    expect(staffPage.body).toContain('Prepare the opportunity');
    expect((await (await t.as(null)).get(`/opportunities/${slug}`)).statusCode).toBe(404);
    expect((await (await t.as('vcs_member')).get(`/opportunities/${slug}`)).statusCode).toBe(404);
    expect((await (await t.as(null)).get('/opportunities')).body).not.toContain(`/opportunities/${slug}"`);
    const drafts = await commissioner.get('/opportunities/drafts');
    expect(drafts.body).toContain(`/opportunities/${slug}"`);
    expect((await (await t.as('resident')).get('/opportunities/drafts')).statusCode).toBe(403);
    // The specification links to its opportunity.
    expect((await commissioner.get(`/specifications/${spec.slug}`)).body).toContain(`href="/opportunities/${slug}"`);
  });
});

describe('editing a draft', () => {
  it('changes the details through the same form, prefilled', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner);
    const page = await commissioner.get(`/opportunities/${slug}/details`);
    expect(page.body).toContain('value="120000"');
    expect(page.body).toContain('value="17:00"');
    const saved = await commissioner.post(
      `/opportunities/${slug}/details`,
      form({ total_value: '90000', route: 'light_touch_contract' }),
    );
    expect(saved.statusCode).toBe(303);
    const o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.total_value_pence).toBe(9_000_000);
    expect(o.route).toBe('light_touch_contract');
    const bad = await commissioner.post(`/opportunities/${slug}/details`, form({ duration_months: 'two' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the duration in months as a whole number');
    expect((await (await t.as('resident')).post(`/opportunities/${slug}/details`, form())).statusCode).toBe(403);
  });

  it('adds, changes and removes lots, refusing a duplicate number and a bad value', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner);
    const lot = {
      number: '1',
      title: 'North of the borough',
      description: 'Norbury and Thornton Heath',
      value: '40,000',
      suits_small: 'yes',
    };
    expect((await commissioner.post(`/opportunities/${slug}/lots/new`, lot)).statusCode).toBe(303);
    const dup = await commissioner.post(`/opportunities/${slug}/lots/new`, { ...lot, title: 'Again' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('There is already a lot 1: choose another number');
    const bad = await commissioner.post(`/opportunities/${slug}/lots/new`, { ...lot, number: '2', value: '-5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the value of the lot in pounds');
    expect(bad.body).toContain('value="-5"');

    let o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.lots).toHaveLength(1);
    expect(o.lots[0]).toMatchObject({ number: 1, value_pence: 4_000_000, suits_small: true });
    const lotId = o.lots[0]!.id;
    expect((await commissioner.get(`/opportunities/${slug}/lots/${lotId}`)).body).toContain('value="40000"');
    expect(
      (await commissioner.post(`/opportunities/${slug}/lots/${lotId}`, { ...lot, value: '80000', suits_small: '' }))
        .statusCode,
    ).toBe(303);
    o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.lots[0]).toMatchObject({ value_pence: 8_000_000, suits_small: false });
    expect((await commissioner.post(`/opportunities/${slug}/lots/${lotId}/remove`)).statusCode).toBe(303);
    expect((await t.services.opportunities.bySlug(slug))!.lots).toHaveLength(0);
    expect((await audits('lot.removed')).some((a) => a.entity_id === lotId)).toBe(true);
  });

  it('adds application questions and criteria, refusing weights over 100', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner);
    expect((await commissioner.post(`/opportunities/${slug}/questions`, { prompt: '' })).body).toContain(
      'Enter the question',
    );
    const badLimit = await commissioner.post(`/opportunities/${slug}/questions`, {
      prompt: 'Why?',
      word_limit: 'many',
    });
    expect(badLimit.body).toContain('Enter the word limit as a whole number');
    expect(
      (
        await commissioner.post(`/opportunities/${slug}/questions`, {
          prompt: 'How will you reach carers?',
          word_limit: '500',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (
        await commissioner.post(`/opportunities/${slug}/criteria`, {
          title: 'Local need',
          weight: '60',
          max_score: '5',
        })
      ).statusCode,
    ).toBe(303);
    const over = await commissioner.post(`/opportunities/${slug}/criteria`, {
      title: 'Value',
      weight: '50',
      max_score: '5',
    });
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('The weights would add up to 110%: the weight can be at most 40%');
    const badWeight = await commissioner.post(`/opportunities/${slug}/criteria`, {
      title: 'Value',
      weight: '0',
      max_score: '5',
    });
    expect(badWeight.body).toContain('The weight must be between 1% and 100%');
    const o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.questions[0]).toMatchObject({ prompt: 'How will you reach carers?', word_limit: 500 });
    expect(o.criteria.map((c) => c.weight)).toEqual([60]);
    // Changing them: the weight may rise only as far as 100% in all.
    const c = o.criteria[0]!.id;
    expect((await commissioner.get(`/opportunities/${slug}/criteria/${c}`)).body).toContain('value="60"');
    await commissioner.post(`/opportunities/${slug}/criteria`, { title: 'Value', weight: '40', max_score: '5' });
    const tooMuch = await commissioner.post(`/opportunities/${slug}/criteria/${c}`, {
      title: 'Local need',
      weight: '70',
      max_score: '5',
    });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain('The weights would add up to 110%: the weight can be at most 60%');
    expect(tooMuch.body).toContain('value="70"');
    const fine = await commissioner.post(`/opportunities/${slug}/criteria/${c}`, {
      title: 'Local need',
      weight: '50',
      max_score: '10',
    });
    expect(fine.statusCode).toBe(303);
    const q = o.questions[0]!.id;
    const changed = await commissioner.post(`/opportunities/${slug}/questions/${q}`, {
      prompt: 'Who will you reach?',
      word_limit: '',
    });
    expect(changed.statusCode).toBe(303);
    const after = (await t.services.opportunities.bySlug(slug))!;
    expect(after.questions[0]).toMatchObject({ prompt: 'Who will you reach?', word_limit: null });
    expect(after.criteria.map((x) => [x.weight, x.max_score])).toEqual([
      [50, 10],
      [40, 5],
    ]);
    expect((await audits('assessment_criterion.updated')).some((a) => a.entity_id === c)).toBe(true);
    expect((await commissioner.post(`/opportunities/${slug}/questions/${q}/remove`)).statusCode).toBe(303);
    expect((await t.services.opportunities.bySlug(slug))!.questions).toHaveLength(0);
  });

  it('uploads documents recognised by their content, and serves them to staff only while a draft', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner);
    const upload = async (name: string, bytes: Buffer, title = 'Draft grant agreement') => {
      const page = await commissioner.get(`/opportunities/${slug}/documents`);
      const token = /documents\?_csrf=([^"&]+)/.exec(page.body)?.[1];
      expect(token).toBeTruthy();
      const boundary = '----opportunity-test';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return t.app.inject({
        method: 'POST',
        url: `/opportunities/${slug}/documents?_csrf=${token}`,
        payload: body,
        headers: { cookie: commissioner.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    };
    const fake = await upload('agreement.pdf', Buffer.from('not really a pdf'));
    expect(fake.statusCode).toBe(400);
    expect(fake.body).toContain('The selected file is not a real PDF');
    const noTitle = await upload('agreement.pdf', Buffer.from('%PDF-1.4 fine'), '');
    expect(noTitle.body).toContain('Enter a title for the document');
    const ok = await upload('agreement.pdf', Buffer.from('%PDF-1.4 fine'));
    expect(ok.statusCode).toBe(303);
    const o = (await t.services.opportunities.bySlug(slug))!;
    const doc = o.documents[0]!;
    const url = `/opportunities/${slug}/documents/${doc.id}`;
    const got = await commissioner.get(url);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toContain('application/pdf');
    expect(got.body).toBe('%PDF-1.4 fine');
    expect((await (await t.as(null)).get(url)).statusCode).toBe(404);
    expect((await commissioner.post(`${url}/remove`)).statusCode).toBe(303);
    expect((await commissioner.get(url)).statusCode).toBe(404);
  });
});

// PGlite runs one transaction at a time, so only a server shows what the row lock does.
describe.skipIf(process.env.TEST_DB !== 'postgres')('publishing while a draft is being changed', () => {
  it('waits for the change and checks what it publishes: a lot taken out at the same moment is missed', async () => {
    const { spec, commissioner } = await readySpecification(t.services, t.handle.db);
    const made = await t.services.opportunities.create(commissioner, spec.slug, details());
    if (!made.ok) throw new Error(made.message);
    const slug = made.slug;
    const lot = { number: 1, title: 'All', description: '', valuePence: 12_000_000, suitsSmall: true };
    await t.services.opportunities.saveLot(commissioner, slug, null, lot);
    await t.services.opportunities.addQuestion(commissioner, slug, { prompt: 'Why?', guidance: '', wordLimit: null });
    const criterion = { title: 'Need', description: '', weight: 100, maxScore: 5 };
    await t.services.opportunities.addCriterion(commissioner, slug, criterion);
    const lotId = (await t.services.opportunities.bySlug(slug))!.lots[0]!.id;

    // The removal is held open after it has locked the draft and taken the lot out, before its audit record.
    const audit = await holdAuditLog(t.handle.db);
    const removing = t.services.opportunities.removeLot(commissioner, slug, lotId);
    await untilWaitingForLocks(t.handle.db, 1);
    const publishing = t.services.opportunities.publish(commissioner, slug);
    // Publication waits for the draft's row before it checks completeness.
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    expect(await removing).toEqual({ ok: true });
    expect(await publishing).toMatchObject({
      ok: false,
      status: 400,
      missing: [expect.objectContaining({ text: 'Add at least one lot' })],
    });
    expect((await t.services.opportunities.bySlug(slug))!.status).toBe('draft');
  });
});

describe('small providers', () => {
  it('counts eligible local organisations by size band, and warns when no lot is within reach', async () => {
    const db = t.handle.db;
    const orgs = [
      // A small charity in the service area and ward: counted.
      { name: 'Thornton Heath Carers', income: 60_000_00, area: '103', ward: 'thornton-heath', listed: true },
      // A medium one: counted.
      { name: 'Croydon Carers Centre', income: 400_000_00, area: '103', ward: 'thornton-heath', listed: true },
      // Another service area: not counted.
      { name: 'Norbury Sports', income: 50_000_00, area: '110', ward: 'thornton-heath', listed: true },
      // Another ward: not counted.
      { name: 'Coulsdon Carers', income: 50_000_00, area: '103', ward: 'coulsdon-town', listed: true },
      // Not listed: not counted.
      { name: 'Hidden Carers', income: 50_000_00, area: '103', ward: 'thornton-heath', listed: false },
    ];
    for (const [i, o] of orgs.entries()) {
      const row = await db
        .insertInto('organisation')
        .values({ slug: `reach-${i}-${++n}`, name: o.name, latest_income_pence: o.income, listed: o.listed })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('organisation_classification')
        .values({ organisation_id: row.id, list: 'service_area', code: o.area })
        .execute();
      await db.insertInto('organisation_ward').values({ organisation_id: row.id, ward_code: o.ward }).execute();
    }
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner, {
      service_area: '103',
      wards: 'thornton-heath',
      total_value: '3,000,000',
      duration_months: '12',
    });
    // One big lot: £3m a year is beyond half of a medium organisation's top income (£500,000).
    await commissioner.post(`/opportunities/${slug}/lots/new`, { number: '1', title: 'Everything', value: '3000000' });
    let page = await commissioner.get(`/opportunities/${slug}`);
    expect(page.body).toContain('No lot is within reach of small or medium organisations');
    expect(page.body).toContain('govuk-warning-text');
    expect(page.body).toContain('active and listed in the directory, with a known income');
    expect(page.body).toContain('in at least one of the wards Thornton Heath');
    const o = (await t.services.opportunities.bySlug(slug))!;
    const reach = await t.services.opportunities.reach(o);
    const band = (code: string) => reach.lots[0]!.bands.find((b) => b.code === code)!;
    expect(band('small')).toMatchObject({ eligible: 1, withinReach: false });
    expect(band('medium')).toMatchObject({ eligible: 1, withinReach: false });
    expect(band('micro').eligible).toBe(0);
    expect(band('large').withinReach).toBe(true);
    expect((await commissioner.get(`/opportunities/${slug}/publish`)).body).toContain(
      'No lot is within reach of small or medium organisations',
    );

    // Splitting out a £40,000 lot brings small organisations within reach.
    await commissioner.post(`/opportunities/${slug}/lots/new`, {
      number: '2',
      title: 'Peer support group',
      value: '40000',
      suits_small: 'yes',
    });
    page = await commissioner.get(`/opportunities/${slug}`);
    expect(page.body).not.toContain('No lot is within reach of small or medium organisations');
    expect(page.body).toContain('Suits small organisations');
    const again = await t.services.opportunities.reach((await t.services.opportunities.bySlug(slug))!);
    expect(again.lots[1]!.bands.find((b) => b.code === 'small')!.withinReach).toBe(true);
  });

  it('reaches micro and small organisations with small grants, and with a lot that suits them', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await createDraft(commissioner, { total_value: '90,000', duration_months: '24' });
    const lot = (number: string, fields: Record<string, string>) =>
      commissioner.post(`/opportunities/${slug}/lots/new`, { number, title: `Lot ${number}`, ...fields });
    // The most one application can ask for may not be more than the lot.
    const tooBig = await lot('1', { value: '30000', max_award: '40000' });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.body).toContain('must be no more than the value of the lot');
    // £30,000 of grants up to £5,000 each, marked as suiting small organisations (the demo's small grants).
    expect((await lot('1', { value: '30000', max_award: '5000', suits_small: 'yes' })).statusCode).toBe(303);
    // The same grants, not marked: each is £2,500 a year, within half of a micro organisation's £10,000.
    expect((await lot('2', { value: '30000', max_award: '5,000' })).statusCode).toBe(303);
    // £30,000 as one award, marked as suiting small organisations.
    expect((await lot('3', { value: '30000', suits_small: 'yes' })).statusCode).toBe(303);
    const o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.lots.map((l) => l.max_award_pence && Number(l.max_award_pence))).toEqual([500_000, 500_000, null]);
    const reach = await t.services.opportunities.reach(o);
    const within = (i: number, code: string) => reach.lots[i]!.bands.find((b) => b.code === code)!.withinReach;
    for (const i of [0, 1, 2]) {
      expect(within(i, 'micro'), `lot ${i + 1}, micro`).toBe(true);
      expect(within(i, 'small'), `lot ${i + 1}, small`).toBe(true);
    }
    const page = await commissioner.get(`/opportunities/${slug}`);
    expect(page.body).toContain('One application can ask for up to £5,000.');

    // The opportunity may set its own most, for every lot, but not above its total value.
    const { spec } = await readySpecification(t.services, t.handle.db);
    const over = await commissioner.post(
      `/specifications/${spec.slug}/opportunity`,
      form({ total_value: '90,000', max_award: '100,000' }),
    );
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('must be no more than the total value');
    const capped = await createDraft(commissioner, { total_value: '90,000', max_award: '4,000' });
    expect(Number((await t.services.opportunities.bySlug(capped.slug))!.max_award_pence)).toBe(400_000);
    expect((await commissioner.get(`/opportunities/${capped.slug}/details`)).body).toMatch(
      /id="max_award"[^>]*value="4,?000"|value="4,?000"[^>]*id="max_award"/,
    );
  });
});

describe('the lifecycle', () => {
  it('moves only as the machine allows, by whom it allows, writing and auditing each move', async () => {
    const { opportunity: o, commissioner } = await publishedOpportunity(t.services, t.handle.db);
    const opps = t.services.opportunities;
    expect(await opps.transition(o.id, 'open', { actor: commissioner })).toMatchObject({ ok: false, status: 409 });
    const member = { id: commissioner.id, role: 'vcs_member' as const };
    expect(await opps.transition(o.id, 'cancelled', { actor: member, reason: 'No' })).toMatchObject({ status: 403 });
    // Awards and decisions move it with no person making the move.
    expect(await opps.transition(o.id, 'closed')).toMatchObject({ ok: true, from: 'open' });
    expect(await opps.transition(o.id, 'awarded')).toMatchObject({ ok: true, from: 'closed' });
    expect(await opps.transition(o.id, 'cancelled', { actor: commissioner })).toMatchObject({ status: 409 });
    expect((await opps.bySlug(o.slug))!.status).toBe('awarded');
    expect((await audits('opportunity.awarded')).some((a) => a.entity_id === o.id)).toBe(true);
    expect(await opps.transition('not-an-id', 'closed')).toMatchObject({ status: 404 });
  });
});

describe('publishing', () => {
  it('refuses until it is complete, saying what is missing, then opens and publishes the specification', async () => {
    const commissioner = await t.as('commissioner');
    const { slug, spec } = await createDraft(commissioner, { total_value: '100000' });
    const refused = await commissioner.post(`/opportunities/${slug}/publish`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('This opportunity cannot be published yet');
    expect(refused.body).toContain('Add at least one lot');
    expect(refused.body).toContain('Add at least one application question');
    expect(refused.body).toContain('Add assessment criteria whose weights add up to 100%');

    await commissioner.post(`/opportunities/${slug}/lots/new`, { number: '1', title: 'North', value: '60000' });
    await commissioner.post(`/opportunities/${slug}/questions`, { prompt: 'How will you reach carers?' });
    await commissioner.post(`/opportunities/${slug}/criteria`, { title: 'Local need', weight: '70', max_score: '5' });
    const partly = await commissioner.post(`/opportunities/${slug}/publish`);
    expect(partly.statusCode).toBe(400);
    expect(partly.body).toContain('The lots add up to £60,000 but the total value is £100,000');
    expect(partly.body).toContain('The assessment criteria weights add up to 70%: they must add up to 100%');
    expect(partly.body).not.toContain('Add at least one application question');

    await commissioner.post(`/opportunities/${slug}/lots/new`, { number: '2', title: 'South', value: '40000' });
    await commissioner.post(`/opportunities/${slug}/criteria`, { title: 'Value', weight: '30', max_score: '5' });
    // A closing date that has passed is refused too.
    await t.handle.db
      .updateTable('opportunity')
      .set({ closes_at: new Date(Date.now() - 60_000) })
      .where('slug', '=', slug)
      .execute();
    const late = await commissioner.post(`/opportunities/${slug}/publish`);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Change the closing date to a date in the future');
    await t.handle.db
      .updateTable('opportunity')
      .set({ closes_at: new Date(Date.now() + 7 * 86_400_000) })
      .where('slug', '=', slug)
      .execute();

    expect((await (await t.as('vcs_member')).post(`/opportunities/${slug}/publish`)).statusCode).toBe(403);
    const ok = await commissioner.post(`/opportunities/${slug}/publish`);
    expect(ok.statusCode).toBe(303);
    const o = (await t.services.opportunities.bySlug(slug))!;
    expect(o.status).toBe('open');
    expect(o.published_at).not.toBeNull();
    expect(o.published_by).toBe(commissioner.userId);
    const specNow = await t.handle.db
      .selectFrom('specification')
      .selectAll()
      .where('id', '=', spec.id)
      .executeTakeFirstOrThrow();
    expect(specNow.status).toBe('published');
    expect((await audits('opportunity.published')).some((a) => a.entity_id === o.id)).toBe(true);

    // Now public, and no longer editable.
    const visitor = await t.as(null);
    expect((await visitor.get(`/opportunities/${slug}`)).statusCode).toBe(200);
    expect(
      (await commissioner.post(`/opportunities/${slug}/lots/new`, { number: '3', title: 'x', value: '1' })).statusCode,
    ).toBe(409);
    expect((await commissioner.get(`/opportunities/${slug}/details`)).statusCode).toBe(409);
    expect((await commissioner.post(`/opportunities/${slug}/publish`)).statusCode).toBe(409);
  });

  it('refuses when the specification is no longer ready', async () => {
    const commissioner = await t.as('commissioner');
    const { slug, spec } = await createDraft(commissioner);
    // A new version resets the sign-offs.
    await t.handle.db
      .updateTable('specification_coproducer')
      .set({ signed_off_version_id: null })
      .where('specification_id', '=', spec.id)
      .execute();
    const res = await commissioner.post(`/opportunities/${slug}/publish`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The specification is not ready');
  });
});

describe('clarification questions', () => {
  it('are asked privately by members of organisations, answered by staff and shown to all without the asker', async () => {
    const { opportunity: o } = await publishedOpportunity(t.services, t.handle.db);
    const url = `/opportunities/${o.slug}`;
    const resident = await t.as('resident');
    expect((await resident.post(`${url}/clarifications`, { question: 'Can residents bid?' })).statusCode).toBe(403);
    expect((await (await t.as(null)).post(`${url}/clarifications`, { question: 'x' })).statusCode).toBe(401);

    const member = await vcsMember('Priya Asker');
    const page = await member.get(url);
    expect(page.body).toContain('Ask a question');
    const empty = await member.post(`${url}/clarifications`, { question: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your question');
    const asked = await member.post(`${url}/clarifications`, { question: 'Can a lot be <shared> by two groups?' });
    expect(asked.statusCode).toBe(303);
    expect((await member.get(url)).body).toContain('Your questions waiting for an answer');

    const visitor = await t.as(null);
    const anonymous = await visitor.get(url);
    expect(anonymous.body).not.toContain('shared');
    expect(anonymous.body).toContain(`href="/sign-in?next=${encodeURIComponent(url)}"`);
    expect((await resident.get(url)).body).toContain('Find your organisation');

    const staff = await t.as('officer');
    expect((await staff.get(url)).body).toContain('(1 waiting)');
    const list = await staff.get(`${url}/clarifications`);
    expect(list.body).toContain('Can a lot be &lt;shared&gt; by two groups?');
    expect((await member.get(`${url}/clarifications`)).statusCode).toBe(403);
    const row = await t.handle.db
      .selectFrom('clarification')
      .selectAll()
      .where('opportunity_id', '=', o.id)
      .executeTakeFirstOrThrow();
    const emptyAnswer = await staff.post(`${url}/clarifications/${row.id}/answer`, { answer: '' });
    expect(emptyAnswer.statusCode).toBe(400);
    expect(emptyAnswer.body).toContain(`href="#answer-${row.id}"`);
    expect(
      (await staff.post(`${url}/clarifications/${row.id}/answer`, { answer: 'Yes, as a partnership.' })).statusCode,
    ).toBe(303);
    expect((await staff.post(`${url}/clarifications/${row.id}/answer`, { answer: 'Again' })).statusCode).toBe(409);

    const shown = await visitor.get(url);
    expect(shown.body).toContain('Can a lot be &lt;shared&gt; by two groups?');
    expect(shown.body).toContain('Yes, as a partnership.');
    expect(shown.body).not.toContain('Priya Asker');
    const mail = await t.handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'clarification_answered')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.to_address).toMatch(/^val\./);
    expect(mail.body).toContain('Yes, as a partnership.');
    expect((await audits('clarification.answered')).some((a) => a.entity_id === row.id)).toBe(true);
  });

  it('are refused once clarifications have closed', async () => {
    const { opportunity: o } = await publishedOpportunity(t.services, t.handle.db, {
      clarificationsCloseAt: new Date(Date.now() + 86_400_000),
    });
    await t.handle.db
      .updateTable('opportunity')
      .set({ clarifications_close_at: new Date(Date.now() - 1000) })
      .where('id', '=', o.id)
      .execute();
    const member = await vcsMember();
    const res = await member.post(`/opportunities/${o.slug}/clarifications`, { question: 'Too late?' });
    expect(res.statusCode).toBe(409);
    expect((await member.get(`/opportunities/${o.slug}`)).body).toContain('Questions are now closed');
  });
});

describe('the public list and feed', () => {
  it('lists published opportunities, open first and closing soonest, with filters, a count and pagination', async () => {
    const day = 86_400_000;
    const tag = `Zq${++n}`;
    const { opportunity: soon } = await publishedOpportunity(t.services, t.handle.db, {
      title: `${tag} soon`,
      closesAt: new Date(Date.now() + 5 * day),
      serviceArea: '103',
      wards: ['thornton-heath'],
      totalValuePence: 2_000_000,
    });
    const { opportunity: later } = await publishedOpportunity(
      t.services,
      t.handle.db,
      {
        title: `${tag} later`,
        closesAt: new Date(Date.now() + 60 * day),
        route: 'light_touch_contract',
        totalValuePence: 50_000_000,
      },
      [{ title: 'All', valuePence: 50_000_000, suitsSmall: false }],
    );
    const { opportunity: closed } = await publishedOpportunity(t.services, t.handle.db, {
      title: `${tag} closed`,
      closesAt: new Date(Date.now() + 2 * day),
      totalValuePence: 5_000_000,
    });
    // Its closing time passes: it reads as closed and goes after the open ones.
    await t.handle.db
      .updateTable('opportunity')
      .set({ closes_at: new Date(Date.now() - day) })
      .where('id', '=', closed.id)
      .execute();

    const visitor = await t.as(null);
    const all = await visitor.get('/opportunities');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('<link rel="alternate" type="application/atom+xml"');
    const order = [soon, later, closed].map((o) => all.body.indexOf(`href="/opportunities/${o.slug}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[1]!);
    expect(order[1]).toBeLessThan(order[2]!);
    expect(all.body).toMatch(/\d+ opportunities/);

    const only = async (query: string) => {
      const res = await visitor.get(`/opportunities?${query}`);
      expect(res.statusCode).toBe(200);
      return [soon, later, closed]
        .filter((o) => res.body.includes(`href="/opportunities/${o.slug}"`))
        .map((o) => o.slug);
    };
    expect(await only('route=light_touch_contract')).toEqual([later.slug]);
    expect(await only('service_area=103')).toEqual([soon.slug]);
    // The others are for the whole borough, so they cover Thornton Heath too; one for Norbury does not.
    expect(await only('ward=thornton-heath')).toEqual([soon.slug, later.slug, closed.slug]);
    expect(await only('ward=norbury-park')).toEqual([later.slug, closed.slug]);
    expect(await only('min_value=100%2C000')).toEqual([later.slug]);
    expect(await only('max_value=20000')).toEqual([soon.slug]);
    expect(await only('min_value=20000&max_value=50000')).toEqual([soon.slug, closed.slug]);
    const tomorrow = new Date(Date.now() + day).toISOString().slice(0, 10);
    expect(await only(`closing_before=${tomorrow}`)).toEqual([closed.slug]);
    const [y, m, d] = tomorrow.split('-');
    expect(await only(`closing_before-day=${d}&closing_before-month=${m}&closing_before-year=${y}`)).toEqual([
      closed.slug,
    ]);
    expect(await only('suits_small=yes&route=light_touch_contract')).toEqual([]);
    const counted = await visitor.get('/opportunities?route=light_touch_contract&service_area=117');
    expect(counted.body).toContain('0 opportunities match your filters');
    const bad = await visitor.get('/opportunities?min_value=lots&closing_before=soon');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('Enter the lowest value in pounds');
    expect(bad.body).toContain('Closing before must be a real date');
    const impossible = await visitor.get(
      '/opportunities?closing_before-day=31&closing_before-month=2&closing_before-year=2027',
    );
    expect(impossible.body).toContain('Closing before must be a real date');
    expect(impossible.body).toContain('value="31"');
    expect(bad.body).toContain('value="lots"');

    // Pagination keeps the filters.
    for (let i = 0; i <= PAGE_SIZE; i++) {
      await publishedOpportunity(t.services, t.handle.db, {
        title: `Paged ${tag} ${i}`,
        route: 'partnership_agreement',
      });
    }
    const first = await visitor.get('/opportunities?route=partnership_agreement');
    expect(first.body).toContain('href="/opportunities?route=partnership_agreement&amp;page=2"');
    const second = await visitor.get('/opportunities?route=partnership_agreement&page=2');
    expect(second.body).toContain('Previous');
  }, 120_000);

  it('publishes an Atom feed, escaped', async () => {
    const { opportunity: o } = await publishedOpportunity(t.services, t.handle.db, {
      title: 'Tea & talk <for> carers',
      summary: 'Fish & chips "on Fridays"',
    });
    const res = await (await t.as(null)).get('/opportunities.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/atom+xml');
    const xml = res.body;
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="');
    expect(xml).toMatch(/<updated>\d{4}-\d{2}-\d{2}T[\d:.]+Z<\/updated>/);
    expect(xml).toContain('<title type="text">Tea &amp; talk &lt;for&gt; carers</title>');
    expect(xml).toContain('Fish &amp; chips &quot;on Fridays&quot;');
    expect(xml).not.toContain('<for>');
    expect(xml).toContain(`<id>urn:ocds:${o.ocid}</id>`);
    expect(xml).toContain(`/opportunities/${o.slug}"/>`);
    // Every opened element is closed: a cheap check of well-formedness (the browser test parses it properly).
    const opened = (xml.match(/<entry>/g) ?? []).length;
    expect(opened).toBeGreaterThan(0);
    expect((xml.match(/<\/entry>/g) ?? []).length).toBe(opened);
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });
});
