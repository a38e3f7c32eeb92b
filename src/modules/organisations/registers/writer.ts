import { randomUUID } from 'node:crypto';
import type { Database } from '../../../db/index.ts';
import type { ClassificationList } from '../../../db/schema.ts';
import type { Item, WriteResult } from '../../../imports/runner.ts';
import { schemeOf } from '../identifiers.ts';
import { organisationNameKey } from '../names.ts';
import * as q from '../queries/registers.ts';
import { RESERVED_SLUGS, slugify } from '../slugs.ts';

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

/** An organisation as the batch knows it: what a register may change of it. */
type OrgState = Awaited<ReturnType<typeof q.organisationStates>>[number];

const FACTS = q.FACT_COLUMNS;
const PROFILE = q.PROFILE_COLUMNS;

/** Sources of lists that only link identifiers or add names: a full register may take over what they created. */
export const LINK_SOURCE = 'register:link:';

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
const same = (a: unknown, b: unknown) => (isEmpty(a) && isEmpty(b)) || a === b;
type NameKind = 'alternative' | 'previous' | 'working';

/** What is known of a batch's organisations, and what the batch adds to them. */
type Batch = {
  source: string;
  owner: Map<string, string>; // identifier → organisation
  orgs: Map<string, OrgState>;
  schemes: Map<string, Set<string>>; // organisation → `scheme\0identifier` it holds
  names: Map<string, Set<string>>; // organisation → other names, lower case
  classes: Map<string, Set<string>>; // organisation → `list:code`
  created: Set<string>;
  primary: Map<string, string>; // new organisation → the identifier it was created for
  dirty: Set<string>;
  newIdentifiers: { identifier: string; organisation_id: string; scheme: string }[];
  newNames: { organisation_id: string; name: string; kind: NameKind }[];
  newClasses: { organisation_id: string; list: ClassificationList; code: string }[];
};

const setOf = <T>(map: Map<string, Set<T>>, key: string) => {
  const set = map.get(key) ?? new Set<T>();
  map.set(key, set);
  return set;
};

/** Looks up in a few queries what is known about the organisations of a batch's identifiers. */
async function loadBatch(trx: Database, source: string, items: Item<RegisterRecord>[]): Promise<Batch> {
  const batch: Batch = {
    source,
    owner: new Map(),
    orgs: new Map(),
    schemes: new Map(),
    names: new Map(),
    classes: new Map(),
    created: new Set(),
    primary: new Map(),
    dirty: new Set(),
    newIdentifiers: [],
    newNames: [],
    newClasses: [],
  };
  const identifiers = [...new Set(items.flatMap((i) => i.value.identifiers))];
  for (const row of await q.identifierOwners(trx, identifiers)) batch.owner.set(row.identifier, row.organisation_id);
  const orgIds = [...new Set(batch.owner.values())];
  if (!orgIds.length) return batch;
  for (const row of await q.organisationStates(trx, orgIds)) batch.orgs.set(row.id, { ...row });
  for (const row of await q.identifiersOf(trx, orgIds)) {
    setOf(batch.schemes, row.organisation_id).add(`${schemeOf(row.identifier)}\u0000${row.identifier}`);
  }
  if (items.some((i) => i.value.names?.length || i.value.profile?.name)) {
    for (const row of await q.otherNamesOf(trx, orgIds))
      setOf(batch.names, row.organisation_id).add(row.name.toLowerCase());
  }
  if (items.some((i) => i.value.classifications?.length)) {
    for (const row of await q.classificationsOf(trx, orgIds)) {
      setOf(batch.classes, row.organisation_id).add(`${row.list}:${row.code}`);
    }
  }
  return batch;
}

