import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import type { SupplierClassification } from '../../../db/schema.ts';

// Small hand-made spend where every figure is known to the penny.
//
// Croydon (the place), population set to 1,000 for the test:
//   2023-24 Q4: Helping Hands (VCS) £100.00, Acme £300.00                        → 25.00%
//   2024-25 Q1: Helping Hands £250.00, Acme £500.00                              → 33.33%
//   2024-25 Q2: redacted £1,000.00, NHS trust £2,000.00 (both left out by default) → no figure
//   2024-25 Q4: Maybe Group (uncertain) £250.00                                  → 0.00%
//   2025-26 Q1: Acme £123.45
//   2024-25 in all: VCS £250.00 of £1,000.00 counted = 25.00%; with redacted, 12.50%; with both, 6.25%.
// Neighbours: Bromley from its own spend (2024-25: 40%), Lambeth published 2024-25 30%, Merton published 2023-24 10%.
//   Median 30% → gap 5.00 points = £50.00 a year; mean 26.6667% → 1.67 points = £16.67.

let t: TestContext;
const CRY = 'GB-LAE-CRY';
const BRY = 'GB-LAE-BRY';

async function addSpend(
  council: string,
  suppliers: { name: string; classification: SupplierClassification; organisationId?: string }[],
  payments: [supplier: string, date: string, pounds: string, department?: string][],
) {
  const db = t.handle.db;
  const imp = await db
    .insertInto('spend_import')
    .values({ council_org_id: council, file_name: 'test.csv', file_sha256: `sha-${council}-${Math.random()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids = new Map<string, number>();
  for (const s of suppliers) {
    const row = await db
      .insertInto('spend_supplier')
      .values({
        council_org_id: council,
        name_key: s.name.toLowerCase(),
        name: s.name,
        charity_number: null,
        company_number: null,
        council_vcse_flag: null,
        classification: s.classification,
        organisation_id: s.organisationId ?? null,
        method: 'test',
        reason: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(s.name, row.id);
  }
  await db
    .insertInto('spend_payment')
    .values(
      payments.map(([supplier, date, pounds, department], i) => ({
        council_org_id: council,
        import_id: imp.id,
        supplier_id: ids.get(supplier)!,
        line: i + 2,
        payment_date: date,
        amount_pence: Math.round(Number(pounds) * 100),
        supplier_name: supplier,
        department: department ?? null,
        row_key: `${council}-${i}`,
      })),
    )
    .execute();
  // Written straight to the tables, as no import does: the figures are read from the summaries.
  await t.services.spendMeasure.refreshSummaries([council]);
}

beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  await db.updateTable('council').set({ population: 1000 }).where('org_id', '=', CRY).execute();
  const org = await db
    .insertInto('organisation')
    .values({ slug: 'helping-hands', name: 'Helping Hands', latest_income_pence: 5_000_000 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await addSpend(
    CRY,
    [
      { name: 'Helping Hands', classification: 'vcs', organisationId: org.id },
      { name: 'Acme Ltd', classification: 'not_vcs' },
      { name: 'Redacted Personal Information', classification: 'redacted' },
      { name: 'NHS Trust', classification: 'public_body' },
      { name: 'Maybe Group', classification: 'uncertain' },
    ],
    [
      ['Helping Hands', '2024-03-31', '100.00', 'Adults'],
      ['Acme Ltd', '2024-03-31', '300.00', 'Adults'],
      ['Helping Hands', '2024-04-01', '250.00', 'Adults'],
      ['Acme Ltd', '2024-04-15', '500.00', 'Adults'],
      ['Redacted Personal Information', '2024-07-01', '1000.00', 'Children'],
      ['NHS Trust', '2024-08-01', '2000.00', 'Children'],
      ['Maybe Group', '2025-03-31', '250.00', 'Children'],
      ['Acme Ltd', '2025-04-01', '123.45', ''],
    ],
  );
  await addSpend(
    BRY,
    [
      { name: '=SUM(A1)', classification: 'vcs' },
      { name: 'Bromley Builders', classification: 'not_vcs' },
    ],
    [
      ['=SUM(A1)', '2024-06-01', '400.00', 'Housing'],
      ['Bromley Builders', '2024-06-02', '600.00', 'Housing'],
    ],
  );
  await db
    .insertInto('published_vcs_share')
    .values([
      { council_org_id: 'GB-LAE-LBH', financial_year: '2024-25', vcs_share: '0.3000', source: 'Lambeth report' },
      { council_org_id: 'GB-LAE-MRT', financial_year: '2023-24', vcs_share: '0.1000', source: 'Merton report' },
    ])
    .execute();
});
afterAll(async () => t?.close());

describe('VCS share of spend', () => {
  it('counts to the penny, leaving redacted and public-body payments out of the denominator by default', async () => {
    const s = (await t.services.spendMeasure.summary(CRY, { year: '2024-25' }))!;
    expect(s.financialYear).toBe('2024-25');
    expect(s.current).toMatchObject({
      payments: 5,
      totalPence: 400000,
      denominatorPence: 100000,
      vcsPence: 25000,
      uncertainPence: 25000,
      redactedPence: 100000,
      publicBodyPence: 200000,
      share: '0.250000',
      sharePercent: '25.00',
    });
    expect(s.perResident).toEqual({ population: 1000, vcsPounds: '0.25', denominatorPounds: '1.00' });
    const withRedacted = (await t.services.spendMeasure.summary(CRY, { year: '2024-25', exclude: ['public_body'] }))!;
    expect(withRedacted.current).toMatchObject({ denominatorPence: 200000, share: '0.125000', sharePercent: '12.50' });
    const everything = (await t.services.spendMeasure.summary(CRY, { year: '2024-25', exclude: [] }))!;
    expect(everything.current).toMatchObject({ denominatorPence: 400000, share: '0.062500', sharePercent: '6.25' });
  });

  it('takes the latest financial year by default and splits quarters at the April boundary', async () => {
    const s = (await t.services.spendMeasure.summary(CRY))!;
    expect(s.financialYear).toBe('2025-26');
    expect(s.years.map((y) => y.financialYear)).toEqual(['2023-24', '2024-25', '2025-26']);
    expect(s.quarters.map((q) => [q.financialYear, q.quarter, q.denominatorPence, q.vcsPence, q.sharePercent])).toEqual(
      [
        ['2023-24', 4, 40000, 10000, '25.00'],
        ['2024-25', 1, 75000, 25000, '33.33'],
        ['2024-25', 2, 0, 0, null],
        ['2024-25', 4, 25000, 0, '0.00'],
        ['2025-26', 1, 12345, 0, '0.00'],
      ],
    );
    expect(s.quarters[0]!.label).toBe('Q4 2023-24 (January to March 2024)');
  });

  it('breaks the year down by service area and size band, and lists the top VCS recipients', async () => {
    const s = (await t.services.spendMeasure.summary(CRY, { year: '2024-25' }))!;
    expect(s.serviceAreas).toEqual([
      { department: 'Adults', denominatorPence: 75000, vcsPence: 25000, share: '0.333333', sharePercent: '33.33' },
      { department: 'Children', denominatorPence: 25000, vcsPence: 0, share: '0.000000', sharePercent: '0.00' },
    ]);
    const small = s.sizeBands.find((b) => b.band === 'small')!;
    expect(small).toMatchObject({
      vcsPence: 25000,
      organisations: 1,
      percentOfVcs: '100.00',
      percentOfDenominator: '25.00',
    });
    expect(s.sizeBands.find((b) => b.band === 'micro')).toMatchObject({ vcsPence: 0 });
    expect(s.topRecipients).toEqual([
      expect.objectContaining({ name: 'Helping Hands', slug: 'helping-hands', vcsPence: 25000, payments: 1 }),
    ]);
  });

  it('compares with neighbours from their spend or their published figure; median by default, mean on request', async () => {
    const s = (await t.services.spendMeasure.summary(CRY, { year: '2024-25' }))!;
    const figures = Object.fromEntries(s.neighbours.map((n) => [n.orgId, [n.source, n.financialYear, n.share]]));
    expect(figures[BRY]).toEqual(['spend', '2024-25', '0.400000']);
    expect(figures['GB-LAE-LBH']).toEqual(['published', '2024-25', '0.3000']);
    expect(figures['GB-LAE-MRT']).toEqual(['published', '2023-24', '0.1000']);
    expect(figures['GB-LAE-STN']).toEqual(['none', null, null]);
    expect(s.benchmark).toMatchObject({
      method: 'median',
      neighbours: 3,
      share: '0.300000',
      sharePercent: '30.00',
      gapPoints: '5.00',
      gapPence: 5000,
    });
    const mean = (await t.services.spendMeasure.summary(CRY, { year: '2024-25', benchmark: 'mean' }))!;
    expect(mean.benchmark).toMatchObject({ method: 'mean', share: '0.266667', gapPoints: '1.67', gapPence: 1667 });
  });

  it('shows other councils on their own, without a benchmark', async () => {
    const s = (await t.services.spendMeasure.summary(BRY))!;
    expect(s.current).toMatchObject({ vcsPence: 40000, sharePercent: '40.00' });
    expect(s.benchmark).toBeNull();
    expect(s.neighbours).toEqual([]);
    expect(await t.services.spendMeasure.summary('GB-LAE-XXX')).toBeUndefined();
  });
});

describe('the public spend pages', () => {
  it('shows the headline, the neighbours, the gap and the uncertain money, with charts and tables', async () => {
    const res = await (await t.as(null)).get('/spend?year=2024-25');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('<strong>25.00%</strong>');
    expect(body).toMatch(/id="headline-benchmark">30.00%/);
    expect(body).toMatch(/id="headline-gap">5.00 points/);
    expect(body).toContain('About £50 a year more');
    expect(body).toContain('£250.00</strong> of the spend counted in 2024-25 is with suppliers not yet confirmed');
    expect(body).toContain('London Borough of Lambeth');
    expect(body).toContain('Lambeth report');
    expect(body).toMatch(
      /<svg class="app-chart app-chart--wide" role="img" aria-labelledby="chart-neighbours-title chart-neighbours-desc"/,
    );
    expect(body).toContain('<title id="chart-trend-title">');
    expect(body).toContain('href="/organisations/helping-hands"');
    expect(body).toContain('format=csv&amp;table=recipients');
    expect(body).not.toContain('Demonstration data');
    expect(body).toContain('href="/spend"'); // in the service navigation
  });

  it('uses the mean and counts redacted payments when asked in the query', async () => {
    const res = await (await t.as(null)).get('/spend?year=2024-25&benchmark=mean&include=redacted');
    expect(res.body).toContain('<strong>12.50%</strong>');
    expect(res.body).toMatch(/Neighbours’ mean/);
  });

  it('explains the method: the five steps of matching, the review queue and the denominators', async () => {
    const res = await (await t.as(null)).get('/spend/methodology');
    expect(res.statusCode).toBe(200);
    for (const text of [
      'Identifiers and flags',
      'Decisions people made before',
      'Exact names',
      'Trigram similarity',
      'Rules.',
      'review queue',
      'payments to other public bodies',
      'redacted',
      'median',
    ])
      expect(res.body).toContain(text);
  });

  it('shows any imported council, lists councils, and answers an unknown council with 404', async () => {
    const client = await t.as(null);
    const bry = await client.get(`/spend/councils/${BRY}`);
    expect(bry.statusCode).toBe(200);
    expect(bry.body).toContain('<strong>40.00%</strong>');
    expect((await client.get('/spend/councils')).body).toContain('London Borough of Bromley');
    expect((await client.get('/spend/councils/GB-LAE-NOPE')).statusCode).toBe(404);
  });

  it('downloads every table as CSV with formula cells neutralised', async () => {
    const client = await t.as(null);
    const res = await client.get(`/spend/councils/${BRY}?format=csv&table=recipients`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(
      'attachment; filename="spend-GB-LAE-BRY-recipients-2024-25.csv"',
    );
    expect(res.body).toBe("Organisation,Size,Payments,Amount\r\n'=SUM(A1),Size not known,1,400.00\r\n");
    const quarters = await client.get('/spend?format=csv&table=quarters');
    expect(quarters.body.split('\r\n')[2]).toBe('Q1 2024-25 (April to June 2024),750.00,250.00,33.33,0.00');
    for (const table of ['years', 'neighbours', 'service-areas', 'size-bands'])
      expect((await client.get(`/spend?format=csv&table=${table}`)).statusCode).toBe(200);
    expect((await client.get('/spend?format=csv&table=nope')).statusCode).toBe(404);
  });
});

describe('GET /api/spend/summary', () => {
  it('gives the figures as JSON: money in pounds and shares as decimal strings', async () => {
    const res = await t.app.inject(`/api/spend/summary?council=${CRY}&year=2024-25`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      council: { orgId: CRY, isPlace: true, population: 1000 },
      financialYear: '2024-25',
      demonstrationData: false,
      denominator: { excludes: ['redacted', 'public_body'] },
      totals: {
        payments: 5,
        allSpend: '4000.00',
        denominator: '1000.00',
        vcs: '250.00',
        share: '0.250000',
        uncertain: '250.00',
        redacted: '1000.00',
        publicBodies: '2000.00',
      },
      perResident: { vcs: '0.25', denominator: '1.00' },
      benchmark: { method: 'median', share: '0.300000', gapPoints: '5.00', gapAmount: '50.00', mean: '0.266667' },
    });
    expect(body.neighbours).toContainEqual(
      expect.objectContaining({ council: 'GB-LAE-LBH', source: 'published', share: '0.3000' }),
    );
    expect(body.topRecipients[0]).toMatchObject({
      name: 'Helping Hands',
      amount: '250.00',
      url: '/organisations/helping-hands',
    });
  });

  it('answers 400 without a council and 404 as JSON for an unknown one', async () => {
    const missing = await t.app.inject('/api/spend/summary');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toContain('?council=');
    const unknown = await t.app.inject('/api/spend/summary?council=GB-LAE-NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'There is no council with the org-id GB-LAE-NOPE' });
  });
});

describe('published neighbour figures', () => {
  it('is for staff only', async () => {
    const anonymous = await (await t.as(null)).get('/spend/published');
    expect(anonymous.statusCode).toBe(303);
    expect((await (await t.as('resident')).get('/spend/published')).statusCode).toBe(403);
    expect((await (await t.as('vcs_member')).post('/spend/published', {})).statusCode).toBe(403);
    for (const role of ['officer', 'commissioner', 'admin'] as const)
      expect((await (await t.as(role)).get('/spend/published')).statusCode).toBe(200);
  });

  it('refuses bad input with a clear message and keeps what was typed', async () => {
    const officer = await t.as('officer');
    const over = await officer.post('/spend/published', {
      council: 'GB-LAE-SWK',
      financialYear: '2024-25',
      share: '100.5',
      source: 'Southwark annual report',
      sourceUrl: '',
    });
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('The VCS share must be 100% or less');
    expect(over.body).toContain('value="Southwark annual report"');
    const noSource = await officer.post('/spend/published', {
      council: 'GB-LAE-SWK',
      financialYear: '2024-26',
      share: 'seven',
      source: '  ',
      sourceUrl: 'javascript:alert(1)',
    });
    expect(noSource.statusCode).toBe(400);
    for (const message of [
      'Enter where the figure was published',
      'The financial year must be two years in a row, like 2024-25',
      'Enter the VCS share as a number between 0 and 100',
      'Enter a web address starting with https://',
    ])
      expect(noSource.body).toContain(message);
    const unknown = await officer.post('/spend/published', {
      council: 'GB-LAE-NOPE',
      financialYear: '2024-25',
      share: '20',
      source: 'x',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Select a council from the list');
    const count = await t.handle.db
      .selectFrom('published_vcs_share')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('council_org_id', 'in', ['GB-LAE-SWK', 'GB-LAE-NOPE'])
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('saves a valid figure, audit-logged, and the median of four neighbours moves to the middle two', async () => {
    const commissioner = await t.as('commissioner');
    const res = await commissioner.post('/spend/published', {
      council: 'GB-LAE-SWK',
      financialYear: '2024-25',
      share: '20',
      source: 'Southwark annual report',
      sourceUrl: 'https://www.southwark.example/report',
    });
    expect(res.statusCode).toBe(303);
    const row = await t.handle.db
      .selectFrom('published_vcs_share')
      .selectAll()
      .where('council_org_id', '=', 'GB-LAE-SWK')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ vcs_share: '0.2000', financial_year: '2024-25', is_demo: false });
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'published_vcs_share')
      .execute();
    expect(audit).toHaveLength(1);
    // 10%, 20%, 30%, 40%: the median is the mean of 20% and 30%.
    const s = (await t.services.spendMeasure.summary(CRY, { year: '2024-25' }))!;
    expect(s.benchmark).toMatchObject({ neighbours: 4, share: '0.250000', gapPoints: '0.00', gapPence: 0 });
    expect((await commissioner.get('/spend/published')).body).toContain('Southwark annual report');
  });
});
