import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import { type ClosedOpportunity, insertClosedOpportunity } from '../../../../test/support/closed-opportunity.ts';
import { holdAuditLog, untilWaitingForLocks } from '../../../../test/support/locks.ts';
import { formatDate } from '../../../kernel/dates.ts';
import { percentText, rankByLot, weightedPercent } from './rules.ts';

let t: TestContext;
let n = 0;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

async function person(role: 'resident' | 'officer' | 'commissioner' | 'vcs_member', name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${++n}@example.test`;
  const client = await t.as(role, { email, name });
  return { client, email, id: client.userId! };
}

/** A closed opportunity with an application from a lead and its partner, and a single one. */
async function setting(tag: string) {
  const o = await insertClosedOpportunity(t.services, t.handle.db, tag);
  const lead = await o.org('Selhurst Lunch Club');
  const partner = await o.org('Broad Green Kitchen');
  const single = await o.org('Waddon Meals');
  const partnership = await o.application(lead, o.lot1, {
    partners: [{ id: partner, role: 'Cooking', sharePence: 1_000_000 }],
  });
  const alone = await o.application(single, o.lot1);
  const commissioner = await person('commissioner', 'Cara Commissioner');
  return { o, lead, partner, single, partnership, alone, commissioner };
}

async function addToPanel(commissioner: TestClient, o: ClosedOpportunity, email: string) {
  const res = await commissioner.post(`/opportunities/${o.slug}/assessment/panel`, { email });
  expect(res.statusCode).toBe(303);
}

const declareNone = async (client: TestClient, o: ClosedOpportunity) => {
  const res = await client.post(`/opportunities/${o.slug}/panel/declaration`, { declaration: 'none' });
  expect(res.statusCode).toBe(303);
};

function scoreFields(o: ClosedOpportunity, quality: number, value: number) {
  return {
    criteria: [o.quality, o.value],
    [`score-${o.quality}`]: String(quality),
    [`comment-${o.quality}`]: 'Clear plan',
    [`score-${o.value}`]: String(value),
    [`comment-${o.value}`]: 'Fair costs',
  };
}

function moderationFields(o: ClosedOpportunity, quality: number, value: number) {
  return {
    criteria: [o.quality, o.value],
    [`score-${o.quality}`]: String(quality),
    [`note-${o.quality}`]: 'Agreed at the meeting',
    [`score-${o.value}`]: String(value),
    [`note-${o.value}`]: 'Agreed at the meeting',
  };
}

/** A one-member panel scores both applications and the commissioner moderates them: ready for decisions. */
async function readyForDecisions(s: Awaited<ReturnType<typeof setting>>, memberName: string) {
  const m = await person('officer', memberName);
  await addToPanel(s.commissioner.client, s.o, m.email);
  await declareNone(m.client, s.o);
  for (const ref of [s.alone.reference, s.partnership.reference]) {
    await m.client.post(`/opportunities/${s.o.slug}/panel/applications/${ref}`, scoreFields(s.o, 4, 7));
    await s.commissioner.client.post(
      `/opportunities/${s.o.slug}/assessment/applications/${ref}`,
      moderationFields(s.o, 4, 7),
    );
  }
  return m;
}

describe('the arithmetic', () => {
  it('weights each moderated score by its criterion and ranks within a lot', () => {
    // Worked by hand: quality weight 60 out of 5, value weight 40 out of 10.
    // A: 4/5 and 7/10 → 60 × 0.8 + 40 × 0.7 = 48 + 28 = 76.0%
    // B: 3/5 and 9/10 → 60 × 0.6 + 40 × 0.9 = 36 + 36 = 72.0%
    // C: 5/5 and 2/10 → 60 × 1.0 + 40 × 0.2 = 60 + 8 = 68.0%
    // D: 2/5 and 6/10 → 24 + 24 = 48.0%, alone in lot 2 so ranked 1 there.
    const criteria = [
      { id: 'q', weight: 60, max_score: 5 },
      { id: 'v', weight: 40, max_score: 10 },
    ];
    const total = (q: number, v: number) =>
      weightedPercent(
        criteria,
        new Map([
          ['q', q],
          ['v', v],
        ]),
      );
    expect(total(4, 7)).toBeCloseTo(76, 10);
    expect(total(3, 9)).toBeCloseTo(72, 10);
    expect(total(5, 2)).toBeCloseTo(68, 10);
    expect(weightedPercent(criteria, new Map([['q', 4]]))).toBeNull();
    // 1/3 of 100 shows as 33.3%.
    expect(percentText(weightedPercent([{ id: 'x', weight: 100, max_score: 3 }], new Map([['x', 1]])))).toBe('33.3%');
    const ranks = rankByLot([
      { id: 'B', lot_id: '1', total: 72 },
      { id: 'A', lot_id: '1', total: 76 },
      { id: 'C', lot_id: '1', total: 68 },
      { id: 'D', lot_id: '2', total: 48 },
      { id: 'E', lot_id: '2', total: null },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({ A: 1, B: 2, C: 3, D: 1, E: null });
    // Equal totals share a rank.
    const tied = rankByLot([
      { id: 'x', lot_id: null, total: 50 },
      { id: 'y', lot_id: null, total: 50 },
      { id: 'z', lot_id: null, total: 40 },
    ]);
    expect(Object.fromEntries(tied)).toEqual({ x: 1, y: 1, z: 3 });
  });
});

describe('the panel', () => {
  it('excludes a member of an applicant automatically, shows why, and refuses a score they post directly', async () => {
    const s = await setting('auto');
    const partnerMember = await person('vcs_member', 'Pat Partner');
    await s.o.member(partnerMember.id, s.partner);
    await addToPanel(s.commissioner.client, s.o, partnerMember.email);

    const recorded = await t.handle.db
      .selectFrom('panel_exclusion')
      .selectAll()
      .where('user_id', '=', partnerMember.id)
      .execute();
    expect(recorded.map((r) => [r.application_id, r.reason])).toEqual([[s.partnership.id, 'member_of_applicant']]);

    const panels = await partnerMember.client.get('/panels');
    expect(panels.body).toContain(`/opportunities/${s.o.slug}/panel`);
    expect(panels.body).toContain('Not declared');
    await declareNone(partnerMember.client, s.o);
    const panel = await partnerMember.client.get(`/opportunities/${s.o.slug}/panel`);
    expect(panel.statusCode).toBe(200);
    expect(panel.body).toContain('You cannot score this application because you are a member of an organisation');

    const page = await partnerMember.client.get(
      `/opportunities/${s.o.slug}/panel/applications/${s.partnership.reference}`,
    );
    expect(page.body).toContain('You cannot score this application because');
    expect(page.body).not.toContain('Save your scores');

    const post = await partnerMember.client.post(
      `/opportunities/${s.o.slug}/panel/applications/${s.partnership.reference}`,
      scoreFields(s.o, 5, 10),
    );
    expect(post.statusCode).toBe(403);
    const scores = await t.handle.db
      .selectFrom('assessment_score')
      .selectAll()
      .where('user_id', '=', partnerMember.id)
      .execute();
    expect(scores).toHaveLength(0);

    // Enforced even when the recorded exclusion has gone: the membership itself is checked.
    await t.handle.db.deleteFrom('panel_exclusion').where('user_id', '=', partnerMember.id).execute();
    const again = await t.services.assessment.score(
      { id: partnerMember.id, role: 'vcs_member' },
      s.o.slug,
      s.partnership.reference,
      [
        { criterionId: s.o.quality, score: 5, comment: 'x' },
        { criterionId: s.o.value, score: 10, comment: 'x' },
      ],
    );
    expect(again.ok).toBe(false);
    expect(!again.ok && again.status).toBe(403);

    // The other application they may score.
    const other = await partnerMember.client.post(
      `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`,
      scoreFields(s.o, 3, 6),
    );
    expect(other.statusCode).toBe(303);
  });

  it('names, on the staff overview, the application a member is excluded from, wherever it is listed', async () => {
    const s = await setting('named');
    // A member of the single applicant, whose application is listed after the partnership's.
    const member = await person('vcs_member', 'Wade Waddon');
    await s.o.member(member.id, s.single);
    await addToPanel(s.commissioner.client, s.o, member.email);
    const page = await s.commissioner.client.get(`/opportunities/${s.o.slug}/assessment`);
    const listed = page.body.slice(page.body.indexOf('Applications, by lot and rank'));
    expect(listed.indexOf(s.partnership.reference)).toBeLessThan(listed.indexOf(s.alone.reference));
    expect(page.body).toContain(`${s.alone.reference}: member of the applicant (Member of Waddon Meals named)`);
    expect(page.body).not.toContain(`${s.partnership.reference}: member of the applicant`);
  });

  it('excludes a member from an application they declare an interest in, with the details', async () => {
    const s = await setting('declared');
    const resident = await person('resident', 'Rita Resident');
    await addToPanel(s.commissioner.client, s.o, resident.email);

    const before = await resident.client.post(
      `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`,
      scoreFields(s.o, 3, 6),
    );
    expect(before.statusCode).toBe(409);
    expect(before.body).toContain('Declare your interests before you score');

    // The applications to tick are not revealed by a radio: GOV.UK Frontend would mark it aria-expanded, which
    // ARIA does not allow on a radio (axe fails the page with JavaScript on).
    const form = await resident.client.get(`/opportunities/${s.o.slug}/panel/declaration`);
    expect(form.body).toContain(`${s.alone.reference}: Waddon Meals declared`);
    expect(form.body).not.toMatch(/<input[^>]*type="radio"[^>]*data-aria-controls/);

    const missing = await resident.client.post(`/opportunities/${s.o.slug}/panel/declaration`, {
      declaration: 'interests',
      interests: s.alone.id,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Describe your interest in this application');

    const res = await resident.client.post(`/opportunities/${s.o.slug}/panel/declaration`, {
      declaration: 'interests',
      interests: s.alone.id,
      [`detail-${s.alone.id}`]: 'My sister runs it',
    });
    expect(res.statusCode).toBe(303);
    const row = await t.handle.db
      .selectFrom('panel_exclusion')
      .selectAll()
      .where('user_id', '=', resident.id)
      .executeTakeFirstOrThrow();
    expect([row.application_id, row.reason, row.detail]).toEqual([
      s.alone.id,
      'declared_interest',
      'My sister runs it',
    ]);
    const page = await resident.client.get(`/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`);
    expect(page.body).toContain('You cannot score this application because you declared an interest in it');
    // A later "no interests" does not lift it.
    await declareNone(resident.client, s.o);
    const panel = await resident.client.get(`/opportunities/${s.o.slug}/panel`);
    expect(panel.body).toContain('An interest in 1 application');
    expect(panel.body).toContain('You cannot score this application because you declared an interest in it');
    const post = await resident.client.post(
      `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`,
      scoreFields(s.o, 3, 6),
    );
    expect(post.statusCode).toBe(403);
  });

  it('keeps scores independent: others’ scores are hidden until your own are in', async () => {
    const s = await setting('independent');
    const a = await person('officer', 'Olu Officer');
    const b = await person('resident', 'Ruth Resident');
    for (const m of [a, b]) {
      await addToPanel(s.commissioner.client, s.o, m.email);
      await declareNone(m.client, s.o);
    }
    const url = `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`;
    expect(
      (await a.client.post(url, { ...scoreFields(s.o, 4, 7), [`comment-${s.o.quality}`]: 'Olu thinks it strong' }))
        .statusCode,
    ).toBe(303);

    const bBefore = await b.client.get(url);
    expect(bBefore.statusCode).toBe(200);
    expect(bBefore.body).toContain('Through GPs and faith groups.');
    expect(bBefore.body).toContain(`name="score-${s.o.quality}"`);
    expect(bBefore.body).not.toContain('Olu thinks it strong');
    expect(bBefore.body).toContain('once you have scored every criterion yourself');

    const bad = await b.client.post(url, { ...scoreFields(s.o, 6, 7), [`comment-${s.o.value}`]: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Score Quality of the service as a whole number from 0 to 5');
    expect(bad.body).toContain('Explain your score for Value for money');
    expect(bad.body).not.toContain('Olu thinks it strong');

    expect((await b.client.post(url, scoreFields(s.o, 3, 9))).statusCode).toBe(303);
    const bAfter = await b.client.get(url);
    expect(bAfter.body).toContain('Olu thinks it strong');
  });

  it('refuses scoring before the closing time, and panel pages to people not on the panel', async () => {
    const o = await insertClosedOpportunity(t.services, t.handle.db, 'early', {
      closesAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    });
    const app = await o.application(await o.org('Early Bird Lunches'), o.lot1);
    const commissioner = await person('commissioner', 'Cleo Commissioner');
    const officer = await person('officer', 'Ola Officer');
    await addToPanel(commissioner.client, o, officer.email);
    await declareNone(officer.client, o);
    const post = await officer.client.post(
      `/opportunities/${o.slug}/panel/applications/${app.reference}`,
      scoreFields(o, 3, 6),
    );
    expect(post.statusCode).toBe(409);
    expect(post.body).toContain('Scoring starts once the opportunity has closed');

    const outsider = await person('resident', 'Omar Outsider');
    for (const url of [
      `/opportunities/${o.slug}/panel`,
      `/opportunities/${o.slug}/panel/applications/${app.reference}`,
    ]) {
      const res = await outsider.client.get(url);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('You do not have permission to see this page');
    }
    // Residents cannot see the staff overview nor add members; officers see it but cannot add.
    expect((await outsider.client.get(`/opportunities/${o.slug}/assessment`)).statusCode).toBe(403);
    expect((await officer.client.get(`/opportunities/${o.slug}/assessment`)).statusCode).toBe(200);
    expect(
      (await officer.client.post(`/opportunities/${o.slug}/assessment/panel`, { email: outsider.email })).statusCode,
    ).toBe(403);
    const unknown = await commissioner.client.post(`/opportunities/${o.slug}/assessment/panel`, {
      email: 'nobody@example.test',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('No one has an account with that email address');
  });
});

describe('moderation, ranking and decisions', () => {
  it('refuses moderation while a member has still to score, naming them; then totals and ranks per lot', async () => {
    const s = await setting('moderation');
    const third = await s.o.application(await s.o.org('Thornton Meals'), s.o.lot1);
    const a = await person('officer', 'Abe Officer');
    const b = await person('resident', 'Bea Resident');
    for (const m of [a, b]) {
      await addToPanel(s.commissioner.client, s.o, m.email);
      await declareNone(m.client, s.o);
    }
    const scoreUrl = (ref: string) => `/opportunities/${s.o.slug}/panel/applications/${ref}`;
    const modUrl = (ref: string) => `/opportunities/${s.o.slug}/assessment/applications/${ref}`;
    await a.client.post(scoreUrl(s.alone.reference), scoreFields(s.o, 4, 7));

    const refused = await s.commissioner.client.get(modUrl(s.alone.reference));
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Still to score: Bea Resident');
    const refusedPost = await s.commissioner.client.post(modUrl(s.alone.reference), moderationFields(s.o, 4, 7));
    expect(refusedPost.statusCode).toBe(409);

    for (const ref of [s.alone.reference, s.partnership.reference, third.reference]) {
      await a.client.post(scoreUrl(ref), scoreFields(s.o, 3, 5));
      await b.client.post(scoreUrl(ref), scoreFields(s.o, 4, 8));
    }
    const spread = await s.commissioner.client.get(modUrl(s.alone.reference));
    expect(spread.statusCode).toBe(200);
    expect(spread.body).toContain('Scores from 3 to 4');
    expect(spread.body).toContain('Abe Officer');

    // A resident panel member cannot moderate.
    expect((await b.client.post(modUrl(s.alone.reference), moderationFields(s.o, 4, 7))).statusCode).toBe(403);

    // As worked above: 76.0%, 72.0%, 68.0%.
    expect((await s.commissioner.client.post(modUrl(s.alone.reference), moderationFields(s.o, 3, 9))).statusCode).toBe(
      303,
    );
    expect(
      (await s.commissioner.client.post(modUrl(s.partnership.reference), moderationFields(s.o, 4, 7))).statusCode,
    ).toBe(303);
    expect((await s.commissioner.client.post(modUrl(third.reference), moderationFields(s.o, 5, 2))).statusCode).toBe(
      303,
    );
    const ranks = await t.handle.db
      .selectFrom('application')
      .select(['id', 'rank'])
      .where('opportunity_id', '=', s.o.id)
      .execute();
    const rankOf = (id: string) => ranks.find((r) => r.id === id)?.rank;
    expect([rankOf(s.partnership.id), rankOf(s.alone.id), rankOf(third.id)]).toEqual([1, 2, 3]);
    const overview = await s.commissioner.client.get(`/opportunities/${s.o.slug}/assessment`);
    expect(overview.body).toContain('76.0%');
    expect(overview.body).toContain('72.0%');
    expect(overview.body).toContain('68.0%');
  });

  it('leaves out the scores of a member who declares an interest after scoring', async () => {
    const s = await setting('late-interest');
    const a = await person('officer', 'Ada Officer');
    const b = await person('resident', 'Ben Resident');
    for (const m of [a, b]) {
      await addToPanel(s.commissioner.client, s.o, m.email);
      await declareNone(m.client, s.o);
    }
    const url = `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`;
    await a.client.post(url, scoreFields(s.o, 4, 7));
    await b.client.post(url, { ...scoreFields(s.o, 1, 1), [`comment-${s.o.quality}`]: 'Ben scored this' });
    const late = await b.client.post(`/opportunities/${s.o.slug}/panel/declaration`, {
      declaration: 'interests',
      interests: s.alone.id,
      [`detail-${s.alone.id}`]: 'I remembered I volunteer there',
    });
    expect(late.statusCode).toBe(303);
    const spread = await s.commissioner.client.get(
      `/opportunities/${s.o.slug}/assessment/applications/${s.alone.reference}`,
    );
    expect(spread.statusCode).toBe(200);
    expect(spread.body).toContain('Ada Officer');
    expect(spread.body).not.toContain('Ben scored this');
    expect((await b.client.get(url)).body).not.toContain('Clear plan');
  });

  it('requires written feedback for every applicant and tells the lead and partner members', async () => {
    const s = await setting('decisions');
    const leadMember = await person('vcs_member', 'Lee Lead');
    const partnerMember = await person('vcs_member', 'Pia Partner');
    await s.o.member(leadMember.id, s.lead);
    await s.o.member(partnerMember.id, s.partner);
    const m = await readyForDecisions(s, 'Mo Officer');
    const url = `/opportunities/${s.o.slug}/assessment/decisions`;
    const page = await s.commissioner.client.get(url);
    expect(page.statusCode).toBe(200);
    const noFeedback = await s.commissioner.client.post(url, {
      applications: [s.partnership.id, s.alone.id],
      [`outcome-${s.partnership.id}`]: 'successful',
      [`feedback-${s.partnership.id}`]: 'A strong partnership.',
      [`outcome-${s.alone.id}`]: 'unsuccessful',
      [`feedback-${s.alone.id}`]: '  ',
    });
    expect(noFeedback.statusCode).toBe(400);
    expect(noFeedback.body).toContain(`Write feedback for`);
    expect(noFeedback.body).toContain('A strong partnership.');
    // Leaving an application out of the form is no way round it either.
    const partial = await s.commissioner.client.post(url, {
      applications: [s.partnership.id],
      [`outcome-${s.partnership.id}`]: 'successful',
      [`feedback-${s.partnership.id}`]: 'A strong partnership.',
    });
    expect(partial.statusCode).toBe(400);
    const undecided = await t.handle.db
      .selectFrom('application')
      .select('status')
      .where('opportunity_id', '=', s.o.id)
      .execute();
    expect(undecided.every((a) => a.status === 'submitted')).toBe(true);

    const done = await s.commissioner.client.post(url, {
      applications: [s.partnership.id, s.alone.id],
      [`outcome-${s.partnership.id}`]: 'successful',
      [`feedback-${s.partnership.id}`]: 'A strong partnership.',
      [`outcome-${s.alone.id}`]: 'unsuccessful',
      [`feedback-${s.alone.id}`]: 'Costs were unclear.',
    });
    expect(done.statusCode).toBe(303);
    const decided = await t.handle.db
      .selectFrom('application')
      .select(['id', 'status', 'feedback', 'decided_at'])
      .where('opportunity_id', '=', s.o.id)
      .execute();
    const p = decided.find((d) => d.id === s.partnership.id)!;
    expect([p.status, p.feedback, !!p.decided_at]).toEqual(['successful', 'A strong partnership.', true]);
    expect(decided.find((d) => d.id === s.alone.id)!.status).toBe('unsuccessful');
    for (const email of [leadMember.email, partnerMember.email]) {
      const mail = await t.services.outbox.latestTo(email);
      expect(mail?.subject).toContain('was successful');
      expect(mail?.body).toContain('A strong partnership.');
    }
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', s.partnership.id)
      .execute();
    expect(audit.map((r) => r.action)).toContain('application.successful');

    // Applicants read the decision and the feedback on their application's page too.
    const own = await leadMember.client.get(`/applications/${s.partnership.reference}`);
    expect(own.body).toContain('This application was successful.');
    expect(own.body).toContain('A strong partnership.');
    // The opportunity's page leads staff to the assessment and panel members to their panel page.
    const oppPage = await m.client.get(`/opportunities/${s.o.slug}`);
    expect(oppPage.body).toContain(`href="/opportunities/${s.o.slug}/assessment"`);
    expect(oppPage.body).toContain(`href="/opportunities/${s.o.slug}/panel"`);
    const outsider = await (await person('resident', 'Ozzie Outsider')).client.get(`/opportunities/${s.o.slug}`);
    expect(outsider.body).not.toContain(`/opportunities/${s.o.slug}/panel"`);
  });
});

