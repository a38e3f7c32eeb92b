import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { ClassificationList } from '../../db/schema.ts';
import type { Item, WriteResult } from '../../imports/runner.ts';
import { schemeOf } from '../organisations/identifiers.ts';
import { RESERVED_SLUGS, slugify } from '../organisations/slugs.ts';
import { organisationNameKey } from '../spend/names.ts';

/** Register facts: always the register's word. `undefined` means the file does not say. */
export type RegisterFacts = {
  legal_form?: string | null;
  latest_income_pence?: number | null;
  income_period_end?: string | null;
  status?: 'active' | 'removed';
  registered_on?: string | null;
  removed_on?: string | null;
};

/** Descriptive fields: kept up to date for organisations this register created, else only filled when empty. */
export type RegisterProfile = {
  name?: string;
  description?: string;
  who_it_helps?: string;
  address?: string | null;
  postcode?: string | null;
  website?: string | null;
  email?: string | null;
  phone?: string | null;
};

/** One organisation as a register row describes it. */
export type RegisterRecord = {
  /** Canonical org-ids; the first is the one this register is keyed by. */
  identifiers: string[];
  /** Create the organisation when none of its identifiers is known (needs `profile.name`). */
  create: boolean;
  /** Why a row cannot be imported when the organisation is unknown and `create` is false. */
  unknownReason?: string;
  /** Several identifiers of one scheme are allowed (one club listed under several ids). */
  allowSameScheme?: boolean;
  /** Only used when creating: shown in the public directory. */
  listed?: boolean;
  /** Only used when creating. */
  legalFormIfCreated?: string;
  facts?: RegisterFacts;
  profile?: RegisterProfile;
  names?: { name: string; kind: 'alternative' | 'previous' | 'working' }[];
  classifications?: { list: ClassificationList; code: string }[];
};

type OrgState = {
  id: string;
  slug: string;
  name: string;
  source: string;
  listed: boolean;
  legal_form: string | null;
  description: string;
  who_it_helps: string;
  latest_income_pence: number | null;
  income_period_end: string | null;
  status: 'active' | 'removed';
  registered_on: string | null;
  removed_on: string | null;
  address: string | null;
  postcode: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
};

const FACTS = [
  'legal_form',
  'latest_income_pence',
  'income_period_end',
  'status',
  'registered_on',
  'removed_on',
] as const;
const PROFILE = ['name', 'description', 'who_it_helps', 'address', 'postcode', 'website', 'email', 'phone'] as const;
const STATE_COLUMNS = ['id', 'slug', 'source', 'listed', ...FACTS, ...PROFILE] as const;

/** Sources of lists that only link identifiers or add names: a full register may take over what they created. */
export const LINK_SOURCE = 'register:link:';

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
const same = (a: unknown, b: unknown) => (isEmpty(a) && isEmpty(b)) || a === b;

/**
 * Writes a batch of register records: looks up what is known about their organisations in a few queries, works
 * out row by row what changes (so each row is reported created, updated or unchanged), then writes all the
 * changes with one multi-row statement per table.
 */
