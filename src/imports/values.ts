// Reading the values that real published files hold: money with pound signs, thousands separators and
// accounting brackets; dates as ISO, day/month/year or "31 March 2019".

export type Parsed<T> = { ok: true; value: T | null } | { ok: false };

/** "£1,234.56", "1234", "(470.60)", "-280", "12.50-" → integer pence; '' → null. */
export function parsePence(text: string): Parsed<number> {
  let t = text.trim().replace(/[£,\s]/g, '');
  if (t === '') return { ok: true, value: null };
  let negative = false;
  // Accounting systems print credits with the sign after the figure.
  if (/^[^-].*\d-$/.test(t)) {
    negative = true;
    t = t.slice(0, -1);
  }
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  }
  const match = /^(\d+)(?:\.(\d{1,2})\d*)?$/.exec(t);
  if (!match) return { ok: false };
  const pence = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(pence)) return { ok: false };
  return { ok: true, value: negative ? -pence : pence };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** '2019-03-31', '2019-03-31T00:00:00', '2019-03-31 00:00:00', '31/03/2019', '31 March 2019', '31-Mar-19' → 'YYYY-MM-DD'. */
export function parseDate(text: string): Parsed<string> {
  const t = text.trim();
  if (t === '' || t.toUpperCase() === 'NULL') return { ok: true, value: null };
  let value: string | undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(t);
  const dmy = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?: [\d:]+)?$/.exec(t);
  const words = /^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{2}|\d{4})$/.exec(t);
  if (iso) value = isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  else if (dmy) value = isoDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  else if (words) {
    const month = MONTHS.indexOf(words[2]!.slice(0, 3).toLowerCase()) + 1;
    const year = words[3]!.length === 2 ? 2000 + Number(words[3]) : Number(words[3]);
    if (month > 0) value = isoDate(year, month, Number(words[1]));
  }
  return value ? { ok: true, value } : { ok: false };
}

/** 'True', 'true', '1', 'yes', 'Y' → true; 'False', '0', 'no', '' → false. */
export function parseFlag(text: string): boolean {
  return /^(true|t|1|yes|y)$/i.test(text.trim());
}

const SPACES_TO_COLLAPSE = /[^\S ]| {2}/;

/** Collapse runs of white space; '' for nothing. */
export function clean(text: string | null | undefined): string {
  const t = text ?? '';
  // Most cells have no run of spaces and no other kind of space: only their ends to trim.
  return SPACES_TO_COLLAPSE.test(t) ? t.replace(/\s+/g, ' ').trim() : t.trim();
}