describe('a conflict of interest binds staff', () => {
  it('shows someone kept from an application only that it exists, on every page that shows it, whatever their role', async () => {
    const s = await setting('bound');
    const declare = (client: TestClient, detail: string) =>
      client.post(`/opportunities/${s.o.slug}/panel/declaration`, {
        declaration: 'interests',
        interests: s.alone.id,
        [`detail-${s.alone.id}`]: detail,
      });
    // An officer and a second commissioner on the panel, each with an interest in the single application.
    const scorer = await person('officer', 'Sam Scorer');
    const officer = await person('officer', 'Ivy Interest');
    const other = await person('commissioner', 'Col Conflict');
    for (const m of [scorer, officer, other]) await addToPanel(s.commissioner.client, s.o, m.email);
    await declareNone(scorer.client, s.o);
    expect((await declare(officer.client, 'I chair its board')).statusCode).toBe(303);
    expect((await declare(other.client, 'My partner works there')).statusCode).toBe(303);
    const base = `/opportunities/${s.o.slug}`;
    for (const m of [scorer, officer, other])
      await m.client.post(`${base}/panel/applications/${s.partnership.reference}`, scoreFields(s.o, 5, 10));
    await scorer.client.post(`${base}/panel/applications/${s.alone.reference}`, {
      ...scoreFields(s.o, 4, 7),
      [`comment-${s.o.quality}`]: 'Sam’s secret view',
    });
    // 4 of 5 and 7 of 10: 76.0%, ranked 2 in lot 1 behind the partnership's 100.0%.
    for (const [ref, q, v] of [
      [s.partnership.reference, 5, 10],
      [s.alone.reference, 4, 7],
    ] as const)
      expect(
        (await s.commissioner.client.post(`${base}/assessment/applications/${ref}`, moderationFields(s.o, q, v)))
          .statusCode,
      ).toBe(303);
    const full = await s.commissioner.client.get(`${base}/assessment`);
    expect(full.body).toContain('76.0%');

    for (const who of [officer, other]) {
      // The application's page: that it exists, not what it says.
      const page = await who.client.get(`/applications/${s.alone.reference}`);
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain(s.alone.reference);
      expect(page.body).toContain('you declared an interest in it');
      expect(page.body).not.toContain('Lunch clubs in every ward');
      expect((await who.client.get(`/applications/${s.partnership.reference}`)).statusCode).toBe(200);

      // The overview: marked, with no total, no rank and no link; listed after the others of its lot.
      const overview = await who.client.get(`${base}/assessment`);
      const listed = overview.body.slice(overview.body.indexOf('Applications, by lot and rank'));
      const row = listed.slice(
        listed.indexOf(s.alone.reference),
        listed.indexOf('</tr>', listed.indexOf(s.alone.reference)),
      );
      expect(row).toContain('You declared an interest');
      expect(row).not.toContain('%');
      expect(row).not.toContain('Lunch clubs');
      expect(overview.body).not.toContain('76.0%');
      expect(overview.body).toContain('100.0%');
      expect(overview.body).not.toContain(`assessment/applications/${s.alone.reference}"`);
      expect(listed.indexOf(s.partnership.reference)).toBeLessThan(listed.indexOf(s.alone.reference));

      // The scoring page: refused, without the others' scores.
      const scoring = await who.client.get(`${base}/panel/applications/${s.alone.reference}`);
      expect(scoring.body).toContain('You cannot score this application');
      expect(scoring.body).not.toContain('Sam’s secret view');

      // The list of applications received: no amount asked, and the total leaves it out.
      const received = await who.client.get(`${base}/applications`);
      expect(received.statusCode).toBe(200);
      expect(received.body).toContain('asking for £40,000.00 in all');
      expect(received.body).not.toContain(`href="/applications/${s.alone.reference}"`);
    }

    // A commissioner kept from it may neither moderate it nor decide on it: another commissioner does.
    const moderation = await other.client.get(`${base}/assessment/applications/${s.alone.reference}`);
    expect(moderation.statusCode).toBe(403);
    expect(moderation.body).not.toContain('Sam’s secret view');
    const remoderate = await other.client.post(
      `${base}/assessment/applications/${s.alone.reference}`,
      moderationFields(s.o, 1, 1),
    );
    expect(remoderate.statusCode).toBe(403);
    const decisions = await other.client.get(`${base}/assessment/decisions`);
    expect(decisions.body).not.toContain(`outcome-${s.alone.id}`);
    expect(decisions.body).toContain(`You are kept from ${s.alone.reference} by a conflict of interest`);
    const decided = await other.client.post(`${base}/assessment/decisions`, {
      applications: [s.partnership.id, s.alone.id],
      [`outcome-${s.partnership.id}`]: 'successful',
      [`feedback-${s.partnership.id}`]: 'A strong partnership.',
      [`outcome-${s.alone.id}`]: 'unsuccessful',
      [`feedback-${s.alone.id}`]: 'Decided by someone with an interest',
    });
    expect(decided.statusCode).toBe(303);
    const statuses = await t.handle.db
      .selectFrom('application')
      .select(['id', 'status'])
      .where('id', 'in', [s.partnership.id, s.alone.id])
      .execute();
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
      [s.partnership.id]: 'successful',
      [s.alone.id]: 'submitted',
    });
    const again = await other.client.post(`${base}/assessment/decisions`, {
      applications: [s.alone.id],
      [`outcome-${s.alone.id}`]: 'successful',
      [`feedback-${s.alone.id}`]: 'Decided by someone with an interest',
    });
    expect(again.statusCode).toBe(403);
    const last = await s.commissioner.client.post(`${base}/assessment/decisions`, {
      applications: [s.alone.id],
      [`outcome-${s.alone.id}`]: 'successful',
      [`feedback-${s.alone.id}`]: 'Well argued.',
    });
    expect(last.statusCode).toBe(303);
    // Nor make its award.
    const award = await other.client.get(`${base}/awards/new?application=${s.alone.reference}`);
    expect(award.statusCode).toBe(403);
    expect(award.body).not.toContain('Lunch clubs in every ward');
    expect((await s.commissioner.client.get(`${base}/awards/new?application=${s.alone.reference}`)).statusCode).toBe(
      200,
    );
  });
});