export function createRegisterWriter(source: string) {
  return async function write(trx: Database, items: Item<RegisterRecord>[]): Promise<WriteResult[]> {
    const identifiers = [...new Set(items.flatMap((i) => i.value.identifiers))];
    const owner = new Map<string, string>();
    for (const row of await trx
      .selectFrom('organisation_identifier')
      .select(['identifier', 'organisation_id'])
      .where('identifier', 'in', identifiers)
      .execute()) {
      owner.set(row.identifier, row.organisation_id);
    }
    const orgIds = [...new Set(owner.values())];
    const orgs = new Map<string, OrgState>();
    const schemes = new Map<string, Set<string>>(); // organisation → schemes it has an identifier of
    const names = new Map<string, Set<string>>();
    const classes = new Map<string, Set<string>>();
    if (orgIds.length) {
      const rows = await trx.selectFrom('organisation').select(STATE_COLUMNS).where('id', 'in', orgIds).execute();
      for (const row of rows) orgs.set(row.id, { ...row } as OrgState);
      for (const row of await trx
        .selectFrom('organisation_identifier')
        .select(['organisation_id', 'identifier'])
        .where('organisation_id', 'in', orgIds)
        .execute()) {
        const set = schemes.get(row.organisation_id) ?? new Set();
        set.add(`${schemeOf(row.identifier)}\u0000${row.identifier}`);
        schemes.set(row.organisation_id, set);
      }
      if (items.some((i) => i.value.names?.length || i.value.profile?.name)) {
        for (const row of await trx
          .selectFrom('organisation_name')
          .select(['organisation_id', 'name'])
          .where('organisation_id', 'in', orgIds)
          .execute()) {
          const set = names.get(row.organisation_id) ?? new Set();
          set.add(row.name.toLowerCase());
          names.set(row.organisation_id, set);
        }
      }
      if (items.some((i) => i.value.classifications?.length)) {
        for (const row of await trx
          .selectFrom('organisation_classification')
          .select(['organisation_id', 'list', 'code'])
          .where('organisation_id', 'in', orgIds)
          .execute()) {
          const set = classes.get(row.organisation_id) ?? new Set();
          set.add(`${row.list}:${row.code}`);
          classes.set(row.organisation_id, set);
        }
      }
    }

    const created = new Set<string>();
    const primary = new Map<string, string>(); // new organisation → the identifier it was created for
    const dirty = new Set<string>();
    const newIdentifiers: { identifier: string; organisation_id: string; scheme: string }[] = [];
    const newNames: { organisation_id: string; name: string; kind: 'alternative' | 'previous' | 'working' }[] = [];
    const newClasses: { organisation_id: string; list: ClassificationList; code: string }[] = [];
    const results: WriteResult[] = [];

    const describe = (id: string) => {
      const org = orgs.get(id)!;
      return `"${org.name}"`;
    };

    for (const { line, value: record } of items) {
      const found = [...new Set(record.identifiers.map((i) => owner.get(i)).filter((v): v is string => !!v))];
      if (found.length > 1) {
        results.push({
          line,
          reason: `${record.identifiers.join(' and ')} belong to different organisations (${found.map(describe).join(' and ')}). Check which is right; nothing was changed.`,
        });
        continue;
      }
      let id = found[0];
      let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
      if (!id) {
        const name = record.profile?.name?.trim();
        if (!record.create) {
          results.push({
            line,
            reason: record.unknownReason ?? `No organisation has the identifier ${record.identifiers[0]}.`,
          });
          continue;
        }
        if (!name) {
          results.push({
            line,
            reason: 'The name is missing, so the organisation cannot be added. Add its name and import again.',
          });
          continue;
        }
        id = randomUUID();
        orgs.set(id, {
          id,
          slug: '',
          name,
          source,
          listed: record.listed ?? false,
          legal_form: record.legalFormIfCreated ?? null,
          description: '',
          who_it_helps: '',
          latest_income_pence: null,
          income_period_end: null,
          status: 'active',
          registered_on: null,
          removed_on: null,
          address: null,
          postcode: null,
          website: null,
          email: null,
          phone: null,
        });
        created.add(id);
        primary.set(id, record.identifiers[0]!);
        outcome = 'created';
      }
      const org = orgs.get(id)!;
      const orgSchemes = schemes.get(id) ?? new Set<string>();
      schemes.set(id, orgSchemes);

      // One organisation has one number per register (bar clubs listed several times).
      const clash = record.allowSameScheme
        ? undefined
        : record.identifiers.find((identifier) => {
            if (owner.get(identifier) === id) return false;
            const scheme = schemeOf(identifier);
            return [...orgSchemes].some((s) => s.startsWith(`${scheme}\u0000`) && !s.endsWith(`\u0000${identifier}`));
          });
      if (clash) {
        const existing = [...orgSchemes].find((s) => s.startsWith(`${schemeOf(clash)}\u0000`))!.split('\u0000')[1];
        results.push({
          line,
          reason: `${org.name} already has the identifier ${existing}, so ${clash} was not added. Check which number is right.`,
        });
        if (outcome === 'created') {
          orgs.delete(id);
          created.delete(id);
        }
        continue;
      }

      let changed = false;
      for (const identifier of record.identifiers) {
        if (owner.get(identifier) === id) continue;
        owner.set(identifier, id);
        orgSchemes.add(`${schemeOf(identifier)}\u0000${identifier}`);
        newIdentifiers.push({ identifier, organisation_id: id, scheme: schemeOf(identifier) });
        changed = true;
      }
      const state = org as Record<string, unknown>;
      for (const key of FACTS) {
        const next = record.facts?.[key];
        if (next === undefined || same(state[key], next)) continue;
        state[key] = next;
        changed = true;
      }
      // A register owns what it created; a full register also takes over what a mere link list created.
      const takeover = org.source.startsWith(LINK_SOURCE) && !source.startsWith(LINK_SOURCE);
      const owned = created.has(id) || org.source === source || takeover;
      if (takeover) {
        org.source = source;
        if (record.listed !== undefined) org.listed = record.listed;
        changed = true;
      }
      const orgNames = names.get(id) ?? new Set<string>();
      names.set(id, orgNames);
      for (const key of PROFILE) {
        const next = record.profile?.[key];
        if (next === undefined || same(state[key], next)) continue;
        if (owned || isEmpty(state[key])) {
          state[key] = next ?? (key === 'description' || key === 'who_it_helps' ? '' : null);
          changed = true;
        } else if (
          key === 'name' &&
          next &&
          next.toLowerCase() !== org.name.toLowerCase() &&
          !orgNames.has(next.toLowerCase())
        ) {
          // Someone named the organisation themselves: keep their name, remember the register's.
          orgNames.add(next.toLowerCase());
          newNames.push({ organisation_id: id, name: next, kind: 'alternative' });
          changed = true;
        }
      }
      for (const { name, kind } of record.names ?? []) {
        const key = name.toLowerCase();
        if (!name || key === org.name.toLowerCase() || orgNames.has(key)) continue;
        orgNames.add(key);
        newNames.push({ organisation_id: id, name, kind });
        changed = true;
      }
      const orgClasses = classes.get(id) ?? new Set<string>();
      classes.set(id, orgClasses);
      for (const { list, code } of record.classifications ?? []) {
        if (orgClasses.has(`${list}:${code}`)) continue;
        orgClasses.add(`${list}:${code}`);
        newClasses.push({ organisation_id: id, list, code });
        changed = true;
      }
      if (changed && !created.has(id)) dirty.add(id);
      if (outcome !== 'created' && changed) outcome = 'updated';
      results.push({ line, outcome });
    }

    // Rows for organisations already in this batch may have been rejected after creation: drop their leftovers.
    const live = (orgId: string) => orgs.has(orgId);
    await allocateSlugs(
      trx,
      [...created].map((id) => orgs.get(id)!),
      (org) => primary.get(org.id) ?? '',
    );

    // Each name with its key for supplier matching, so a spend resolution after the import has none to fill in.
    const upserts = [...created, ...dirty].map((id) => {
      const org = orgs.get(id)!;
      return { ...org, name_key: organisationNameKey(org.name) };
    });
    if (upserts.length) {
      await trx
        .insertInto('organisation')
        .values(upserts)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            name_key: eb.ref('excluded.name_key'),
            source: eb.ref('excluded.source'),
            listed: eb.ref('excluded.listed'),
            legal_form: eb.ref('excluded.legal_form'),
            description: eb.ref('excluded.description'),
            who_it_helps: eb.ref('excluded.who_it_helps'),
            latest_income_pence: eb.ref('excluded.latest_income_pence'),
            income_period_end: eb.ref('excluded.income_period_end'),
            status: eb.ref('excluded.status'),
            registered_on: eb.ref('excluded.registered_on'),
            removed_on: eb.ref('excluded.removed_on'),
            address: eb.ref('excluded.address'),
            postcode: eb.ref('excluded.postcode'),
            website: eb.ref('excluded.website'),
            email: eb.ref('excluded.email'),
            phone: eb.ref('excluded.phone'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
    }
    const identifierRows = newIdentifiers.filter((r) => live(r.organisation_id));
    if (identifierRows.length) await trx.insertInto('organisation_identifier').values(identifierRows).execute();
    const nameRows = newNames
      .filter((r) => live(r.organisation_id))
      .map((r) => ({ ...r, name_key: organisationNameKey(r.name) }));
    if (nameRows.length) {
      await trx
        .insertInto('organisation_name')
        .values(nameRows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const classRows = newClasses.filter((r) => live(r.organisation_id));
    if (classRows.length) {
      await trx
        .insertInto('organisation_classification')
        .values(classRows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return results;
  };
}

/** Slugs from the name; on a clash the identifier's number is added ("st-marys-church-1234567"), then -2, -3. */
async function allocateSlugs(trx: Database, orgs: OrgState[], identifierOf: (org: OrgState) => string) {
  if (orgs.length === 0) return;
  const wanted = orgs.map((org) => {
    const base = slugify(org.name);
    const identifier = identifierOf(org);
    const number = slugify(identifier.slice(schemeOf(identifier).length + 1));
    return { org, base, withNumber: number ? `${base}-${number}` : `${base}-2` };
  });
  const candidates = wanted.flatMap((w) => [w.base, w.withNumber]);
  const taken = new Set(
    (await trx.selectFrom('organisation').select('slug').where('slug', 'in', candidates).execute()).map((r) => r.slug),
  );
  for (const w of wanted) {
    let slug = !RESERVED_SLUGS.has(w.base) && !taken.has(w.base) ? w.base : w.withNumber;
    for (let n = 2; taken.has(slug); n++) {
      slug = `${w.withNumber}-${n}`;
      if (!taken.has(slug)) {
        const exists = await trx.selectFrom('organisation').select('slug').where('slug', '=', slug).executeTakeFirst();
        if (exists) taken.add(slug);
      }
    }
    taken.add(slug);
    w.org.slug = slug;
  }
}
