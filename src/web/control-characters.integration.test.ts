import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/app.ts';
import { hasControlCharacters } from './control-characters.ts';

// A NUL byte, or another control character, in a web address or a form used to reach the database and come back
// as a 500. It is refused where the request comes in, with a page that says what is wrong.

describe('control characters in what a request sends', () => {
  it('are found in strings, arrays and objects; tab, line feed and carriage return are allowed', () => {
    expect(hasControlCharacters('a\u0000b')).toBe(true);
    expect(hasControlCharacters({ q: ['fine', 'x\u001by'] })).toBe(true);
    expect(hasControlCharacters({ 'k\u0007': 'v' })).toBe(true);
    expect(hasControlCharacters({ text: 'line one\r\nline two\tand a tab', n: 3, none: null })).toBe(false);
    expect(hasControlCharacters('Zoë – “quoted” €')).toBe(false);
  });

  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => t?.close());

  const refused = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem with what was sent');
    expect(res.body).toContain('such as a null character');
  };

  it.each([
    '/organisations?q=%00',
    '/organisations?q=trust%01',
    '/spend?year=%00',
    '/needs?q=%1F',
    '/organisations/%00',
    '/sign-in?next=%2F%00',
  ])('refuses %s with 400 and a clear page', async (url) => {
    const anonymous = await t.as(null);
    refused(await anonymous.get(url));
  });

  it('still serves a search with a tab in it', async () => {
    expect((await (await t.as(null)).get('/organisations?q=a%09b')).statusCode).toBe(200);
  });

  it('refuses the sign-in and registration forms with a NUL in a field', async () => {
    const anonymous = await t.as(null);
    await anonymous.get('/sign-in');
    refused(await anonymous.post('/sign-in', { email: 'someone@example.test\u0000', password: 'x' }));
    await anonymous.get('/register');
    refused(
      await anonymous.post('/register', {
        name: 'Ann\u0000',
        email: 'ann@example.test',
        password: 'a long enough password',
        confirmPassword: 'a long enough password',
      }),
    );
  });
});
