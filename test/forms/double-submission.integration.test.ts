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
});
