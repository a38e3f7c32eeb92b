import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { insertClosedOpportunity } from '../../../../test/support/closed-opportunity.ts';
import { holdAuditLog, untilWaitingForLocks } from '../../../../test/support/locks.ts';
import { financialYear } from '../../../kernel/dates.ts';
import { financialYearRange, proposedMonitoring } from './rules.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

/** A closed opportunity with one successful application (a partnership) and one unsuccessful. */
async function decided(tag: string, route: 'grant' | 'light_touch_contract' = 'grant') {
  const o = await insertClosedOpportunity(t.services, t.handle.db, tag, { route });
  const lead = await o.org('Norbury Lunch Club');
  const partner = await o.org('Pollards Hill Pantry');
  const winner = await o.application(lead, o.lot1, {
    partners: [{ id: partner, role: 'Deliveries', sharePence: 1_500_000 }],
    requestedPence: 4_000_000,
  });
  const loser = await o.application(await o.org('Coulsdon Cooks'), o.lot1);
  await t.handle.db
    .updateTable('application')
    .set({ status: 'successful', feedback: 'Strong', decided_at: new Date() })
    .where('id', '=', winner.id)
    .execute();
  await t.handle.db
    .updateTable('application')
    .set({ status: 'unsuccessful', feedback: 'Weak', decided_at: new Date() })
    .where('id', '=', loser.id)
    .execute();
  return { o, winner, loser, lead, partner };
}

const date = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: d!, [`${prefix}-month`]: m!, [`${prefix}-year`]: y! };
};

function awardFields(indicatorId: string, payments: [string, string][]) {
  const fields: Record<string, string | string[]> = {
    kind: 'grant_agreement',
    title: 'Lunch clubs in Norbury',
    value: '40000',
    ...date('starts', '2027-04-01'),
    ...date('ends', '2028-03-31'),
    rows: String(payments.length),
    [`target-${indicatorId}`]: '140',
    monitoringLevel: 'standard',
    monitoringFrequency: 'six_monthly',
    monitoringPlan: 'Reports every six months.',
  };
  payments.forEach(([due, amount], i) => {
    Object.assign(fields, date(`payment-${i + 1}-due`, due));
    fields[`payment-${i + 1}-amount`] = amount;
    fields[`payment-${i + 1}-description`] = `Instalment ${i + 1}`;
  });
  return fields;
}

describe('monitoring proportionate to value', () => {
  it('proposes light, standard or full at the place’s thresholds, exactly at the boundaries', () => {
    const th = { lightBelowPounds: 25_000, fullFromPounds: 250_000 };
    expect(proposedMonitoring(2_499_999, th)).toEqual({ level: 'light', frequency: 'annually' });
    expect(proposedMonitoring(2_500_000, th)).toEqual({ level: 'standard', frequency: 'six_monthly' });
    expect(proposedMonitoring(24_999_999, th)).toEqual({ level: 'standard', frequency: 'six_monthly' });
    expect(proposedMonitoring(25_000_000, th)).toEqual({ level: 'full', frequency: 'quarterly' });
    // The place's own figures are the ones used.
    const place = t.services.awards.thresholds;
    expect(t.services.awards.proposedMonitoring(place.lightBelowPounds * 100 - 1).level).toBe('light');
    expect(t.services.awards.proposedMonitoring(place.fullFromPounds * 100).level).toBe('full');
  });

  it('fills the award form with the level, frequency and plan for the amount requested', async () => {
    const o = await insertClosedOpportunity(t.services, t.handle.db, 'thresholds');
    const commissioner = await t.as('commissioner');
    const actor = { id: commissioner.userId!, role: 'commissioner' as const };
    const { lightBelowPounds, fullFromPounds } = t.services.awards.thresholds;
    const cases: [number, string, string, string][] = [
      [lightBelowPounds * 100 - 1, 'light', 'annually', 'once a year'],
      [lightBelowPounds * 100, 'standard', 'six_monthly', 'every six months'],
      [fullFromPounds * 100 - 1, 'standard', 'six_monthly', 'every six months'],
      [fullFromPounds * 100, 'full', 'quarterly', 'every three months'],
    ];
    for (const [pence, level, frequency, words] of cases) {
      const app = await o.application(await o.org(`Org ${pence}`), o.lot1, { requestedPence: pence });
      await t.handle.db.updateTable('application').set({ status: 'successful' }).where('id', '=', app.id).execute();
      const draft = await t.services.awards.draft(actor, o.slug, app.reference);
      if (!draft.ok) throw new Error(draft.message);
      expect([draft.defaults.monitoringLevel, draft.defaults.monitoringFrequency]).toEqual([level, frequency]);
      expect(draft.defaults.monitoringPlan).toContain(words);
      expect(draft.defaults.payments).toEqual([
        { dueOn: '2027-04-01', amountPence: pence, description: 'First payment' },
      ]);
    }
  });

  it('reads financial years from April', () => {
    expect(financialYear('2027-03-31T12:00:00Z')).toBe('2026-27');
    expect(financialYear('2027-04-01T12:00:00Z')).toBe('2027-28');
  });

  it('starts the financial year at midnight on 1 April in London, in the list’s filter as in its labels', () => {
    // Midnight on 1 April is in summer time: 23:00 UTC on 31 March.
    const range = financialYearRange('2027-28')!;
    expect(range.from.toISOString()).toBe('2027-03-31T23:00:00.000Z');
    expect(range.to.toISOString()).toBe('2028-03-31T23:00:00.000Z');
    expect(financialYear(range.from)).toBe('2027-28');
    expect(financialYear(new Date(range.from.getTime() - 1))).toBe('2026-27');
    expect(financialYearRange('2027-29')).toBeNull();
  });
});

