import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { addPerson, hasChromium, newContext, Site, signInAs, useSiteAndBrowser } from './support/browser.ts';

// The foundation's journeys across roles: a VCS member claims an organisation, an officer approves the claim, the
// member edits the profile, the officer verifies it; people without permission are refused. The member and the
// resident browse with JavaScript on, the officer and the visitor with it off.
describe.skipIf(!hasChromium)('claim, edit, verify and refuse, across roles', () => {
  const env = useSiteAndBrowser();

  const person = (role: Role, email: string, name?: string) => addPerson(env.site, role, email, name);

  const signIn = (context: BrowserContext, email: string) => signInAs(context, env.site.baseUrl, email);

  it('with JavaScript on for some people and off for others', async () => {
    const mode = 'journey';
    const org = await env.site.t.services.organisations.insert(
      { name: `Waddon Allotment Society ${mode}`, description: 'Allotments for all' },
      { source: 'test' },
    );
    const member = await person('vcs_member', `member-${mode}@example.test`);
    const officer = await person('officer', `officer-${mode}@example.test`);
    const resident = await person('resident', `resident-${mode}@example.test`);

    const memberContext = await newContext(env.browser, { javaScript: true });
    const m = await signIn(memberContext, member);
    await m.visit(`/organisations/${org.slug}`);
    await m.press('Claim this organisation');
    await m.fill('Your role in the organisation', 'Chair of the committee');
    await m.press('Send claim');
    expect(await m.page.locator('body').textContent()).toContain('You have claimed this organisation');

    const officerContext = await newContext(env.browser, { javaScript: false });
    const o = await signIn(officerContext, officer);
    await o.visit(`/organisations/${org.slug}/members`);
    await o.press('Approve');

    await m.visit(`/organisations/${org.slug}/edit`);
    await m.fill('What it does', 'Allotments and a seed swap for everyone in Waddon');
    await m.press('Save profile');
    expect(await m.heading()).toBe(`Waddon Allotment Society ${mode}`);
    expect(await m.page.locator('body').textContent()).toContain('seed swap');

    await o.visit('/organisations/verification');
    expect(await o.page.locator('body').textContent()).toContain(`Waddon Allotment Society ${mode}`);
    await o.visit(`/organisations/${org.slug}`);
    await o.press('Verify');
    expect(await o.page.locator('body').textContent()).toContain('Verified by Croydon Voluntary Action on');

    // Someone without permission is refused, in words.
    const residentContext = await newContext(env.browser, { javaScript: true });
    const r = await signIn(residentContext, resident);
    await r.visit('/admin');
    expect(await r.heading()).toBe('You do not have permission to see this page');
    await r.visit(`/organisations/${org.slug}/edit`);
    expect(await r.heading()).toBe('You cannot edit this profile');

    const visitorContext = await newContext(env.browser, { javaScript: false });
    const v = new Site(await visitorContext.newPage(), env.site.baseUrl);
    await v.visit('/staff');
    expect(await v.heading()).toBe('Sign in');
    expect(new URL(v.page.url()).searchParams.get('next')).toBe('/staff');

    for (const c of [memberContext, officerContext, residentContext, visitorContext]) await c.close();
  });
});
