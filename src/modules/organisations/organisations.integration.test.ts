import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/app.ts';
import type { OrganisationRecord } from './service.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

type Extra = {
  identifiers?: string[];
  otherNames?: string[];
  wards?: string[];
  serviceAreas?: string[];
  beneficiaryGroups?: string[];
};

/** An organisation as a register import would leave it. */
async function makeOrganisation(record: OrganisationRecord, extra: Extra = {}) {
  const o = t.services.organisations;
  const { id, slug } = await o.insert(record, { source: 'test' });
  if (extra.identifiers) await o.addIdentifiers(id, extra.identifiers);
  if (extra.otherNames) await o.addNames(id, extra.otherNames);
  if (extra.wards) await o.setWards(id, extra.wards);
  if (extra.serviceAreas) await o.setClassifications(id, 'service_area', extra.serviceAreas);
  if (extra.beneficiaryGroups) await o.setClassifications(id, 'beneficiary_group', extra.beneficiaryGroups);
  return { id, slug };
}

const auditFor = (entityId: string) =>
  t.handle.db.selectFrom('audit_log').selectAll().where('entity_id', '=', entityId).orderBy('id').execute();

/** All the fields of the edit form as a browser would send them, from the page's current values. */
function editFields(overrides: Record<string, string | string[]> = {}) {
  return {
    name: 'Thornton Heath Community Larder',
    otherNames: '',
    legalForm: 'cio',
    description: 'Food and friendship',
    whoItHelps: 'Families on low incomes',
    latestIncome: '45,000',
    incomeYear: '2025',
    wards: ['thornton-heath', 'bensham-manor'],
    serviceAreas: ['105'],
    beneficiaryGroups: ['201'],
    waysOfWorking: ['306'],
    identifiers: '',
    website: 'larder.example.org',
    email: 'hello@larder.example.org',
    phone: '020 8123 4567',
    address: '1 High Street',
    postcode: 'cr7 8rx',
    publishEmail: 'yes',
    ...overrides,
  };
}

