import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';

let t: TestContext;
let n = 0;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

async function need(title = 'Carers in Thornton Heath need regular breaks') {
  n++;
  const slug = `carers-breaks-${n}`;
  const row = await t.handle.db
    .insertInto('needs_assessment')
    .values({ slug, title })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  return row;
}

const sections = {
  context: 'Unpaid carers in Thornton Heath told us they rarely get a break.',
  outcomes_sought: 'Carers get regular breaks and feel less alone.',
  service_requirements: 'Weekly sitting service and a peer group.',
  delivery_model_options: 'Lots for small local groups, or a partnership.',
  budget: '£120,000 a year for three years.',
  timetable: 'Published in January, starting in April.',
};

async function person(role: 'resident' | 'vcs_member', name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${++n}@example.test`;
  const client = await t.as(role, { email, name });
  return { client, email };
}

async function draft(commissioner: TestClient) {
  const { slug } = await need();
  const res = await commissioner.post('/specifications/new', {
    need: slug,
    title: `Breaks for carers ${n}`,
    ...sections,
  });
  expect(res.statusCode).toBe(303);
  const specSlug = String(res.headers.location).replace('/specifications/', '');
  return { needSlug: slug, slug: specSlug };
}

async function audits(action: string) {
  return t.handle.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
}

describe('drafting and versions', () => {
  it('drafts from a needs assessment, both ways in, and links the need both ways', async () => {
    const commissioner = await t.as('commissioner');
    const { slug: needSlug, id: needId } = await need('Loneliness among older people in Norbury');
    const form = await commissioner.get(`/needs/${needSlug}/specifications/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Loneliness among older people in Norbury');
    expect((await commissioner.get(`/specifications/new?need=${needSlug}`)).statusCode).toBe(200);
    expect((await commissioner.get('/specifications/new?need=no-such-need')).statusCode).toBe(404);

    const bad = await commissioner.post('/specifications/new', { need: needSlug, title: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a title for the specification');
    expect(bad.body).toContain('Write at least one section');

    const res = await commissioner.post('/specifications/new', {
      need: needSlug,
      title: 'Befriending in Norbury',
      ...sections,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/specifications/befriending-in-norbury');
    const page = await commissioner.get('/specifications/befriending-in-norbury');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/needs/${needSlug}"`);
    expect(page.body).toContain('Weekly sitting service and a peer group.');
    expect(page.body).toContain('Version 1');
    expect(page.body).toContain('action="/specifications/befriending-in-norbury/opportunity"');

    const needPage = await commissioner.get(`/needs/${needSlug}`);
    expect(needPage.body).toContain('href="/specifications/befriending-in-norbury"');
    expect(needPage.body).toContain(`href="/needs/${needSlug}/specifications/new"`);
    const forNeed = await t.services.specifications.forNeed(needId);
    expect(forNeed.map((s) => s.slug)).toEqual(['befriending-in-norbury']);
    expect(
      (await audits('specification.created')).some((a) => a.detail && JSON.stringify(a.detail).includes('Befriending')),
    ).toBe(true);
  });

  it('keeps each save as a new version with a note, and shows a readable difference', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const noNote = await commissioner.post(`/specifications/${slug}/edit`, {
      ...sections,
      budget: '£150,000 a year',
      note: '',
    });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.body).toContain('Say what changed in this version');
    expect(noNote.body).toContain('£150,000 a year'); // nothing typed is lost

    const unchanged = await commissioner.post(`/specifications/${slug}/edit`, { ...sections, note: 'No change' });
    expect(unchanged.statusCode).toBe(400);
    expect(unchanged.body).toContain('Change at least one section to save a new version');

    const saved = await commissioner.post(`/specifications/${slug}/edit`, {
      ...sections,
      budget: '£150,000 a year for three years.',
      note: 'Budget raised after the workshop',
    });
    expect(saved.statusCode).toBe(303);
    const versions = await commissioner.get(`/specifications/${slug}/versions`);
    expect(versions.body).toContain('Budget raised after the workshop');
    expect(versions.body).toContain(`/specifications/${slug}/versions/1/compare/2`);

    const compare = await commissioner.get(`/specifications/${slug}/versions/1/compare/2`);
    expect(compare.statusCode).toBe(200);
    expect(compare.body).toMatch(
      /<del class="app-diff__removed"><span class="govuk-visually-hidden">\[removed: <\/span>£120,000/,
    );
    expect(compare.body).toMatch(
      /<ins class="app-diff__added"><span class="govuk-visually-hidden">\[added: <\/span>£150,000/,
    );
    expect(compare.body).toContain('No changes.');
    expect((await commissioner.get(`/specifications/${slug}/versions/1/compare/9`)).statusCode).toBe(404);
    expect((await audits('specification.version_saved')).length).toBeGreaterThan(0);
  });

  it('lets no one but staff and its co-producers read a specification', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const stranger = await t.as('resident');
    expect((await stranger.get(`/specifications/${slug}`)).statusCode).toBe(403);
    expect((await stranger.get(`/specifications/${slug}/versions`)).statusCode).toBe(403);
    const anonymous = await (await t.as(null)).get(`/specifications/${slug}`);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).toContain(`/sign-in?next=${encodeURIComponent(`/specifications/${slug}`)}`);
    expect((await (await t.as('officer')).get(`/specifications/${slug}`)).statusCode).toBe(200);
    const list = await stranger.get('/specifications');
    expect(list.body).not.toContain(slug);
  });
});

