import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/app.ts';

// The UK profile's compiled schemas live beside the project, never inside it.
const schemaDir = join(process.cwd(), '../shared/standards/openreferral-uk/uk-profile-3.0/schema');
const haveStandards = existsSync(join(schemaDir, 'compiled/organization.json'));
if (!haveStandards) {
  console.warn(`Open Referral UK validation skipped: ${schemaDir} is absent (../shared/standards is not checked out).`);
}

let t: TestContext;
let orgId: string;
beforeAll(async () => {
  t = await createTestContext();
  const o = t.services.organisations;
  const made = await o.insert(
    {
      name: 'Croydon Refugee Day Centre',
      description: 'Advice and a warm meal',
      email: 'hello@refugee.example.org',
      website: 'https://refugee.example.org',
    },
    { source: 'test' },
  );
  orgId = made.id;
  await o.addIdentifiers(orgId, ['GB-CHC-1146179', 'GB-COH-07962245']);
  await t.handle.db.updateTable('organisation').set({ publish_email: true }).where('id', '=', orgId).execute();
  for (let n = 1; n <= 4; n++) await o.insert({ name: `Open Data Group ${n}` }, { source: 'test' });
  await o.insert({ name: 'Closed Group', status: 'removed' }, { source: 'test' });
});
afterAll(async () => t?.close());

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const read = (name: string) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8'));
  const organization = ajv.compile(read('compiled/organization.json'));
  // The list's items are compiled in organization_list.json; the page wrapper is the OpenAPI "Page".
  const page = read('openapi.json').components.schemas.Page;
  const list = ajv.compile({
    type: 'object',
    properties: { ...page.properties, contents: { type: 'array', items: read('compiled/organization_list.json') } },
    required: [...Object.keys(page.properties), 'contents'],
  });
  return { organization, list };
}

describe('Open Referral UK organizations', () => {
  it('pages the directory in the UK profile’s list shape, without removed organisations', async () => {
    const res = await t.app.inject('/open-data/openreferral/organizations?page=2&per_page=2');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body).toMatchObject({
      total_items: 5,
      total_pages: 3,
      page_number: 2,
      size: 2,
      first_page: false,
      last_page: false,
      empty: false,
    });
    expect(JSON.stringify(body)).not.toContain('Closed Group');
    const bad = await t.app.inject('/open-data/openreferral/organizations?per_page=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('per_page');
  });

  it('gives one organization with its identifiers, and 404 for an unknown one', async () => {
    const res = await t.app.inject(`/open-data/openreferral/organizations/${orgId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: orgId, name: 'Croydon Refugee Day Centre', email: 'hello@refugee.example.org' });
    expect(body.organization_identifiers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ identifier_scheme: 'GB-CHC', identifier: '1146179', organization_id: orgId }),
        expect.objectContaining({ identifier_scheme: 'GB-COH', identifier: '07962245' }),
      ]),
    );
    expect(
      (await t.app.inject('/open-data/openreferral/organizations/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
    expect((await t.app.inject('/open-data/openreferral/organizations/not-a-uuid')).statusCode).toBe(404);
  });

  it.skipIf(!haveStandards)('validates against the compiled UK profile 3.0 schemas', async () => {
    const { organization, list } = validator();
    for (let page = 1; page <= 3; page++) {
      const body = (await t.app.inject(`/open-data/openreferral/organizations?page=${page}&per_page=2`)).json();
      expect(list(body), JSON.stringify(list.errors)).toBe(true);
    }
    const one = (await t.app.inject(`/open-data/openreferral/organizations/${orgId}`)).json();
    expect(organization(one), JSON.stringify(organization.errors)).toBe(true);
    // The validator is not a formality: a missing description or a bad id is caught.
    expect(organization({ ...one, id: 'nope' })).toBe(false);
    expect(list({ ...one })).toBe(false);
  });
});
