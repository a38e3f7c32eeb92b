import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { type ChainFixture, insertChain } from '../../../../test/support/chain.ts';

let t: TestContext;
let chain: ChainFixture;
beforeAll(async () => {
  t = await createTestContext();
  chain = await insertChain(t.services, t.handle.db, '5150');
});
afterAll(async () => t?.close());

const section = (html: string) => {
  const start = html.indexOf('id="how-this-fits-together"');
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('How this fits together', () => {
  it('shows a need its specification, opportunity and award, to everyone, without drafts', async () => {
    const res = await (await t.as(null)).get(`/needs/${chain.needSlug}`);
    expect(res.statusCode).toBe(200);
    const html = section(res.body);
    expect(html).toContain(`href="/specifications/${chain.specSlug}"`);
    expect(html).toContain('href="/opportunities/carers-respite-5150"');
    expect(html).toContain(`href="/awards/${chain.awardSlug}"`);
    expect(html).toContain('to Thornton Carers Circle 5150');
    expect(html).not.toContain('Draft opportunity 5150');
    expect(html).toMatch(/aria-current="page">Respite for carers 5150/);
  });

  it('shows staff the drafts too', async () => {
    const staff = await t.as('commissioner');
    const html = section((await staff.get(`/needs/${chain.needSlug}`)).body);
    expect(html).toContain('Draft opportunity 5150');
  });

  it('shows the specification page its need and award', async () => {
    const html = section((await (await t.as(null)).get(`/specifications/${chain.specSlug}`)).body);
    expect(html).toContain(`href="/needs/${chain.needSlug}"`);
    expect(html).toContain(`href="/awards/${chain.awardSlug}"`);
    expect(html).toMatch(/aria-current="page">Carers respite service 5150/);
  });

  it('shows the opportunity and award pages the need they answer', async () => {
    const visitor = await t.as(null);
    for (const url of ['/opportunities/carers-respite-5150', `/awards/${chain.awardSlug}`]) {
      const res = await visitor.get(url);
      expect(res.statusCode).toBe(200);
      expect(section(res.body)).toContain(`href="/needs/${chain.needSlug}"`);
    }
  });

  it('leads from an award back to its need, with the award marked', async () => {
    const found = await t.services.chain.forAward(chain.award, { staff: false });
    expect(found?.need).toMatchObject({ href: `/needs/${chain.needSlug}`, current: false });
    const award = found?.specifications[0]?.opportunities[0]?.awards[0];
    expect(award).toMatchObject({ href: `/awards/${chain.awardSlug}`, current: true });
    const fromOpportunity = await t.services.chain.forOpportunity(chain.opportunity, { staff: false });
    expect(fromOpportunity?.specifications[0]?.opportunities.map((o) => o.current)).toEqual([true]);
  });

  it('gives the public no chain while its need is a draft, and staff the whole of it', async () => {
    await t.handle.db.updateTable('needs_assessment').set({ status: 'draft' }).where('id', '=', chain.need).execute();
    expect(await t.services.chain.forAward(chain.award, { staff: false })).toBeUndefined();
    expect((await t.services.chain.forAward(chain.award, { staff: true }))?.need.statusLabel).toBe('Draft');
    await t.handle.db
      .updateTable('needs_assessment')
      .set({ status: 'published' })
      .where('id', '=', chain.need)
      .execute();
  });
});
