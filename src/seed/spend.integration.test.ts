import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/app.ts';
import { removeDemoData, seedDemo } from './demo.ts';
import { seedDemoSpend } from './spend.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await seedDemo(t.services, { scale: 'demo' });
}, 120_000);
afterAll(async () => t?.close());

describe('demonstration spend', () => {
  it('gives the place and four neighbours two years of payments, and two neighbours a published figure', async () => {
    const db = t.handle.db;
    const counts = await db
      .selectFrom('spend_payment')
      .select([
        'council_org_id',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.min('payment_date').as('first'),
      ])
      .where('is_demo', '=', true)
      .groupBy('council_org_id')
      .orderBy('council_org_id')
      .execute();
    expect(counts.map((c) => [c.council_org_id, Number(c.n), c.first?.slice(0, 7)])).toEqual([
      ['GB-LAE-BRY', 2400, '2023-04'],
      ['GB-LAE-CRY', 2400, '2023-04'],
      ['GB-LAE-LBH', 2400, '2023-04'],
      ['GB-LAE-MRT', 2400, '2023-04'],
      ['GB-LAE-SWK', 2400, '2023-04'],
    ]);
    const notDemo = await db.selectFrom('spend_supplier').select('id').where('is_demo', '=', false).execute();
    expect(notDemo).toEqual([]);
    const published = await db.selectFrom('published_vcs_share').select(['council_org_id', 'is_demo']).execute();
    expect(published).toEqual([
      { council_org_id: 'GB-LAE-STN', is_demo: true },
      { council_org_id: 'GB-LAE-TAN', is_demo: true },
    ]);
  });

  it('shows a populated /spend, marked as demonstration data, with Croydon behind its neighbours', async () => {
    const s = (await t.services.spendMeasure.summary('GB-LAE-CRY'))!;
    expect(s.financialYear).toBe('2024-25');
    expect(s.isDemo).toBe(true);
    expect(s.neighbours.filter((n) => n.share !== null)).toHaveLength(6);
    expect(Number(s.benchmark!.gapPoints)).toBeGreaterThan(0);
    expect(s.topRecipients.length).toBeGreaterThan(5);
    expect(s.topRecipients.every((r) => r.slug)).toBe(true);
    expect(s.sizeBands.filter((b) => b.vcsPence > 0).length).toBeGreaterThan(2);
    const page = await (await t.as(null)).get('/spend');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Demonstration data');
    expect(page.body).toContain('These figures include made-up demonstration data');
    for (const url of ['/spend/methodology', '/spend/councils', '/spend/councils/GB-LAE-BRY'])
      expect((await (await t.as(null)).get(url)).body).toContain('Demonstration data');
    expect((await t.app.inject('/api/spend/summary?council=GB-LAE-CRY')).json().demonstrationData).toBe(true);
  });

  it('gives the same figures on every run, and goes with the rest of the demo data', async () => {
    const before = (await t.services.spendMeasure.summary('GB-LAE-CRY'))!;
    await seedDemoSpend(t.services);
    const after = (await t.services.spendMeasure.summary('GB-LAE-CRY'))!;
    expect(after.current).toEqual(before.current);
    expect(after.benchmark).toEqual(before.benchmark);
    await removeDemoData(t.services);
    const left = await t.handle.db.selectFrom('spend_payment').select('id').limit(1).execute();
    expect(left).toEqual([]);
    expect(await t.services.spendMeasure.hasDemo()).toBe(false);
  });
});
