import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import {
  approveMember,
  insertOpenOpportunity,
  insertOrganisation,
  type OpenOpportunity,
} from '../../../../test/support/applications.ts';
import { holdAuditLog, untilWaitingForLocks } from '../../../../test/support/locks.ts';
import { plainDateTime } from './rules.ts';

let t: TestContext;
let n = 0;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const tag = () => `a${++n}${Date.now() % 100000}`;

/** A VCS member, approved in a new organisation of their own. */
async function member(orgName: string, identifiers: string[] = []) {
  const k = ++n;
  const email = `member.${k}@example.test`;
  const client = await t.as('vcs_member', { email, name: `Member ${k}` });
  const org = await insertOrganisation(t.services, `${orgName} ${k}`, identifiers);
  await approveMember(t.handle.db, client.userId!, org.id);
  return { client, email, org };
}

async function start(client: TestClient, o: OpenOpportunity, organisation: string, kind = 'single', lot = '') {
  const res = await client.post(`/opportunities/${o.slug}/apply`, { organisation, kind, lot });
  expect(res.statusCode, res.body).toBe(303);
  const reference = String(res.headers.location).replace('/applications/', '');
  expect(reference).toMatch(/^APP-\d{4}-\d{6}$/);
  return reference;
}

async function fill(client: TestClient, reference: string, o: OpenOpportunity, requested = '10000') {
  const base = `/applications/${reference}`;
  expect((await client.post(`${base}/about`, { title: 'Weekly breaks', requested })).statusCode).toBe(303);
  const answers = await client.post(`${base}/answers`, {
    [`answer-${o.questions[0]!.id}`]: 'Through GP surgeries and the carers centre.',
    [`answer-${o.questions[1]!.id}`]: 'Two paid sessional workers and trained volunteers.',
  });
  expect(answers.statusCode).toBe(303);
  const budget = await client.post(`${base}/budget`, {
    rows: '3',
    'heading-0': 'Staff',
    'amount-0': String(Number(requested.replace(/,/g, '')) - 1000),
    'heading-1': 'Venue hire',
    'amount-1': '1000',
  });
  expect(budget.statusCode).toBe(303);
  const fields: Record<string, string> = {};
  for (const i of o.indicators) {
    fields[`target-${i.id}`] = '60';
    fields[`note-${i.id}`] = 'Counted from the register';
  }
  expect((await client.post(`${base}/commitments`, fields)).statusCode).toBe(303);
}

async function outbox(to: string) {
  return t.handle.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();
}

async function idOf(reference: string) {
  return (await t.services.applications.byReference(reference))!.id;
}

