import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { normaliseSupplierName } from '../names.ts';

let t: TestContext;
const COUNCIL = 'GB-LAE-TST';

async function supplier(name: string, extra: { charity?: string; pence?: number; council?: string } = {}) {
  const db = t.handle.db;
  const council = extra.council ?? COUNCIL;
  const row = await db
    .insertInto('spend_supplier')
    .values({
      council_org_id: council,
      name,
      name_key: normaliseSupplierName(name),
      charity_number: extra.charity ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const imp = await db
    .insertInto('spend_import')
    .values({ council_org_id: council, file_name: 'x.csv', file_sha256: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('spend_payment')
    .values({
      council_org_id: council,
      import_id: imp.id,
      supplier_id: row.id,
      line: 2,
      payment_date: '2025-05-01',
      amount_pence: extra.pence ?? 100,
      supplier_name: name,
      row_key: `${name}-${Math.random()}`,
    })
    .execute();
  return row.id;
}

const classOf = async (id: number) =>
  t.handle.db
    .selectFrom('spend_supplier')
    .select(['classification', 'method', 'organisation_id', 'reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  await db
    .insertInto('council')
    .values([
      { org_id: COUNCIL, name: 'Test Council' },
      { org_id: 'GB-LAE-TWO', name: 'Second Council' },
    ])
    .execute();
  const org = await db
    .insertInto('organisation')
    .values({ slug: 'norwood-toy-library', name: 'Norwood Toy Library Limited', legal_form: 'charity' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('organisation_identifier')
    .values({ identifier: 'GB-CHC-1100001', organisation_id: org.id, scheme: 'GB-CHC' })
    .execute();
  await db
    .insertInto('organisation')
    .values({ slug: 'thornton-heath-carers-forum', name: 'Thornton Heath Carers Forum', legal_form: 'charity' })
    .execute();
}, 120_000);
afterAll(async () => t?.close());

describe('the resolution cascade', () => {
  it('resolves by identifier, exact name, trigram and rules, with reasons', async () => {
    const byId = await supplier('NTL', { charity: '1100001' });
    const exact = await supplier('NORWOOD TOY LIBRARY LTD');
    const near = await supplier('Thornton Heath Carers Forun');
    const rule = await supplier('Selhurst Community Association', { pence: 900 });
    const council = await supplier('Kent County Council');
    const redacted = await supplier('Redacted personal data');
    const summary = await t.services.spendResolution.resolveCouncil(COUNCIL);
    expect(summary.suppliers).toBe(6);
    expect(await classOf(byId)).toMatchObject({ classification: 'vcs', method: 'identifier' });
    expect(await classOf(exact)).toMatchObject({ classification: 'vcs', method: 'exact' });
    expect(await classOf(near)).toMatchObject({ classification: 'vcs', method: 'trigram' });
    expect(await classOf(rule)).toMatchObject({ classification: 'vcs', method: 'rule' });
    expect(await classOf(council)).toMatchObject({ classification: 'public_body' });
    expect((await classOf(redacted)).classification).toBe('redacted');
  });

  it('orders the queue by money and applies a bulk decision to past rows, other councils and later imports', async () => {
    const big = await supplier('Acme Widgets Ltd', { pence: 500_000 });
    const small = await supplier('Mystery Outfit', { pence: 50 });
    const elsewhere = await supplier('Acme Widgets Ltd', { council: 'GB-LAE-TWO' });
    await t.handle.db
      .updateTable('spend_supplier')
      .set({ classification: 'uncertain' })
      .where('id', 'in', [big, small])
      .execute();
    const queue = await t.services.spendResolution.queue({ councilOrgId: COUNCIL });
    expect(queue.rows.map((r) => r.id)).toEqual([big, small]);

    const officer = await t.as('officer');
    const page = await officer.get(`/spend/review?council=${COUNCIL}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Acme Widgets Ltd');
    const posted = await officer.post(`/spend/review?council=${COUNCIL}`, {
      supplier: [String(big), String(small)],
      decision: 'vcs',
    });
    expect(posted.statusCode).toBe(303);
    for (const id of [big, small, elsewhere])
      expect(await classOf(id)).toMatchObject({ classification: 'vcs', method: 'decision' });
    const audits = await t.handle.db
      .selectFrom('audit_log')
      .select(['entity_id', 'user_id'])
      .where('action', '=', 'spend.supplier_decided')
      .execute();
    expect(audits.map((a) => a.entity_id).sort()).toEqual(['acme widgets', 'mystery outfit']);
    expect(audits.every((a) => a.user_id === officer.userId)).toBe(true);

    // A later import of the same supplier in a new council takes the decision.
    await t.handle.db.insertInto('council').values({ org_id: 'GB-LAE-THR', name: 'Third' }).execute();
    const later = await supplier('ACME WIDGETS LIMITED', { council: 'GB-LAE-THR' });
    await t.services.spendResolution.resolveCouncil('GB-LAE-THR');
    expect(await classOf(later)).toMatchObject({ classification: 'vcs', method: 'decision' });

    const detail = await officer.get(`/spend/suppliers/${big}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('decided: A VCS organisation');
    expect(detail.body).not.toMatch(/decided\W+vcs/);
    const resident = await t.as('resident');
    expect((await resident.get('/spend/review')).statusCode).toBe(403);
  });

  it('titles the review pages, gives them a main area, says what to fix and confirms a saved decision', async () => {
    const id = await supplier('Unclear Services', { pence: 700 });
    const officer = await t.as('officer');
    const main = /<main[^>]*id="main-content"/;
    const queue = await officer.get('/spend/review');
    expect(queue.body).toMatch(/<title>Suppliers to review – /);
    expect(queue.body).toMatch(main);
    const page = await officer.get(`/spend/suppliers/${id}`);
    expect(page.body).toMatch(/<title>Unclear Services – /);
    expect(page.body).toMatch(main);

    // Nothing chosen: the same page again, with an error summary saying what to do.
    const empty = await officer.post('/spend/review', { supplier: String(id), from: 'supplier' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toMatch(/<title>Error: Unclear Services – /);
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).toContain('href="#decision">Select whether this supplier is a VCS organisation');
    const none = await officer.post('/spend/review', {});
    expect(none.body).toContain('href="#suppliers">Select at least one supplier');

    const saved = await officer.post('/spend/review', { supplier: String(id), from: 'supplier', decision: 'not_vcs' });
    expect(saved.headers.location).toBe(`/spend/suppliers/${id}`);
    const after = await officer.get(`/spend/suppliers/${id}`);
    expect(after.body).toContain('govuk-notification-banner--success');
    expect(after.body).toContain('Decision saved for 1 supplier');
    expect(after.body).toContain('decided: Not VCS');
  });

  it('matches a register name however the council writes its legal form or its trustees', async () => {
    const db = t.handle.db;
    await db.insertInto('council').values({ org_id: 'GB-LAE-FOU', name: 'Fourth' }).execute();
    await db
      .insertInto('organisation')
      .values([
        { slug: 'ambridge-hall', name: 'Ambridge Hall', legal_form: 'charity' },
        { slug: 'green-shoots-growers', name: 'Green Shoots Growers C.I.C.', legal_form: 'cic' },
      ])
      .execute();
    const trustees = await supplier('THE TRUSTEES OF THE AMBRIDGE HALL', { council: 'GB-LAE-FOU' });
    const longForm = await supplier('Green Shoots Growers Community Interest Company', { council: 'GB-LAE-FOU' });
    // A mutual known only from the lists of societies is not made voluntary by being listed.
    const mutual = await db
      .insertInto('organisation')
      .values({ slug: 'borchester-building-society', name: 'Borchester Building Society', legal_form: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('organisation_identifier')
      .values({ identifier: 'GB-MPR-9999B', organisation_id: mutual.id, scheme: 'GB-MPR' })
      .execute();
    const building = await supplier('BORCHESTER BUILDING SOCIETY', { council: 'GB-LAE-FOU' });
    await t.services.spendResolution.resolveCouncil('GB-LAE-FOU');
    expect(await classOf(trustees)).toMatchObject({ classification: 'vcs', method: 'exact' });
    expect((await classOf(trustees)).reason).toContain('Ambridge Hall');
    expect(await classOf(longForm)).toMatchObject({ classification: 'vcs', method: 'exact' });
    expect(await classOf(building)).toMatchObject({
      classification: 'not_vcs',
      method: 'exact',
      organisation_id: mutual.id,
    });
  });

  it('lets a charity speak first when several organisations bear the name, whatever order they were added in', async () => {
    const db = t.handle.db;
    await db.insertInto('council').values({ org_id: 'GB-LAE-FIV', name: 'Fifth' }).execute();
    // The society first, so that the order rows were added in would put it first.
    const society = await db
      .insertInto('organisation')
      .values({ slug: 'felpersham-building-society', name: 'Felpersham Building Society', legal_form: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('organisation_identifier')
      .values({ identifier: 'GB-MPR-9998B', organisation_id: society.id, scheme: 'GB-MPR' })
      .execute();
    await db
      .insertInto('organisation')
      .values({
        slug: 'felpersham-building-society-charity',
        name: 'Felpersham Building Society',
        legal_form: 'charity',
      })
      .execute();
    const both = await supplier('FELPERSHAM BUILDING SOCIETY', { council: 'GB-LAE-FIV' });
    await t.services.spendResolution.resolveCouncil('GB-LAE-FIV');
    expect(await classOf(both)).toMatchObject({ classification: 'vcs', method: 'exact', organisation_id: null });
    expect((await classOf(both)).reason).toContain('matches 2 organisations');
  });

  it('scores labels', async () => {
    const result = await t.services.spendResolution.evaluate(COUNCIL, [
      { supplierName: 'Selhurst Community Association', label: 'VCSE' },
      { supplierName: 'Kent County Council', label: 'NOT' },
      { supplierName: 'NTL', label: 'UNSURE' },
    ]);
    expect(result).toMatchObject({ tp: 1, fp: 0, fn: 0, ignored: 1, precision: 1, recall: 1, f1: 1 });
    await sql`select 1`.execute(t.handle.db);
  });
});
