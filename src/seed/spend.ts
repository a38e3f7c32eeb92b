// Demonstration spend for the place and its neighbours: two financial years of payments to demo VCS
// organisations, made-up companies, public bodies and redacted recipients, already classified (method 'demo')
// so the spend pages work without the resolver. Seeded, so every run gives the same figures; every row is marked
// `is_demo` and the pages say so.
import { createHash } from 'node:crypto';
import type { Database } from '../db/index.ts';
import type { SupplierClassification } from '../db/schema.ts';
import * as organisations from '../modules/organisations/queries/demo.ts';
import * as spend from '../modules/spend/queries/demo.ts';
import type { Services } from '../services.ts';
import { Random } from './random.ts';

const FIRST_YEAR = 2023; // 2023-24 and 2024-25
const MONTHS = 24;
const PAYMENTS_PER_MONTH = 100;
const BATCH = 500;

const departments = [
  ['Adult Social Care and Health', 0.26, 1.4],
  ['Children, Young People and Education', 0.24, 1.3],
  ['Housing', 0.16, 1.0],
  ['Sustainable Communities, Regeneration and Economic Recovery', 0.14, 0.8],
  ['Public Health', 0.06, 1.6],
  ['Culture and Community Safety', 0.05, 1.8],
  ['Resources', 0.09, 0.3],
] as const;

// Invented words, so no company here is a real one.
const stems = [
  'Quillbrook',
  'Fenmarsh',
  'Tolloway',
  'Brackenfield',
  'Ashcombe',
  'Larkspire',
  'Wendlemere',
  'Corrindale',
  'Hollowmere',
  'Marrowgate',
  'Pellingford',
  'Strand Vale',
  'Thistlecombe',
  'Orrinside',
];
const trades = [
  'Facilities',
  'Construction',
  'Consulting',
  'Care Services',
  'Transport',
  'IT Solutions',
  'Cleaning',
  'Catering',
  'Property Services',
  'Waste Management',
  'Legal Services',
];
const suffixes = ['Ltd', 'Limited', 'PLC', 'Group Ltd'];
const publicBodies = [
  'NHS Fenmarsh Foundation Trust',
  'Tolloway Academy Trust',
  'Quillbrook Primary School',
  'Larkspire University',
  'Brackenfield Police Authority',
  'HM Revenue and Customs',
  'Corrindale Borough Council',
  'Fenmarsh Housing Association',
];
const uncertainNames = [
  'Friends of Quillbrook Park',
  'St Anne’s Hall Lettings',
  'Hollowmere Community Kitchen',
  'Tolloway Youth Project',
  'Ashcombe Arts',
];

type DemoSupplier = {
  name: string;
  classification: SupplierClassification;
  organisationId: string | null;
  charityNumber: string | null;
  reason: string;
  weight: number;
};

/** How a council's VCS share is made to look: Croydon climbs toward its neighbours, who are a little ahead. */
function vcsChance(councilIndex: number, month: number): number {
  if (councilIndex === 0) return 0.05 + (0.03 * month) / MONTHS;
  return [0.1, 0.13, 0.08, 0.11][(councilIndex - 1) % 4]!;
}

function nameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

type DemoRecipient = Awaited<ReturnType<typeof organisations.demoOrganisationsWithCharity>>[number];

