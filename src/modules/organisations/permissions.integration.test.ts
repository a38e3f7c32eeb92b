import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../../../test/support/app.ts';
import { insertOpenOpportunity, insertOrganisation } from '../../../test/support/applications.ts';

// Permissions inside an organisation: its administrators may do everything for it; a member only what an
// administrator grants, on the members page. Starting an application is the first such permission.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

let n = 0;

async function join(client: TestClient, organisationId: string, role: 'member' | 'admin') {
  await t.handle.db
    .insertInto('membership')
    .values({ user_id: client.userId!, organisation_id: organisationId, role, status: 'approved' })
    .execute();
}

async function organisationWithPeople() {
  const k = ++n;
  const org = await insertOrganisation(t.services, `Norbury Carers Circle ${k}`);
  const admin = await t.as('vcs_member', { name: `Ada Admin ${k}` });
  const member = await t.as('vcs_member', { name: `Mo Member ${k}` });
  await join(admin, org.id, 'admin');
  await join(member, org.id, 'member');
  return { org, admin, member, k };
}

const apply = (client: TestClient, slug: string, organisation: string) =>
  client.post(`/opportunities/${slug}/apply`, { organisation, kind: 'single', lot: '' });

describe('permissions inside an organisation', () => {
  it('lets the administrator start an application, and a member only once the administrator allows it', async () => {
    const { org, admin, member, k } = await organisationWithPeople();
    const opportunity = await insertOpenOpportunity(t.handle.db, `perm${k}`);

    const refused = await apply(member, opportunity.slug, org.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(
      `You do not have permission to start applications for ${org.name}. Ask one of its administrators to give you permission.`,
    );
    expect(
      await t.services.organisations.may({ id: member.userId!, role: 'vcs_member' }, org.id, 'start-applications'),
    ).toBe(false);

    // The administrator sees what each member can do, and changes it on a page of checkboxes.
    const members = await admin.get(`/organisations/${org.slug}/members`);
    expect(members.statusCode).toBe(200);
    const page = `/organisations/${org.slug}/members/${member.userId}/permissions`;
    expect(members.body).toContain(`href="${page}"`);
    const form = await admin.get(page);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="permissions" type="checkbox" value="start-applications"');
    expect(form.body).not.toMatch(/value="start-applications"[^>]*checked/);

    const saved = await admin.post(page, { permissions: 'start-applications' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/organisations/${org.slug}/members`);
    expect((await admin.get(page)).body).toMatch(/value="start-applications"[^>]*checked/);
    expect((await admin.get(`/organisations/${org.slug}/members`)).body).toContain('Start applications for funding');

    const started = await apply(member, opportunity.slug, org.id);
    expect(started.statusCode, started.body).toBe(303);
    expect(String(started.headers.location)).toMatch(/^\/applications\/APP-/);

    // Taking the permission away refuses the next start (the first application is withdrawn so another may start).
    expect((await admin.post(page, {})).statusCode).toBe(303);
    expect(
      await t.services.organisations.may({ id: member.userId!, role: 'vcs_member' }, org.id, 'start-applications'),
    ).toBe(false);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity_id', '=', org.id)
      .where('action', '=', 'membership.permissions')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.detail)).toEqual([
      { userId: member.userId, granted: ['start-applications'], revoked: [] },
      { userId: member.userId, granted: [], revoked: ['start-applications'] },
    ]);

    // The administrator needs no grant.
    const second = await insertOpenOpportunity(t.handle.db, `perm${k}b`);
    const byAdmin = await apply(admin, second.slug, org.id);
    expect(byAdmin.statusCode, byAdmin.body).toBe(303);
    expect((await apply(member, second.slug, org.id)).statusCode).toBe(403);
  });

  it('lets only the organisation’s administrators change what members can do', async () => {
    const { org, member, admin } = await organisationWithPeople();
    const other = await t.as('vcs_member');
    await join(other, org.id, 'member');
    const page = `/organisations/${org.slug}/members/${other.userId}/permissions`;

    // A member cannot give themselves or anyone else a permission.
    expect((await member.get(page)).statusCode).toBe(403);
    const byMember = await member.post(page, { permissions: 'start-applications' });
    expect(byMember.statusCode).toBe(403);
    expect(
      await t.services.organisations.may({ id: other.userId!, role: 'vcs_member' }, org.id, 'start-applications'),
    ).toBe(false);

    // Only listed permissions, and only for approved members who are not administrators already.
    expect((await admin.post(page, { permissions: 'sign-contracts' })).statusCode).toBe(400);
    const stranger = await t.as('vcs_member');
    expect((await admin.get(`/organisations/${org.slug}/members/${stranger.userId}/permissions`)).statusCode).toBe(404);
    expect((await admin.get(`/organisations/${org.slug}/members/${admin.userId}/permissions`)).statusCode).toBe(404);
  });
});
