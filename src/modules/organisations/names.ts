// The key an organisation's name is matched by: "The Croydon Voluntary Action Ltd." and "CROYDON VOLUNTARY ACTION
// LIMITED" have one key. The directory owns it (organisation.name_key, organisation_name.name_key); spend keys its
// suppliers' names with the same function, so that the two meet.

// "T/A", "T/As", "t / a", "trading as" between a legal name and a trading name.
const TRADING_AS = /(?:^|[\s,(])(?:t\s*\/\s*as?|trading\s+as)(?=[\s:.,)-]|$)/i;

// Suffixes that say nothing about who the body is. Other legal forms (CIC, CIO, PLC, LLP) are kept: they tell
// matching what kind of body it is.
const DROPPED_SUFFIXES = new Set(['ltd', 'limited']);

/** Lower case, accents folded, "&" → "and", apostrophes and dots joined, other punctuation a space. */
export function foldName(text: string): string {
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

/** A folded name without a trailing Ltd/Limited/The or a leading "The". */
export function tidyName(folded: string): string {
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

/** "X T/A Y" → ["X", "Y"]; a name without a trading name → [name, null]. */
export function splitTradingAs(name: string): [string, string | null] {
  const match = TRADING_AS.exec(name);
  if (!match) return [name, null];
  const legal = name.slice(0, match.index);
  const trading = name.slice(match.index + match[0].length).replace(/^[\s:.,-]+/, '');
  if (!foldName(legal) || !foldName(trading)) return [name, null];
  return [legal, trading];
}

/** The name key: lower case, accents folded, punctuation gone, "&" → "and", no Ltd/Limited, no leading "The",
 * the legal name only where it says "X T/A Y", whitespace collapsed. */
export function normaliseName(name: string): string {
  const [legal] = splitTradingAs(name);
  return tidyName(foldName(legal));
}

/** The key an organisation's name is matched by (a name that normalises to nothing keeps its lower case). */
export function organisationNameKey(name: string): string {
  return normaliseName(name) || name.toLowerCase();
}