export async function seedDemoSpend(
  services: Services,
  options: { seed?: number } = {},
): Promise<{ councils: number; payments: number; published: number }> {
  const place = services.place.config;
  const withSpend = [place.council.orgId, ...place.neighbours.slice(0, 4).map((n) => n.orgId)];
  const withPublished = place.neighbours.slice(4, 6);
  let payments = 0;

  await services.db.transaction().execute(async (trx) => {
    // Refreshed whole: the same seed gives the same payments.
    await spend.deleteDemoSpend(trx);
    const orgs = await organisations.demoOrganisationsWithCharity(trx);
    for (const [councilIndex, council] of withSpend.entries()) {
      const random = new Random((options.seed ?? 20261125) + councilIndex * 7919);
      payments += await seedCouncil(trx, random, councilIndex, council, orgs);
    }
    const shares = ['0.0710', '0.0450'];
    for (const [i, n] of withPublished.entries()) {
      await spend.insertDemoPublishedShare(trx, {
        council_org_id: n.orgId,
        financial_year: `${FIRST_YEAR + 1}-${String((FIRST_YEAR + 2) % 100).padStart(2, '0')}`,
        vcs_share: shares[i % shares.length]!,
        source: `Demonstration figure for ${n.name} (made up)`,
        source_url: null,
        is_demo: true,
      });
    }
    await services.audit.record(
      {
        userId: null,
        action: 'seed',
        entityType: 'demo_spend',
        entityId: null,
        detail: { councils: withSpend, payments, published: withPublished.map((n) => n.orgId) },
      },
      trx,
    );
  });
  return { councils: withSpend.length, payments, published: withPublished.length };
}

/** One council's suppliers, import and two years of payments; returns the number of payments. */
async function seedCouncil(
  trx: Database,
  random: Random,
  councilIndex: number,
  council: string,
  orgs: DemoRecipient[],
): Promise<number> {
  const suppliers = demoSuppliers(random, orgs);
  await spend.insertDemoSuppliers(
    trx,
    suppliers.map((s) => ({
      council_org_id: council,
      name_key: nameKey(s.name),
      name: s.name,
      charity_number: s.charityNumber,
      company_number: null,
      council_vcse_flag: null,
      classification: s.classification,
      organisation_id: s.organisationId,
      method: 'demo',
      reason: s.reason,
      resolved_at: new Date(),
      is_demo: true,
    })),
  );
  const ids = await spend.supplierIds(
    trx,
    council,
    suppliers.map((s) => nameKey(s.name)),
  );
  const importId = await spend.insertDemoImport(trx, {
    council_org_id: council,
    file_name: `demo-spend-${council}.csv`,
    file_sha256: createHash('sha256').update(`demo spend ${council}`).digest('hex'),
    is_demo: true,
  });
  const { rows, total } = demoPayments(random, councilIndex, suppliers);
  const payments = rows.map((r) => ({
    council_org_id: council,
    import_id: importId,
    supplier_id: ids.get(nameKey(r.supplier.name))!,
    line: r.n + 1,
    payment_date: r.date,
    amount_pence: r.pence,
    supplier_name: r.supplier.name,
    department: r.department,
    purpose: null,
    expense_type: r.expenseType,
    procurement_category: null,
    transaction_ref: `DEMO-${councilIndex}-${r.n}`,
    row_key: `demo:${council}:${r.n}`,
    is_demo: true,
  }));
  for (let i = 0; i < payments.length; i += BATCH) await spend.insertDemoPayments(trx, payments.slice(i, i + BATCH));
  await spend.setImportTotals(trx, importId, {
    rows_read: payments.length,
    rows_imported: payments.length,
    total_pence: total,
  });
  return payments.length;
}

