// Organisation identifiers in the org-id.guide form `{scheme}-{local id}`: pure parsing, checking and
// normalising, shared by profile editing and register imports. No database, no I/O.

export type IdentifierScheme = 'GB-CHC' | 'GB-COH' | 'GB-SC' | 'GB-NIC' | 'GB-MPR' | 'GB-CASC';

export type SchemeInfo = {
  scheme: IdentifierScheme;
  /** Who keeps the register, in plain English. */
  register: string;
  /** What people call the number. */
  label: string;
  example: string;
  /** What to do when the number does not fit, written for the person entering it. */
  hint: string;
};

export const identifierSchemes: readonly SchemeInfo[] = [
  {
    scheme: 'GB-CHC',
    register: 'Charity Commission for England and Wales',
    label: 'Registered charity number (England and Wales)',
    example: '1146179',
    hint: 'A charity number in England and Wales is up to 8 digits, usually 6 or 7, like 1146179',
  },
  {
    scheme: 'GB-COH',
    register: 'Companies House',
    label: 'Company number',
    example: '07962245',
    hint: 'A company number is 8 characters: 8 digits like 07962245, or 2 letters and 6 characters like SC123456, NI012345 or IP10002R',
  },
  {
    scheme: 'GB-SC',
    register: 'Office of the Scottish Charity Regulator (OSCR)',
    label: 'Scottish charity number',
    example: 'SC042386',
    hint: 'A Scottish charity number is SC followed by 6 digits, like SC042386',
  },
  {
    scheme: 'GB-NIC',
    register: 'Charity Commission for Northern Ireland',
    label: 'Northern Ireland charity number',
    example: '100019',
    hint: 'A Northern Ireland charity number is 6 digits, 100000 or more, like 100019',
  },
  {
    scheme: 'GB-MPR',
    register: 'Mutuals Public Register (Financial Conduct Authority)',
    label: 'Mutuals register number',
    example: '10002R',
    hint: 'A mutuals register number is up to 6 digits with an optional letter suffix, like 10002R or 7623',
  },
  {
    scheme: 'GB-CASC',
    register: 'Community amateur sports clubs registered with HMRC (360Giving list)',
    label: 'Community amateur sports club identifier',
    example: 'GB-CASC-df679063',
    hint: 'A sports club identifier is GB-CASC- followed by 8 letters a to f or digits, like GB-CASC-df679063',
  },
];

const schemeByCode = new Map(identifierSchemes.map((s) => [s.scheme, s]));

export function schemeInfo(scheme: string): SchemeInfo | undefined {
  return schemeByCode.get(scheme as IdentifierScheme);
}

export function isKnownScheme(scheme: string): scheme is IdentifierScheme {
  return schemeByCode.has(scheme as IdentifierScheme);
}

export type ParsedIdentifier = { ok: true; identifier: string; scheme: IdentifierScheme; localId: string };
export type IdentifierProblem = { ok: false; message: string };
export type IdentifierResult = ParsedIdentifier | IdentifierProblem;

const COMPANY_NUMBER = /^(?:\d{8}|[A-Z]{2}\d{4}[0-9A-Z]{2}|R\d{7})$/;

/**
 * Check and canonicalise the local part of an identifier for a known scheme.
 * Leading zeros are dropped for charity numbers and added for all-digit company numbers, as the registers do.
 */
export function normaliseLocalId(scheme: IdentifierScheme, raw: string): IdentifierResult {
  const info = schemeByCode.get(scheme)!;
  const fail = (): IdentifierProblem => ({ ok: false, message: info.hint });
  let local = raw.trim().replace(/[\s.,]/g, '');
  if (scheme !== 'GB-CASC') local = local.toUpperCase();
  switch (scheme) {
    case 'GB-CHC': {
      // A linked charity's subsidiary number ("1234567-1") belongs to the main charity's record.
      if (!/^\d{1,8}$/.test(local)) return fail();
      local = local.replace(/^0+(?=\d)/, '');
      if (local === '0') return fail();
      break;
    }
    case 'GB-COH': {
      if (/^\d{1,8}$/.test(local)) local = local.padStart(8, '0');
      if (!COMPANY_NUMBER.test(local) || local === '00000000') return fail();
      break;
    }
    case 'GB-SC': {
      if (/^\d{1,6}$/.test(local)) local = `SC${local.padStart(6, '0')}`;
      if (!/^SC\d{6}$/.test(local)) return fail();
      break;
    }
    case 'GB-NIC': {
      local = local.replace(/^NIC/, '');
      if (!/^\d{6}$/.test(local) || Number(local) < 100000) return fail();
      break;
    }
    case 'GB-MPR': {
      if (!/^\d{1,6}[A-Z]{0,3}$/.test(local) || /^0+[A-Z]*$/.test(local)) return fail();
      break;
    }
    case 'GB-CASC': {
      local = local.toLowerCase().replace(/^gb-casc-/, '');
      if (!/^[0-9a-f]{8}$/.test(local)) return fail();
      break;
    }
  }
  return { ok: true, identifier: `${scheme}-${local}`, scheme, localId: local };
}