/** The organisation a record is about, made new when the register may create it, or why the row is rejected. */
function organisationFor(batch: Batch, record: RegisterRecord): { id: string; created: boolean } | { reason: string } {
  const found = [...new Set(record.identifiers.map((i) => batch.owner.get(i)).filter((v): v is string => !!v))];
  if (found.length > 1) {
    const names = found.map((id) => `"${batch.orgs.get(id)!.name}"`).join(' and ');
    return {
      reason: `${record.identifiers.join(' and ')} belong to different organisations (${names}). Check which is right; nothing was changed.`,
    };
  }
  if (found[0]) return { id: found[0], created: false };
  const name = record.profile?.name?.trim();
  if (!record.create) {
    return { reason: record.unknownReason ?? `No organisation has the identifier ${record.identifiers[0]}.` };
  }
  if (!name)
    return { reason: 'The name is missing, so the organisation cannot be added. Add its name and import again.' };
  const id = randomUUID();
  batch.orgs.set(id, {
    id,
    slug: '',
    name,
    source: batch.source,
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
  batch.created.add(id);
  batch.primary.set(id, record.identifiers[0]!);
  return { id, created: true };
}

/** One organisation has one number per register (bar clubs listed several times): the number it already has. */
function schemeClash(batch: Batch, id: string, record: RegisterRecord): string | undefined {
  if (record.allowSameScheme) return undefined;
  const orgSchemes = setOf(batch.schemes, id);
  const clash = record.identifiers.find((identifier) => {
    if (batch.owner.get(identifier) === id) return false;
    const scheme = schemeOf(identifier);
    return [...orgSchemes].some((s) => s.startsWith(`${scheme}\u0000`) && !s.endsWith(`\u0000${identifier}`));
  });
  if (!clash) return undefined;
  const existing = [...orgSchemes].find((s) => s.startsWith(`${schemeOf(clash)}\u0000`))!.split('\u0000')[1];
  return `${batch.orgs.get(id)!.name} already has the identifier ${existing}, so ${clash} was not added. Check which number is right.`;
}

/** Adds the record's identifiers and takes its facts; whether anything changed. */
function applyFacts(batch: Batch, id: string, record: RegisterRecord): boolean {
  let changed = false;
  for (const identifier of record.identifiers) {
    if (batch.owner.get(identifier) === id) continue;
    batch.owner.set(identifier, id);
    setOf(batch.schemes, id).add(`${schemeOf(identifier)}\u0000${identifier}`);
    batch.newIdentifiers.push({ identifier, organisation_id: id, scheme: schemeOf(identifier) });
    changed = true;
  }
  const state = batch.orgs.get(id) as Record<string, unknown>;
  for (const key of FACTS) {
    const next = record.facts?.[key];
    if (next === undefined || same(state[key], next)) continue;
    state[key] = next;
    changed = true;
  }
  return changed;
}

/** Takes the record's descriptive fields, other names and classifications; whether anything changed. */
function applyProfile(batch: Batch, id: string, record: RegisterRecord): boolean {
  const org = batch.orgs.get(id)!;
  const state = org as Record<string, unknown>;
  let changed = false;
  // A register owns what it created; a full register also takes over what a mere link list created.
  const takeover = org.source.startsWith(LINK_SOURCE) && !batch.source.startsWith(LINK_SOURCE);
  const owned = batch.created.has(id) || org.source === batch.source || takeover;
  if (takeover) {
    org.source = batch.source;
    if (record.listed !== undefined) org.listed = record.listed;
    changed = true;
  }
  const orgNames = setOf(batch.names, id);
  const addName = (name: string, kind: NameKind) => {
    orgNames.add(name.toLowerCase());
    batch.newNames.push({ organisation_id: id, name, kind });
    changed = true;
  };
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
      addName(next, 'alternative');
    }
  }
  for (const { name, kind } of record.names ?? []) {
    const key = name.toLowerCase();
    if (!name || key === org.name.toLowerCase() || orgNames.has(key)) continue;
    addName(name, kind);
  }
  const orgClasses = setOf(batch.classes, id);
  for (const { list, code } of record.classifications ?? []) {
    if (orgClasses.has(`${list}:${code}`)) continue;
    orgClasses.add(`${list}:${code}`);
    batch.newClasses.push({ organisation_id: id, list, code });
    changed = true;
  }
  return changed;
}

/** Works out what one row changes, and reports it created, updated, unchanged or rejected with a reason. */
function applyRecord(batch: Batch, { line, value: record }: Item<RegisterRecord>): WriteResult {
  const found = organisationFor(batch, record);
  if ('reason' in found) return { line, reason: found.reason };
  const { id } = found;
  const clash = schemeClash(batch, id, record);
  if (clash) {
    if (found.created) {
      batch.orgs.delete(id);
      batch.created.delete(id);
    }
    return { line, reason: clash };
  }
  const changedFacts = applyFacts(batch, id, record);
  const changed = applyProfile(batch, id, record) || changedFacts;
  if (changed && !batch.created.has(id)) batch.dirty.add(id);
  return { line, outcome: found.created ? 'created' : changed ? 'updated' : 'unchanged' };
}

/** Writes all the changes of a batch with one multi-row statement per table. */
async function persist(trx: Database, batch: Batch) {
  // Rows for organisations already in this batch may have been rejected after creation: drop their leftovers.
  const live = (row: { organisation_id: string }) => batch.orgs.has(row.organisation_id);
  await allocateSlugs(
    trx,
    [...batch.created].map((id) => batch.orgs.get(id)!),
    (org) => batch.primary.get(org.id) ?? '',
  );
  // Each name with its key for supplier matching, so a spend resolution after the import has none to fill in.
  await q.upsertOrganisations(
    trx,
    [...batch.created, ...batch.dirty].map((id) => {
      const org = batch.orgs.get(id)!;
      return { ...org, name_key: organisationNameKey(org.name) };
    }),
  );
  await q.insertIdentifiers(trx, batch.newIdentifiers.filter(live));
  await q.insertOtherNames(
    trx,
    batch.newNames.filter(live).map((r) => ({ ...r, name_key: organisationNameKey(r.name) })),
  );
  await q.insertClassifications(trx, batch.newClasses.filter(live));
}

/**
 * Writes a batch of register records: looks up what is known about their organisations in a few queries, works
 * out row by row what changes (so each row is reported created, updated or unchanged), then writes all the
 * changes with one multi-row statement per table.
 */
export function createRegisterWriter(source: string) {
  return async function write(trx: Database, items: Item<RegisterRecord>[]): Promise<WriteResult[]> {
    const batch = await loadBatch(trx, source, items);
    const results = items.map((item) => applyRecord(batch, item));
    await persist(trx, batch);
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
  const taken = await q.takenSlugs(
    trx,
    wanted.flatMap((w) => [w.base, w.withNumber]),
  );
  for (const w of wanted) {
    let slug = !RESERVED_SLUGS.has(w.base) && !taken.has(w.base) ? w.base : w.withNumber;
    for (let n = 2; taken.has(slug); n++) {
      slug = `${w.withNumber}-${n}`;
      if (!taken.has(slug) && (await q.takenSlugs(trx, [slug])).size) taken.add(slug);
    }
    taken.add(slug);
    w.org.slug = slug;
  }
}