/** The council's suppliers: 70 demo VCS organisations, made-up companies, public bodies, redacted and uncertain. */
function demoSuppliers(random: Random, orgs: DemoRecipient[]): DemoSupplier[] {
  const suppliers: DemoSupplier[] = [];
  // Demo VCS organisations; smaller ones get smaller, more frequent grants.
  for (const org of random.sample(orgs, 70)) {
    const viaDecision = random.chance(0.2);
    suppliers.push({
      name: org.name,
      classification: 'vcs',
      organisationId: org.id,
      charityNumber: org.charity?.replace(/^GB-CHC-/, '') ?? null,
      reason: viaDecision
        ? 'Demonstration data: confirmed by an officer’s decision'
        : 'Demonstration data: matched by its identifier',
      weight: org.size_band === 'micro' || org.size_band === 'small' ? 1.5 : 1,
    });
  }
  if (suppliers.length === 0) {
    for (const stem of stems.slice(0, 8))
      suppliers.push({
        name: `${stem} Community Trust`,
        classification: 'vcs',
        organisationId: null,
        charityNumber: null,
        reason: 'Demonstration data: a made-up charity',
        weight: 1,
      });
  }
  const companies = new Set<string>();
  while (companies.size < 60) companies.add(`${random.pick(stems)} ${random.pick(trades)} ${random.pick(suffixes)}`);
  const made = (name: string, classification: SupplierClassification, reason: string, weight = 1) => ({
    name,
    classification,
    organisationId: null,
    charityNumber: null,
    reason,
    weight,
  });
  for (const name of companies)
    suppliers.push(made(name, 'not_vcs', 'Demonstration data: a made-up company', random.logUniform(0.3, 3)));
  for (const name of publicBodies) suppliers.push(made(name, 'public_body', 'Demonstration data: a public body'));
  suppliers.push(made('Redacted Personal Information', 'redacted', 'Demonstration data: the recipient is redacted'));
  for (const name of random.sample(uncertainNames, 3))
    suppliers.push(made(name, 'uncertain', 'Demonstration data: waiting for review'));
  return suppliers;
}

/** Two financial years of payments, month by month; `n` counts from 1 (the file's line is n + 1, after its header). */
function demoPayments(random: Random, councilIndex: number, suppliers: DemoSupplier[]) {
  const byKind = (c: SupplierClassification) =>
    suppliers.filter((s) => s.classification === c).map((s) => [s, s.weight] as const);
  const vcs = byKind('vcs');
  const companiesW = byKind('not_vcs');
  const publicW = byKind('public_body');
  const redacted = suppliers.find((s) => s.classification === 'redacted')!;
  const uncertain = byKind('uncertain');

  const rows: {
    n: number;
    supplier: DemoSupplier;
    date: string;
    pence: number;
    department: string;
    expenseType: string;
  }[] = [];
  let total = 0;
  for (let month = 0; month < MONTHS; month++) {
    const year = FIRST_YEAR + Math.floor((month + 3) / 12);
    const calendarMonth = ((month + 3) % 12) + 1;
    const days = new Date(Date.UTC(year, calendarMonth, 0)).getUTCDate();
    for (let n = 0; n < PAYMENTS_PER_MONTH; n++) {
      const [department, , vcsAffinity] = random.weighted(departments.map((d) => [d, d[1]] as const));
      const roll = random.next();
      const chance = vcsChance(councilIndex, month) * vcsAffinity;
      let supplier: DemoSupplier;
      let pounds: number;
      if (roll < chance) {
        supplier = random.weighted(vcs);
        pounds = random.logUniform(500, supplier.weight > 1 ? 15_000 : 60_000);
      } else if (roll < chance + 0.06) {
        supplier = random.weighted(publicW);
        pounds = random.logUniform(2_000, 400_000);
      } else if (roll < chance + 0.1) {
        supplier = redacted;
        pounds = random.logUniform(500, 5_000);
      } else if (roll < chance + 0.12) {
        supplier = random.weighted(uncertain);
        pounds = random.logUniform(500, 20_000);
      } else {
        supplier = random.weighted(companiesW);
        pounds = random.chance(0.05) ? random.logUniform(60_000, 600_000) : random.logUniform(500, 60_000);
      }
      // A few credit notes, as real files have.
      const pence = Math.round(pounds * 100) * (random.chance(0.01) ? -1 : 1);
      const day = random.int(1, days);
      total += pence;
      rows.push({
        n: rows.length + 1,
        supplier,
        date: `${year}-${String(calendarMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        pence,
        department,
        expenseType:
          supplier.classification === 'vcs' && random.chance(0.4) ? 'Grants and contributions' : 'Contract payments',
      });
    }
  }
  return { rows, total };
}
