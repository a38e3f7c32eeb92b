import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { type ChainFixture, insertChain } from '../../../../test/support/chain.ts';
import { penceToPoundsNumber as pounds } from '../../../kernel/money.ts';
import { LOTS_EXTENSION } from './rules.ts';
import { haveOcdsSchemas, ocdsValidator } from './validator.ts';

if (!haveOcdsSchemas)
  console.warn(
    'OCDS schema validation skipped: ../shared/standards/ocds is absent (../shared/standards is not checked out).',
  );

let t: TestContext;
let chain: ChainFixture;
beforeAll(async () => {
  t = await createTestContext();
  chain = await insertChain(t.services, t.handle.db, '4711');
});
afterAll(async () => t?.close());

describe('pounds', () => {
  it('turns integer pence into pounds exactly', () => {
    expect(pounds(12_345_678)).toBe(123456.78);
    expect(pounds(1)).toBe(0.01);
    expect(pounds(10_000_001)).toBe(100000.01);
    expect(pounds('900719925474099')).toBe(9007199254740.99);
    expect(JSON.stringify({ v: pounds(2_345_677) })).toBe('{"v":23456.77}');
  });
});

describe('OCDS release package', () => {
  it('publishes every published process, never a draft, and is valid OCDS 1.1.5 with lots', async (ctx) => {
    const res = await t.app.inject('/open-data/ocds/releases.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body.version).toBe('1.1');
    expect(body.extensions).toEqual([LOTS_EXTENSION]);
    expect(body.publisher).toEqual({ name: 'London Borough of Croydon', scheme: 'GB-LAE', uid: 'CRY' });
    expect(body.releases.map((r: { ocid: string }) => r.ocid)).toEqual([chain.ocid]);
    expect(res.body).not.toContain(chain.draftOcid);
    if (!haveOcdsSchemas) return ctx.skip();
    const validate = ocdsValidator();
    const ok = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The validator does hold the lots extension, and money must be a number.
    const broken = structuredClone(body);
    broken.releases[0].tender.lots[0].status = 'finished';
    broken.releases[0].awards[0].value.amount = '100000.01';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/releases/0/tender/lots/0/status', '/releases/0/awards/0/value/amount']),
    );
  });

  it('gives the tender, lots, award and parties of one process', async () => {
    const res = await t.app.inject(`/open-data/ocds/releases/${chain.ocid}.json`);
    expect(res.statusCode).toBe(200);
    const [release] = res.json().releases;
    expect(release).toMatchObject({
      ocid: chain.ocid,
      tag: ['tender', 'award'],
      initiationType: 'tender',
      language: 'en',
      buyer: { id: 'GB-LAE-CRY', name: 'London Borough of Croydon' },
    });
    expect(release.id).toContain(chain.ocid);
    expect(release.planning.rationale).toContain('Carers cannot get a break.');
    expect(release.planning.budget.amount).toEqual({ amount: 123456.78, currency: 'GBP' });
    expect(release.planning.documents.map((d: { url: string }) => d.url)).toEqual([
      expect.stringMatching(new RegExp(`/needs/${chain.needSlug}$`)),
      expect.stringMatching(new RegExp(`/specifications/${chain.specSlug}$`)),
    ]);
    expect(release.tender).toMatchObject({
      status: 'complete',
      value: { amount: 123456.78, currency: 'GBP' },
      procurementMethod: 'open',
      mainProcurementCategory: 'services',
      tenderPeriod: { startDate: '2026-06-02T09:00:00Z', endDate: '2026-07-01T12:00:00Z' },
      enquiryPeriod: { endDate: '2026-06-20T17:00:00Z' },
      eligibilityCriteria: 'Voluntary and community organisations working in the borough.',
      numberOfTenderers: 2,
    });
    expect(release.tender.lots).toEqual([
      {
        id: '1',
        title: 'Sitting service',
        description: 'Weekly breaks at home',
        value: { amount: 100000.01, currency: 'GBP' },
        status: 'complete',
      },
      {
        id: '2',
        title: 'Evening peer groups',
        description: 'For small groups',
        value: { amount: 23456.77, currency: 'GBP' },
        status: 'unsuccessful',
      },
    ]);
    expect(release.awards).toEqual([
      expect.objectContaining({
        id: chain.awardSlug,
        status: 'active',
        date: '2026-08-01T10:00:00Z',
        value: { amount: 100000.01, currency: 'GBP' },
        contractPeriod: { startDate: '2026-10-01T00:00:00Z', endDate: '2028-09-30T00:00:00Z' },
        relatedLots: ['1'],
        suppliers: [
          { id: 'GB-CHC-1471101', name: 'Thornton Carers Circle 4711' },
          { id: 'GB-CHC-1471102', name: 'Bensham Sitting Service 4711' },
        ],
      }),
    ]);
    const party = (id: string) => release.parties.find((p: { id: string }) => p.id === id);
    expect(party('GB-LAE-CRY').roles).toEqual(['buyer', 'procuringEntity']);
    // A charity number is preferred to a company number.
    expect(party('GB-CHC-1471101')).toMatchObject({
      identifier: { scheme: 'GB-CHC', id: '1471101' },
      roles: ['tenderer', 'supplier'],
    });
    expect(party('GB-COH-04711010')).toBeUndefined();
    // Without a registered number, the organisation has a stable id of the platform's own.
    const local = release.parties.filter((p: { id: string }) => p.id.startsWith('ocds-000000-org-'));
    expect(local).toEqual([expect.objectContaining({ name: 'Norbury Neighbours 4711', roles: ['tenderer'] })]);
  });

  it('answers 404 with a JSON error for an unknown process or a draft', async () => {
    for (const ocid of ['ocds-000000-nothing-here', chain.draftOcid]) {
      const res = await t.app.inject(`/open-data/ocds/releases/${ocid}.json`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toContain('ocid');
    }
  });

  it('is linked from the open data page', async () => {
    const res = await t.app.inject('/open-data');
    expect(res.body).toContain('href="/open-data/ocds/releases.json"');
    expect(res.body).toContain('/open-data/ocds/releases/');
  });
});