describe('making an award', () => {
  it('starts from the application: kind by route, value, targets and the proposed monitoring plan', async () => {
    const s = await decided('defaults');
    const commissioner = await t.as('commissioner');
    const form = await commissioner.get(`/opportunities/${s.o.slug}/awards/new?application=${s.winner.reference}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/value="grant_agreement" checked/);
    expect(form.body).toMatch(/name="value"[^>]*value="40000"/);
    expect(form.body).toMatch(new RegExp(`name="target-${s.o.indicatorId}"[^>]*value="150"`));
    // £40,000 is between £25,000 and £250,000: standard, six-monthly.
    expect(form.body).toMatch(/value="standard" checked/);
    expect(form.body).toMatch(/value="six_monthly" checked/);
    expect(form.body).toContain('A report every six months');

    const contract = await decided('contract', 'light_touch_contract');
    const form2 = await commissioner.get(
      `/opportunities/${contract.o.slug}/awards/new?application=${contract.winner.reference}`,
    );
    expect(form2.body).toMatch(/value="contract" checked/);
  });

  it('refuses a payment schedule that does not add up to the value, keeping what was typed', async () => {
    const s = await decided('payments');
    const commissioner = await t.as('commissioner');
    const url = `/opportunities/${s.o.slug}/awards/new?application=${s.winner.reference}`;
    const bad = await commissioner.post(
      url,
      awardFields(s.o.indicatorId, [
        ['2027-04-01', '20000'],
        ['2027-10-01', '19999.99'],
      ]),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The payments add up to £39,999.99 but the value is £40,000: they must be equal');
    expect(bad.body).toContain('value="19999.99"');
    expect(
      await t.handle.db.selectFrom('award').select('id').where('application_id', '=', s.winner.id).execute(),
    ).toHaveLength(0);

    // "Add another payment" gives one more row without losing anything.
    const more = await commissioner.post(url, {
      ...awardFields(s.o.indicatorId, [['2027-04-01', '20000']]),
      action: 'add',
    });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('name="payment-2-amount"');
    expect(more.body).toContain('value="20000"');

    const good = await commissioner.post(
      url,
      awardFields(s.o.indicatorId, [
        ['2027-04-01', '20000'],
        ['2027-10-01', '20000'],
      ]),
    );
    expect(good.statusCode).toBe(303);
    const slug = String(good.headers.location).replace('/awards/', '');
    const award = await t.services.awards.bySlug(slug);
    expect(award?.value_pence).toBe(4_000_000);
    expect(award?.payments.map((p) => [p.due_on, p.amount_pence])).toEqual([
      ['2027-04-01', 2_000_000],
      ['2027-10-01', 2_000_000],
    ]);
    expect(award?.targets.map((x) => Number(x.target))).toEqual([140]);
    // Every successful application has its award and nothing waits: the opportunity is awarded.
    const opp = await t.handle.db
      .selectFrom('opportunity')
      .select('status')
      .where('id', '=', s.o.id)
      .executeTakeFirstOrThrow();
    expect(opp.status).toBe('awarded');
    // A second award for the same application is refused; the same title gets its own address.
    const again = await commissioner.post(url, awardFields(s.o.indicatorId, [['2027-04-01', '40000']]));
    expect(again.statusCode).toBe(409);
    const againForm = await commissioner.get(url);
    expect(againForm.statusCode).toBe(409);
    expect(againForm.body).toContain(`/awards/${slug}`);

    const other = await decided('payments-two');
    const second = await commissioner.post(
      `/opportunities/${other.o.slug}/awards/new?application=${other.winner.reference}`,
      awardFields(other.o.indicatorId, [['2027-04-01', '40000']]),
    );
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(`/awards/${slug}-2`);
  });

  it('is only for commissioners, and only for a successful application', async () => {
    const s = await decided('permissions');
    const url = (ref: string) => `/opportunities/${s.o.slug}/awards/new?application=${ref}`;
    for (const role of ['resident', 'vcs_member', 'officer'] as const) {
      const client = await t.as(role);
      expect((await client.get(url(s.winner.reference))).statusCode).toBe(403);
      expect(
        (await client.post(url(s.winner.reference), awardFields(s.o.indicatorId, [['2027-04-01', '40000']])))
          .statusCode,
      ).toBe(403);
    }
    const commissioner = await t.as('commissioner');
    const loser = await commissioner.post(
      url(s.loser.reference),
      awardFields(s.o.indicatorId, [['2027-04-01', '40000']]),
    );
    expect(loser.statusCode).toBe(409);
    expect(loser.body).toContain('only to an application decided as successful');
  });
});

describe('the public register', () => {
  it('lists awards with filters, count and total, and shows each with partners, payments, targets and the chain', async () => {
    const s = await decided('public');
    const commissioner = await t.as('commissioner');
    const made = await commissioner.post(`/opportunities/${s.o.slug}/awards/new?application=${s.winner.reference}`, {
      ...awardFields(s.o.indicatorId, [['2027-04-01', '40000']]),
      title: 'Public lunch clubs',
    });
    expect(made.statusCode).toBe(303);
    const slug = String(made.headers.location).replace('/awards/', '');
    const fy = financialYear(new Date());

    const anonymous = await t.as(null);
    const all = await anonymous.get('/awards');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Public lunch clubs');
    const filtered = await anonymous.get(`/awards?year=${fy}&area=adult_social_care&route=grant`);
    expect(filtered.body).toContain('Public lunch clubs');
    const list = await t.services.awards.list({ year: fy, area: 'adult_social_care', route: 'grant' });
    expect(list.count).toBe(list.rows.length);
    expect(list.totalPence).toBe(list.rows.reduce((sum, r) => sum + r.value_pence, 0));
    expect(filtered.body).toContain(`${list.count} award${list.count === 1 ? '' : 's'} worth`);
    const none = await anonymous.get('/awards?route=partnership_agreement');
    expect(none.body).not.toContain('Public lunch clubs');
    expect(none.body).toContain('0 awards worth £0 in total');

    const page = await anonymous.get(`/awards/${slug}`);
    expect(page.statusCode).toBe(200);
    for (const text of [
      'Norbury Lunch Club public',
      'Pollards Hill Pantry public',
      'Deliveries',
      '£15,000.00',
      '£40,000.00',
      '1 April 2027 to 31 March 2028',
      'People getting a hot meal each week',
      'Reports every six months.',
      `/opportunities/${s.o.slug}`,
      '/specifications/meals-service-public',
      '/needs/meals-public',
    ])
      expect(page.body).toContain(text);

    expect((await t.services.awards.forOpportunity(s.o.id)).map((a) => a.slug)).toEqual([slug]);
    expect((await t.services.awards.forNeed(s.o.needId)).map((a) => a.slug)).toEqual([slug]);
    expect((await anonymous.get('/awards/no-such-award')).statusCode).toBe(404);
  });
});

// PGlite runs one transaction at a time, so only a server shows what the row lock does.
describe.skipIf(process.env.TEST_DB !== 'postgres')('an award arriving while the opportunity is cancelled', () => {
  it('waits for the cancellation and is refused, leaving no award', async () => {
    const s = await decided('award-race');
    const commissioner = await t.as('commissioner');
    const staff = { id: commissioner.userId!, role: 'commissioner' as const };
    // The cancellation is written and held open before its audit record; the award comes meanwhile.
    const audit = await holdAuditLog(t.handle.db);
    const cancelling = t.services.opportunities.cancel(staff, s.o.slug, 'The service is moving in-house');
    await untilWaitingForLocks(t.handle.db, 1);
    const awarding = commissioner.post(
      `/opportunities/${s.o.slug}/awards/new?application=${s.winner.reference}`,
      awardFields(s.o.indicatorId, [['2027-04-01', '40000']]),
    );
    // Without the opportunity's row held while the award is made, it would be written beside the cancellation.
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    expect(await cancelling).toEqual({ ok: true });
    const res = await awarding;
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This opportunity was cancelled, so no award can be made.');
    const awards = await t.handle.db.selectFrom('award').select('id').where('opportunity_id', '=', s.o.id).execute();
    expect(awards).toHaveLength(0);
  });
});
