import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import { insertChain } from '../../../../test/support/chain.ts';
import { type ClosedOpportunity, insertClosedOpportunity } from '../../../../test/support/closed-opportunity.ts';
import { publishedOpportunity } from '../../../../test/support/opportunities.ts';
import { haveOcdsSchemas, ocdsValidator } from '../ocds/validator.ts';

// Cancelling a published opportunity, through the web pages as staff and applicants use them; and how an
// opportunity ends when no award is made.

let t: TestContext;
let n = 0;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  t = await createTestContext();
}, 120_000);
afterAll(async () => t?.close());

const opportunity = (slug: string) =>
  t.handle.db.selectFrom('opportunity').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
const outboxTo = (email: string, kind = 'opportunity.cancelled') =>
  t.handle.db.selectFrom('outbox').selectAll().where('to_address', '=', email).where('kind', '=', kind).execute();

/** A VCS member of the organisation, signed in. */
async function memberOf(o: ClosedOpportunity, organisationId: string, name: string) {
  const client = await t.as('vcs_member', {
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}.${++n}@example.test`,
  });
  await o.member(client.userId!, organisationId);
  const email = (
    await t.handle.db.selectFrom('app_user').select('email').where('id', '=', client.userId!).executeTakeFirstOrThrow()
  ).email;
  return { client, email };
}

/**
 * An open opportunity (closing next week) with a submitted partnership application, a draft application, and a
 * question asked by someone who has not applied.
 */
async function openWithApplications(tag: string) {
  const o = await insertClosedOpportunity(t.services, t.handle.db, tag, { closesAt: new Date(Date.now() + 7 * DAY) });
  const [lead, partner, drafter, asking] = await Promise.all([
    o.org('Lead Trust'),
    o.org('Partner Club'),
    o.org('Drafting Group'),
    o.org('Curious Charity'),
  ]);
  const submitted = await o.application(lead, o.lot1, {
    partners: [{ id: partner, role: 'Delivers in the south', sharePence: 1_000_000 }],
  });
  const draft = await o.application(drafter, o.lot2);
  await t.handle.db
    .updateTable('application')
    .set({ status: 'draft', submitted_at: null })
    .where('id', '=', draft.id)
    .execute();
  const people = {
    lead: await memberOf(o, lead, 'Lena Lead'),
    partner: await memberOf(o, partner, 'Pat Partner'),
    drafter: await memberOf(o, drafter, 'Dee Drafter'),
    asker: await memberOf(o, asking, 'Ash Asker'),
  };
  const asked = await people.asker.client.post(`/opportunities/${o.slug}/clarifications`, {
    question: 'Can a lunch club share a kitchen?',
  });
  expect(asked.statusCode, asked.body.slice(0, 500)).toBe(303);
  return { o, submitted, draft, people, orgs: { lead, partner, drafter, asking } };
}

describe('cancelling a published opportunity', () => {
  let s: Awaited<ReturnType<typeof openWithApplications>>;
  let staff: TestClient;
  const reason = 'The budget was withdrawn <at short notice> & will not return';

  beforeAll(async () => {
    s = await openWithApplications('cancel-1');
    staff = await t.as('commissioner', { name: 'Cass Commissioner' });
  });

  it('asks for a reason on a confirmation page that says what will happen', async () => {
    const page = await staff.get(`/opportunities/${s.o.slug}`);
    expect(page.body).toContain(`href="/opportunities/${s.o.slug}/cancel"`);
    const confirm = await staff.get(`/opportunities/${s.o.slug}/cancel`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('<h1 class="govuk-heading-l">Cancel this opportunity</h1>');
    expect(confirm.body).toContain('the 2 applications waiting on it will not be assessed');
    expect(confirm.body).toContain('You cannot undo this.');
    const blank = await staff.post(`/opportunities/${s.o.slug}/cancel`, { reason: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('govuk-error-summary');
    expect(blank.body).toContain('Say why the opportunity is being cancelled');
    const noToken = await staff.post(`/opportunities/${s.o.slug}/cancel`, { reason }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect((await opportunity(s.o.slug)).status).toBe('open');
    // Applicants cannot cancel it.
    const vcs = await s.people.lead.client.post(`/opportunities/${s.o.slug}/cancel`, { reason });
    expect(vcs.statusCode).toBe(403);
    expect((await opportunity(s.o.slug)).status).toBe('open');
  });

  it('counts the unanswered question as waiting while it is open, on its page and for the staff home', async () => {
    expect(await t.services.opportunities.unansweredCount(s.o.id)).toBe(1);
    const waiting = await t.services.opportunities.unansweredClarifications();
    expect(waiting.find((w) => w.slug === s.o.slug)).toMatchObject({ n: 1 });
  });

  it('cancels it with who, when and why, tells applicants and askers once each, and audits it', async () => {
    const before = Date.now();
    const res = await staff.post(`/opportunities/${s.o.slug}/cancel`, { reason });
    expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
    expect(res.headers.location).toBe(`/opportunities/${s.o.slug}`);
    const row = await opportunity(s.o.slug);
    expect(row.status).toBe('cancelled');
    expect(row.cancelled_by).toBe(staff.userId);
    expect(row.cancellation_reason).toBe(reason);
    expect(new Date(row.cancelled_at!).getTime()).toBeGreaterThanOrEqual(before - 1000);

    for (const who of [s.people.lead, s.people.partner]) {
      const mail = await outboxTo(who.email);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.subject).toContain(s.submitted.reference);
      expect(mail[0]!.body).toContain(reason);
      expect(mail[0]!.body).toContain(`/applications/${s.submitted.reference}`);
    }
    const drafter = await outboxTo(s.people.drafter.email);
    expect(drafter).toHaveLength(1);
    expect(drafter[0]!.subject).toContain(s.draft.reference);
    const asker = await outboxTo(s.people.asker.email);
    expect(asker).toHaveLength(1);
    expect(asker[0]!.body).toContain('You asked a question');
    expect(asker[0]!.body).toContain(`/opportunities/${s.o.slug}`);

    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'opportunity.cancelled')
      .where('entity_id', '=', s.o.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.user_id).toBe(staff.userId);
    expect(audit[0]!.detail).toMatchObject({ reason, told: 4 });
  });

  it('no longer counts its unanswered question as waiting once cancelled, anywhere', async () => {
    expect(await t.services.opportunities.unansweredCount(s.o.id)).toBe(0);
    const waiting = await t.services.opportunities.unansweredClarifications();
    expect(waiting.some((w) => w.slug === s.o.slug)).toBe(false);
    const page = await staff.get(`/opportunities/${s.o.slug}/clarifications`);
    expect(page.body).toContain('There are no questions waiting for an answer.');
  });

  it('shows everyone that it was cancelled, when and why, escaped, and no longer invites applications', async () => {
    const res = await (await t.as(null)).get(`/opportunities/${s.o.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('govuk-notification-banner');
    const when = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date());
    expect(res.body).toContain(
      `This opportunity was cancelled on ${when}: The budget was withdrawn &lt;at short notice&gt; &amp; will not return`,
    );
    expect(res.body).not.toContain('<at short notice>');
    expect(res.body).not.toContain('Sign in to apply');
    expect(res.body).toContain('Questions are now closed.');
    const member = await s.people.asker.client.get(`/opportunities/${s.o.slug}`);
    expect(member.body).not.toContain('Start an application');
    expect(member.body).not.toContain('Send question');
    const staffPage = await staff.get(`/opportunities/${s.o.slug}`);
    expect(staffPage.body).not.toContain(`href="/opportunities/${s.o.slug}/cancel"`);
  });

  it('refuses to change, submit or start applications, saying the opportunity was cancelled', async () => {
    const lead = s.people.drafter.client;
    const about = await lead.post(`/applications/${s.draft.reference}/about`, {
      title: 'Lunch clubs',
      requested: '40,000',
    });
    expect(about.statusCode).toBe(409);
    expect(about.body).toContain('This opportunity was cancelled, so applications to it can no longer be changed.');
    const submit = await lead.post(`/applications/${s.draft.reference}/submit`);
    expect(submit.statusCode).toBe(409);
    expect(submit.body).toContain('This opportunity has been cancelled. Applications can no longer be submitted.');
    const start = await s.people.asker.client.post(`/opportunities/${s.o.slug}/apply`, {
      organisation: s.orgs.asking,
      lot: s.o.lot1,
      kind: 'single',
    });
    expect(start.statusCode).toBe(409);
    expect(start.body).toContain('This opportunity has been cancelled. Applications can no longer be started.');
    const after = await t.handle.db
      .selectFrom('application')
      .select(['title', 'status'])
      .where('id', '=', s.draft.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ title: 'Lunch clubs in every ward', status: 'draft' });
    // Its page still opens, for the record, without a way to change it.
    const page = await lead.get(`/applications/${s.draft.reference}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(`href="/applications/${s.draft.reference}/about"`);
  });

  it('refuses to cancel it again', async () => {
    const again = await staff.get(`/opportunities/${s.o.slug}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('This opportunity was already cancelled on');
    const post = await staff.post(`/opportunities/${s.o.slug}/cancel`, { reason: 'Twice' });
    expect(post.statusCode).toBe(409);
    expect((await opportunity(s.o.slug)).cancellation_reason).toBe(reason);
    expect(await outboxTo(s.people.lead.email)).toHaveLength(1);
  });

  it('lists it only when the cancelled status is asked for', async () => {
    const visitor = await t.as(null);
    const all = await visitor.get('/opportunities');
    expect(all.body).not.toContain(`href="/opportunities/${s.o.slug}"`);
    const open = await visitor.get('/opportunities?status=open');
    expect(open.body).not.toContain(`href="/opportunities/${s.o.slug}"`);
    const cancelled = await visitor.get('/opportunities?status=cancelled');
    expect(cancelled.body).toContain(`href="/opportunities/${s.o.slug}"`);
    expect(cancelled.body).toMatch(/<option value="cancelled" selected>\s*Cancelled\s*<\/option>/);
    expect(cancelled.body).toMatch(/govuk-tag[^>]*>\s*Cancelled\s*<\/strong>/);
    // Whatever else is listed under "cancelled" is cancelled too.
    const { rows } = await t.services.opportunities.search({ status: 'cancelled' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'cancelled')).toBe(true);
  });

  it('keeps its Atom entry, marked cancelled, with the time of the cancellation', async () => {
    const res = await (await t.as(null)).get('/opportunities.atom');
    expect(res.statusCode).toBe(200);
    const row = await opportunity(s.o.slug);
    const entry = res.body.split('<entry>').find((e) => e.includes(`urn:ocds:${row.ocid}`));
    expect(entry).toBeDefined();
    expect(entry).toContain(`<title type="text">Cancelled: ${row.title}</title>`);
    expect(entry).toContain(`<updated>${new Date(row.cancelled_at!).toISOString()}</updated>`);
    expect(entry).toContain(`<published>${new Date(row.published_at!).toISOString()}</published>`);
    expect(entry).toContain('Cancelled on ');
    expect(entry).toContain('The budget was withdrawn &lt;at short notice&gt; &amp; will not return.');
  });

  it('publishes tender.status cancelled in its OCDS release, with the reason, and still validates', async (ctx) => {
    const row = await opportunity(s.o.slug);
    const res = await t.app.inject(`/open-data/ocds/releases/${row.ocid}.json`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const [release] = body.releases;
    expect(release.tender.status).toBe('cancelled');
    expect(release.tender.lots.map((l: { status: string }) => l.status)).toEqual(['cancelled', 'cancelled']);
    expect(release.tag).toEqual(['tender', 'tenderCancellation']);
    expect(release.date).toBe(new Date(row.cancelled_at!).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(release.tender.documents).toEqual(
      expect.arrayContaining([expect.objectContaining({ documentType: 'cancellationDetails', description: reason })]),
    );
    if (!haveOcdsSchemas) return ctx.skip();
    const validate = ocdsValidator();
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('what cannot be cancelled', () => {
  it('refuses a draft, an awarded one, one with an award made, and one that ended with no award', async () => {
    const staff = await t.as('officer');
    const draft = await publishedOpportunity(t.services, t.handle.db);
    await t.handle.db
      .updateTable('opportunity')
      .set({ status: 'draft' })
      .where('id', '=', draft.opportunity.id)
      .execute();
    const chain = await insertChain(t.services, t.handle.db, `cancel-${++n}`);
    const awardedSlug = (
      await t.handle.db
        .selectFrom('opportunity')
        .select('slug')
        .where('id', '=', chain.opportunity)
        .executeTakeFirstOrThrow()
    ).slug;
    // One award made, another lot still waiting: not yet "awarded", but no longer cancellable.
    const partly = await insertChain(t.services, t.handle.db, `cancel-${++n}`);
    const partlySlug = (
      await t.handle.db
        .updateTable('opportunity')
        .set({ status: 'closed' })
        .where('id', '=', partly.opportunity)
        .returning('slug')
        .executeTakeFirstOrThrow()
    ).slug;
    const ended = await insertClosedOpportunity(t.services, t.handle.db, `cancel-${++n}`);
    await t.handle.db.updateTable('opportunity').set({ status: 'unsuccessful' }).where('id', '=', ended.id).execute();

    const cases: [string, string][] = [
      [draft.opportunity.slug, 'This opportunity is a draft'],
      [awardedSlug, 'An award has been made for this opportunity, so it can no longer be cancelled.'],
      [partlySlug, 'An award has been made for this opportunity, so it can no longer be cancelled.'],
      [ended.slug, 'no award was made, so it has ended'],
    ];
    for (const [slug, message] of cases) {
      const before = await opportunity(slug);
      const page = await staff.get(`/opportunities/${slug}/cancel`);
      expect(page.statusCode, slug).toBe(409);
      expect(page.body).toContain('This opportunity cannot be cancelled');
      expect(page.body).toContain(message);
      const post = await staff.post(`/opportunities/${slug}/cancel`, { reason: 'No longer needed' });
      expect(post.statusCode, slug).toBe(409);
      expect(post.body).toContain(message);
      expect((await opportunity(slug)).status).toBe(before.status);
      const shown = await staff.get(`/opportunities/${slug}`);
      expect(shown.body).not.toContain(`href="/opportunities/${slug}/cancel"`);
    }
    const none = await staff.get('/opportunities/no-such-opportunity/cancel');
    expect(none.statusCode).toBe(404);
  });

  it('lets staff cancel a closed opportunity whose applications wait for assessment', async () => {
    const o = await insertClosedOpportunity(t.services, t.handle.db, `cancel-${++n}`);
    const lead = await o.org('Waiting Trust');
    const waiting = await o.application(lead, o.lot1);
    const person = await memberOf(o, lead, 'Wendy Waiting');
    const staff = await t.as('officer');
    const res = await staff.post(`/opportunities/${o.slug}/cancel`, { reason: 'The service is moving in-house' });
    expect(res.statusCode).toBe(303);
    expect((await opportunity(o.slug)).status).toBe('cancelled');
    expect(await outboxTo(person.email)).toHaveLength(1);
    // Nothing is decided or awarded after it.
    const commissioner = await t.as('commissioner');
    const decided = await commissioner.post(`/opportunities/${o.slug}/assessment/decisions`, {
      applications: [waiting.id],
      [`outcome-${waiting.id}`]: 'successful',
      [`feedback-${waiting.id}`]: 'Good.',
    });
    expect(decided.statusCode).toBe(409);
    expect(decided.body).toMatch(
      /This opportunity was cancelled on \d{1,2} \w+ \d{4}, so its applications will not be assessed\./,
    );
    await t.handle.db.updateTable('application').set({ status: 'successful' }).where('id', '=', waiting.id).execute();
    const award = await commissioner.get(`/opportunities/${o.slug}/awards/new?application=${waiting.reference}`);
    expect(award.statusCode).toBe(409);
    expect(award.body).toContain('This opportunity was cancelled, so no award can be made.');
  });
});

describe('an opportunity whose every application is unsuccessful', () => {
  async function decide(o: ClosedOpportunity, outcomes: ('successful' | 'unsuccessful')[]) {
    const apps = [];
    for (const [i, outcome] of outcomes.entries()) {
      const lead = await o.org(`Bidder ${i}`);
      const a = await o.application(lead, i % 2 ? o.lot2 : o.lot1);
      await t.handle.db
        .insertInto('moderated_score')
        .values([
          { application_id: a.id, criterion_id: o.quality, score: 2 },
          { application_id: a.id, criterion_id: o.value, score: 3 },
        ])
        .execute();
      apps.push({ ...a, outcome });
    }
    const commissioner = await t.as('commissioner');
    const fields: Record<string, string | string[]> = { applications: apps.map((a) => a.id) };
    for (const a of apps) {
      fields[`outcome-${a.id}`] = a.outcome;
      fields[`feedback-${a.id}`] = 'Thank you for applying.';
    }
    const res = await commissioner.post(`/opportunities/${o.slug}/assessment/decisions`, fields);
    expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
    return commissioner;
  }

  it('ends with no award made, on its page, in the list and as OCDS tender.status unsuccessful', async (ctx) => {
    const o = await insertClosedOpportunity(t.services, t.handle.db, `none-${++n}`);
    await decide(o, ['unsuccessful', 'unsuccessful']);
    const row = await opportunity(o.slug);
    expect(row.status).toBe('unsuccessful');
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', o.id)
      .where('action', '=', 'opportunity.no_award')
      .execute();
    expect(audit).toHaveLength(1);
    const page = await (await t.as(null)).get(`/opportunities/${o.slug}`);
    expect(page.body).toContain('No award made');
    expect(page.body).toContain('No award was made: every application to this opportunity was unsuccessful.');
    const listed = await (await t.as(null)).get('/opportunities?status=unsuccessful');
    expect(listed.body).toContain(`href="/opportunities/${o.slug}"`);
    const closed = await (await t.as(null)).get('/opportunities?status=closed');
    expect(closed.body).not.toContain(`href="/opportunities/${o.slug}"`);
    const res = await t.app.inject(`/open-data/ocds/releases/${row.ocid}.json`);
    const body = res.json();
    expect(body.releases[0].tender.status).toBe('unsuccessful');
    expect(body.releases[0].tender.lots.map((l: { status: string }) => l.status)).toEqual([
      'unsuccessful',
      'unsuccessful',
    ]);
    if (!haveOcdsSchemas) return ctx.skip();
    const validate = ocdsValidator();
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('stays closed, waiting for its award, when one application is successful', async () => {
    const o = await insertClosedOpportunity(t.services, t.handle.db, `some-${++n}`);
    await decide(o, ['successful', 'unsuccessful']);
    expect((await opportunity(o.slug)).status).toBe('closed');
    const res = await t.app.inject(`/open-data/ocds/releases/${(await opportunity(o.slug)).ocid}.json`);
    expect(res.json().releases[0].tender.status).toBe('active');
  });
});

describe('a published opportunity cannot be edited', () => {
  it('refuses every editing page and change once published, once closed and once cancelled', async () => {
    const staff = await t.as('commissioner');
    const published = await publishedOpportunity(t.services, t.handle.db);
    const closed = await publishedOpportunity(t.services, t.handle.db);
    await t.handle.db
      .updateTable('opportunity')
      .set({ closes_at: new Date(Date.now() - DAY) })
      .where('id', '=', closed.opportunity.id)
      .execute();
    const cancelled = await publishedOpportunity(t.services, t.handle.db);
    const done = await staff.post(`/opportunities/${cancelled.opportunity.slug}/cancel`, { reason: 'Merged' });
    expect(done.statusCode).toBe(303);

    for (const { opportunity: o } of [published, closed, cancelled]) {
      const before = await t.services.opportunities.bySlug(o.slug);
      const lot = o.lots[0]!.id;
      const question = o.questions[0]!.id;
      const criterion = o.criteria[0]!.id;
      const base = `/opportunities/${o.slug}`;
      const pages = [
        `${base}/details`,
        `${base}/lots/new`,
        `${base}/lots/${lot}`,
        `${base}/questions`,
        `${base}/questions/${question}`,
        `${base}/criteria`,
        `${base}/criteria/${criterion}`,
        `${base}/documents`,
      ];
      for (const url of pages) {
        const res = await staff.get(url);
        expect(res.statusCode, url).toBe(409);
        expect(res.body).toContain('This opportunity has been published, so its details can no longer be changed.');
      }
      const changes: [string, Record<string, string>][] = [
        [`${base}/details`, { title: 'Changed' }],
        [`${base}/lots/new`, { number: '9', title: 'New lot', value: '1,000' }],
        [`${base}/lots/${lot}`, { number: '1', title: 'Changed lot', value: '1,000' }],
        [`${base}/lots/${lot}/remove`, {}],
        [`${base}/questions`, { prompt: 'A new question?' }],
        [`${base}/questions/${question}`, { prompt: 'Changed question?' }],
        [`${base}/questions/${question}/remove`, {}],
        [`${base}/criteria`, { title: 'New', weight: '10', max_score: '5' }],
        [`${base}/criteria/${criterion}`, { title: 'Changed', weight: '100', max_score: '5' }],
        [`${base}/criteria/${criterion}/remove`, {}],
        [`${base}/documents`, { title: 'A document' }],
        [`${base}/publish`, {}],
      ];
      for (const [url, fields] of changes) {
        const res = await staff.post(url, fields);
        expect([400, 409], `${url}: ${res.statusCode}`).toContain(res.statusCode);
        expect(res.body, url).toMatch(/can no longer be changed|has already been published|has been published/);
      }
      const after = await t.services.opportunities.bySlug(o.slug);
      expect(after!.title).toBe(before!.title);
      expect(after!.lots).toEqual(before!.lots);
      expect(after!.questions).toEqual(before!.questions);
      expect(after!.criteria).toEqual(before!.criteria);
    }
  }, 120_000);
});