describe('a cancelled opportunity', () => {
  it('refuses every assessment page and form, saying it was cancelled and on what date', async () => {
    const s = await setting('cancelled');
    const m = await person('officer', 'Cal Officer');
    const later = await person('resident', 'Lou Later');
    await addToPanel(s.commissioner.client, s.o, m.email);
    await declareNone(m.client, s.o);
    const base = `/opportunities/${s.o.slug}`;
    for (const ref of [s.alone.reference, s.partnership.reference])
      expect((await m.client.post(`${base}/panel/applications/${ref}`, scoreFields(s.o, 4, 7))).statusCode).toBe(303);
    // Everyone has scored, so moderation would be open.
    const modUrl = `${base}/assessment/applications/${s.alone.reference}`;
    expect((await s.commissioner.client.get(modUrl)).statusCode).toBe(200);

    const cancel = await s.commissioner.client.post(`${base}/cancel`, { reason: 'The service is moving in-house' });
    expect(cancel.statusCode).toBe(303);
    const row = await t.handle.db
      .selectFrom('opportunity')
      .select('cancelled_at')
      .where('id', '=', s.o.id)
      .executeTakeFirstOrThrow();
    const message = `This opportunity was cancelled on ${formatDate(row.cancelled_at!)}, so its applications will not be assessed.`;

    const decisions = {
      applications: [s.alone.id],
      [`outcome-${s.alone.id}`]: 'successful',
      [`feedback-${s.alone.id}`]: 'Good.',
    };
    const attempts: [TestClient, string, Record<string, string | string[]>?][] = [
      [m.client, `${base}/panel/declaration`],
      [m.client, `${base}/panel/declaration`, { declaration: 'none' }],
      [m.client, `${base}/panel/applications/${s.alone.reference}`],
      [m.client, `${base}/panel/applications/${s.alone.reference}`, scoreFields(s.o, 1, 1)],
      [s.commissioner.client, modUrl],
      [s.commissioner.client, modUrl, moderationFields(s.o, 4, 7)],
      [s.commissioner.client, `${base}/assessment/decisions`],
      [s.commissioner.client, `${base}/assessment/decisions`, decisions],
      [s.commissioner.client, `${base}/assessment/panel`, { email: later.email }],
      [s.commissioner.client, `${base}/assessment/panel/${m.id}/remove`],
      [s.commissioner.client, `${base}/assessment/panel/${m.id}/remove`, {}],
    ];
    for (const [client, url, fields] of attempts) {
      const res = fields ? await client.post(url, fields) : await client.get(url);
      const what = `${fields ? 'POST' : 'GET'} ${url}`;
      expect(res.statusCode, what).toBe(409);
      expect(res.body, what).toContain(message);
      expect(res.body, what).not.toContain('Scoring starts once');
    }
    const scores = await t.handle.db
      .selectFrom('assessment_score')
      .select('score')
      .where('user_id', '=', m.id)
      .execute();
    expect(scores.map((r) => r.score).sort()).toEqual([4, 4, 7, 7]);
    const changed = await t.handle.db
      .selectFrom('application')
      .select('status')
      .where('opportunity_id', '=', s.o.id)
      .execute();
    expect(changed.every((a) => a.status === 'submitted')).toBe(true);
    expect(await t.services.assessment.isMember(s.o.id, later.id)).toBe(false);
    expect(await t.services.assessment.isMember(s.o.id, m.id)).toBe(true);

    // The overview and the member's page still open, and say why nothing more happens.
    const overview = await s.commissioner.client.get(`${base}/assessment`);
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain(message);
    expect(overview.body).not.toContain('Scoring starts once');
    expect(overview.body).not.toContain('Add to the panel');
    expect(overview.body).not.toContain('Record the decisions and feedback');
    expect(overview.body).not.toContain(`href="${modUrl}"`);
    expect(overview.body).not.toContain('/remove"');
    const panel = await m.client.get(`${base}/panel`);
    expect(panel.statusCode).toBe(200);
    expect(panel.body).toContain(message);
    expect(panel.body).not.toContain(`href="${base}/panel/applications/`);
    expect(panel.body).not.toContain('Change your declaration');
  });
});

