// Supplier names as councils print them, reduced to the directory's name key (src/modules/organisations/names.ts)
// so that they meet the registers' names: "The Croydon Voluntary Action Ltd." and "CROYDON VOLUNTARY ACTION LIMITED"
// are the same supplier. Pure functions, shared by the import (spend_supplier.name_key) and by resolution.
import { foldName as fold, normaliseName, splitTradingAs, tidyName as tidy } from '../organisations/names.ts';

/** A supplier's name_key: the directory's key of the legal name. */
export const normaliseSupplierName = normaliseName;

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
