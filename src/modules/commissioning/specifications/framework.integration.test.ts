import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../../test/support/app.ts';
import { insertOpenOpportunity, insertOrganisation } from '../../../../test/support/applications.ts';

// Changing and removing outcomes and indicators of a specification's outcomes framework.

let t: TestContext;
let n = 0;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

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

/** A draft specification with one outcome and one indicator, added through the pages. */
async function draftWithFramework(staff: TestClient) {
  n++;
  const need = await t.handle.db
    .insertInto('needs_assessment')
    .values({ slug: `framework-need-${n}`, title: `Carers need breaks ${n}` })
    .returning('slug')
    .executeTakeFirstOrThrow();
  const created = await staff.post('/specifications/new', {
    need: need.slug,
    title: `Framework breaks ${n}`,
    context: 'Carers rarely get a break.',
  });
  expect(created.statusCode).toBe(303);
  const slug = String(created.headers.location).replace('/specifications/', '');
  const outcome = await staff.post(`/specifications/${slug}/outcomes`, {
    title: 'Carers get regular breaks',
    description: 'Breaks that carers choose.',
  });
  expect(outcome.statusCode).toBe(303);
  const outcomeId = String(outcome.headers.location).split('/')[4]!;
  expect((await staff.post(`/specifications/${slug}/outcomes/${outcomeId}/indicators/new`, indicator)).statusCode).toBe(
    303,
  );
  const row = await t.handle.db
    .selectFrom('outcome_indicator')
    .select('id')
    .where('outcome_id', '=', outcomeId)
    .executeTakeFirstOrThrow();
  const base = `/specifications/${slug}/outcomes/${outcomeId}`;
  return { slug, outcomeId, indicatorId: row.id, base, indicatorBase: `${base}/indicators/${row.id}` };
}

const audits = (action: string, entityId: string) =>
  t.handle.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('entity_id', '=', entityId)
    .execute();

const versionCount = async (slug: string) =>
  (
    await t.handle.db
      .selectFrom('specification_version as v')
      .innerJoin('specification as s', 's.id', 'v.specification_id')
      .select('v.number')
      .where('s.slug', '=', slug)
      .execute()
  ).length;

