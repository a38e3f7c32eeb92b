import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/index.ts';
import * as imports from '../imports/queries/demo.ts';
import { hashPassword } from '../modules/accounts/passwords.ts';
import * as accounts from '../modules/accounts/queries/demo.ts';
import * as applications from '../modules/commissioning/applications/queries/demo.ts';
import * as assessment from '../modules/commissioning/assessment/queries/demo.ts';
import * as awards from '../modules/commissioning/awards/queries/demo.ts';
import * as opportunities from '../modules/commissioning/opportunities/queries/demo.ts';
import * as specifications from '../modules/commissioning/specifications/queries/demo.ts';
import * as organisations from '../modules/organisations/queries/demo.ts';
import { placesDir } from '../modules/place/config.ts';
import * as spend from '../modules/spend/queries/demo.ts';
import type { Services } from '../services.ts';
import { removeDemoCommissioning, seedDemoCommissioning } from './commissioning.ts';
import { DEMO_PASSWORD, type DemoData, generateDemoData, type PlaceHints, type SeedScale } from './generate.ts';
import { seedDemoNeeds } from './needs.ts';
import { seedDemoSpend } from './spend.ts';

export { DEMO_PASSWORD, demoSignIns, type SeedScale, seedScales } from './generate.ts';

export type SeedSummary = { scale: SeedScale; organisations: number; users: number; memberships: number };
export type SeedProgress = (done: number, total: number) => void;

/** The place's optional hints for made-up names and addresses: `places/<id>/demo/hints.json`. */
export function loadPlaceHints(placeId: string, dir = placesDir): PlaceHints {
  const file = join(dir, placeId, 'demo', 'hints.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PlaceHints;
  } catch (error) {
    throw new Error(`Cannot read the demo hints ${file}: ${(error as Error).message}`);
  }
}

/** The borough's short name for made-up names: "Croydon Council" → "Croydon". */
function boroughName(services: Services): string {
  const council = services.place.config.council;
  return council.shortName.replace(/\s+(Council|Borough Council|District Council)$/i, '') || council.name;
}

// Rows per insert: well under PostgreSQL's 65,535 parameters for the widest table.
const BATCH = 400;

/**
 * The fictional demo data for the place, in one transaction: organisations of every size band in every ward,
 * their identifiers, names, wards and classifications, an account for every role and members waiting for approval.
 * Every row is marked `is_demo` so `removeDemoData` can take it away again.
 */
export async function seedDemo(
  services: Services,
  options: { scale: SeedScale; onProgress?: SeedProgress; onStage?: (stage: string) => void },
): Promise<SeedSummary> {
  const stage = options.onStage ?? (() => {});
  await services.place.install();
  stage('organisations and people');
  const wards = await services.place.wards();
  // argon2 is slow on purpose: one hash serves every demo account.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const data = generateDemoData({
    scale: options.scale,
    wards,
    borough: boroughName(services),
    hints: loadPlaceHints(services.place.config.id),
    passwordHash,
  });

  const { db } = services;
  await db.transaction().execute(async (trx) => {
    await avoidClashes(trx, data);
    // In this order: memberships point at people and organisations, the rest at organisations.
    const parts: [object[], (trx: Database, rows: never[]) => Promise<unknown>][] = [
      [data.users, accounts.insertDemoPeople],
      [data.organisations, organisations.insertDemoOrganisations],
      [data.identifiers, organisations.insertDemoIdentifiers],
      [data.names, organisations.insertDemoNames],
      [data.wards, organisations.insertDemoWards],
      [data.classifications, organisations.insertDemoClassifications],
      [data.memberships, organisations.insertDemoMemberships],
    ];
    const total = parts.reduce((sum, [rows]) => sum + rows.length, 0);
    let done = 0;
    for (const [rows, insert] of parts) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        await insert(trx, batch as never[]);
        done += batch.length;
        options.onProgress?.(done, total);
      }
    }
    await services.audit.record(
      {
        userId: null,
        action: 'seed',
        entityType: 'demo_data',
        entityId: options.scale,
        detail: { organisations: data.organisations.length, users: data.users.length },
      },
      trx,
    );
  });
  stage('spend');
  await seedDemoSpend(services);
  stage('needs');
  await seedDemoNeeds(services);
  stage('commissioning');
  await seedDemoCommissioning(services);
  return {
    scale: options.scale,
    organisations: data.organisations.length,
    users: data.users.length,
    memberships: data.memberships.length,
  };
}

/**
 * Real data wins over demo data: a demo slug already taken gets a suffix, a demo identifier already held is
 * dropped; a demo e-mail address used by a real account stops the seed, since that person must keep their account.
 */
async function avoidClashes(trx: Database, data: DemoData): Promise<void> {
  const taken = await accounts.accountsWithEmails(
    trx,
    data.users.map((u) => u.email),
  );
  if (taken.length > 0) {
    throw new Error(
      `These demo e-mail addresses already belong to accounts that are not demo accounts: ${taken.slice(0, 5).join(', ')}` +
        `${taken.length > 5 ? ` and ${taken.length - 5} more` : ''}. Change those accounts' e-mail addresses first.`,
    );
  }
  const slugs = await organisations.organisationSlugs(trx);
  for (const org of data.organisations) {
    if (!slugs.has(org.slug)) continue;
    let n = 2;
    while (slugs.has(`${org.slug}-demo-${n}`)) n++;
    org.slug = `${org.slug}-demo-${n}`;
  }
  const held = await organisations.heldIdentifiers(trx);
  data.identifiers = data.identifiers.filter((id) => !held.has(id.identifier));
}

/** Whether the database holds any demo data. */
export async function hasDemoData(db: Database): Promise<boolean> {
  return (await organisations.hasDemoOrganisations(db)) || (await accounts.hasDemoPeople(db));
}

/**
 * Deletes the demo organisations and accounts, and nothing else. Each owner's rows that point at them without
 * cascading lose the pointer when it is optional, and go with them when it is not (they belong to the demo).
 */
export async function removeDemoData(services: Services): Promise<{ organisations: number; users: number }> {
  return services.db.transaction().execute(async (trx) => {
    await spend.deleteDemoSpend(trx);
    // The commissioning chain first: its rows point at demo people and organisations without cascading.
    await removeDemoCommissioning(trx);
    for (const owner of [applications, assessment, awards, opportunities, specifications, spend, imports])
      await owner.detachFromDemo(trx);
    await organisations.detachFromDemo(trx);
    await accounts.detachFromDemo(trx);
    const summary = {
      organisations: await organisations.deleteDemoOrganisations(trx),
      users: await accounts.deleteDemoPeople(trx),
    };
    await services.audit.record(
      { userId: null, action: 'delete', entityType: 'demo_data', entityId: null, detail: summary },
      trx,
    );
    return summary;
  });
}
