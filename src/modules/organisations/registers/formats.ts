import type { ClassificationList } from '../../../db/schema.ts';
import type { Rejection, Skip } from '../../../imports/runner.ts';
import type { FormatSpec, TableRow } from '../../../imports/table.ts';
import { clean, parseDate, parseFlag, parsePence } from '../../../imports/values.ts';
import { type IdentifierScheme, normaliseIdentifier, normaliseLocalId, schemeInfo } from '../identifiers.ts';
import { LINK_SOURCE, type RegisterFacts, type RegisterRecord } from './writer.ts';

export type RegisterFormat = FormatSpec & {
  /** Recorded on organisations this file creates. */
  source: string;
  /** A reader for one import (some keep state between rows, e.g. clubs seen already). */
  reader(): {
    groupKey?: (row: TableRow) => string;
    read(rows: TableRow[]): RegisterRecord | Rejection | Skip;
  };
};

const reject = (reason: string): Rejection => ({ reject: reason });

function identifier(scheme: IdentifierScheme, raw: string, what: string): string | Rejection {
  const result = normaliseLocalId(scheme, raw);
  if (result.ok) return result.identifier;
  return reject(
    raw.trim() ? `The ${what} "${raw.trim()}" is not valid. ${result.message}.` : `The ${what} is missing.`,
  );
}

function orgId(raw: string, column: string, scheme?: IdentifierScheme): string | Rejection {
  const id = normaliseIdentifier(raw);
  if (!raw.trim()) return reject(`The ${column} column is empty.`);
  if (!id) return reject(`"${raw.trim()}" in the ${column} column is not an organisation identifier we know.`);
  if (scheme && !id.startsWith(`${scheme}-`)) {
    return reject(
      `"${raw.trim()}" in the ${column} column should be a ${schemeInfo(scheme)?.label.toLowerCase()} (${scheme}-…).`,
    );
  }
  return id;
}

const isRejection = (v: unknown): v is Rejection => typeof v === 'object' && v !== null && 'reject' in v;

function date(row: TableRow, column: string, label: string): string | null | Rejection {
  const parsed = parseDate(row.get(column));
  return parsed.ok
    ? parsed.value
    : reject(`The ${label} "${row.get(column)}" is not a date we can read (use 31/03/2024 or 2024-03-31).`);
}

/** Income in pounds to pence; a negative income cannot place an organisation in a size band, so it is left out. */
function income(row: TableRow, column: string): number | null | Rejection {
  const parsed = parsePence(row.get(column));
  if (!parsed.ok) return reject(`The income "${row.get(column)}" is not an amount of money.`);
  return parsed.value !== null && parsed.value < 0 ? null : parsed.value;
}