describe('starting an application', () => {
  it('lets a member start one for their organisation, once per lot, and refuses others’ organisations', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag(), { lots: 2 });
    const { client, org } = await member('Norbury Neighbours');
    const opportunityPage = await client.get(`/opportunities/${o.slug}`);
    expect(opportunityPage.body).toContain(`href="/opportunities/${o.slug}/apply"`);
    expect((await (await t.as(null)).get(`/opportunities/${o.slug}`)).body).toContain('Sign in to apply');
    const form = await client.get(`/opportunities/${o.slug}/apply`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(org.name);
    expect(form.body).toContain('Lot 2: Lot 2 area');

    const noLot = await client.post(`/opportunities/${o.slug}/apply`, { organisation: org.id, kind: 'single' });
    expect(noLot.statusCode).toBe(400);
    expect(noLot.body).toContain('Choose which lot you are applying for');

    const other = await insertOrganisation(t.services, `Somebody Else ${n}`);
    const notMine = await client.post(`/opportunities/${o.slug}/apply`, {
      organisation: other.id,
      kind: 'single',
      lot: o.lots[0]!.id,
    });
    expect(notMine.statusCode).toBe(400);
    expect(notMine.body).toContain('Choose which of your organisations leads the application');

    const first = await start(client, o, org.id, 'single', o.lots[0]!.id);
    const again = await client.post(`/opportunities/${o.slug}/apply`, {
      organisation: org.id,
      kind: 'partnership',
      lot: o.lots[0]!.id,
    });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain(`already has an application (${first})`);
    // Another lot is another application; after withdrawing, the same lot is open again.
    await start(client, o, org.id, 'single', o.lots[1]!.id);
    expect((await client.post(`/applications/${first}/withdraw`, { reason: 'Wrong lot' })).statusCode).toBe(303);
    await start(client, o, org.id, 'single', o.lots[0]!.id);

    const page = await client.get(`/applications/${first}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Withdrawn');
    expect(page.body).toContain('Wrong lot');
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', await idOf(first))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['application.started', 'application.withdrawn']),
    );
  });

  it('makes only one application when two starts arrive at once', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Double Clickers');
    const actor = { id: client.userId!, role: 'vcs_member' as const };
    const input = { organisationId: org.id, lotId: null, kind: 'single' as const };
    const results = await Promise.all([
      t.services.applications.start(actor, o.slug, input),
      t.services.applications.start(actor, o.slug, input),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ status: 409 });
    expect(await t.services.applications.forOpportunity(o.id)).toHaveLength(1);
  });

  it('tells a member with no approved organisation how to join one, and refuses a closed opportunity', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const loner = await t.as('vcs_member');
    const page = await loner.get(`/opportunities/${o.slug}/apply`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('once you are an approved member');

    const closed = await insertOpenOpportunity(t.handle.db, tag(), { closesAt: new Date(Date.now() - 60_000) });
    const { client, org } = await member('Late Starters');
    const res = await client.post(`/opportunities/${closed.slug}/apply`, { organisation: org.id, kind: 'single' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Applications can no longer be started');
    expect((await client.get('/opportunities/no-such-thing/apply')).statusCode).toBe(404);
  });
});

describe('what the forms check', () => {
  it('says everything missing from the start form at once', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag(), { lots: 2 });
    const { client } = await member('Everything Missing');
    const res = await client.post(`/opportunities/${o.slug}/apply`, {});
    expect(res.statusCode).toBe(400);
    const summary = res.body.slice(
      res.body.indexOf('govuk-error-summary'),
      res.body.indexOf('</ul>', res.body.indexOf('govuk-error-summary')),
    );
    expect(summary).toContain('Choose which of your organisations leads the application');
    expect(summary).toContain('Choose which lot you are applying for');
    expect(summary).toContain('Choose whether you are applying alone or as a partnership');
  });

  it('says a bad target and an overlong note on the same commitment together', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Targets Group');
    const reference = await start(client, o, org.id);
    const i = o.indicators[0]!;
    const res = await client.post(`/applications/${reference}/commitments`, {
      [`target-${i.id}`]: 'lots',
      [`note-${i.id}`]: 'x'.repeat(1001),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('as a number, like 120');
    expect(res.body).toContain('must be 1,000 characters or fewer');
  });

  it('refuses a request over the most one application may ask for, with the other problems of the form', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag(), { lots: 2 });
    // Lot 1: £60,000 of grants up to £5,000 each.
    await t.handle.db.updateTable('lot').set({ max_award_pence: 500_000 }).where('id', '=', o.lots[0]!.id).execute();
    const { client, org } = await member('Small Grants Club');
    const reference = await start(client, o, org.id, 'single', o.lots[0]!.id);
    const about = `/applications/${reference}/about`;
    expect((await client.get(about)).body).toContain('You can ask for up to £5,000');
    const both = await client.post(about, { title: '', requested: '15,000' });
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('Enter a title for your application');
    expect(both.body).toContain('The amount you are asking for must be £5,000 or less');
    expect((await client.post(about, { title: 'Football', requested: '15000' })).statusCode).toBe(400);
    expect((await t.services.applications.byReference(reference))!.requested_pence).toBeNull();
    // The service refuses it too, whatever the form sends.
    const direct = await t.services.applications.saveAbout({ id: client.userId!, role: 'vcs_member' }, reference, {
      title: 'Football',
      requestedPence: 1_500_000,
    });
    expect(direct).toMatchObject({ ok: false, status: 400 });
    expect((await client.post(about, { title: 'Football', requested: '5,000' })).statusCode).toBe(303);

    // Lot 2 has no maximum of its own: its value (£60,000) is the most.
    const other = await start(client, o, org.id, 'single', o.lots[1]!.id);
    const over = await client.post(`/applications/${other}/about`, { title: 'Everything', requested: '60,000.01' });
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('must be £60,000 or less, the value of lot 2');
    // An opportunity's own maximum caps every lot.
    await t.handle.db.updateTable('opportunity').set({ max_award_pence: 400_000 }).where('id', '=', o.id).execute();
    const capped = await client.post(about, { title: 'Football', requested: '4,500' });
    expect(capped.statusCode).toBe(400);
    expect(capped.body).toContain('must be £4,000 or less, the most one application can ask for');
    // Saved before the cap, £5,000 now stops submission, saying why.
    const check = await client.post(`/applications/${reference}/submit`);
    expect(check.body).toContain('must be £4,000 or less');
  });
});

describe('a single organisation applying', () => {
  it('completes every task, submits, and is then read-only, with a confirmation by email', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, email, org } = await member('Thornton Heath Carers', ['GB-CHC-1170001']);
    const reference = await start(client, o, org.id);
    const base = `/applications/${reference}`;

    const empty = await client.get(base);
    expect(empty.body).toContain('Not yet started');
    expect(empty.body).toContain('You have completed 0 of 4 sections');
    const early = await client.post(`${base}/submit`);
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Your application cannot be submitted yet');
    // Every question left unanswered is named, all at once.
    expect(early.body).toContain('Answer question 1: How will carers find you?');
    expect(early.body).toContain('Answer question 2:');

    const badAbout = await client.post(`${base}/about`, { title: '', requested: 'lots' });
    expect(badAbout.statusCode).toBe(400);
    expect(badAbout.body).toContain('Enter a title for your application');
    expect(badAbout.body).toContain('in pounds, like 12500');

    await fill(client, reference, o, '12,500');
    const ready = await client.get(base);
    expect(ready.body).toContain('You have completed 4 of 4 sections');
    expect(ready.body).toContain('Ready to submit');
    const check = await client.get(`${base}/check`);
    expect(check.body).toContain('£12,500.00');
    expect(check.body).toContain('How will carers find you?');

    expect((await client.post(`${base}/submit`)).statusCode).toBe(303);
    const after = await client.get(base);
    expect(after.body).toContain('Submitted');
    expect(after.body).not.toContain(`${base}/about"`);
    expect((await client.get(`${base}/about`)).statusCode).toBe(409);
    const change = await client.post(`${base}/about`, { title: 'Changed', requested: '1' });
    expect(change.statusCode).toBe(409);
    expect((await t.services.applications.byReference(reference))!.title).toBe('Weekly breaks');

    const mail = await outbox(email);
    expect(mail.map((m) => m.kind)).toContain('application_submitted');
    expect(mail.find((m) => m.kind === 'application_submitted')!.body).toContain(reference);

    const full = (await t.services.applications.full(await idOf(reference)))!;
    expect(full.application.status).toBe('submitted');
    expect(full.application.requested_pence).toBe(1_250_000);
    expect(full.partners).toEqual([
      expect.objectContaining({
        organisation_id: org.id,
        is_lead: true,
        share_pence: 1_250_000,
        identifiers: ['GB-CHC-1170001'],
      }),
    ]);
    expect(full.answers.map((a) => a.prompt)).toEqual(['How will carers find you?', 'Who will run the sessions?']);
    expect(full.budgetTotal).toBe(1_250_000);
    expect(full.commitments.map((c) => [c.indicator_name, c.target])).toEqual([
      ['Carers with a break each month', '60'],
      ['Hours of sitting service', '60'],
    ]);
    expect(await t.services.applications.organisationIds(await idOf(reference))).toEqual([org.id]);
    const submitted = await t.services.applications.forOpportunity(o.id, { status: 'submitted' });
    expect(submitted.map((r) => r.reference)).toEqual([reference]);
    expect(await t.services.applications.forOpportunity(o.id, { status: 'draft' })).toEqual([]);
  });

  it('refuses an answer over its word limit with the character-count message, keeping what was typed', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Wordy Group');
    const reference = await start(client, o, org.id);
    const long = 'one two three four five six seven eight nine ten eleven';
    const res = await client.post(`/applications/${reference}/answers`, {
      [`answer-${o.questions[0]!.id}`]: long,
      [`answer-${o.questions[1]!.id}`]: 'Volunteers',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Answer 1 must be 10 words or fewer');
    expect(res.body).toContain(`href="#answer-${o.questions[0]!.id}"`);
    expect(res.body).toContain(long);
    const full = (await t.services.applications.full(await idOf(reference)))!;
    expect(full.answers.every((a) => a.body === '')).toBe(true);
  });

  it('only submits when the budget adds up to the amount requested', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Budget Group');
    const reference = await start(client, o, org.id);
    await fill(client, reference, o, '5000');
    await client.post(`/applications/${reference}/about`, { title: 'Weekly breaks', requested: '6000' });
    const refused = await client.post(`/applications/${reference}/submit`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The budget adds up to £5,000 but the amount requested is £6,000');
    const bad = await client.post(`/applications/${reference}/budget`, {
      rows: '2',
      'heading-0': 'Staff',
      'amount-0': 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the amount for budget line 1 in pounds');
    await client.post(`/applications/${reference}/budget`, { rows: '1', 'heading-0': 'Staff', 'amount-0': '6000' });
    expect((await client.post(`/applications/${reference}/submit`)).statusCode).toBe(303);
  });

  it('refuses a late submission with the closing date in plain English', async () => {
    const closesAt = new Date('2027-01-14T12:00:00Z');
    const o = await insertOpenOpportunity(t.handle.db, tag(), { closesAt });
    const { client, org } = await member('Late Group');
    const reference = await start(client, o, org.id);
    await fill(client, reference, o);
    const actor = { id: client.userId!, role: 'vcs_member' as const };
    const late = await t.services.applications.submit(actor, reference, new Date('2027-01-14T12:00:01Z'));
    expect(late).toMatchObject({
      ok: false,
      status: 409,
      message: 'The closing date was 14 January 2027 at 12pm. Applications can no longer be submitted.',
    });
    // Through the web, once the closing time has passed.
    await t.handle.db
      .updateTable('opportunity')
      .set({ closes_at: new Date('2026-01-14T17:30:00Z') })
      .where('id', '=', o.id)
      .execute();
    const res = await client.post(`/applications/${reference}/submit`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(
      'The closing date was 14 January 2026 at 5:30pm. Applications can no longer be submitted.',
    );
    expect((await t.services.applications.byReference(reference))!.status).toBe('draft');
    // Nor can the draft be changed: the page says why, in place of the task list.
    const closed =
      'The closing date was 14 January 2026 at 5:30pm, so this draft can no longer be changed or submitted.';
    const page = await client.get(`/applications/${reference}`);
    expect(page.body).toContain(closed);
    expect(page.body).not.toContain('Check and submit');
    for (const res of [
      await client.get(`/applications/${reference}/about`),
      await client.post(`/applications/${reference}/about`, { title: 'Changed after closing', requested: '6000' }),
    ]) {
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(closed);
    }
    expect((await t.services.applications.byReference(reference))!.title).not.toBe('Changed after closing');
    expect(plainDateTime(new Date('2027-06-01T11:00:00Z'))).toBe('1 June 2027 at 12pm');
    await t.handle.db
      .updateTable('opportunity')
      .set({ status: 'cancelled', closes_at: new Date(Date.now() + 3600_000) })
      .where('id', '=', o.id)
      .execute();
    const cancelled = await client.post(`/applications/${reference}/submit`);
    expect(cancelled.statusCode).toBe(409);
    expect(cancelled.body).toContain('This opportunity has been cancelled. Applications can no longer be submitted.');
  });
});

// PGlite runs one transaction at a time, so only a server shows what the row lock does.
describe.skipIf(process.env.TEST_DB !== 'postgres')('a submission arriving while the opportunity is cancelled', () => {
  it('waits for the cancellation to finish and is then refused, saying the opportunity was cancelled', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Last Minute Carers');
    const reference = await start(client, o, org.id);
    await fill(client, reference, o);
    const staff = { id: (await t.as('commissioner')).userId!, role: 'commissioner' as const };

    // The cancellation is held open after it has locked and changed the opportunity, before its audit record.
    const audit = await holdAuditLog(t.handle.db);
    const cancelling = t.services.opportunities.cancel(staff, o.slug, 'The service is moving in-house');
    await untilWaitingForLocks(t.handle.db, 1);
    const submitting = client.post(`/applications/${reference}/submit`);
    // The submission waits too: for the opportunity's row (without that lock it would read the opportunity as
    // still open and wait only to write its own audit record, then go through).
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    expect(await cancelling).toEqual({ ok: true });
    const res = await submitting;
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This opportunity has been cancelled. Applications can no longer be submitted.');
    expect((await t.services.applications.byReference(reference))!.status).toBe('draft');
  });
});

describe('a partnership', () => {
  it('adds partners from the directory, needs shares to add up and every partner to confirm', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const lead = await member('Croydon Carers Partnership Lead');
    const partner = await member('Bensham Sitting Service', ['GB-CHC-1170002']);
    const removed = await insertOrganisation(t.services, `Bensham Closed Club ${n}`);
    await t.handle.db.updateTable('organisation').set({ status: 'removed' }).where('id', '=', removed.id).execute();
    const reference = await start(lead.client, o, lead.org.id, 'partnership');
    const base = `/applications/${reference}`;
    await fill(lead.client, reference, o, '10000');

    const search = await lead.client.get(`${base}/partners?q=Bensham`);
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain(partner.org.name);
    expect(search.body).not.toContain(removed.name);
    const noRole = await lead.client.post(`${base}/partners`, {
      q: 'Bensham',
      organisation: partner.org.id,
      share: '4000',
    });
    expect(noRole.statusCode).toBe(400);
    expect(noRole.body).toContain('Say what the organisation will do in the partnership');
    const inactive = await lead.client.post(`${base}/partners`, {
      organisation: removed.id,
      role: 'Sitting',
      share: '1',
    });
    expect(inactive.statusCode).toBe(400);
    expect(inactive.body).toContain('Choose an active organisation from the directory');
    const added = await lead.client.post(`${base}/partners`, {
      organisation: partner.org.id,
      role: 'Runs the sitting service',
      share: '4000',
    });
    expect(added.statusCode).toBe(303);
    const asked = await outbox(partner.email);
    expect(asked.map((m) => m.kind)).toEqual(['application_partner_confirmation']);
    expect(asked[0]!.body).toContain(`/applications/${reference}`);

    // Shares: the lead's own row has a share too, and together they must make the amount requested.
    const sharesOff = await lead.client.post(`${base}/submit`);
    expect(sharesOff.body).toContain('The partners’ shares add up to £4,000 but the amount requested is £10,000');
    expect(
      (await lead.client.post(`${base}/partners/${lead.org.id}`, { role: 'Leads and runs peer groups', share: '6000' }))
        .statusCode,
    ).toBe(303);
    const unconfirmed = await lead.client.post(`${base}/submit`);
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain(`${partner.org.name} has not yet confirmed its part in the application`);
    expect(unconfirmed.body).not.toContain('The partners’ shares add up to');

    // The partner's member sees it waiting, can read it but not change it, and confirms.
    const dashboard = await partner.client.get('/applications');
    expect(dashboard.body).toContain('Waiting for you to confirm');
    expect(dashboard.body).toContain(reference);
    expect((await partner.client.get(base)).statusCode).toBe(200);
    expect((await partner.client.get(`${base}/about`)).statusCode).toBe(403);
    expect((await partner.client.post(`${base}/submit`)).statusCode).toBe(403);
    expect((await lead.client.post(`${base}/partners/${partner.org.id}/confirm`)).statusCode).toBe(403);
    expect((await partner.client.post(`${base}/partners/${partner.org.id}/confirm`)).statusCode).toBe(303);
    expect((await partner.client.get('/applications')).body).not.toContain('Waiting for you to confirm');

    // Changing its share after it confirmed asks it again.
    await lead.client.post(`${base}/partners/${partner.org.id}`, { role: 'Runs the sitting service', share: '3000' });
    await lead.client.post(`${base}/partners/${lead.org.id}`, { role: 'Leads and runs peer groups', share: '7000' });
    let full = (await t.services.applications.full(await idOf(reference)))!;
    expect(full.partners.find((p) => p.organisation_id === partner.org.id)!.confirmed_at).toBeNull();
    expect((await outbox(partner.email)).length).toBe(2);
    expect((await lead.client.post(`${base}/submit`)).body).toContain('has not yet confirmed');
    // Saving the same role and share again does not.
    await partner.client.post(`${base}/partners/${partner.org.id}/confirm`);
    await lead.client.post(`${base}/partners/${partner.org.id}`, { role: 'Runs the sitting service', share: '3000' });
    full = (await t.services.applications.full(await idOf(reference)))!;
    expect(full.partners.find((p) => p.organisation_id === partner.org.id)!.confirmed_at).not.toBeNull();
    expect(full.partners.find((p) => p.organisation_id === partner.org.id)!.identifiers).toEqual(['GB-CHC-1170002']);
    expect(await t.services.applications.organisationIds(await idOf(reference))).toEqual([lead.org.id, partner.org.id]);

    expect((await lead.client.post(`${base}/submit`)).statusCode).toBe(303);
    expect((await outbox(partner.email)).map((m) => m.kind)).toContain('application_submitted');
    // Staff see it in the list of applications received.
    const officer = await t.as('officer');
    const received = await officer.get(`/opportunities/${o.slug}/applications`);
    expect(received.statusCode).toBe(200);
    expect(received.body).toContain(reference);
    expect(received.body).toContain(lead.org.name);
  });

  it('a partner declining is taken out and the lead is told', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const lead = await member('Decline Lead');
    const partner = await member('Decline Partner');
    const reference = await start(lead.client, o, lead.org.id, 'partnership');
    const base = `/applications/${reference}`;
    await lead.client.post(`${base}/partners`, { organisation: partner.org.id, role: 'Outreach', share: '100' });
    const res = await partner.client.post(`${base}/partners/${partner.org.id}/decline`);
    expect(res.statusCode).toBe(303);
    const full = (await t.services.applications.full(await idOf(reference)))!;
    expect(full.partners.map((p) => p.organisation_id)).toEqual([lead.org.id]);
    const told = await outbox(lead.email);
    expect(told.map((m) => m.kind)).toContain('application_partner_declined');
    expect(told.find((m) => m.kind === 'application_partner_declined')!.subject).toContain(partner.org.name);
    // Having left, the partner's member no longer sees the application.
    expect((await partner.client.get(base)).statusCode).toBe(404);

    // A partner the lead takes out is told so.
    const other = await member('Removed Partner');
    await lead.client.post(`${base}/partners`, { organisation: other.org.id, role: 'Transport', share: '50' });
    expect((await lead.client.post(`${base}/partners/${other.org.id}/remove`)).statusCode).toBe(303);
    expect((await outbox(other.email)).map((m) => m.kind)).toEqual([
      'application_partner_confirmation',
      'application_partner_removed',
    ]);
    expect((await lead.client.post(`${base}/partners/${lead.org.id}/remove`)).statusCode).toBe(404);
  });
});

describe('the lifecycle', () => {
  it('lets the lead submit, commissioners decide, and assessment set ranks, refusing every other move', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const { client, org } = await member('Lifecycle Carers');
    const reference = await start(client, o, org.id);
    await fill(client, reference, o);
    const id = await idOf(reference);
    const apps = t.services.applications;
    const lead = { id: client.userId!, role: 'vcs_member' as const };
    const commissioner = { id: (await t.as('commissioner')).userId!, role: 'commissioner' as const };
    expect(await apps.transition(id, 'successful', { actor: commissioner })).toMatchObject({ status: 409 });
    expect(await apps.transition(id, 'submitted', { actor: commissioner })).toMatchObject({ status: 403 });
    expect(await apps.transition(id, 'submitted', { actor: lead })).toMatchObject({ ok: true, from: 'draft' });
    expect(await apps.transition(id, 'successful', { actor: lead })).toMatchObject({ status: 403 });
    const decided = await apps.transition(id, 'unsuccessful', { actor: commissioner, reason: 'Thank you.' });
    expect(decided).toMatchObject({ ok: true, from: 'submitted' });
    expect(await apps.transition(id, 'withdrawn', { actor: lead })).toMatchObject({ status: 409 });
    await apps.setRanks(new Map([[id, 2]]));
    const row = (await apps.byReference(reference))!;
    expect(row).toMatchObject({ status: 'unsuccessful', feedback: 'Thank you.', decided_by: commissioner.id, rank: 2 });
    expect(await apps.assessedOn(o.id)).toEqual([{ status: 'unsuccessful' }]);
  });
});