describe('searching the directory', () => {
  let foodbank: { id: string; slug: string };
  beforeAll(async () => {
    foodbank = await makeOrganisation(
      { name: 'Croydon Foodbank', legalForm: 'cio', latestIncomePence: 45_000_000, description: 'Emergency food' },
      {
        identifiers: ['GB-CHC-1146179'],
        otherNames: ['Croydon Food Bank Trust'],
        wards: ['fairfield'],
        serviceAreas: ['105'],
        beneficiaryGroups: ['207'],
      },
    );
    await makeOrganisation(
      { name: 'Norbury Youth Football Club', latestIncomePence: 800_000 },
      { wards: ['norbury-park'], serviceAreas: ['110'], beneficiaryGroups: ['201'] },
    );
    await makeOrganisation({ name: 'Old Coulsdon Bowls Club', status: 'removed', removedOn: '2024-03-31' });
    await makeOrganisation({ name: 'Hidden Foodbank Helpers', listed: false });
  });

  it('finds a misspelt name with trigram similarity', async () => {
    const res = await (await t.as(null)).get('/organisations?q=Croydn+Fodbank');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="/organisations/${foodbank.slug}"`);
    expect(res.body).not.toContain('Norbury Youth Football Club');
  });

  it('finds by another name, by part of a word and by charity number', async () => {
    const client = await t.as(null);
    expect((await client.get('/organisations?q=food+bank+trust')).body).toContain('Croydon Foodbank');
    expect((await client.get('/organisations?q=footb')).body).toContain('Norbury Youth Football Club');
    const byNumber = await client.get('/organisations?q=1146179');
    expect(byNumber.body).toContain('Croydon Foodbank');
    expect(byNumber.body).toContain('1 organisation');
    expect((await client.get('/organisations?q=GB-CHC-01146179')).body).toContain('Croydon Foodbank');
  });

  it('filters by ward, service area, beneficiary group and size band', async () => {
    const client = await t.as(null);
    const byWard = await client.get('/organisations?ward=norbury-park');
    expect(byWard.body).toContain('Norbury Youth Football Club');
    expect(byWard.body).not.toContain('Croydon Foodbank');
    const byArea = await client.get('/organisations?area=105&area=110');
    expect(byArea.body).toContain('Norbury Youth Football Club');
    expect(byArea.body).toContain('Croydon Foodbank');
    const byGroup = await client.get('/organisations?group=207');
    expect(byGroup.body).toContain('Croydon Foodbank');
    expect(byGroup.body).not.toContain('Norbury Youth Football Club');
    const bySize = await client.get('/organisations?size=small');
    expect(bySize.body).not.toContain('Croydon Foodbank');
    expect(bySize.body).not.toContain('Norbury Youth Football Club');
    expect((await client.get('/organisations?size=micro')).body).toContain('Norbury Youth Football Club');
    expect((await client.get('/organisations?size=medium')).body).toContain('Croydon Foodbank');
    // Filters are kept as ticked checkboxes in the GET form.
    expect(byWard.body).toMatch(/value="norbury-park" checked/);
  });

  it('hides removed organisations unless asked, and never shows unlisted ones', async () => {
    const client = await t.as(null);
    expect((await client.get('/organisations?q=bowls')).body).not.toContain('Old Coulsdon Bowls Club');
    const withRemoved = await client.get('/organisations?q=bowls&include=removed');
    expect(withRemoved.body).toContain('Old Coulsdon Bowls Club');
    expect(withRemoved.body).toContain('Closed or removed');
    expect((await client.get('/organisations?q=helpers')).body).not.toContain('Hidden Foodbank Helpers');
  });

  it('finds an organisation by another name once the directory lists it, and no longer when it stops', async () => {
    // Register imports list and unlist organisations after their other names are written: the names follow.
    const org = await makeOrganisation(
      { name: 'Kendal Street Pantry', listed: false },
      { otherNames: ['Quillfeather Hamper Club'] },
    );
    const search = async () => (await (await t.as(null)).get('/organisations?q=quillfeather+hamper')).body;
    expect(await search()).not.toContain('Kendal Street Pantry');
    await t.services.organisations.patch(org.id, { listed: true });
    expect(await search()).toContain('Kendal Street Pantry');
    await t.services.organisations.addNames(org.id, ['Quillfeather Hampers']);
    expect(await search()).toContain('Kendal Street Pantry');
    await t.services.organisations.patch(org.id, { listed: false });
    expect(await search()).not.toContain('Kendal Street Pantry');
  });

  it('says what to try when nothing matches', async () => {
    const res = await (await t.as(null)).get('/organisations?q=zzqqxx&ward=kenley');
    expect(res.body).toContain('No organisations found');
    expect(res.body).toContain('checking the spelling');
    expect(res.body).toContain('clearing all filters');
    expect(res.body).not.toContain('Download these results');
  });

  it('pages 20 at a time and downloads every match as CSV, formulas neutralised', async () => {
    for (let n = 1; n <= 23; n++) {
      await makeOrganisation({ name: `Paging Test Group ${String(n).padStart(2, '0')}` }, { wards: ['waddon'] });
    }
    await makeOrganisation(
      { name: '=HYPERLINK("http://evil.example","Paging Test Group evil")' },
      { wards: ['waddon'] },
    );
    const client = await t.as(null);
    const first = await client.get('/organisations?ward=waddon');
    expect(first.body).toContain('24 organisations');
    expect(first.body).toContain('govuk-pagination');
    expect(first.body).toContain('/organisations.csv?ward=waddon');
    const second = await client.get('/organisations?ward=waddon&page=2');
    expect(second.body).toContain('Paging Test Group 23');
    expect(second.body).toContain('showing 21 to 24');

    const csv = await client.get('/organisations.csv?ward=waddon');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^Name,Identifiers,Legal form/);
    expect(lines).toHaveLength(25);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"",""Paging Test Group evil"")"`);
    expect(csv.body).not.toContain('Croydon Foodbank');
  });
});

