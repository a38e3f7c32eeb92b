import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../support/app.ts';

// A person who presses a create form's button twice, or whose browser sends the form again after a slow answer, must
// create one thing. Each create form carries a key drawn when it was shown; both submissions carry the same key.

/** Shows the form as a browser would, then sends it twice at once with the key the page gave. */
async function sendTwice(client: TestClient, formUrl: string, postUrl: string, fields: Record<string, string>) {
  const page = await client.get(formUrl);
  expect(page.statusCode).toBe(200);
  const key = /name="_idempotency" value="([^"]+)"/.exec(page.body)?.[1];
  expect(key, `${formUrl} draws a form key`).toBeDefined();
  const sent = { ...fields, _idempotency: key! };
  return Promise.all([client.post(postUrl, sent), client.post(postUrl, sent)]);
}

describe('create forms sent twice', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('add one local priority', async () => {
    const admin = await ctx.as('admin');
    const before = (await ctx.services.place.priorities({ includeInactive: true })).length;
    const answers = await sendTwice(admin, '/admin/priorities/new', '/admin/priorities/new', {
      title: 'Warm spaces in winter',
      description: '',
      active: 'yes',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const after = await ctx.services.place.priorities({ includeInactive: true });
    expect(after.length).toBe(before + 1);
    expect(after.filter((p) => p.title === 'Warm spaces in winter')).toHaveLength(1);
  });

  it('draft one specification, and add one outcome to it', async () => {
    const commissioner = await ctx.as('commissioner');
    const need = await ctx.handle.db
      .insertInto('needs_assessment')
      .values({ slug: 'twice-need', title: 'Carers need breaks' })
      .returning('slug')
      .executeTakeFirstOrThrow();
    const drafted = await sendTwice(commissioner, `/specifications/new?need=${need.slug}`, '/specifications/new', {
      need: need.slug,
      title: 'Breaks sent twice',
      note: '',
      context: 'Carers rarely get a break.',
    });
    expect(drafted.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(drafted[1]!.headers.location).toBe(drafted[0]!.headers.location);
    const specs = await ctx.handle.db
      .selectFrom('specification')
      .select('slug')
      .where('title', '=', 'Breaks sent twice')
      .execute();
    expect(specs).toHaveLength(1);
    const slug = specs[0]!.slug;
    const added = await sendTwice(commissioner, `/specifications/${slug}`, `/specifications/${slug}/outcomes`, {
      title: 'Carers get regular breaks',
      description: '',
    });
    expect(added.map((a) => a.statusCode)).toEqual([303, 303]);
    const outcomes = await ctx.handle.db
      .selectFrom('outcome')
      .select('id')
      .where('title', '=', 'Carers get regular breaks')
      .execute();
    expect(outcomes).toHaveLength(1);
  });

  it('store one contribution to a needs assessment', async () => {
    const resident = await ctx.as('resident');
    await ctx.handle.db
      .insertInto('needs_assessment')
      .values({ slug: 'twice-open', title: 'Warm spaces', status: 'open' })
      .execute();
    const answers = await sendTwice(resident, '/needs/twice-open', '/needs/twice-open/contributions', {
      kind: 'lived_experience',
      body: 'The library was the only warm place on our estate.',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const stored = await ctx.handle.db
      .selectFrom('needs_contribution')
      .select('id')
      .where('body', '=', 'The library was the only warm place on our estate.')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('list one community group', async () => {
    const member = await ctx.as('vcs_member');
    const name = 'Twice Sent Allotment Friends';
    const answers = await sendTwice(member, '/organisations/new', '/organisations/new', {
      name,
      description: 'We grow food together on the Waddon allotments.',
      confirmNew: 'yes',
    });
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    expect(answers[1]!.headers.location).toBe(answers[0]!.headers.location);
    const listed = await ctx.handle.db.selectFrom('organisation').select('id').where('name', '=', name).execute();
    expect(listed).toHaveLength(1);
  });
});