describe('changing the outcomes framework', () => {
  it('changes an outcome and an indicator from change links, keeping what was typed when it is wrong', async () => {
    const staff = await t.as('commissioner');
    const f = await draftWithFramework(staff);
    const page = await staff.get(`/specifications/${f.slug}`);
    expect(page.body).toContain(`href="${f.base}/edit"`);
    expect(page.body).toContain(`href="${f.indicatorBase}/edit"`);
    expect(page.body).toContain(`href="${f.indicatorBase}/remove"`);

    const outcomeForm = await staff.get(`${f.base}/edit`);
    expect(outcomeForm.statusCode).toBe(200);
    expect(outcomeForm.body).toContain('value="Carers get regular breaks"');
    const empty = await staff.post(`${f.base}/edit`, { title: '', description: 'Kept text' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the outcome');
    expect(empty.body).toContain('Kept text');
    const same = await staff.post(`${f.base}/edit`, {
      title: 'Carers get regular breaks',
      description: 'Breaks that carers choose.',
    });
    expect(same.statusCode).toBe(400);
    expect(same.body).toContain('Nothing has changed');
    const changed = await staff.post(`${f.base}/edit`, { title: 'Carers get a break every month', description: '' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe(`/specifications/${f.slug}#outcome-${f.outcomeId}`);
    const outcome = await t.handle.db
      .selectFrom('outcome')
      .selectAll()
      .where('id', '=', f.outcomeId)
      .executeTakeFirstOrThrow();
    expect(outcome).toMatchObject({ title: 'Carers get a break every month', description: '' });
    const [outcomeAudit] = await audits('outcome.updated', f.outcomeId);
    expect(outcomeAudit!.detail).toMatchObject({
      before: { title: 'Carers get regular breaks' },
      after: { title: 'Carers get a break every month' },
    });

    const indicatorForm = await staff.get(`${f.indicatorBase}/edit`);
    expect(indicatorForm.statusCode).toBe(200);
    expect(indicatorForm.body).toContain('Change the indicator');
    expect(indicatorForm.body).toContain('value="Provider survey"');
    expect(indicatorForm.body).toMatch(/value="quarterly" checked/);
    const wrongWay = await staff.post(`${f.indicatorBase}/edit`, { ...indicator, target: '10', unit: 'carers' });
    expect(wrongWay.statusCode).toBe(400);
    expect(wrongWay.body).toContain('The target must be more than the baseline, because it should increase');
    expect(wrongWay.body).toContain('value="carers"');
    expect((await staff.post(`${f.indicatorBase}/edit`, indicator)).body).toContain('Nothing has changed');
    const saved = await staff.post(`${f.indicatorBase}/edit`, {
      ...indicator,
      name: 'Carers who get a break each month',
      baseline: '1,200',
      target: '900',
      direction: 'decrease',
      frequency: 'monthly',
      data_source: 'Council records',
      disaggregated_by_ward: 'no',
      disaggregated_by_group: 'yes',
    });
    expect(saved.statusCode).toBe(303);
    const row = await t.handle.db
      .selectFrom('outcome_indicator')
      .selectAll()
      .where('id', '=', f.indicatorId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Carers who get a break each month',
      direction: 'decrease',
      frequency: 'monthly',
      data_source: 'Council records',
      disaggregated_by_ward: false,
      disaggregated_by_group: true,
    });
    expect(Number(row.baseline)).toBe(1200);
    expect(Number(row.target)).toBe(900);
    const [indicatorAudit] = await audits('outcome_indicator.updated', f.indicatorId);
    expect(indicatorAudit!.detail).toMatchObject({
      before: { name: indicator.name, data_source: 'Provider survey' },
      after: { name: 'Carers who get a break each month', data_source: 'Council records' },
    });
    // Without co-producers, a draft's framework changes without making versions.
    expect(await versionCount(f.slug)).toBe(1);
    const after = await staff.get(`/specifications/${f.slug}`);
    expect(after.body).toContain('Carers get a break every month');
    expect(after.body).toContain('Council records');
  });

  it('removes an indicator, then an outcome with its indicators, after a confirmation page', async () => {
    const staff = await t.as('officer');
    const f = await draftWithFramework(staff);
    const confirm = await staff.get(`${f.indicatorBase}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Are you sure you want to remove this indicator?');
    expect(confirm.body).toContain(indicator.name);
    expect(confirm.body).toContain(`action="${f.indicatorBase}/remove"`);
    expect(confirm.body).toContain('name="_csrf"');
    const removed = await staff.post(`${f.indicatorBase}/remove`);
    expect(removed.statusCode).toBe(303);
    expect(
      await t.handle.db.selectFrom('outcome_indicator').select('id').where('id', '=', f.indicatorId).executeTakeFirst(),
    ).toBeUndefined();
    expect(await audits('outcome_indicator.removed', f.indicatorId)).toHaveLength(1);
    expect((await staff.post(`${f.indicatorBase}/remove`)).statusCode).toBe(404);

    await staff.post(`${f.base}/indicators/new`, { ...indicator, name: 'Hours of sitting service' });
    const outcomeConfirm = await staff.get(`${f.base}/remove`);
    expect(outcomeConfirm.body).toContain('Are you sure you want to remove this outcome?');
    expect(outcomeConfirm.body).toContain('Its indicators are removed with it');
    expect(outcomeConfirm.body).toContain('Hours of sitting service');
    expect((await staff.post(`${f.base}/remove`)).statusCode).toBe(303);
    expect(await t.handle.db.selectFrom('outcome').select('id').where('id', '=', f.outcomeId).execute()).toHaveLength(
      0,
    );
    const [audit] = await audits('outcome.removed', f.outcomeId);
    expect(audit!.detail).toMatchObject({
      title: 'Carers get regular breaks',
      indicators: ['Hours of sitting service'],
    });
    const page = await staff.get(`/specifications/${f.slug}`);
    expect(page.body).toContain('No outcomes yet.');
  });

  it('makes a new version and resets sign-offs when the framework changes after co-producers signed off', async () => {
    const staff = await t.as('commissioner');
    const f = await draftWithFramework(staff);
    const email = `framework-coproducer-${n}@example.test`;
    const resident = await t.as('resident', { email, name: 'Rosa Carer' });
    expect((await staff.post(`/specifications/${f.slug}/coproducers`, { email, role_label: 'Carer' })).statusCode).toBe(
      303,
    );
    expect((await resident.post(`/specifications/${f.slug}/sign-off`, { version: '1' })).statusCode).toBe(303);
    const status = async () =>
      (
        await t.handle.db
          .selectFrom('specification')
          .select('status')
          .where('slug', '=', f.slug)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await status()).toBe('signed_off');

    const page = await staff.get(`/specifications/${f.slug}`);
    expect(page.body).toContain('The outcomes framework is part of what the co-producers sign off');
    const form = await staff.get(`${f.indicatorBase}/edit`);
    expect(form.body).toContain('1 co-producer has signed off this specification');

    const saved = await staff.post(`${f.indicatorBase}/edit`, { ...indicator, target: '70' });
    expect(saved.statusCode).toBe(303);
    const after = await staff.get(String(saved.headers.location));
    expect(after.body).toContain(
      'Indicator changed. This is version 2: sign-offs were reset, so every co-producer needs to sign off version 2',
    );
    expect(after.body).toContain('0 of 1 co-producers have signed off version 2');
    expect(await status()).toBe('in_review');
    const version = await t.handle.db
      .selectFrom('specification_version as v')
      .innerJoin('specification as s', 's.id', 'v.specification_id')
      .select(['v.number', 'v.note', 'v.sections'])
      .where('s.slug', '=', f.slug)
      .orderBy('v.number', 'desc')
      .executeTakeFirstOrThrow();
    expect(version.number).toBe(2);
    expect(version.note).toBe(`Indicator changed: ${indicator.name}`);
    expect(version.sections).toMatchObject({ context: 'Carers rarely get a break.' });
    const [audit] = await audits('outcome_indicator.updated', f.indicatorId);
    expect(audit!.detail).toMatchObject({ version: 2, signOffsReset: 1 });

    // A page opened before the change cannot be signed off; the new version can.
    const stale = await resident.post(`/specifications/${f.slug}/sign-off`, { version: '1' });
    expect(stale.statusCode).toBe(409);
    expect((await resident.post(`/specifications/${f.slug}/sign-off`, { version: '2' })).statusCode).toBe(303);
    expect(await status()).toBe('signed_off');

    // Removing resets them again.
    const removed = await staff.post(`${f.indicatorBase}/remove`);
    expect((await staff.get(String(removed.headers.location))).body).toContain(
      'Indicator removed. This is version 3: sign-offs were reset',
    );
    expect(await status()).toBe('in_review');
  });
});

describe('refusals', () => {
  it('lets only staff change or remove, and refuses unknown outcomes and indicators', async () => {
    const staff = await t.as('commissioner');
    const f = await draftWithFramework(staff);
    for (const role of ['resident', 'vcs_member'] as const) {
      const other = await t.as(role);
      expect((await other.get(`${f.indicatorBase}/edit`)).statusCode).toBe(403);
      expect((await other.post(`${f.indicatorBase}/edit`, { ...indicator, target: '99' })).statusCode).toBe(403);
      expect((await other.post(`${f.indicatorBase}/remove`)).statusCode).toBe(403);
      expect((await other.post(`${f.base}/edit`, { title: 'Taken over' })).statusCode).toBe(403);
      expect((await other.post(`${f.base}/remove`)).statusCode).toBe(403);
    }
    const anonymous = await t.as(null);
    expect((await anonymous.post(`${f.base}/remove`)).statusCode).toBe(401);
    // The services refuse too, whatever the web layer does.
    const resident = await t.as('resident');
    const refused = await t.services.specifications.removeOutcome(
      { id: resident.userId!, role: 'resident' },
      f.slug,
      f.outcomeId,
    );
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect((await staff.get(`${f.base}/indicators/not-an-id/edit`)).statusCode).toBe(404);
    expect((await staff.post(`/specifications/${f.slug}/outcomes/not-an-id/remove`)).statusCode).toBe(404);
    expect(await t.handle.db.selectFrom('outcome').select('id').where('id', '=', f.outcomeId).execute()).toHaveLength(
      1,
    );
  });

  it('refuses every change once the specification is published', async () => {
    const staff = await t.as('commissioner');
    const f = await draftWithFramework(staff);
    await t.handle.db
      .updateTable('specification')
      .set({ status: 'published', published_at: new Date() })
      .where('slug', '=', f.slug)
      .execute();
    const page = await staff.get(`/specifications/${f.slug}`);
    expect(page.body).not.toContain(`href="${f.indicatorBase}/edit"`);
    expect(page.body).not.toContain(`href="${f.base}/remove"`);
    for (const url of [`${f.base}/edit`, `${f.base}/remove`, `${f.indicatorBase}/edit`, `${f.indicatorBase}/remove`]) {
      const res = await staff.get(url);
      expect(res.statusCode, url).toBe(409);
      expect(res.body).toContain('This specification has been published, so it can no longer be changed.');
    }
    expect((await staff.post(`${f.base}/edit`, { title: 'Changed late' })).statusCode).toBe(409);
    expect((await staff.post(`${f.indicatorBase}/edit`, { ...indicator, target: '80' })).statusCode).toBe(409);
    expect((await staff.post(`${f.indicatorBase}/remove`)).statusCode).toBe(409);
    expect((await staff.post(`${f.base}/remove`)).statusCode).toBe(409);
    const row = await t.handle.db
      .selectFrom('outcome_indicator')
      .selectAll()
      .where('id', '=', f.indicatorId)
      .executeTakeFirstOrThrow();
    expect(Number(row.target)).toBe(60);
  });

  it('keeps an indicator that an application commitment or an award target measures against', async () => {
    const staff = await t.as('commissioner');
    n++;
    const open = await insertOpenOpportunity(t.handle.db, `framework-${n}`);
    const org = await insertOrganisation(t.services, `Carers Together ${n}`);
    const application = await t.handle.db
      .insertInto('application')
      .values({
        reference: `FW-${n}`,
        opportunity_id: open.id,
        lead_organisation_id: org.id,
        kind: 'single',
        status: 'submitted',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [committed, targeted] = open.indicators;
    await t.handle.db
      .insertInto('application_commitment')
      .values({ application_id: application.id, indicator_id: committed!.id, target: '130' })
      .execute();
    const award = await t.handle.db
      .insertInto('award')
      .values({
        slug: `framework-award-${n}`,
        opportunity_id: open.id,
        application_id: application.id,
        kind: 'grant_agreement',
        title: 'Breaks for carers',
        value_pence: 12_000_000,
        starts_on: '2027-04-01',
        ends_on: '2029-03-31',
        monitoring_level: 'standard',
        monitoring_frequency: 'six_monthly',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.handle.db
      .insertInto('award_target')
      .values({ award_id: award.id, indicator_id: targeted!.id, target: '2100' })
      .execute();
    // Applications and awards only exist once a specification is published, which already stops removal; the
    // rule about their indicators holds on its own, should a specification be open to change again.
    await t.handle.db
      .updateTable('specification')
      .set({ status: 'in_review', published_at: null })
      .where('id', '=', open.specificationId)
      .execute();
    const spec = await t.handle.db
      .selectFrom('specification as s')
      .innerJoin('outcome as o', 'o.specification_id', 's.id')
      .select(['s.slug', 'o.id as outcomeId'])
      .where('s.id', '=', open.specificationId)
      .executeTakeFirstOrThrow();
    const base = `/specifications/${spec.slug}/outcomes/${spec.outcomeId}`;

    const byCommitment = await staff.post(`${base}/indicators/${committed!.id}/remove`);
    expect(byCommitment.statusCode).toBe(409);
    expect(byCommitment.body).toContain('This indicator cannot be removed');
    expect(byCommitment.body).toContain('1 application commitment is measured against it');
    const byTarget = await staff.post(`${base}/indicators/${targeted!.id}/remove`);
    expect(byTarget.statusCode).toBe(409);
    expect(byTarget.body).toContain('1 award target is measured against it');
    const outcome = await staff.post(`${base}/remove`);
    expect(outcome.statusCode).toBe(409);
    expect(outcome.body).toContain('1 application commitment and 1 award target are measured against it');
    const left = await t.handle.db
      .selectFrom('outcome_indicator')
      .select('id')
      .where('outcome_id', '=', spec.outcomeId)
      .execute();
    expect(left).toHaveLength(2);
    expect(await audits('outcome_indicator.removed', committed!.id)).toHaveLength(0);
  });
});
