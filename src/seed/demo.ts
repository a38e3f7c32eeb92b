import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { hashPassword } from '../modules/accounts/passwords.ts';
import { placesDir } from '../modules/place/config.ts';
import type { Services } from '../services.ts';
import { removeDemoCommissioning, seedDemoCommissioning } from './commissioning.ts';
import { DEMO_PASSWORD, type DemoData, generateDemoData, type PlaceHints, type SeedScale } from './generate.ts';
import { seedDemoNeeds } from './needs.ts';
import { removeDemoSpend, seedDemoSpend } from './spend.ts';

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
  options: { scale: SeedScale; onProgress?: SeedProgress },
): Promise<SeedSummary> {
  await services.place.install();
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
    const tables: [keyof DB, object[]][] = [
      ['app_user', data.users],
      ['organisation', data.organisations],
      ['organisation_identifier', data.identifiers],
      ['organisation_name', data.names],
      ['organisation_ward', data.wards],
      ['organisation_classification', data.classifications],
      ['membership', data.memberships],
    ];
    const total = tables.reduce((sum, [, rows]) => sum + rows.length, 0);
    let done = 0;
    for (const [table, rows] of tables) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        await trx
          .insertInto(table)
          .values(batch as never)
          .execute();
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
  await seedDemoSpend(services);
  await seedDemoNeeds(services);
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
  const emails = data.users.map((u) => u.email.toLowerCase());
  const taken: string[] = [];
  for (let i = 0; i < emails.length; i += 1000) {
    const rows = await trx
      .selectFrom('app_user')
      .select('email')
      .where(sql<string>`lower(email)`, 'in', emails.slice(i, i + 1000))
      .execute();
    taken.push(...rows.map((r) => r.email));
  }
  if (taken.length > 0) {
    throw new Error(
      `These demo e-mail addresses already belong to accounts that are not demo accounts: ${taken.slice(0, 5).join(', ')}` +
        `${taken.length > 5 ? ` and ${taken.length - 5} more` : ''}. Change those accounts' e-mail addresses first.`,
    );
  }
  const slugs = new Set(
    (await trx.selectFrom('organisation').select('slug').execute()).map((row) => row.slug as string),
  );
  for (const org of data.organisations) {
    if (!slugs.has(org.slug)) continue;
    let n = 2;
    while (slugs.has(`${org.slug}-demo-${n}`)) n++;
    org.slug = `${org.slug}-demo-${n}`;
  }
  const held = new Set(
    (await trx.selectFrom('organisation_identifier').select('identifier').execute()).map((row) => row.identifier),
  );
  data.identifiers = data.identifiers.filter((id) => !held.has(id.identifier));
}

/** Whether the database holds any demo data. */
export async function hasDemoData(db: Database): Promise<boolean> {
  const org = await db.selectFrom('organisation').select('id').where('is_demo', '=', true).limit(1).executeTakeFirst();
  const user = await db.selectFrom('app_user').select('id').where('is_demo', '=', true).limit(1).executeTakeFirst();
  return Boolean(org || user);
}

/**
 * Deletes the demo organisations and accounts, and nothing else. Rows of other capabilities that point at them
 * without cascading lose the pointer when it is optional, and go with them when it is not (they belong to the demo).
 */
export async function removeDemoData(services: Services): Promise<{ organisations: number; users: number }> {
  return services.db.transaction().execute(async (trx) => {
    await removeDemoSpend(trx);
    // The commissioning chain first: its rows point at demo people and organisations without cascading.
    await removeDemoCommissioning(trx);
    const { rows: refs } = await sql<{ source: string; column: string; nullable: boolean; target: string }>`
      select c.conrelid::regclass::text as source, a.attname as column, not a.attnotnull as nullable,
             c.confrelid::regclass::text as target
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and cardinality(c.conkey) = 1 and c.confdeltype in ('a', 'r')
        and c.confrelid in ('organisation'::regclass, 'app_user'::regclass)
      order by 1, 2
    `.execute(trx);
    for (const target of ['organisation', 'app_user']) {
      for (const ref of refs.filter((x) => x.target === target)) {
        const table = sql.raw(ref.source);
        const column = sql.ref(ref.column);
        const demo = sql`(select id from ${sql.table(target)} where is_demo)`;
        if (ref.nullable) await sql`update ${table} set ${column} = null where ${column} in ${demo}`.execute(trx);
        else await sql`delete from ${table} where ${column} in ${demo}`.execute(trx);
      }
    }
    const orgs = await trx.deleteFrom('organisation').where('is_demo', '=', true).executeTakeFirst();
    const users = await trx.deleteFrom('app_user').where('is_demo', '=', true).executeTakeFirst();
    const summary = { organisations: Number(orgs.numDeletedRows), users: Number(users.numDeletedRows) };
    await services.audit.record(
      { userId: null, action: 'delete', entityType: 'demo_data', entityId: null, detail: summary },
      trx,
    );
    return summary;
  });
}
