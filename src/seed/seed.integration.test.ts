import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testConfig } from '../../test/support/app.ts';
import { testDatabase } from '../../test/support/db.ts';
import type { DatabaseHandle } from '../db/index.ts';
import { verifyPassword } from '../modules/accounts/passwords.ts';
import { haveOcdsSchemas, ocdsValidator } from '../modules/commissioning/ocds/validator.ts';
import { loadPlace } from '../modules/place/config.ts';
import { createServices } from '../services.ts';
import { demoChainSlugs, seedDemoCommissioning } from './commissioning.ts';
import { DEMO_PASSWORD, demoSignIns, removeDemoData, seedDemo } from './demo.ts';
import { seedDemoIfEmpty } from './index.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await seedDemo(t.services, { scale: 'demo' });
}, 120_000);
afterAll(async () => t?.close());

const names = (db: TestContext['handle']['db']) =>
  db
    .selectFrom('organisation')
    .select(['name', 'slug'])
    .orderBy('slug')
    .execute()
    .then((rows) => rows.map((r) => `${r.slug} ${r.name}`));

describe('the demo data', () => {
  it('has about 320 organisations of every NCVO size band, most of them micro and small', async () => {
    const rows = await t.handle.db
      .selectFrom('organisation')
      .select(['size_band', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('size_band')
      .execute();
    const count = Object.fromEntries(rows.map((r) => [r.size_band ?? 'unknown', Number(r.n)]));
    const total = Object.values(count).reduce((a, b) => a + b, 0);
    expect(total).toBe(320);
    for (const band of ['micro', 'small', 'medium', 'large', 'major', 'super_major']) {
      expect(count[band], band).toBeGreaterThan(0);
    }
    expect((count.micro ?? 0) + (count.small ?? 0)).toBeGreaterThan(total * 0.6);
    expect(count.major).toBeLessThanOrEqual(3);
  });

  it('covers every ward of the place', async () => {
    const wards = await t.services.place.wards();
    expect(wards.length).toBe(28);
    const covered = await t.handle.db.selectFrom('organisation_ward').select('ward_code').distinct().execute();
    expect(new Set(covered.map((c) => c.ward_code))).toEqual(new Set(wards.map((w) => w.code)));
    // Each ward also has a group of its own, not only borough-wide services.
    const local = await sql<{ n: number }>`
      select count(distinct ow.ward_code)::int as n from organisation_ward ow
      where (select count(*) from organisation_ward x where x.organisation_id = ow.organisation_id) = 1
    `.execute(t.handle.db);
    expect(local.rows[0]!.n).toBe(28);
  });

  it('is all marked as demo, with fictional identifiers, names, classifications and example contacts', async () => {
    const notDemo = await t.handle.db
      .selectFrom('organisation')
      .select('id')
      .where((eb) => eb.or([eb('is_demo', '=', false), eb('source', '!=', 'demo')]))
      .execute();
    expect(notDemo).toEqual([]);
    const ids = await t.handle.db.selectFrom('organisation_identifier').select(['identifier', 'scheme']).execute();
    expect(ids.length).toBeGreaterThan(150);
    for (const { identifier, scheme } of ids) {
      if (scheme === 'GB-CHC') expect(identifier).toMatch(/^GB-CHC-999\d{4}$/);
      else if (scheme === 'GB-COH') expect(identifier).toMatch(/^GB-COH-99\d{6}$/);
      else expect(identifier).toMatch(/^GB-MPR-99\d{3}R$/);
    }
    const forms = await t.handle.db.selectFrom('organisation').select('legal_form').distinct().execute();
    expect(forms.map((f) => f.legal_form).sort()).toEqual(
      expect.arrayContaining(['casc', 'charitable_company', 'charity', 'cic', 'cio', 'community_group']),
    );
    const lists = await t.handle.db.selectFrom('organisation_classification').select('list').distinct().execute();
    expect(lists.map((l) => l.list).sort()).toEqual(['beneficiary_group', 'service_area', 'way_of_working']);
    const alternatives = await t.handle.db.selectFrom('organisation_name').select('name').execute();
    expect(alternatives.length).toBeGreaterThan(20);
    const contacts = await t.handle.db
      .selectFrom('organisation')
      .select(['email', 'website', 'publish_email'])
      .where('email', 'is not', null)
      .execute();
    expect(contacts.some((c) => c.publish_email)).toBe(true);
    for (const c of contacts) expect(c.email).toMatch(/@[a-z0-9-]+\.example\.org$/);
    const verified = await t.handle.db
      .selectFrom('organisation')
      .select('id')
      .where('verified_by', 'is not', null)
      .execute();
    expect(verified.length).toBeGreaterThan(30);
  });

  it('has a demo sign-in for every role, with the documented password and a confirmed address', async () => {
    expect(new Set(demoSignIns.map((s) => s.role))).toEqual(
      new Set(['admin', 'commissioner', 'officer', 'vcs_member', 'resident']),
    );
    for (const s of demoSignIns) {
      const user = await t.handle.db
        .selectFrom('app_user')
        .selectAll()
        .where('email', '=', s.email)
        .executeTakeFirstOrThrow();
      expect(user.role).toBe(s.role);
      expect(user.is_demo).toBe(true);
      expect(user.email_confirmed_at).not.toBeNull();
      expect(await verifyPassword(user.password_hash, DEMO_PASSWORD)).toBe(true);
    }
    const admin = await t.handle.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('email', '=', 'admin@demo.example')
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(admin.password_hash, 'not-the-password')).toBe(false);
  });

  it('signs the demo administrator in through the sign-in form', async () => {
    const client = await t.as(null);
    await client.get('/sign-in');
    const res = await client.post('/sign-in', { email: 'admin@demo.example', password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(client.cookies.has('sid')).toBe(true);
  });

  it('gives the VCS sign-in one organisation to run, with requests waiting, and another to belong to', async () => {
    const rows = await t.handle.db
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['m.organisation_id', 'm.role', 'm.status'])
      .where('u.email', '=', 'vcs@demo.example')
      .execute();
    const own = rows.find((r) => r.role === 'admin' && r.status === 'approved');
    expect(own).toBeDefined();
    expect(rows.some((r) => r.role === 'member' && r.status === 'approved')).toBe(true);
    const waiting = await t.handle.db
      .selectFrom('membership')
      .select('user_id')
      .where('organisation_id', '=', own!.organisation_id)
      .where('status', '=', 'pending')
      .execute();
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const all = await t.handle.db
      .selectFrom('membership')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const byStatus = Object.fromEntries(all.map((r) => [r.status, Number(r.n)]));
    expect(byStatus.approved).toBeGreaterThan(30);
    expect(byStatus.pending).toBeGreaterThan(3);
    const users = await t.handle.db.selectFrom('app_user').select('id').where('is_demo', '=', true).execute();
    expect(users.length).toBeGreaterThan(50);
  });

  it('is the same on every run, and loads only into an empty database on first start', async () => {
    let other: DatabaseHandle | undefined;
    try {
      other = await testDatabase();
      const services = createServices({ db: other.db, config: testConfig(), place: loadPlace('croydon') });
      expect(await seedDemoIfEmpty(services)).toBe(true);
      const first = await names(other.db);
      expect(first).toEqual(await names(t.handle.db));
      expect(await seedDemoIfEmpty(services)).toBe(false);
      const count = await other.db
        .selectFrom('organisation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(320);
    } finally {
      await other?.close();
    }
  }, 120_000);

  it('has commissioning chains at every stage, and one complete from the need to a monitored award', async () => {
    const db = t.handle.db;
    const specs = await db
      .selectFrom('specification as s')
      .innerJoin('needs_assessment as n', 'n.id', 's.needs_assessment_id')
      .select(['s.slug', 's.status', 's.is_demo', 'n.is_demo as need_is_demo'])
      .orderBy('s.slug')
      .execute();
    expect(specs.map((s) => [s.slug, s.status])).toEqual([
      ['demo-after-school-safe-spaces', 'published'],
      ['demo-carers-breaks-and-peer-support', 'signed_off'],
      ['demo-getting-online-service', 'draft'],
      ['demo-warm-spaces-network', 'published'],
    ]);
    expect(specs.every((s) => s.is_demo && s.need_is_demo)).toBe(true);
    const opportunities = await db
      .selectFrom('opportunity as o')
      .innerJoin('specification as s', 's.id', 'o.specification_id')
      .select(['o.id', 'o.slug', 'o.ocid', 'o.status', 's.slug as spec'])
      .orderBy('o.slug')
      .execute();
    expect(opportunities.map((o) => [o.spec, o.status])).toEqual([
      ['demo-after-school-safe-spaces', 'open'],
      ['demo-warm-spaces-network', 'awarded'],
    ]);
    const [open, done] = opportunities;
    const lots = await db.selectFrom('lot').select(['opportunity_id', 'suits_small']).execute();
    expect(lots.filter((l) => l.opportunity_id === open!.id).map((l) => l.suits_small)).toEqual([false, true]);
    const answered = await db
      .selectFrom('clarification')
      .select('id')
      .where('opportunity_id', '=', open!.id)
      .where('answer', 'is not', null)
      .execute();
    expect(answered.length).toBe(2);

    // The complete chain: a need, a co-produced specification, an opportunity, two bids, a panel and an award.
    const warm = await db
      .selectFrom('specification')
      .select('id')
      .where('slug', '=', 'demo-warm-spaces-network')
      .executeTakeFirstOrThrow();
    const versions = await db
      .selectFrom('specification_version')
      .select('id')
      .where('specification_id', '=', warm.id)
      .execute();
    expect(versions.length).toBe(2);
    const coproducers = await db
      .selectFrom('specification_coproducer')
      .select('signed_off_at')
      .where('specification_id', '=', warm.id)
      .execute();
    expect(coproducers.length).toBe(2);
    expect(coproducers.every((c) => c.signed_off_at)).toBe(true);
    const apps = await db
      .selectFrom('application')
      .select(['id', 'kind', 'status', 'rank', 'feedback', 'is_demo'])
      .where('opportunity_id', '=', done!.id)
      .orderBy('rank')
      .execute();
    expect(apps.map((a) => [a.kind, a.status, a.rank])).toEqual([
      ['partnership', 'successful', 1],
      ['single', 'unsuccessful', 2],
    ]);
    expect(apps.every((a) => a.is_demo && a.feedback)).toBe(true);
    const partners = await db
      .selectFrom('application_partner')
      .select(['confirmed_at', 'share_pence'])
      .where('application_id', '=', apps[0]!.id)
      .execute();
    expect(partners.length).toBe(2);
    expect(partners.every((p) => p.confirmed_at)).toBe(true);
    const panel = await db
      .selectFrom('panel_member as p')
      .innerJoin('app_user as u', 'u.id', 'p.user_id')
      .select(['u.role', 'p.declared_at'])
      .where('p.opportunity_id', '=', done!.id)
      .execute();
    expect(panel.map((p) => p.role).sort()).toEqual(['commissioner', 'officer', 'resident']);
    expect(panel.every((p) => p.declared_at)).toBe(true);
    const scores = await db.selectFrom('assessment_score').select('score').execute();
    const moderated = await db.selectFrom('moderated_score').select('score').execute();
    expect(scores.length).toBe(15); // 3 criteria × (3 members + 2 without the excluded one)
    expect(moderated.length).toBe(6);
    const award = await db
      .selectFrom('award')
      .selectAll()
      .where('slug', '=', demoChainSlugs.awards[0]!)
      .executeTakeFirstOrThrow();
    expect(award).toMatchObject({ application_id: apps[0]!.id, is_demo: true, monitoring_level: 'standard' });
    const payments = await db
      .selectFrom('award_payment')
      .select('amount_pence')
      .where('award_id', '=', award.id)
      .execute();
    expect(payments.reduce((sum, p) => sum + Number(p.amount_pence), 0)).toBe(Number(award.value_pence));
    const targets = await db.selectFrom('award_target').select('target').where('award_id', '=', award.id).execute();
    expect(targets.length).toBe(2);

    // Its open data is valid OCDS, and the need's page shows the whole chain.
    const res = await t.app.inject(`/open-data/ocds/releases/${done!.ocid}.json`);
    expect(res.statusCode).toBe(200);
    expect(res.json().releases[0].tag).toEqual(['tender', 'award']);
    if (haveOcdsSchemas) {
      const validate = ocdsValidator();
      const all = (await t.app.inject('/open-data/ocds/releases.json')).json();
      expect(all.releases.length).toBe(2);
      expect(validate(all) || validate.errors).toBe(true);
    }
    const need = await (await t.as(null)).get('/needs/demo-warm-welcoming-spaces');
    expect(need.body).toContain(`href="/awards/${award.slug}"`);

    // Seeding again refreshes the chains in place: the same addresses and ocids.
    await seedDemoCommissioning(t.services);
    const again = await db.selectFrom('opportunity').select(['slug', 'ocid']).orderBy('slug').execute();
    expect(again).toEqual(opportunities.map((o) => ({ slug: o.slug, ocid: o.ocid })));
    expect((await db.selectFrom('award').select('id').execute()).map((a) => a.id)).toEqual([award.id]);
  });

  it('shows every public page of the demo chains, to everyone', async () => {
    const client = await t.as(null);
    for (const url of [
      '/needs/demo-warm-welcoming-spaces',
      '/specifications/demo-warm-spaces-network',
      '/specifications/demo-after-school-safe-spaces',
      '/opportunities/demo-warm-spaces-network-grants',
      '/opportunities/demo-after-school-safe-spaces-grants',
    ]) {
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
    }
    // The demo commissioner, signed in through the form: no account is added beside the demo ones.
    const staff = await t.as(null);
    await staff.get('/sign-in');
    await staff.post('/sign-in', { email: 'commissioner@demo.example', password: DEMO_PASSWORD });
    for (const url of [
      '/specifications/demo-getting-online-service',
      '/specifications/demo-carers-breaks-and-peer-support',
    ]) {
      expect((await staff.get(url)).statusCode, url).toBe(200);
    }
  });

  it('removes only demo data, keeps real records that point at it, and loads again beside real data', async () => {
    const db = t.handle.db;
    const officer = await db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'officer@demo.example')
      .executeTakeFirstOrThrow();
    const demoOrg = await db
      .selectFrom('organisation')
      .select(['name', 'slug'])
      .orderBy('slug')
      .executeTakeFirstOrThrow();
    // A real organisation with a demo organisation's name, checked by the demo officer, and a real person.
    const real = await db
      .insertInto('organisation')
      .values({ slug: `${demoOrg.slug}-real`, name: demoOrg.name, verified_by: officer.id, verified_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('app_user')
      .values({ email: 'real.person@example.com', name: 'Real Person', role: 'resident', password_hash: null })
      .execute();

    const removed = await removeDemoData(t.services);
    expect(removed.organisations).toBe(320);
    expect(removed.users).toBeGreaterThan(50);
    const left = await db.selectFrom('organisation').select(['id', 'verified_by']).execute();
    expect(left).toEqual([{ id: real.id, verified_by: null }]);
    const people = await db.selectFrom('app_user').select('email').execute();
    expect(people.map((p) => p.email)).toEqual(['real.person@example.com']);

    // Now the real organisation takes the address the demo one had.
    await db.updateTable('organisation').set({ slug: demoOrg.slug }).where('id', '=', real.id).execute();
    const again = await seedDemo(t.services, { scale: 'demo' });
    expect(again.organisations).toBe(320);
    const clash = await db
      .selectFrom('organisation')
      .select(['slug', 'is_demo'])
      .where('name', '=', demoOrg.name)
      .execute();
    expect(clash.length).toBe(2);
    expect(clash.find((c) => c.is_demo)!.slug).toBe(`${demoOrg.slug}-demo-2`);
  });

  it('knows every reference to a person or an organisation that does not cascade', async () => {
    // Removing the demo detaches (optional) or deletes (required) each of these in its owner's queries/demo.ts;
    // a new one must be handled there too, then listed here.
    const { rows } = await sql<{ ref: string }>`
      select c.conrelid::regclass::text || '.' || a.attname || (case when a.attnotnull then ' (required)' else '' end)
        || ' -> ' || c.confrelid::regclass::text as ref
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.confdeltype in ('a', 'r')
        and c.confrelid in ('organisation'::regclass, 'app_user'::regclass)
      order by 1
    `.execute(t.handle.db);
    expect(rows.map((r) => r.ref)).toEqual([
      'application.created_by -> app_user',
      'application.decided_by -> app_user',
      'application.lead_organisation_id (required) -> organisation',
      'application.submitted_by -> app_user',
      'application.withdrawn_by -> app_user',
      'application_partner.confirmed_by -> app_user',
      'application_partner.organisation_id (required) -> organisation',
      'assessment_score.user_id (required) -> app_user',
      'award.awarded_by -> app_user',
      'clarification.answered_by -> app_user',
      'clarification.asked_by -> app_user',
      'coproduction_workshop.recorded_by -> app_user',
      'job.created_by -> app_user',
      'membership.decided_by -> app_user',
      'moderated_score.moderated_by -> app_user',
      'opportunity.cancelled_by -> app_user',
      'opportunity.created_by -> app_user',
      'opportunity.published_by -> app_user',
      'opportunity_document.created_by -> app_user',
      'organisation.verified_by -> app_user',
      'panel_exclusion.user_id (required) -> app_user',
      'panel_member.added_by -> app_user',
      'panel_member.user_id (required) -> app_user',
      'published_vcs_share.entered_by -> app_user',
      'specification.created_by -> app_user',
      'specification.published_by -> app_user',
      'specification_comment.author_id -> app_user',
      'specification_comment.hidden_by -> app_user',
      'specification_coproducer.invited_by -> app_user',
      'specification_coproducer.user_id (required) -> app_user',
      'specification_version.created_by -> app_user',
      'spend_import.created_by -> app_user',
      'spend_import_profile.updated_by -> app_user',
      'supplier_decision.decided_by -> app_user',
      'user_token.invited_by -> app_user',
    ]);
  });

  it('removes every demo needs assessment and the whole of every demo chain', async () => {
    const db = t.handle.db;
    expect((await db.selectFrom('award').select('id').execute()).length).toBe(1);
    await removeDemoData(t.services);
    for (const table of [
      'needs_assessment',
      'specification',
      'specification_version',
      'outcome',
      'outcome_indicator',
      'opportunity',
      'lot',
      'application',
      'application_partner',
      'panel_member',
      'assessment_score',
      'moderated_score',
      'award',
      'award_payment',
      'award_target',
    ] as const) {
      const rows = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      expect(Number(rows.n), table).toBe(0);
    }
  });
});
