// Money is whole pence everywhere: integers in the database (bigint) and in code. These are the only functions that
// turn pence into words or decimals and back, by integer arithmetic, never through a float.

type Pence = number | bigint | string;

const toBigInt = (pence: Pence): bigint => {
  if (typeof pence === 'bigint') return pence;
  if (typeof pence === 'number') {
    if (!Number.isSafeInteger(pence)) throw new Error(`Money must be whole pence, not ${pence}`);
    return BigInt(pence);
  }
  if (!/^-?\d+$/.test(pence.trim())) throw new Error(`Money must be whole pence, not "${pence}"`);
  return BigInt(pence.trim());
};

const separated = (whole: bigint) => whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Pence as people read money: `£1,234.56`, or `£1,235` with `whole` (rounded half away from zero), and
 * `-£12.00` below zero.
 */
export function formatMoney(pence: Pence, options: { whole?: boolean } = {}): string {
  const value = toBigInt(pence);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  if (options.whole) return `${sign}£${separated((abs + 50n) / 100n)}`;
  return `${sign}£${separated(abs / 100n)}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Pence as a plain decimal string of pounds, as open data and CSV files want it: `1234.56`. */
export function penceToDecimal(pence: Pence): string {
  const value = toBigInt(pence);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Pence as a number of pounds for JSON standards that ask for a number (OCDS, 360Giving): exact to the penny. */
export const penceToPoundsNumber = (pence: Pence): number => Number(penceToDecimal(pence));

/**
 * Pounds as people type them (`£1,234.5`, `1234`, `-12.30`) in pence, or null when the text is not an amount.
 * More than two decimal places is not an amount of money.
 */
export function parsePounds(text: string): number | null {
  const match = /^(-?)£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const pence = BigInt(whole!.replace(/,/g, '')) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  const value = sign ? -pence : pence;
  return value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}
