import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { type ChainFixture, insertChain } from '../../../../test/support/chain.ts';
import { emptySections } from '../specifications/sections.ts';

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
    const found = await t.services.chain.forAward(chain.award, null);
    expect(found?.need).toMatchObject({ href: `/needs/${chain.needSlug}`, current: false });
    const award = found?.specifications[0]?.opportunities[0]?.awards[0];
    expect(award).toMatchObject({ href: `/awards/${chain.awardSlug}`, current: true });
    const fromOpportunity = await t.services.chain.forOpportunity(chain.opportunity, null);
    expect(fromOpportunity?.specifications[0]?.opportunities.map((o) => o.current)).toEqual([true]);
  });

  it('gives the public no chain while its need is a draft, and staff the whole of it', async () => {
    await t.handle.db.updateTable('needs_assessment').set({ status: 'draft' }).where('id', '=', chain.need).execute();
    expect(await t.services.chain.forAward(chain.award, null)).toBeUndefined();
    expect(
      (
        await t.services.chain.forAward(chain.award, {
          id: '00000000-0000-4000-8000-000000000000',
          role: 'commissioner',
        })
      )?.need.statusLabel,
    ).toBe('Draft');
    await t.handle.db
      .updateTable('needs_assessment')
      .set({ status: 'published' })
      .where('id', '=', chain.need)
      .execute();
  });

  it('calls an opportunity past its closing time closed, as its own page does', async () => {
    // An opportunity still stored as open whose closing time has passed.
    await t.handle.db
      .updateTable('opportunity')
      .set({ status: 'open', closes_at: new Date('2026-01-05T12:00:00Z'), published_at: new Date('2026-01-01') })
      .where('slug', '=', 'draft-5150')
      .execute();
    try {
      const found = await t.services.chain.forNeed(chain.need, null);
      const opportunity = found?.specifications[0]?.opportunities.find((o) => o.href === '/opportunities/draft-5150');
      expect(opportunity?.statusLabel).toBe('Closed');
      const html = section((await (await t.as(null)).get(`/needs/${chain.needSlug}`)).body);
      expect(html).toMatch(/Draft opportunity 5150<\/a>\s*\(closed\)/);
      const own = await (await t.as(null)).get('/opportunities/draft-5150');
      expect(own.body).toContain('Closed');
      expect(own.body).not.toContain('Open for applications');
    } finally {
      await t.handle.db
        .updateTable('opportunity')
        .set({ status: 'draft', closes_at: new Date('2027-01-01T12:00:00Z'), published_at: null })
        .where('slug', '=', 'draft-5150')
        .execute();
    }
  });

  it('shows the co-producer invited to a draft specification that draft, as its own page does', async () => {
    const commissioner = await t.as('commissioner');
    const staff = { id: commissioner.userId!, role: 'commissioner' as const };
    const drafted = await t.services.specifications.create(staff, {
      needSlug: chain.needSlug,
      title: 'Respite draft 5150',
      sections: emptySections(),
      note: '',
    });
    if (!drafted.ok) throw new Error(drafted.message);
    const invited = await t.as('resident', { email: 'coproducer-5150@example.test' });
    const other = await t.as('resident');
    expect(
      (
        await t.services.specifications.inviteCoproducer(staff, drafted.slug, {
          email: 'coproducer-5150@example.test',
          roleLabel: 'carer',
        })
      ).ok,
    ).toBe(true);

    const specPage = await invited.get(`/specifications/${drafted.slug}`);
    expect(specPage.statusCode).toBe(200);
    const link = `href="/specifications/${drafted.slug}"`;
    expect(section((await invited.get(`/needs/${chain.needSlug}`)).body)).toContain(link);
    expect(section(specPage.body)).toMatch(/aria-current="page">Respite draft 5150/);
    // Everyone else still sees only what is published.
    expect((await other.get(`/specifications/${drafted.slug}`)).statusCode).toBe(403);
    expect(section((await other.get(`/needs/${chain.needSlug}`)).body)).not.toContain(link);
    expect(section((await (await t.as(null)).get(`/needs/${chain.needSlug}`)).body)).not.toContain(link);
  });
});