// Words people put in front of a number, and the scheme each one means. Each must be followed by a
// space, a colon, a hash or the number itself, so that a name such as "Company of Friends" is not read as one.
const NUMBER_WORDS = String.raw`(?:\s+(?:reg(?:istration|istered)?\.?|number|no\.?|num\.?))*`;
const prefix = (words: string) => new RegExp(String.raw`^(?:${words})${NUMBER_WORDS}(?:\s*[:#]\s*|\s+|(?=\d))`, 'i');
const PREFIX_WORDS: { pattern: RegExp; scheme: IdentifierScheme }[] = [
  { pattern: prefix(String.raw`scottish\s+charity|oscr`), scheme: 'GB-SC' },
  { pattern: prefix(String.raw`northern\s+ireland\s+charity|ni\s+charity|ccni|nic`), scheme: 'GB-NIC' },
  { pattern: prefix(String.raw`(?:registered\s+)?(?:company|companies\s+house|crn|co\.)`), scheme: 'GB-COH' },
  { pattern: prefix(String.raw`(?:reg(?:istered|\.)?\s+)?charity(?:\s+commission)?|rcn`), scheme: 'GB-CHC' },
  { pattern: prefix(String.raw`mutuals?(?:\s+register)?|society|fca`), scheme: 'GB-MPR' },
  { pattern: prefix('casc'), scheme: 'GB-CASC' },
];

/**
 * Read an identifier as people write it: "GB-CHC-1234567", "gb chc 01234567", "Charity no. 1234567",
 * "Company 1234567", "SC012345", "1234567". `scheme` says which register a bare number belongs to
 * (for example a "Company number" column); without it a bare number of up to 8 digits is read as a
 * charity number in England and Wales, and SC + 6 digits as a Scottish charity.
 */
export function parseIdentifier(input: string, options: { scheme?: IdentifierScheme } = {}): IdentifierResult {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, message: 'Enter an identifier, for example a charity or company number' };

  // The full form, with hyphens or spaces between the parts.
  const full = /^GB[-\s]?([A-Z]+)[-\s]?(.+)$/i.exec(text);
  if (full) {
    const scheme = `GB-${full[1]!.toUpperCase()}`;
    if (isKnownScheme(scheme)) return normaliseLocalId(scheme, full[2]!);
    if (/^GB-[A-Z]+-/i.test(text)) {
      return {
        ok: false,
        message: `${scheme} is not a register this directory knows. Use a charity, company, Scottish or Northern Ireland charity, mutuals or sports club number`,
      };
    }
  }

  for (const { pattern, scheme } of PREFIX_WORDS) {
    const match = pattern.exec(text);
    if (match && match[0].length > 0 && match[0].length < text.length) {
      return normaliseLocalId(scheme, text.slice(match[0].length));
    }
  }

  const compact = text.replace(/[\s.,]/g, '').toUpperCase();
  if (options.scheme) return normaliseLocalId(options.scheme, compact);
  if (/^SC\d{6}$/.test(compact)) return normaliseLocalId('GB-SC', compact);
  if (/^NI\d{6}$/.test(compact) || /^[A-Z]{2}\d{4}[0-9A-Z]{2}$/.test(compact)) {
    return normaliseLocalId('GB-COH', compact);
  }
  if (/^\d{1,8}$/.test(compact)) return normaliseLocalId('GB-CHC', compact);
  if (/^\d{1,6}[A-Z]{1,3}$/.test(compact)) return normaliseLocalId('GB-MPR', compact);
  return {
    ok: false,
    message:
      'Enter an identifier in the form GB-CHC-1146179 (charity), GB-COH-07962245 (company) or GB-SC-SC042386 (Scottish charity)',
  };
}

/** The canonical identifier for what a person or a register file wrote, or null when it is not one. */
export function normaliseIdentifier(input: string, options: { scheme?: IdentifierScheme } = {}): string | null {
  const result = parseIdentifier(input, options);
  return result.ok ? result.identifier : null;
}

/** The scheme of a canonical identifier ("GB-CHC-1146179" → "GB-CHC"). */
export function schemeOf(identifier: string): string {
  const match = /^([A-Z]{2}-[A-Z]+)-/.exec(identifier);
  return match ? match[1]! : '';
}

/** The public register page for an identifier, where its register has one. */
export function registerUrl(identifier: string): string | null {
  const scheme = schemeOf(identifier);
  const local = identifier.slice(scheme.length + 1);
  switch (scheme) {
    case 'GB-CHC':
      return `https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/${local}`;
    case 'GB-COH':
      return `https://find-and-update.company-information.service.gov.uk/company/${local}`;
    case 'GB-SC':
      return `https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number=${local}`;
    case 'GB-NIC':
      return `https://www.charitycommissionni.org.uk/charity-details/?regId=${local}`;
    default:
      return null;
  }
}

/** "Registered charity number (England and Wales)" for an identifier, or its scheme code when unknown. */
export function identifierLabel(identifier: string): string {
  return schemeInfo(schemeOf(identifier))?.label ?? schemeOf(identifier);
}

/**
 * Every identifier a search term could mean, for looking an organisation up by number: "1146179" may be a
 * charity, a company (01146179) or, at six digits, a Northern Ireland charity; "SC012345" a Scottish charity
 * or a Scottish company. Empty when the term has no digits.
 */
export function identifierCandidates(text: string): string[] {
  if (!/\d/.test(text)) return [];
  const found = new Set<string>();
  const first = parseIdentifier(text);
  if (first.ok) found.add(first.identifier);
  const compact = text
    .trim()
    .replace(/[\s.,]/g, '')
    .toUpperCase();
  if (/^[0-9A-Z]{1,8}$/.test(compact)) {
    for (const scheme of ['GB-CHC', 'GB-COH', 'GB-SC', 'GB-NIC', 'GB-MPR'] as const) {
      const result = normaliseLocalId(scheme, compact);
      if (result.ok) found.add(result.identifier);
    }
  }
  return [...found];
}