describe('withdrawing and who sees what', () => {
  it('lets the lead withdraw a submitted application with a reason; others cannot', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const lead = await member('Withdraw Lead');
    const reference = await start(lead.client, o, lead.org.id);
    await fill(lead.client, reference, o);
    await lead.client.post(`/applications/${reference}/submit`);
    const outsider = await member('Outsider Group');
    expect((await outsider.client.post(`/applications/${reference}/withdraw`, { reason: 'Mischief' })).statusCode).toBe(
      404,
    );
    const noReason = await lead.client.post(`/applications/${reference}/withdraw`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why you are withdrawing the application');
    expect(
      (await lead.client.post(`/applications/${reference}/withdraw`, { reason: 'Our lead worker left' })).statusCode,
    ).toBe(303);
    const page = await lead.client.get(`/applications/${reference}`);
    expect(page.body).toContain('Withdrawn');
    expect(page.body).toContain('Our lead worker left');
    expect((await lead.client.get('/applications')).body).toContain(reference);
    expect((await lead.client.post(`/applications/${reference}/withdraw`, { reason: 'Again' })).statusCode).toBe(409);
  });

  it('shows an application only to its organisations’ members and staff', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const lead = await member('Private Lead');
    const reference = await start(lead.client, o, lead.org.id);
    const base = `/applications/${reference}`;
    const outsider = await member('Nosy Group');
    expect((await outsider.client.get(base)).statusCode).toBe(404);
    expect((await outsider.client.get(`${base}/about`)).statusCode).toBe(404);
    expect((await outsider.client.post(`${base}/about`, { title: 'Mine now', requested: '1' })).statusCode).toBe(404);
    expect((await outsider.client.get('/applications')).body).not.toContain(reference);
    expect((await (await t.as('resident')).get(base)).statusCode).toBe(404);
    const anonymous = await t.as(null).then((c) => c.get(base));
    expect(anonymous.statusCode).toBe(303);
    expect(String(anonymous.headers.location)).toMatch(/^\/sign-in\?next=/);
    for (const role of ['officer', 'commissioner', 'admin'] as const) {
      const staff = await t.as(role);
      const page = await staff.get(base);
      expect(page.statusCode, role).toBe(200);
      expect(page.body).not.toContain('Withdraw the application');
    }
    expect((await (await t.as('commissioner')).post(`${base}/submit`)).statusCode).toBe(403);
    const list = await outsider.client.get(`/opportunities/${o.slug}/applications`);
    expect(list.statusCode).toBe(403);
  });

  it('refuses a change without the form’s CSRF token', async () => {
    const o = await insertOpenOpportunity(t.handle.db, tag());
    const lead = await member('Csrf Lead');
    const reference = await start(lead.client, o, lead.org.id);
    const res = await lead.client.post(
      `/applications/${reference}/about`,
      { title: 'Forged', requested: '1', _csrf: 'not-the-token' },
      { csrf: false },
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Your form has expired');
    expect((await t.services.applications.byReference(reference))!.title).toBe('');
  });
});