describe('editing a profile', () => {
  it('refuses a bad identifier and an income of "abc" with messages, keeping what was typed', async () => {
    const org = await makeOrganisation({ name: 'Bad Input Trust' });
    const officer = await t.as('officer');
    const res = await officer.post(
      `/organisations/${org.slug}/edit`,
      editFields({
        name: 'Bad Input Trust',
        identifiers: 'GB-COH-12AB',
        latestIncome: 'abc',
        description: 'Kept text',
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('Enter the latest income as an amount in pounds');
    expect(res.body).toContain('A company number is 8 characters');
    expect(res.body).toContain('Kept text');
    expect(res.body).toContain('value="abc"');
    const row = await t.services.organisations.getById(org.id);
    expect(row?.description).toBe('');
  });

  it('refuses an identifier that another organisation holds', async () => {
    await makeOrganisation({ name: 'Holder Charity' }, { identifiers: ['GB-CHC-1090095'] });
    const org = await makeOrganisation({ name: 'Clash Charity' });
    const officer = await t.as('officer');
    const res = await officer.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Clash Charity', identifiers: '1090095' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('GB-CHC-1090095 already belongs to Holder Charity');
  });

  it('keeps a legal form a register stored that the list does not have, but refuses made-up ones', async () => {
    const org = await makeOrganisation({ name: 'Royal Charter Society', legalForm: 'Royal charter body' });
    const officer = await t.as('officer');
    const form = await officer.get(`/organisations/${org.slug}/edit`);
    expect(form.body).toContain('<option value="Royal charter body" selected>');
    const made = await officer.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Royal Charter Society', legalForm: 'Made up' }),
    );
    expect(made.statusCode).toBe(400);
    expect(made.body).toContain('Select a legal form');
    const kept = await officer.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Royal Charter Society', legalForm: 'Royal charter body' }),
    );
    expect(kept.statusCode).toBe(303);
  });

  it('does not let a VCS member edit an organisation they do not manage', async () => {
    const org = await makeOrganisation({ name: 'Not Yours Trust' });
    const member = await t.as('vcs_member');
    expect((await member.get(`/organisations/${org.slug}/edit`)).statusCode).toBe(403);
    expect((await member.post(`/organisations/${org.slug}/edit`, editFields())).statusCode).toBe(403);
    expect((await (await t.as(null)).get(`/organisations/${org.slug}/edit`)).statusCode).toBe(303);
  });
});

describe('claiming, joining and verifying', () => {
  it('claim → approved by an officer → edit by the new administrator, all audited and e-mailed', async () => {
    const org = await makeOrganisation({ name: 'Thornton Heath Larder' });
    const claimant = await t.as('vcs_member', { email: 'claimant@example.test', name: 'Cara Claimant' });
    const page = await claimant.get(`/organisations/${org.slug}`);
    expect(page.body).toContain('Claim this organisation');
    expect(page.body).toContain('Not verified yet');

    const claim = await claimant.post(`/organisations/${org.slug}/claim`, { message: 'I am the chair' });
    expect(claim.statusCode).toBe(303);
    expect((await t.services.outbox.latestTo(t.services.place.config.contactEmail))?.subject).toContain(
      'Cara Claimant has claimed Thornton Heath Larder',
    );
    // A second claim while the first waits is refused with a reason.
    expect((await claimant.post(`/organisations/${org.slug}/claim`, { message: '' })).statusCode).toBe(409);

    const officer = await t.as('officer');
    const members = await officer.get(`/organisations/${org.slug}/members`);
    expect(members.body).toContain('Cara Claimant');
    expect(members.body).toContain('I am the chair');
    const queue = await officer.get('/organisations/verification');
    expect(queue.body).toContain('Thornton Heath Larder');
    expect(queue.body).toContain('Claim waiting for a decision');

    const approve = await officer.post(`/organisations/${org.slug}/members/${claimant.userId}`, {
      decision: 'approve',
    });
    expect(approve.statusCode).toBe(303);
    expect((await t.services.outbox.latestTo('claimant@example.test'))?.subject).toContain(
      'You can now manage Thornton Heath Larder',
    );

    const shown = await claimant.get(`/organisations/${org.slug}`);
    expect(shown.body).toContain('Edit profile');
    expect(shown.body).toContain('Claimed');
    expect(shown.body).not.toContain('Claim this organisation');

    const edit = await claimant.post(
      `/organisations/${org.slug}/edit`,
      editFields({
        name: 'Thornton Heath Larder',
        otherNames: 'TH Larder\nThe Larder',
        identifiers: 'Charity no 1173575',
      }),
    );
    expect(edit.statusCode).toBe(303);
    const after = await (await t.as(null)).get(`/organisations/${org.slug}`);
    expect(after.body).toContain('TH Larder');
    expect(after.body).toContain('GB-CHC-1173575');
    expect(after.body).toContain('Charitable incorporated organisation (CIO)');
    expect(after.body).toContain('Small (£10,000 to £100,000): latest income £45,000 (2025)');
    expect(after.body).toContain('Thornton Heath');
    expect(after.body).toContain('hello@larder.example.org'); // published
    expect(after.body).not.toContain('020 8123 4567'); // not published
    expect(after.body).not.toContain('1 High Street');
    const row = await t.services.organisations.getById(org.id);
    expect(row?.latest_income_pence).toBe(4_500_000);
    expect(row?.postcode).toBe('CR7 8RX');
    expect(row?.website).toBe('https://larder.example.org');

    const actions = (await auditFor(org.id)).map((a) => a.action);
    expect(actions).toEqual(['membership.claim', 'membership.approve', 'organisation.update']);
  });

  it('join → approved by the organisation’s administrator; a resident becomes a VCS member', async () => {
    const org = await makeOrganisation({ name: 'Selhurst Allotment Society' });
    const orgAdmin = await t.as('vcs_member', { email: 'orgadmin@example.test' });
    await t.handle.db
      .insertInto('membership')
      .values({ user_id: orgAdmin.userId!, organisation_id: org.id, role: 'admin', status: 'approved' })
      .execute();
    const resident = await t.as('resident', { email: 'joiner@example.test', name: 'Jo Joiner' });
    const page = await resident.get(`/organisations/${org.slug}`);
    expect(page.body).toContain('Ask to join this organisation');
    expect(page.body).not.toContain('Claim this organisation'); // it has an administrator
    expect((await resident.post(`/organisations/${org.slug}/claim`, {})).statusCode).toBe(409);

    expect((await resident.post(`/organisations/${org.slug}/join`, { message: 'I grow beans' })).statusCode).toBe(303);
    // Asking is not belonging: only an approved membership counts.
    expect(await t.services.organisations.isApprovedMember(resident.userId!, org.id)).toBe(false);
    expect(await t.services.organisations.isApprovedMember(orgAdmin.userId!, org.id)).toBe(true);
    expect((await t.services.outbox.latestTo('orgadmin@example.test'))?.subject).toBe(
      'Jo Joiner has asked to join Selhurst Allotment Society',
    );
    // The requester cannot see or decide requests.
    expect((await resident.get(`/organisations/${org.slug}/members`)).statusCode).toBe(403);

    const approve = await orgAdmin.post(`/organisations/${org.slug}/members/${resident.userId}`, {
      decision: 'approve',
    });
    expect(approve.statusCode).toBe(303);
    const user = await t.handle.db
      .selectFrom('app_user')
      .select('role')
      .where('id', '=', resident.userId!)
      .executeTakeFirstOrThrow();
    expect(user.role).toBe('vcs_member');
    expect(await t.services.organisations.isApprovedMember(resident.userId!, org.id)).toBe(true);
    expect(await t.services.organisations.isApprovedMember(resident.userId!, null)).toBe(true);
    expect((await t.services.outbox.latestTo('joiner@example.test'))?.subject).toContain(
      'You can now act for Selhurst Allotment Society',
    );
    expect((await resident.get(`/organisations/${org.slug}`)).body).toContain('You are a member of this organisation');
    const actions = (await auditFor(org.id)).map((a) => a.action);
    expect(actions).toEqual(['membership.request', 'membership.approve']);
    expect((await auditFor(resident.userId!)).map((a) => a.action)).toEqual(['user.role']);
  });

  it('lets only staff approve a claim, even when asked by an organisation administrator', async () => {
    const org = await makeOrganisation({ name: 'Two Claims Club' });
    const first = await t.as('vcs_member');
    const second = await t.as('vcs_member');
    await first.post(`/organisations/${org.slug}/claim`, { message: '' });
    await second.post(`/organisations/${org.slug}/claim`, { message: '' });
    const officer = await t.as('officer');
    await officer.post(`/organisations/${org.slug}/members/${first.userId}`, { decision: 'approve' });
    const res = await first.post(`/organisations/${org.slug}/members/${second.userId}`, { decision: 'approve' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Only Croydon Voluntary Action can approve a claim');
    const refuse = await officer.post(`/organisations/${org.slug}/members/${second.userId}`, { decision: 'refuse' });
    expect(refuse.statusCode).toBe(303);
  });

  it('verifies, keeps verification through an edit, and un-verifies with a reason', async () => {
    const org = await makeOrganisation({ name: 'Verified Voices' });
    const officer = await t.as('officer', { name: 'Olu Officer' });
    const member = await t.as('vcs_member');
    expect((await member.post(`/organisations/${org.slug}/verify`)).statusCode).toBe(403);

    expect((await officer.post(`/organisations/${org.slug}/verify`)).statusCode).toBe(303);
    const page = await (await t.as(null)).get(`/organisations/${org.slug}`);
    expect(page.body).toMatch(/Verified by Croydon Voluntary Action on \d{1,2} \w+ \d{4}/);

    expect(
      (await officer.post(`/organisations/${org.slug}/edit`, editFields({ name: 'Verified Voices' }))).statusCode,
    ).toBe(303);
    expect((await t.services.organisations.getById(org.id))?.verified_at).not.toBeNull();
    const update = (await auditFor(org.id)).find((a) => a.action === 'organisation.update');
    expect(update?.detail).toMatchObject({ verified: true, changed: { description: { to: 'Food and friendship' } } });

    const blank = await officer.post(`/organisations/${org.slug}/unverify`, { reason: '' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Enter why the organisation is no longer verified');
    expect((await officer.post(`/organisations/${org.slug}/unverify`, { reason: 'Charity removed' })).statusCode).toBe(
      303,
    );
    expect((await t.services.organisations.getById(org.id))?.verified_at).toBeNull();
    const unverify = (await auditFor(org.id)).find((a) => a.action === 'organisation.unverify');
    expect(unverify?.detail).toMatchObject({ reason: 'Charity removed' });
    // Edited and not verified: back in the queue.
    expect((await officer.get('/organisations/verification')).body).toContain('Verified Voices');
  });
});

describe('what an organisation does and whom it helps', () => {
  it('labels every code from the Charity Commission’s lists and never shows a bare number', async () => {
    const org = await makeOrganisation({ name: 'Holiday Play Scheme Waddon' }, { serviceAreas: ['116'] });
    // As a demo or an old import could leave them: a beneficiary code among the service areas, and a code no list has.
    await t.handle.db
      .insertInto('organisation_classification')
      .values([
        { organisation_id: org.id, list: 'service_area', code: '201' },
        { organisation_id: org.id, list: 'service_area', code: '999' },
      ])
      .execute();
    const page = (await (await t.as(null)).get(`/organisations/${org.slug}`)).body;
    const section = (heading: string) =>
      page.slice(page.indexOf(`>${heading}</h2>`), page.indexOf('</ul>', page.indexOf(`>${heading}</h2>`)));
    expect(section('What it does')).toContain('<li>Recreation</li>');
    expect(section('What it does')).not.toMatch(/<li>\s*(201|999)\s*<\/li>/);
    expect(section('Who it helps')).toContain('<li>Children and young people</li>');
    expect(page).not.toContain('<li>999</li>');
    const found = await (await t.as(null)).get('/organisations?q=Holiday+Play+Scheme+Waddon');
    expect(found.body).toContain('Recreation');
    expect(found.body).not.toMatch(/Recreation, 201|201, Recreation/);
    // The filter for children and young people finds it too.
    const filtered = await (await t.as(null)).get('/organisations?q=Holiday+Play+Scheme+Waddon&group=201');
    expect(filtered.body).toContain(`/organisations/${org.slug}"`);
  });
});

describe('organisations the directory does not list', () => {
  it('cannot be seen, joined or claimed through the join and claim pages', async () => {
    const elsewhere = await makeOrganisation({ name: 'Kendal Almshouses Charity', listed: false });
    const listed = await makeOrganisation({ name: 'Broad Green Bowls Club' });
    const resident = await t.as('resident');
    for (const kind of ['join', 'claim']) {
      const page = await resident.get(`/organisations/${elsewhere.slug}/${kind}`);
      expect(page.statusCode).toBe(404);
      expect(page.body).not.toContain('Kendal Almshouses');
      const asked = await resident.post(`/organisations/${elsewhere.slug}/${kind}`, { message: 'I am the clerk' });
      expect(asked.statusCode).toBe(404);
      expect(asked.body).not.toContain('Kendal Almshouses');
      expect((await resident.get(`/organisations/${listed.slug}/${kind}`)).statusCode).toBe(200);
    }
    const actor = { id: resident.userId!, role: 'resident' as const };
    const direct = await t.services.organisations.memberships.request(actor, elsewhere.id, 'claim', '');
    expect(direct).toMatchObject({ ok: false, status: 404 });
    const asked = await t.handle.db
      .selectFrom('membership')
      .select('user_id')
      .where('organisation_id', '=', elsewhere.id)
      .execute();
    expect(asked).toEqual([]);
  });
});

describe('changing what a verified organisation was verified by', () => {
  it('sends a new name or identifier back to the infrastructure body, which other changes do not', async () => {
    const org = await makeOrganisation({ name: 'Selhurst Youth Trust' });
    const officer = await t.as('officer');
    const admin = await t.as('vcs_member', { email: 'selhurst.admin@example.test' });
    await t.handle.db
      .insertInto('membership')
      .values({ user_id: admin.userId!, organisation_id: org.id, role: 'admin', status: 'approved' })
      .execute();
    const verified = async () => (await t.services.organisations.getById(org.id))?.verified_at ?? null;
    expect((await officer.post(`/organisations/${org.slug}/verify`)).statusCode).toBe(303);

    // Other changes keep the badge.
    const described = await admin.post(`/organisations/${org.slug}/edit`, editFields({ name: 'Selhurst Youth Trust' }));
    expect(described.statusCode).toBe(303);
    expect(await verified()).not.toBeNull();

    // A new name takes effect, without the badge, and goes back to the infrastructure body.
    const renamed = await admin.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Croydon Council Official Grants Team' }),
    );
    expect(renamed.statusCode).toBe(303);
    expect(await verified()).toBeNull();
    const page = await admin.get(`/organisations/${org.slug}`);
    expect(page.body).toContain('Croydon Council Official Grants Team');
    expect(page.body).toContain('will check the new name or identifiers before showing it as verified again');
    expect(page.body).not.toMatch(/Verified by/);
    const unverify = (await auditFor(org.id)).filter((a) => a.action === 'organisation.unverify');
    expect(unverify.map((a) => a.detail)).toMatchObject([{ reason: 'Its name changed' }]);
    const mail = await t.services.outbox.latestTo(t.services.place.config.contactEmail);
    expect(mail?.subject).toBe('Check Croydon Council Official Grants Team again');
    expect(mail?.body).toContain('(previously Selhurst Youth Trust) changed its name');
    expect((await officer.get('/organisations/verification')).body).toContain('Croydon Council Official Grants Team');

    // So does a new identifier; the infrastructure body's own change does not.
    expect((await officer.post(`/organisations/${org.slug}/verify`)).statusCode).toBe(303);
    const numbered = await admin.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Croydon Council Official Grants Team', identifiers: '1234567' }),
    );
    expect(numbered.statusCode, numbered.body).toBe(303);
    expect(await verified()).toBeNull();
    expect((await officer.post(`/organisations/${org.slug}/verify`)).statusCode).toBe(303);
    const byOfficer = await officer.post(
      `/organisations/${org.slug}/edit`,
      editFields({ name: 'Selhurst Youth Trust' }),
    );
    expect(byOfficer.statusCode).toBe(303);
    expect(await verified()).not.toBeNull();
  });
});

describe('adding a community group', () => {
  it('warns about likely duplicates, then adds the group with its creator as administrator', async () => {
    await makeOrganisation({ name: 'Addiscombe Residents Association' });
    const member = await t.as('vcs_member');
    const fields = {
      name: 'Addiscombe Residents Assoc',
      description: 'Keeping the streets tidy',
      wards: 'addiscombe-east',
    };
    const warned = await member.post('/organisations/new', fields);
    expect(warned.statusCode).toBe(200);
    expect(warned.body).toContain('Is your group already listed?');
    expect(warned.body).toContain('Addiscombe Residents Association');
    expect(warned.body).toContain('name="confirmNew" value="yes"');

    const added = await member.post('/organisations/new', { ...fields, confirmNew: 'yes' });
    expect(added.statusCode).toBe(303);
    const slug = String(added.headers.location).replace('/organisations/', '');
    const profile = await t.services.organisations.get(slug);
    expect(profile?.legal_form).toBe('community_group');
    expect(profile?.identifiers).toEqual([]);
    expect(profile?.claimed).toBe(true);
    expect((await member.get(`/organisations/${slug}`)).body).toContain('Edit profile');

    const bad = await member.post('/organisations/new', { name: '', description: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the name of the group');
    expect((await (await t.as('resident')).get('/organisations/new')).statusCode).toBe(403);
  });
});
