import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../test/support/app.ts';
import { seedDemoNeeds } from '../../seed/needs.ts';
import { MAX_DOCUMENT_BYTES } from './evidence.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const inDays = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return {
    'closes_at-day': String(d.getUTCDate()),
    'closes_at-month': String(d.getUTCMonth() + 1),
    'closes_at-year': String(d.getUTCFullYear()),
  };
};

async function createNeed(client: TestClient, title: string, extra: Record<string, string | string[]> = {}) {
  const wards = await t.services.place.wards();
  const res = await client.post('/needs/new', {
    title,
    summary: 'A short summary',
    need: 'Unpaid carers cannot find respite.',
    groups: 'Unpaid carers\nOlder people',
    wards: [wards[0]!.code],
    coproduction_level: 'co_design',
    status: 'open',
    ...inDays(30),
    ...extra,
  });
  expect(res.statusCode).toBe(303);
  return String(res.headers.location)
    .replace(/^\/needs\//, '')
    .replace(/\/edit$/, '');
}

/** Posts the document form as a browser does: multipart body, CSRF token in the form's action. */
async function upload(client: TestClient, slug: string, file: { name: string; bytes: Buffer }) {
  const page = await client.get(`/needs/${slug}/edit`);
  const token = /evidence\/document\?_csrf=([^"&]+)/.exec(page.body)?.[1];
  expect(token).toBeTruthy();
  const boundary = '----needs-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="doc_title"\r\n\r\nSurvey report\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/needs/${slug}/evidence/document?_csrf=${token}`,
    payload: body,
    headers: { cookie: client.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

describe('needs assessments', () => {
  it('refuses bad input with clear messages and keeps what was typed', async () => {
    const commissioner = await t.as('commissioner');
    const res = await commissioner.post('/needs/new', {
      title: '',
      need: 'Something typed',
      coproduction_level: 'tokenism',
      status: 'open',
      'closes_at-day': '31',
      'closes_at-month': '2',
      'closes_at-year': '2027',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a title');
    expect(res.body).toContain('Select the level of co-production');
    expect(res.body).toContain('Something typed');
    const noDate = await commissioner.post('/needs/new', {
      title: 'A need',
      need: 'x',
      coproduction_level: 'informing',
      status: 'open',
    });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.body).toContain('Enter the closing date for input');
    const badWard = await commissioner.post('/needs/new', {
      title: 'A need',
      need: 'x',
      coproduction_level: 'informing',
      status: 'draft',
      wards: 'E05999999',
    });
    expect(badWard.statusCode).toBe(400);
    expect(badWard.body).toContain('Select wards from the list');
  });

  it('lets staff create one with evidence, shows it publicly with the ladder, and audits it', async () => {
    const officer = await t.as('officer');
    const slug = await createNeed(officer, 'Respite for unpaid carers');
    expect(
      (
        await officer.post(`/needs/${slug}/evidence`, {
          evidence_kind: 'text',
          evidence_title: 'What carers told us',
          evidence_body: 'Long waits.',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (
        await officer.post(`/needs/${slug}/evidence`, {
          evidence_kind: 'link',
          evidence_title: 'Census',
          evidence_url: 'javascript:alert(1)',
        })
      ).body,
    ).toContain('Enter a web address starting with https://');
    expect(
      (
        await officer.post(`/needs/${slug}/evidence`, {
          evidence_kind: 'link',
          evidence_title: 'Census',
          evidence_url: 'https://www.ons.gov.uk/census',
        })
      ).statusCode,
    ).toBe(303);
    const table = await officer.post(`/needs/${slug}/evidence`, {
      evidence_kind: 'table',
      evidence_title: 'Carers by ward',
      evidence_csv: 'Ward,Carers\nAddiscombe East,1200\nBensham Manor,"1,450"',
    });
    expect(table.statusCode).toBe(303);
    const pdf = await upload(officer, slug, { name: 'report.pdf', bytes: Buffer.from('%PDF-1.4\n%test\n') });
    expect(pdf.statusCode).toBe(303);

    const page = await (await t.as(null)).get(`/needs/${slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Respite for unpaid carers');
    expect(page.body).toContain('aria-current="step"');
    expect(page.body).toMatch(/Co-design<\/span> <strong class="govuk-tag/);
    expect(page.body).toMatch(/<th scope="col" class="govuk-table__header[^"]*">Carers<\/th>/);
    expect(page.body).toContain('1,450');
    expect(page.body).toContain('Download report.pdf');
    const href = /href="(\/needs\/[^"]+\/evidence\/[^"]+)" download/.exec(page.body)?.[1];
    const download = await (await t.as(null)).get(href!);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.body).toContain('%PDF-1.4');

    const actions = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', officer.userId!)
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual(
      ['needs.create', 'needs.evidence.add', 'needs.evidence.add', 'needs.evidence.add', 'needs.evidence.add'].sort(),
    );
  });

  it('refuses a document that is too large or of the wrong type', async () => {
    const officer = await t.as('officer');
    const slug = await createNeed(officer, 'Upload checks');
    const big = await upload(officer, slug, { name: 'big.pdf', bytes: Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x25) });
    expect(big.statusCode).toBe(400);
    expect(big.body).toContain('The selected file must be smaller than 10 MB');
    const exe = await upload(officer, slug, { name: 'virus.exe', bytes: Buffer.from('MZ\x90\x00') });
    expect(exe.statusCode).toBe(400);
    expect(exe.body).toContain('The selected file must be a PDF, Word, Excel, OpenDocument, CSV or plain text file');
    const fake = await upload(officer, slug, { name: 'fake.pdf', bytes: Buffer.from('not a pdf at all') });
    expect(fake.statusCode).toBe(400);
    expect(fake.body).toContain('is not a real PDF');
    const count = await t.handle.db.selectFrom('needs_evidence').select('id').execute();
    expect(count.every(Boolean)).toBe(true);
    const a = await t.services.needs.bySlug(slug);
    expect(a!.evidence).toHaveLength(0);
  });

  it('lets residents contribute and support once, refuses after the closing date, and hides drafts', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Youth spaces');
    const resident = await t.as('resident');
    const empty = await resident.post(`/needs/${slug}/contributions`, { kind: 'idea', body: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your contribution');
    expect(
      (await resident.post(`/needs/${slug}/contributions`, { kind: 'idea', body: 'Open the library late' })).statusCode,
    ).toBe(303);
    expect((await resident.post(`/needs/${slug}/support`)).statusCode).toBe(303);
    expect((await resident.post(`/needs/${slug}/support`)).statusCode).toBe(303);
    const vcs = await t.as('vcs_member');
    expect((await vcs.post(`/needs/${slug}/support`)).statusCode).toBe(303);
    const a = await t.services.needs.bySlug(slug);
    expect(a!.supporters).toHaveLength(2);
    expect(a!.contributions.map((c) => c.body)).toEqual(['Open the library late']);
    // Staff cannot contribute; only residents and VCS members (and admins) take part.
    expect((await commissioner.post(`/needs/${slug}/contributions`, { kind: 'idea', body: 'x' })).statusCode).toBe(403);

    // After the closing date: refused, with the date.
    const later = new Date(Date.now() + 40 * 86_400_000);
    const refused = await t.services.needs.contribute(
      { id: resident.userId!, role: 'resident' },
      slug,
      { kind: 'comment', body: 'late' },
      later,
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/no longer open.*It closed on/);
    await t.handle.db
      .updateTable('needs_assessment')
      .set({ closes_at: '2020-01-01' })
      .where('slug', '=', slug)
      .execute();
    const closed = await resident.post(`/needs/${slug}/contributions`, { kind: 'comment', body: 'Too late' });
    expect(closed.statusCode).toBe(409);
    expect(closed.body).toContain('no longer open for contributions or support');
    expect(closed.body).toContain('1 January 2020');
    expect((await resident.post(`/needs/${slug}/support`)).statusCode).toBe(409);

    const draft = await createNeed(commissioner, 'Secret draft', { status: 'draft' });
    expect((await (await t.as(null)).get(`/needs/${draft}`)).statusCode).toBe(404);
    expect((await (await t.as('resident')).get('/needs')).body).not.toContain('Secret draft');
    expect((await commissioner.get(`/needs/${draft}`)).statusCode).toBe(200);
  });

  it('lets staff hide with a reason (shown only to staff and the author) and respond', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Food support');
    const author = await t.as('resident');
    await author.post(`/needs/${slug}/contributions`, { kind: 'lived_experience', body: 'Rude words here' });
    const [c] = (await t.services.needs.bySlug(slug))!.contributions;
    const noReason = await commissioner.post(`/needs/${slug}/contributions/${c!.id}/hide`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Enter the reason for hiding this contribution');
    expect((await author.post(`/needs/${slug}/contributions/${c!.id}/hide`, { reason: 'x' })).statusCode).toBe(403);
    expect(
      (await commissioner.post(`/needs/${slug}/contributions/${c!.id}/hide`, { reason: 'Offensive language' }))
        .statusCode,
    ).toBe(303);
    expect((await commissioner.get(`/needs/${slug}`)).body).toContain('Hidden by a moderator: Offensive language');
    expect((await author.get(`/needs/${slug}`)).body).toContain('Hidden by a moderator: Offensive language');
    const other = await (await t.as('resident')).get(`/needs/${slug}`);
    expect(other.body).not.toContain('Rude words here');
    expect(other.body).not.toContain('Offensive language');
    const row = await t.handle.db
      .selectFrom('needs_contribution')
      .selectAll()
      .where('id', '=', c!.id)
      .executeTakeFirstOrThrow();
    expect(row.body).toBe('Rude words here');

    await author.post(`/needs/${slug}/contributions`, { kind: 'idea', body: 'A food bank on Saturdays' });
    const second = (await t.services.needs.bySlug(slug))!.contributions[1]!;
    expect(
      (await commissioner.post(`/needs/${slug}/contributions/${second.id}/respond`, { response: '' })).body,
    ).toContain('Enter what was done');
    expect(
      (
        await commissioner.post(`/needs/${slug}/contributions/${second.id}/respond`, {
          response: 'We funded Saturday opening',
        })
      ).statusCode,
    ).toBe(303);
    const publicPage = await (await t.as(null)).get(`/needs/${slug}`);
    expect(publicPage.body).toContain('You said, we did');
    expect(publicPage.body).toContain('We funded Saturday opening');
    const actions = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', commissioner.userId!)
      .execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['needs.hide', 'needs.respond']));
  });

  it('tells each contributor in one daily digest, not one e-mail per response', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Digest need');
    const resident = await t.as('resident', { email: 'digest-person@example.test' });
    for (const body of ['one', 'two', 'three'])
      await resident.post(`/needs/${slug}/contributions`, { kind: 'comment', body });
    const contributions = (await t.services.needs.bySlug(slug))!.contributions;
    for (const c of contributions) {
      await commissioner.post(`/needs/${slug}/contributions/${c.id}/respond`, { response: `Done about ${c.body}` });
    }
    const now = new Date();
    await t.services.needs.sendDigests(now);
    const mail = await t.handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', 'digest-person@example.test')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain('3 responses');
    for (const word of ['Done about one', 'Done about two', 'Done about three']) expect(mail[0]!.body).toContain(word);

    // Nothing new: nothing sent. A new response the same day waits until a day has passed.
    await t.services.needs.sendDigests(new Date(now.getTime() + 60_000));
    await commissioner.post(`/needs/${slug}/contributions/${contributions[0]!.id}/respond`, { response: 'And more' });
    await t.services.needs.sendDigests(new Date(now.getTime() + 3_600_000));
    expect(
      await t.handle.db
        .selectFrom('outbox')
        .select('id')
        .where('to_address', '=', 'digest-person@example.test')
        .execute(),
    ).toHaveLength(1);
    await t.services.needs.sendDigests(new Date(now.getTime() + 25 * 3_600_000));
    const after = await t.handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('to_address', '=', 'digest-person@example.test')
      .orderBy('id')
      .execute();
    expect(after).toHaveLength(2);
    expect(after[1]!.body).toContain('And more');
  });

  it('lists open ones first, filters by ward and priority, and shows an empty state', async () => {
    const officer = await t.as('officer');
    const wards = await t.services.place.wards();
    const priorities = await t.services.place.priorities();
    await createNeed(officer, 'Published one', {
      status: 'published',
      'closes_at-day': '',
      'closes_at-month': '',
      'closes_at-year': '',
    });
    await createNeed(officer, 'Ward filtered', {
      wards: wards[1]!.code,
      ...(priorities[0] ? { priorities: String(priorities[0].id) } : {}),
    });
    const all = (await (await t.as(null)).get('/needs')).body;
    expect(all.indexOf('Ward filtered')).toBeLessThan(all.indexOf('Published one'));
    const byWard = (await (await t.as(null)).get(`/needs?ward=${wards[1]!.code}`)).body;
    expect(byWard).toContain('Ward filtered');
    expect(byWard).not.toContain('Published one');
    if (priorities[0]) {
      const byPriority = (await (await t.as(null)).get(`/needs?priority=${priorities[0].id}`)).body;
      expect(byPriority).toContain('Ward filtered');
      expect(byPriority).not.toContain('Published one');
    }
    const none = (await (await t.as(null)).get(`/needs?ward=${wards.at(-1)!.code}&priority=999999`)).body;
    expect(none).toContain('No needs assessments match');
  });
});

describe('the demo needs assessments', () => {
  it('seeds four in different states, one open with contributions and responses, and can run again', async () => {
    for (const email of ['commissioner@demo.example', 'resident@demo.example', 'vcs@demo.example']) {
      await t.handle.db
        .insertInto('app_user')
        .values({
          email,
          name: email,
          role: email.startsWith('vcs') ? 'vcs_member' : (email.split('@')[0] as 'resident'),
          is_demo: true,
        })
        .execute();
    }
    const first = await seedDemoNeeds(t.services);
    const again = await seedDemoNeeds(t.services);
    expect(again).toEqual(first);
    const rows = await t.handle.db
      .selectFrom('needs_assessment')
      .select(['slug', 'status'])
      .where('is_demo', '=', true)
      .execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['closed', 'draft', 'open', 'published']);
    const open = await t.services.needs.bySlug('demo-respite-for-unpaid-carers');
    expect(open!.contributions.filter((c) => c.response).length).toBeGreaterThanOrEqual(2);
    expect(open!.wards.length).toBeGreaterThan(0);
    expect(open!.priorities.length).toBeGreaterThan(0);
    // Demo responses count as already told: no e-mails to made-up people.
    await t.services.needs.sendDigests(new Date());
    const demoMail = await t.handle.db
      .selectFrom('outbox')
      .select('id')
      .where('to_address', 'like', '%@demo.example')
      .execute();
    expect(demoMail).toHaveLength(0);
    const page = await (await t.as(null)).get('/needs/demo-respite-for-unpaid-carers');
    expect(page.body).toContain('Demonstration');
    expect(page.body).toContain('You said, we did');
  });

  it('counts for the staff home the contributions still to answer, leaving out hidden ones and drafts', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Waiting for an answer');
    const resident = await t.as('resident');
    for (const body of ['First thought', 'Second thought', 'Third thought'])
      await resident.post(`/needs/${slug}/contributions`, { kind: 'comment', body });
    const waitingHere = async () => (await t.services.needs.waiting()).find((w) => w.slug === slug)?.n;
    expect(await waitingHere()).toBe(3);
    const [first, second] = (await t.services.needs.bySlug(slug))!.contributions;
    await commissioner.post(`/needs/${slug}/contributions/${first!.id}/respond`, { response: 'Done' });
    await commissioner.post(`/needs/${slug}/contributions/${second!.id}/hide`, { reason: 'Off topic' });
    expect(await waitingHere()).toBe(1);
    await commissioner.post(`/needs/${slug}/edit`, {
      title: 'Waiting for an answer',
      summary: 'A short summary',
      need: 'Unpaid carers cannot find respite.',
      coproduction_level: 'co_design',
      status: 'draft',
    });
    expect(await waitingHere()).toBeUndefined();
  });
});

describe('after contributing', () => {
  it('goes back to the top of the page, where the success banner is announced, and says the name is published', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Banner need');
    const resident = await t.as('resident', { name: 'Rosa Resident', email: `rosa.${Date.now()}@example.test` });
    const form = await resident.get(`/needs/${slug}`);
    expect(form.body).toContain('with your name (Rosa Resident)');
    const added = await resident.post(`/needs/${slug}/contributions`, { kind: 'idea', body: 'A walking group' });
    expect(added.statusCode).toBe(303);
    // Not an anchor far down the page, below the banner.
    expect(added.headers.location).toBe(`/needs/${slug}`);
    const page = await resident.get(`/needs/${slug}`);
    const banner = page.body.indexOf('govuk-notification-banner--success');
    expect(banner).toBeGreaterThan(-1);
    expect(banner).toBeLessThan(page.body.indexOf('<h1'));
    expect(page.body).toMatch(/class="govuk-notification-banner govuk-notification-banner--success"[^>]*role="alert"/);
    expect(page.body).toContain('published with your name');
  });
});

describe('a need whose specification is a draft', () => {
  it('says that a specification is being written, in keeping with a response that mentions it', async () => {
    const commissioner = await t.as('commissioner');
    const slug = await createNeed(commissioner, 'Draft spec need');
    const need = (await t.services.needs.bySlug(slug))!;
    await t.handle.db
      .insertInto('specification')
      .values({ slug: `draft-for-${slug}`, needs_assessment_id: need.id, title: 'Sitting service', status: 'draft' })
      .execute();
    const page = await (await t.as(null)).get(`/needs/${slug}`);
    expect(page.body).not.toContain('Sitting service');
    expect(page.body).not.toContain('No specification has been');
    expect(page.body).toContain('A specification for this need is being written. It is not published yet');
    // Staff, who may read the draft, see it listed.
    expect((await commissioner.get(`/needs/${slug}`)).body).toContain('Sitting service');
  });
});