describe('removing a member from the panel', () => {
  const removeUrl = (o: ClosedOpportunity, userId: string) =>
    `/opportunities/${o.slug}/assessment/panel/${userId}/remove`;
  const scoresOf = (userId: string) =>
    t.handle.db.selectFrom('assessment_score').selectAll().where('user_id', '=', userId).execute();

  it('takes their declaration and scores with them, after a confirmation, and leaves the others’', async () => {
    const s = await setting('remove');
    const a = await person('officer', 'Abi Officer');
    const b = await person('resident', 'Bob Resident');
    for (const m of [a, b]) await addToPanel(s.commissioner.client, s.o, m.email);
    await declareNone(a.client, s.o);
    const declared = await b.client.post(`/opportunities/${s.o.slug}/panel/declaration`, {
      declaration: 'interests',
      interests: s.partnership.id,
      [`detail-${s.partnership.id}`]: 'My brother cooks there',
    });
    expect(declared.statusCode).toBe(303);
    const scoreUrl = (ref: string) => `/opportunities/${s.o.slug}/panel/applications/${ref}`;
    for (const ref of [s.alone.reference, s.partnership.reference])
      expect((await a.client.post(scoreUrl(ref), scoreFields(s.o, 4, 7))).statusCode).toBe(303);
    expect((await b.client.post(scoreUrl(s.alone.reference), scoreFields(s.o, 1, 2))).statusCode).toBe(303);

    // The overview links to the confirmation, which says what goes with them.
    const overview = await s.commissioner.client.get(`/opportunities/${s.o.slug}/assessment`);
    expect(overview.body).toContain(`href="${removeUrl(s.o, b.id)}"`);
    expect(overview.body).toContain('Remove<span class="govuk-visually-hidden"> Bob Resident from the panel</span>');
    const page = await s.commissioner.client.get(removeUrl(s.o, b.id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Remove Bob Resident from the panel?</h1>');
    expect(page.body).toContain('their declaration of interests (An interest in 1 application, declared on');
    expect(page.body).toContain('the 2 scores they gave, for 1 application');
    expect((await s.commissioner.client.get(removeUrl(s.o, a.id))).body).toContain(
      'the 4 scores they gave, for 2 applications',
    );

    // Only those who may add members may remove them, and only with the form's token.
    for (const client of [a.client, b.client]) {
      expect((await client.get(removeUrl(s.o, b.id))).statusCode).toBe(403);
      expect((await client.post(removeUrl(s.o, b.id))).statusCode).toBe(403);
    }
    const forged = await s.commissioner.client.post(removeUrl(s.o, b.id), { _csrf: 'not-the-token' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Your form has expired');
    expect(await t.services.assessment.isMember(s.o.id, b.id)).toBe(true);

    const removed = await s.commissioner.client.post(removeUrl(s.o, b.id));
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`/opportunities/${s.o.slug}/assessment`);
    expect((await s.commissioner.client.get(`/opportunities/${s.o.slug}/assessment`)).body).toContain(
      'Bob Resident removed from the panel',
    );
    expect(await t.services.assessment.isMember(s.o.id, b.id)).toBe(false);
    expect(await scoresOf(b.id)).toHaveLength(0);
    expect(await scoresOf(a.id)).toHaveLength(4);
    const exclusions = await t.handle.db
      .selectFrom('panel_exclusion')
      .select('user_id')
      .where('opportunity_id', '=', s.o.id)
      .execute();
    expect(exclusions.filter((e) => e.user_id === b.id)).toHaveLength(0);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select(['user_id', 'detail'])
      .where('entity_id', '=', s.o.id)
      .where('action', '=', 'panel.member_removed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.user_id).toBe(s.commissioner.id);
    expect(audit[0]!.detail).toMatchObject({ userId: b.id, name: 'Bob Resident', scores: [{}, {}] });
    const mail = await t.services.outbox.latestTo(b.email);
    expect(mail?.subject).toContain('You are no longer on the assessment panel');

    // They are out: their pages are refused, a score they post is not kept, and moderation no longer waits.
    expect((await b.client.get(`/opportunities/${s.o.slug}/panel`)).statusCode).toBe(403);
    expect((await b.client.post(scoreUrl(s.alone.reference), scoreFields(s.o, 1, 2))).statusCode).toBe(403);
    expect(await scoresOf(b.id)).toHaveLength(0);
    const spread = await s.commissioner.client.get(
      `/opportunities/${s.o.slug}/assessment/applications/${s.alone.reference}`,
    );
    expect(spread.statusCode).toBe(200);
    expect(spread.body).not.toContain('Bob Resident');
    const again = await s.commissioner.client.post(removeUrl(s.o, b.id));
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('That person is not on this opportunity’s panel.');
    expect((await s.commissioner.client.get(removeUrl(s.o, 'not-a-user'))).statusCode).toBe(404);

    // Added again, they start afresh.
    await addToPanel(s.commissioner.client, s.o, b.email);
    const fresh = await b.client.get(`/opportunities/${s.o.slug}/panel`);
    expect(fresh.body).toContain('Declare your interests');
  });

  it('refuses removals and additions once moderation has started, saying why', async () => {
    const s = await setting('remove-late');
    const a = await person('officer', 'Ann Officer');
    await addToPanel(s.commissioner.client, s.o, a.email);
    await declareNone(a.client, s.o);
    await a.client.post(`/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`, scoreFields(s.o, 4, 7));
    const moderated = await s.commissioner.client.post(
      `/opportunities/${s.o.slug}/assessment/applications/${s.alone.reference}`,
      moderationFields(s.o, 4, 7),
    );
    expect(moderated.statusCode).toBe(303);

    const why =
      'Moderation of this opportunity’s applications has started, so Ann Officer can no longer be removed from the panel';
    for (const res of [
      await s.commissioner.client.get(removeUrl(s.o, a.id)),
      await s.commissioner.client.post(removeUrl(s.o, a.id)),
    ]) {
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('This person cannot be removed from the panel');
      expect(res.body).toContain(why);
    }
    expect(await t.services.assessment.isMember(s.o.id, a.id)).toBe(true);
    expect(await scoresOf(a.id)).toHaveLength(2);
    const overview = await s.commissioner.client.get(`/opportunities/${s.o.slug}/assessment`);
    expect(overview.body).not.toContain(removeUrl(s.o, a.id));
    expect(overview.body).toContain(
      'Moderation has started, so the panel stays as it is: no one can be added or removed.',
    );
    expect(overview.body).not.toContain('Add to the panel');

    // Nor can anyone join: the other applications are assessed by the panel that assessed this one.
    const late = await person('resident', 'Lee Late');
    const added = await s.commissioner.client.post(`/opportunities/${s.o.slug}/assessment/panel`, {
      email: late.email,
    });
    expect(added.statusCode).toBe(409);
    expect(added.body).toContain('so no one can be added to the panel');
    expect(await t.services.assessment.isMember(s.o.id, late.id)).toBe(false);
  });
});

// PGlite runs one transaction at a time, so only a server shows what the row locks do.
describe.skipIf(process.env.TEST_DB !== 'postgres')('a removal arriving while the member saves scores', () => {
  it('waits for the scores and removes them too', async () => {
    const s = await setting('remove-race');
    const a = await person('officer', 'Rae Racing');
    await addToPanel(s.commissioner.client, s.o, a.email);
    await declareNone(a.client, s.o);

    // The scores are written and held open before their audit record; the removal comes meanwhile.
    const audit = await holdAuditLog(t.handle.db);
    const scoring = a.client.post(
      `/opportunities/${s.o.slug}/panel/applications/${s.alone.reference}`,
      scoreFields(s.o, 4, 7),
    );
    await untilWaitingForLocks(t.handle.db, 1);
    const removing = s.commissioner.client.post(`/opportunities/${s.o.slug}/assessment/panel/${a.id}/remove`);
    // Without the member's row held while scoring, the removal would not see the uncommitted scores and would
    // leave them behind, counted for someone no longer on the panel.
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    expect((await scoring).statusCode).toBe(303);
    expect((await removing).statusCode).toBe(303);
    expect(await t.services.assessment.isMember(s.o.id, a.id)).toBe(false);
    const left = await t.handle.db.selectFrom('assessment_score').select('score').where('user_id', '=', a.id).execute();
    expect(left).toHaveLength(0);
  });
});

describe.skipIf(process.env.TEST_DB !== 'postgres')('decisions arriving while the opportunity is cancelled', () => {
  it('wait for the cancellation and are refused', async () => {
    const s = await setting('decide-race');
    await readyForDecisions(s, 'Dee Deciding');
    const staff = { id: s.commissioner.client.userId!, role: 'commissioner' as const };
    // The cancellation is written and held open before its audit record; the decisions come meanwhile.
    const audit = await holdAuditLog(t.handle.db);
    const cancelling = t.services.opportunities.cancel(staff, s.o.slug, 'The service is moving in-house');
    await untilWaitingForLocks(t.handle.db, 1);
    const deciding = s.commissioner.client.post(`/opportunities/${s.o.slug}/assessment/decisions`, {
      applications: [s.partnership.id, s.alone.id],
      [`outcome-${s.partnership.id}`]: 'successful',
      [`feedback-${s.partnership.id}`]: 'A strong partnership.',
      [`outcome-${s.alone.id}`]: 'unsuccessful',
      [`feedback-${s.alone.id}`]: 'Costs were unclear.',
    });
    // Without the opportunity's row held while deciding, the decisions would read it as closed and go through.
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    expect(await cancelling).toEqual({ ok: true });
    const res = await deciding;
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('so its applications will not be assessed');
    const statuses = await t.handle.db
      .selectFrom('application')
      .select('status')
      .where('opportunity_id', '=', s.o.id)
      .execute();
    expect(statuses.every((a) => a.status === 'submitted')).toBe(true);
  });
});

/** The same decisions, posted by the commissioner. */
const decisionFields = (s: Awaited<ReturnType<typeof setting>>) => ({
  applications: [s.partnership.id, s.alone.id],
  [`outcome-${s.partnership.id}`]: 'successful',
  [`feedback-${s.partnership.id}`]: 'A strong partnership.',
  [`outcome-${s.alone.id}`]: 'unsuccessful',
  [`feedback-${s.alone.id}`]: 'Costs were unclear.',
});

/** What two decisions sent at once leave: one made, the other refused, audited once and told once. */
async function expectDecidedOnce(s: Awaited<ReturnType<typeof setting>>, leadEmail: string, codes: number[]) {
  expect(codes.sort()).toEqual([303, 409]);
  const audited = await t.handle.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', s.partnership.id)
    .where('action', 'like', 'application.%successful')
    .execute();
  expect(audited).toHaveLength(1);
  const told = await t.handle.db
    .selectFrom('outbox')
    .select('subject')
    .where('to_address', '=', leadEmail)
    .where('kind', '=', 'application.decided')
    .execute();
  expect(told).toHaveLength(1);
}

describe('two decisions sent at once', () => {
  it('makes one, refuses the other, and audits and tells the applicants once', async () => {
    const s = await setting('decide-twice');
    const lead = await person('vcs_member', 'Lou Lead');
    await s.o.member(lead.id, s.lead);
    await readyForDecisions(s, 'Dot Deciding');
    const url = `/opportunities/${s.o.slug}/assessment/decisions`;
    const [a, b] = await Promise.all([
      s.commissioner.client.post(url, decisionFields(s)),
      s.commissioner.client.post(url, decisionFields(s)),
    ]);
    await expectDecidedOnce(s, lead.email, [a.statusCode, b.statusCode]);
    expect([a.body, b.body].join()).toContain('Every application has its decision.');
  });
});

describe.skipIf(process.env.TEST_DB !== 'postgres')('a decision arriving while another is being made', () => {
  it('waits for it, then sees the applications decided and is refused, with nothing audited or sent', async () => {
    const s = await setting('decide-overlap');
    const lead = await person('vcs_member', 'Lyn Lead');
    await s.o.member(lead.id, s.lead);
    await readyForDecisions(s, 'Del Deciding');
    const url = `/opportunities/${s.o.slug}/assessment/decisions`;
    // The first decisions are written and held open before their audit record; the second come meanwhile.
    const audit = await holdAuditLog(t.handle.db);
    const first = s.commissioner.client.post(url, decisionFields(s));
    await untilWaitingForLocks(t.handle.db, 1);
    const second = s.commissioner.client.post(url, decisionFields(s));
    // Checked before its transaction, the second would read every application as waiting and decide it again.
    await untilWaitingForLocks(t.handle.db, 2);
    await audit.release();
    await expectDecidedOnce(s, lead.email, [(await first).statusCode, (await second).statusCode]);
  });
});