describe('co-producers', () => {
  it('invites existing residents and VCS members by email, with clear refusals', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const nobody = await commissioner.post(`/specifications/${slug}/coproducers`, {
      email: 'nobody@example.test',
      role_label: 'Carer',
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.body).toContain('There is no account with that email address');
    expect(nobody.body).toContain('nobody@example.test');
    const officer = await t.as('officer', { email: `officer.${++n}@example.test` });
    const staff = await commissioner.post(`/specifications/${slug}/coproducers`, {
      email: `officer.${n}@example.test`,
      role_label: 'Officer',
    });
    expect(staff.body).toContain('Co-producers are residents and VCS members');
    expect(officer.userId).toBeTruthy();

    const { email } = await person('resident', 'Grace Carer');
    const ok = await commissioner.post(`/specifications/${slug}/coproducers`, {
      email: email.toUpperCase(),
      role_label: 'Carer',
    });
    expect(ok.statusCode).toBe(303);
    const again = await commissioner.post(`/specifications/${slug}/coproducers`, { email, role_label: 'Carer' });
    expect(again.body).toContain('Grace Carer is already a co-producer');
    const mail = await t.handle.db.selectFrom('outbox').selectAll().where('to_address', '=', email).execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body).toContain(`/specifications/${slug}`);
    const spec = await t.handle.db
      .selectFrom('specification')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    expect(spec.status).toBe('in_review');
  });

  it('lets only invited co-producers comment, per section, on the current version', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const { client: resident, email } = await person('resident', 'Amal Resident');
    const { client: outsider } = await person('vcs_member', 'Outside Member');
    await commissioner.post(`/specifications/${slug}/coproducers`, { email, role_label: 'Carer' });

    const refused = await outsider.post(`/specifications/${slug}/comments`, { section: 'budget', body: 'Too little' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Only the co-producers invited to this specification can comment on it.');
    const staffRefused = await commissioner.post(`/specifications/${slug}/comments`, { section: 'budget', body: 'x' });
    expect(staffRefused.statusCode).toBe(403);

    const page = await resident.get(`/specifications/${slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Add comment');
    expect(page.body).toContain('<option value="service_requirements">Service requirements</option>');
    const bad = await resident.post(`/specifications/${slug}/comments`, { section: '', body: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose the section you are commenting on');
    expect(bad.body).toContain('Enter your comment');
    const kept = await resident.post(`/specifications/${slug}/comments`, { section: 'budget', body: '' });
    expect(kept.body).toContain('<option value="budget" selected>Budget</option>');

    const ok = await resident.post(`/specifications/${slug}/comments`, {
      section: 'service_requirements',
      body: 'Evenings matter: most carers work days.',
    });
    expect(ok.statusCode).toBe(303);
    const after = await commissioner.get(`/specifications/${slug}`);
    expect(after.body).toContain('Evenings matter: most carers work days.');
    expect(after.body).toContain('Amal Resident, on version 1');
    const comments = await t.handle.db
      .selectFrom('specification_comment')
      .selectAll()
      .where('body', 'like', 'Evenings%')
      .execute();
    expect(comments[0]!.section).toBe('service_requirements');
    expect((await audits('specification.commented')).length).toBeGreaterThan(0);

    // Staff hide a comment with a reason; it is kept, and co-producers see why it was hidden.
    const hide = await commissioner.post(`/specifications/${slug}/comments/${comments[0]!.id}/hide`, {
      reason: 'Names a person',
    });
    expect(hide.statusCode).toBe(303);
    const residentView = await resident.get(`/specifications/${slug}`);
    expect(residentView.body).toContain('This comment was hidden: Names a person');
    expect(residentView.body).not.toContain('Evenings matter');
  });

  it('records co-production workshops with who took part by role', async () => {
    const officer = await t.as('officer');
    const { slug } = await draft(officer);
    const bad = await officer.post(`/specifications/${slug}/workshops/new`, {
      'held_on-day': '31',
      'held_on-month': '2',
      'held_on-year': '2026',
      residents: 'six',
      what_changed: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The date of the workshop must be a real date');
    expect(bad.body).toContain('Residents: enter a whole number, like 6, or leave it empty');
    expect(bad.body).toContain('Say what changed because of the workshop');
    const ok = await officer.post(`/specifications/${slug}/workshops/new`, {
      'held_on-day': '3',
      'held_on-month': '11',
      'held_on-year': '2026',
      residents: '6',
      vcs_members: '4',
      commissioners: '2',
      what_changed: 'Evening sessions added to the service requirements.',
    });
    expect(ok.statusCode).toBe(303);
    const row = await t.handle.db
      .selectFrom('coproduction_workshop')
      .selectAll()
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.held_on).toBe('2026-11-03');
    expect(row.participants).toEqual({ residents: 6, vcs_members: 4, commissioners: 2 });
    const page = await officer.get(`/specifications/${slug}`);
    expect(page.body).toContain('residents 6, vcs members 4, commissioners 2');
  });
});

describe('sign-off and publication', () => {
  const indicator = {
    name: 'Carers who get a break at least once a month',
    unit: 'percentage of carers supported',
    baseline: '35',
    target: '60',
    direction: 'increase',
    frequency: 'quarterly',
    data_source: 'Provider survey',
    disaggregated_by_ward: 'yes',
    disaggregated_by_group: 'no',
  };

  it('is signed off when every named co-producer has signed off, and a new version resets the sign-offs', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const a = await person('resident', 'Ada Resident');
    const b = await person('vcs_member', 'Ben Member');
    await commissioner.post(`/specifications/${slug}/coproducers`, { email: a.email, role_label: 'Carer' });
    await commissioner.post(`/specifications/${slug}/coproducers`, {
      email: b.email,
      role_label: 'Croydon Carers Centre',
    });
    const status = async () =>
      (
        await t.handle.db
          .selectFrom('specification')
          .select('status')
          .where('slug', '=', slug)
          .executeTakeFirstOrThrow()
      ).status;

    const outsider = await person('resident', 'Not Invited');
    expect((await outsider.client.post(`/specifications/${slug}/sign-off`, { version: '1' })).statusCode).toBe(403);

    expect((await a.client.post(`/specifications/${slug}/sign-off`, { version: '1' })).statusCode).toBe(303);
    expect(await status()).toBe('in_review');
    expect((await b.client.post(`/specifications/${slug}/sign-off`, { version: '1' })).statusCode).toBe(303);
    expect(await status()).toBe('signed_off');
    expect((await commissioner.get(`/specifications/${slug}`)).body).toContain(
      'Every co-producer has signed off version 1.',
    );

    const edit = await commissioner.get(`/specifications/${slug}/edit`);
    expect(edit.body).toContain('Saving a new version resets their sign-offs');
    const saved = await commissioner.post(`/specifications/${slug}/edit`, {
      ...sections,
      timetable: 'Starting in May.',
      note: 'Later start',
    });
    expect(saved.statusCode).toBe(303);
    const page = await commissioner.get(String(saved.headers.location));
    expect(page.body).toContain('Sign-offs were reset: every co-producer needs to sign off the new version');
    expect(await status()).toBe('in_review');
    expect(page.body).toContain('0 of 2 co-producers have signed off version 2');

    // Signing off an old version is refused in words.
    const stale = await a.client.post(`/specifications/${slug}/sign-off`, { version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Version 2 has been saved since you opened the page');
    const audit = await audits('specification.version_saved');
    expect(audit.some((r) => (r.detail as { signOffsReset?: number }).signOffsReset === 2)).toBe(true);
  });

  it('refuses to publish without a signed-off version and an outcomes framework, listing what is missing', async () => {
    const commissioner = await t.as('commissioner');
    const { slug, needSlug } = await draft(commissioner);
    await t.handle.db.updateTable('needs_assessment').set({ status: 'open' }).where('slug', '=', needSlug).execute();
    const visitor = await t.as(null);
    expect((await visitor.get(`/needs/${needSlug}`)).body).not.toContain(`href="/specifications/${slug}"`);
    const bare = await commissioner.post(`/specifications/${slug}/publish`);
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('This specification cannot be published yet');
    expect(bare.body).toContain('govuk-error-summary');
    expect(bare.body).toContain('Invite at least one co-producer to sign off the specification');
    expect(bare.body).toContain('Add at least one outcome to the outcomes framework');

    const { client: resident, email } = await person('resident', 'Sign Off');
    await commissioner.post(`/specifications/${slug}/coproducers`, { email, role_label: 'Carer' });
    await resident.post(`/specifications/${slug}/sign-off`, { version: '1' });
    const signedOnly = await commissioner.post(`/specifications/${slug}/publish`);
    expect(signedOnly.statusCode).toBe(400);
    expect(signedOnly.body).not.toContain('must be signed off by every co-producer');
    expect(signedOnly.body).toContain('Add at least one outcome to the outcomes framework');

    const outcome = await commissioner.post(`/specifications/${slug}/outcomes`, { title: 'Carers get regular breaks' });
    expect(outcome.statusCode).toBe(303);
    const indicatorUrl = String(outcome.headers.location);
    const noIndicator = await commissioner.post(`/specifications/${slug}/publish`);
    expect(noIndicator.body).toContain('Add at least one complete indicator to an outcome');
    expect(noIndicator.body).not.toContain('Add at least one outcome to the outcomes framework');

    const wrongWay = await commissioner.post(indicatorUrl, { ...indicator, target: '20' });
    expect(wrongWay.statusCode).toBe(400);
    expect(wrongWay.body).toContain('The target must be more than the baseline, because it should increase');
    const noUnit = await commissioner.post(indicatorUrl, { ...indicator, unit: '' });
    expect(noUnit.body).toContain('Enter the unit, for example people, percentage or visits');
    expect((await commissioner.post(indicatorUrl, indicator)).statusCode).toBe(303);

    // The framework is part of what is signed off: adding it made versions 2 and 3, to be signed off again.
    const reset = await commissioner.post(`/specifications/${slug}/publish`);
    expect(reset.statusCode).toBe(400);
    expect(reset.body).toContain('The current version must be signed off by every co-producer');
    expect((await resident.post(`/specifications/${slug}/sign-off`, { version: '3' })).statusCode).toBe(303);

    const published = await commissioner.post(`/specifications/${slug}/publish`);
    expect(published.statusCode).toBe(303);
    const page = await commissioner.get(`/specifications/${slug}`);
    expect(page.body).toContain('The specification is published');
    expect(page.body).toContain('It can no longer be changed.');
    expect((await audits('specification.published')).length).toBeGreaterThan(0);

    // Once published it is open to everyone, and cannot be changed, commented on or signed off.
    expect((await visitor.get(`/needs/${needSlug}`)).body).toContain(`href="/specifications/${slug}"`);
    const open = await visitor.get(`/specifications/${slug}`);
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain('Carers who get a break at least once a month');
    expect(open.body).not.toContain(`action="/specifications/${slug}/publish"`);
    expect(open.body).not.toContain(`action="/specifications/${slug}/comments"`);
    expect((await visitor.get(`/specifications/${slug}/versions`)).statusCode).toBe(200);
    expect(
      (await commissioner.post(`/specifications/${slug}/edit`, { ...sections, note: 'x', budget: 'y' })).statusCode,
    ).toBe(409);
    expect((await resident.post(`/specifications/${slug}/comments`, { section: 'budget', body: 'x' })).statusCode).toBe(
      409,
    );
  });

  it('refuses to publish when a co-producer has not signed off the current version', async () => {
    const commissioner = await t.as('commissioner');
    const { slug } = await draft(commissioner);
    const { email } = await person('vcs_member', 'Slow Signer');
    await commissioner.post(`/specifications/${slug}/coproducers`, { email, role_label: 'Age UK Croydon' });
    const res = await commissioner.post(`/specifications/${slug}/publish`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The current version must be signed off by every co-producer');
  });
});