const UK_POSTCODE = /\b([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s*$/i;
const PLACEHOLDER = /^(?:na|n\/a|no data|none|null|—|-|–)$/i;

function tidyAddress(parts: string[]): string | null {
  const kept = parts.map(clean).filter((p) => p && !PLACEHOLDER.test(p));
  return kept.length ? kept.join(', ') : null;
}

function website(raw: string): string | null {
  const t = clean(raw);
  if (!t || PLACEHOLDER.test(t)) return null;
  return /^https?:\/\//i.test(t) ? t : `https://${t}`;
}

const orNull = (raw: string) => {
  const t = clean(raw);
  return t && !PLACEHOLDER.test(t) ? t : null;
};

/** The Charity Commission's own classification codes and the codelists they belong to. */
export function classificationList(code: string): ClassificationList | null {
  const n = Number(code);
  if (n >= 101 && n <= 117) return 'service_area';
  if (n >= 201 && n <= 207) return 'beneficiary_group';
  if (n >= 301 && n <= 310) return 'way_of_working';
  return null;
}

const LINKED = { skip: 'linked charities (part of a main charity, which is imported instead)' };
const isLinked = (row: TableRow) => !['', '0'].includes(row.get('linked_charity_number'));

const unknownCharity = (id: string) =>
  `No organisation has the charity number ${id} yet. Import the Charity Commission register (the Charity table) first, then this file.`;

const ccew: RegisterFormat = {
  name: 'ccew',
  label: 'Charity Commission for England and Wales register (Charity table)',
  required: ['registered_charity_number', 'linked_charity_number', 'charity_name', 'charity_registration_status'],
  source: 'register:ccew',
  reader: () => ({
    read([row]) {
      if (isLinked(row!)) return LINKED;
      const r = row!;
      const id = identifier('GB-CHC', r.get('registered_charity_number'), 'registered charity number');
      if (isRejection(id)) return id;
      const name = clean(r.get('charity_name'));
      if (!name) return reject('The charity name is missing.');
      const statusText = r.get('charity_registration_status').toLowerCase();
      const status = /^(registered|r)$/.test(statusText)
        ? 'active'
        : /^(removed|rm)$/.test(statusText)
          ? 'removed'
          : null;
      if (!status)
        return reject(
          `The registration status "${r.get('charity_registration_status')}" should be Registered or Removed.`,
        );
      const registered = date(r, 'date_of_registration', 'date of registration');
      const removed = date(r, 'date_of_removal', 'date of removal');
      const periodEnd = date(r, 'latest_acc_fin_period_end_date', 'financial period end date');
      const latest = income(r, 'latest_income');
      for (const v of [registered, removed, periodEnd, latest]) if (isRejection(v)) return v;
      const identifiers = [id];
      const company = r.get('charity_company_registration_number');
      if (company && !/^0+$/.test(company)) {
        const coh = identifier('GB-COH', company, 'company number');
        if (isRejection(coh)) return coh;
        identifiers.push(coh);
      }
      const facts: RegisterFacts = {
        status,
        registered_on: registered as string | null,
        removed_on: removed as string | null,
        income_period_end: periodEnd as string | null,
        latest_income_pence: latest as number | null,
        legal_form: parseFlag(r.get('charity_is_cio'))
          ? 'cio'
          : identifiers.length > 1
            ? 'charitable_company'
            : 'charity',
      };
      return {
        identifiers,
        create: true,
        listed: status === 'active',
        facts,
        profile: {
          name,
          description: clean(r.get('charity_activities')),
          address: tidyAddress([1, 2, 3, 4, 5].map((n) => r.get(`charity_contact_address${n}`))),
          postcode: orNull(r.get('charity_contact_postcode')),
          phone: orNull(r.get('charity_contact_phone')),
          email: orNull(r.get('charity_contact_email')),
          website: website(r.get('charity_contact_web')),
        },
      };
    },
  }),
};

const ccewOtherNames: RegisterFormat = {
  name: 'ccew-other-names',
  label: 'Charity Commission for England and Wales other names (CharityOtherNames table)',
  required: ['registered_charity_number', 'linked_charity_number', 'charity_name_type', 'charity_name'],
  source: 'register:ccew',
  reader: () => ({
    read([row]) {
      if (isLinked(row!)) return LINKED;
      const id = identifier('GB-CHC', row!.get('registered_charity_number'), 'registered charity number');
      if (isRejection(id)) return id;
      const name = clean(row!.get('charity_name'));
      if (!name) return reject('The other name is missing.');
      const type = row!.get('charity_name_type').toLowerCase();
      const kind = type.includes('working') ? 'working' : type.includes('previous') ? 'previous' : 'alternative';
      return { identifiers: [id], create: false, unknownReason: unknownCharity(id), names: [{ name, kind }] };
    },
  }),
};

const ccewClassification: RegisterFormat = {
  name: 'ccew-classification',
  label: 'Charity Commission for England and Wales classification (CharityClassification table)',
  required: ['registered_charity_number', 'classification_code', 'classification_type'],
  source: 'register:ccew',
  reader: () => ({
    read([row]) {
      if (isLinked(row!)) return LINKED;
      const id = identifier('GB-CHC', row!.get('registered_charity_number'), 'registered charity number');
      if (isRejection(id)) return id;
      const code = row!.get('classification_code');
      const list = classificationList(code);
      if (!list) {
        return reject(
          `The classification code "${code}" is not one we know: codes are 101 to 117, 201 to 207 or 301 to 310.`,
        );
      }
      return {
        identifiers: [id],
        create: false,
        unknownReason: unknownCharity(id),
        classifications: [{ list, code: String(Number(code)) }],
      };
    },
  }),
};

/** CCNI company numbers are written without their prefix: up to 6 digits is a Northern Ireland company. */
export function ccniCompanyNumber(raw: string): string | null {
  const t = raw.trim().toUpperCase().replace(/\s/g, '');
  if (!t || /^0+$/.test(t)) return null;
  if (/^\d{1,6}$/.test(t)) return `NI${t.padStart(6, '0')}`;
  return t;
}

const ccni: RegisterFormat = {
  name: 'ccni',
  label: 'Charity Commission for Northern Ireland register',
  required: ['reg_charity_number', 'charity_name', 'status', 'date_registered'],
  source: 'register:ccni',
  reader: () => ({
    read([row]) {
      const r = row!;
      if (!['', '0'].includes(r.get('sub_charity_number'))) return LINKED;
      const id = identifier('GB-NIC', r.get('reg_charity_number'), 'charity number');
      if (isRejection(id)) return id;
      const name = clean(r.get('charity_name'));
      if (!name) return reject('The charity name is missing.');
      const status = r.get('status').toLowerCase() === 'removed' ? 'removed' : 'active';
      const registered = date(r, 'date_registered', 'date registered');
      const periodEnd = date(r, 'date_for_financial_year_ending', 'financial year end');
      const latest = income(r, 'total_income');
      for (const v of [registered, periodEnd, latest]) if (isRejection(v)) return v;
      const identifiers = [id];
      const company = ccniCompanyNumber(r.get('company_number'));
      if (company) {
        const coh = identifier('GB-COH', company, 'company number');
        if (isRejection(coh)) return coh;
        identifiers.push(coh);
      }
      // The register lists categories separated by commas with no space; commas inside a category have one.
      const items = (column: string) =>
        r
          .get(column)
          .split(/,(?! )/)
          .map(clean)
          .filter(Boolean);
      const what = items('what_the_charity_does');
      const how = items('how_the_charity_works');
      const description = [what.join('; '), how.length ? `How it works: ${how.join('; ')}.` : '']
        .filter(Boolean)
        .join('. ')
        .replace(/\.\./g, '.');
      const address = orNull(r.get('public_address'));
      return {
        identifiers,
        create: true,
        listed: status === 'active',
        facts: {
          status,
          registered_on: registered as string | null,
          income_period_end: periodEnd as string | null,
          latest_income_pence: latest as number | null,
          legal_form: company ? 'charitable_company' : 'charity',
        },
        profile: {
          name,
          description,
          who_it_helps: items('who_the_charity_helps').join('; '),
          address,
          postcode: address ? (UK_POSTCODE.exec(address)?.[1]?.toUpperCase() ?? null) : null,
          website: website(r.get('website')),
          email: orNull(r.get('email')),
          phone: orNull(r.get('telephone')),
        },
      };
    },
  }),
};

const ccniRemovals: RegisterFormat = {
  name: 'ccni-removals',
  label: 'Charity Commission for Northern Ireland removals list',
  required: ['regid', 'removed', 'removed_date'],
  source: 'register:ccni',
  reader: () => ({
    read([row]) {
      if (!parseFlag(row!.get('removed'))) return { skip: 'charities marked as not removed' };
      const id = identifier('GB-NIC', row!.get('regid'), 'charity number');
      if (isRejection(id)) return id;
      const removed = date(row!, 'removed_date', 'removal date');
      if (isRejection(removed)) return removed;
      return {
        identifiers: [id],
        create: false,
        unknownReason: `No organisation has the charity number ${id} yet. Import the Charity Commission for Northern Ireland register first.`,
        facts: { status: 'removed', removed_on: removed },
      };
    },
  }),
};

/** A list that links two identifiers of one organisation, creating it from the name when neither is known. */
function linkList(options: {
  name: string;
  label: string;
  columns: [string, string, string];
  schemes: [IdentifierScheme, IdentifierScheme | undefined];
  parse: (raw: string, scheme: IdentifierScheme | undefined, column: string) => string | Rejection;
  legalForm?: string;
}): RegisterFormat {
  const [a, b, nameColumn] = options.columns;
  return {
    name: options.name,
    label: options.label,
    required: [a, b, nameColumn],
    source: `${LINK_SOURCE}${options.name}`,
    reader: () => ({
      read([row]) {
        const first = options.parse(row!.get(a), options.schemes[0], a);
        if (isRejection(first)) return first;
        const second = options.parse(row!.get(b), options.schemes[1], b);
        if (isRejection(second)) return second;
        const name = clean(row!.get(nameColumn));
        return {
          identifiers: [first, second],
          create: true,
          listed: false,
          ...(options.legalForm ? { legalFormIfCreated: options.legalForm } : {}),
          profile: name ? { name } : {},
        };
      },
    }),
  };
}

const charityCompanyNumbers = linkList({
  name: 'charity-company-numbers',
  label: 'list of charities and their company numbers',
  columns: ['org_id_a', 'org_id_b', 'name'],
  schemes: ['GB-CHC', 'GB-COH'],
  parse: (raw, scheme, column) => orgId(raw, column, column === 'org_id_b' ? scheme : undefined),
  legalForm: 'charitable_company',
});

const dualRegistered = linkList({
  name: 'dual-registered',
  label: 'list of charities registered in both England and Wales and Scotland',
  columns: ['e_w_charity_number', 'scottish_charity_number', 'charity_name_e_w'],
  schemes: ['GB-CHC', 'GB-SC'],
  parse: (raw, scheme, column) =>
    identifier(scheme!, raw, column.startsWith('e_w') ? 'England and Wales charity number' : 'Scottish charity number'),
  legalForm: 'charity',
});

const mutualCompanies = linkList({
  name: 'mutual-companies',
  label: 'list of mutual societies and their Companies House numbers',
  columns: ['mutual_id', 'company_id', 'name'],
  schemes: ['GB-MPR', 'GB-COH'],
  parse: (raw, scheme, column) => orgId(raw, column, scheme),
});

const cascCompanies = linkList({
  name: 'casc-companies',
  label: 'list of community amateur sports clubs and their Companies House numbers',
  columns: ['casc_orgid', 'ch_orgid', 'casc_name'],
  schemes: ['GB-CASC', 'GB-COH'],
  parse: (raw, scheme, column) => orgId(raw, column, scheme),
  legalForm: 'casc',
});

const charityNames: RegisterFormat = {
  name: 'charity-names',
  label: 'list of alternative names of charities',
  required: ['org_id', 'alternative_name'],
  source: `${LINK_SOURCE}charity-names`,
  reader: () => ({
    read([row]) {
      const id = orgId(row!.get('org_id'), 'org_id');
      if (isRejection(id)) return id;
      const name = clean(row!.get('alternative_name'));
      if (!name) return reject('The alternative name is missing.');
      return {
        identifiers: [id],
        create: false,
        unknownReason: `No organisation has the identifier ${id} yet. Import its register first, then this list.`,
        names: [{ name, kind: 'alternative' }],
      };
    },
  }),
};

const clubKey = (row: TableRow) =>
  `${clean(row.get('name')).toLowerCase()}\u0000${clean(row.get('address')).toLowerCase()}`;

const cascs: RegisterFormat = {
  name: 'cascs',
  label: 'HMRC list of community amateur sports clubs',
  required: ['id', 'name', 'address', 'postcode', 'active'],
  source: 'register:casc',
  reader() {
    // The list repeats a club under several identifiers (with placeholder postcodes): one organisation each,
    // holding every identifier. Repeats are usually next to each other; the few that are not join the first.
    const seen = new Map<string, string>();
    return {
      groupKey: clubKey,
      read(rows) {
        const ids: string[] = [];
        for (const row of rows) {
          const id = orgId(row.get('id'), 'id', 'GB-CASC');
          if (isRejection(id)) return { reject: `${id.reject} (line ${row.line})` };
          ids.push(id);
        }
        const first = rows[0]!;
        const name = clean(first.get('name'));
        if (!name) return reject('The club name is missing.');
        const key = clubKey(first);
        const earlier = seen.get(key);
        if (earlier)
          return { identifiers: [earlier, ...ids.filter((i) => i !== earlier)], create: false, allowSameScheme: true };
        seen.set(key, ids[0]!);
        const active = rows.some((r) => parseFlag(r.get('active')));
        const postcode = rows.map((r) => orNull(r.get('postcode'))).find((p) => p) ?? null;
        return {
          identifiers: ids,
          allowSameScheme: true,
          create: true,
          listed: active,
          legalFormIfCreated: 'casc',
          facts: { status: active ? 'active' : 'removed' },
          profile: { name, address: tidyAddress(first.get('address').split(',')), postcode },
        };
      },
    };
  },
};

export const registerFormats: RegisterFormat[] = [
  ccew,
  ccewOtherNames,
  ccewClassification,
  ccni,
  ccniRemovals,
  charityCompanyNumbers,
  dualRegistered,
  charityNames,
  mutualCompanies,
  cascs,
  cascCompanies,
];

export function registerFormat(name: string): RegisterFormat | undefined {
  return registerFormats.find((f) => f.name === name);
}
