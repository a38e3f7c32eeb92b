// Supplier names as councils print them, reduced to a key that survives their many spellings:
// "The Croydon Voluntary Action Ltd." and "CROYDON VOLUNTARY ACTION LIMITED" are the same supplier.
// Pure functions, shared by the import (spend_supplier.name_key) and by resolution (matching registers).

// "T/A", "T/As", "t / a", "trading as" between a legal name and a trading name.
const TRADING_AS = /(?:^|[\s,(])(?:t\s*\/\s*as?|trading\s+as)(?=[\s:.,)-]|$)/i;

// Suffixes that say nothing about who the supplier is. Other legal forms (CIC, CIO, PLC, LLP) are kept:
// they tell resolution what kind of body it is.
const DROPPED_SUFFIXES = new Set(['ltd', 'limited']);

function fold(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[&+]/g, ' and ')
      // Apostrophes and dots join what they sit in: "St Mary's" → "st marys", "C.I.C." → "cic", "Ltd." → "ltd".
      .replace(/['’‘`.]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
  );
}

function tidy(folded: string): string {
  const words = folded.split(' ').filter(Boolean);
  // "Foo Ltd", "Foo Limited (The)", "Foo Co Ltd" keep "co": only ltd/limited and "the" go.
  let changed = true;
  while (changed && words.length > 1) {
    changed = false;
    const last = words[words.length - 1]!;
    if (DROPPED_SUFFIXES.has(last) || last === 'the') {
      words.pop();
      changed = true;
    }
  }
  if (words.length > 1 && words[0] === 'the') words.shift();
  return words.join(' ');
}

function splitTradingAs(name: string): [string, string | null] {
  const match = TRADING_AS.exec(name);
  if (!match) return [name, null];
  const legal = name.slice(0, match.index);
  const trading = name.slice(match.index + match[0].length).replace(/^[\s:.,-]+/, '');
  if (!fold(legal) || !fold(trading)) return [name, null];
  return [legal, trading];
}

/** The name_key: lower case, accents folded, punctuation gone, "&" → "and", no Ltd/Limited, no leading "The",
 * the legal name only where it says "X T/A Y", whitespace collapsed. */
export function normaliseSupplierName(name: string): string {
  const [legal] = splitTradingAs(name);
  return tidy(fold(legal));
}

/** The key an organisation's name is matched by (a name that normalises to nothing keeps its lower case). */
export function organisationNameKey(name: string): string {
  return normaliseSupplierName(name) || name.toLowerCase();
}

// Other spellings of one name, as councils and registers differ in writing them. Each turns a key into another
// key, or returns it unchanged. Registers keep their own keys, so a supplier's name is tried in each form.
const SPELLINGS: ((key: string) => string)[] = [
  // "The Trustees of the Ambridge Hall" is the Ambridge Hall; the trustees are who sign for it.
  (key) => key.replace(/^(?:the )?trustees? (?:of|for) (?:the )?(?=\S+ \S)/, ''),
  // Legal forms, long and short: registers write either.
  (key) =>
    key.replace(/ community interest company$/, ' cic').replace(/ charitable incorporated organisation$/, ' cio'),
  (key) =>
    key.replace(/ cic$/, ' community interest company').replace(/ cio$/, ' charitable incorporated organisation'),
  // And without them: "Green Shoots CIC" is registered as a charity called "Green Shoots".
  (key) =>
    key.replace(
      / (?:cic|cio|community interest company|charitable incorporated organisation|incorporated|inc|(?:limited|ltd) by guarantee)$/,
      '',
    ),
  (key) => key.replace(/(^| )saint(?= )/g, '$1st'),
  (key) => key.replace(/(^| )st(?= \S)/g, '$1saint'),
  (key) => key.replace(/(^| )center(?= |$)/g, '$1centre'),
];

/** Every form worth matching against registers: the key itself, then the trading name where there is one, then
 * other spellings of each (legal forms long and short or left out, "Trustees of", "Saint"/"St"). */
export function supplierNameVariants(name: string): string[] {
  const [legal, trading] = splitTradingAs(name);
  const variants = [tidy(fold(legal))];
  if (trading !== null) variants.push(tidy(fold(trading)));
  const found = new Set(variants.filter(Boolean));
  for (const spell of SPELLINGS) {
    for (const key of [...found]) {
      const other = spell(key).trim();
      // A form of one short word matches too many bodies to be worth trying.
      if (other.includes(' ')) found.add(other);
    }
  }
  return [...found];
}

// Councils publish payments to individuals with the name removed, in many wordings.
const REDACTED = [
  // Whole words only: "Redactive Publishing" is a business.
  /\bredact(?:ed|ion|ions)?\b/,
  /\bwithheld\b/,
  /\bpersonal (?:data|information|info|details)\b/,
  /\b(?:data protection|gdpr)\b/,
  /^(?:various|private|an?|other|multiple)? ?individuals?$/,
  /^(?:various|private) (?:individuals?|persons?|people|payees?|recipients?)\b/,
  /\b(?:not|non) (?:disclosed|published|for publication)\b/,
  /\bundisclosed\b/,
  /\bname (?:removed|suppressed|omitted|hidden)\b/,
  /^confidential\b/,
  /\bsensitive (?:data|information|payment)\b/,
  /\bremoved\b.*\bprivacy\b/,
];

/** True for suppliers whose name the council removed (payments to individuals and the like). */
export function isRedactedSupplier(name: string): boolean {
  const raw = name.trim();
  if (!raw) return false;
  // "*****", "XXXX", "---" stand for a removed name.
  if (/^(?:[*#]+|x{3,}|-{3,})$/i.test(raw.replace(/\s+/g, ''))) return true;
  const folded = fold(raw);
  return REDACTED.some((pattern) => pattern.test(folded));
}
