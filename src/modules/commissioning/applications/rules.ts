// Small pure rules of an application, kept apart from the database so they read (and test) on their own.

/** Words as a person counts them: runs of characters between spaces. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/** "12,500", "£12,500.50", "12500" → pence; null when it is not an amount of money. */
export function parsePounds(text: string): number | null {
  const cleaned = text.replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.') as [string, string?];
  const pence = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(pence) ? pence : null;
}

/** Pence as a value for a form field: 1250050 → "12500.50", 1250000 → "12500". */
export function penceToField(pence: number | null | undefined): string {
  if (pence == null) return '';
  return pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2);
}

/** Pence for people: 1250000 → "£12,500", 1050 → "£10.50". */
export function pounds(pence: number): string {
  const whole = pence % 100 === 0;
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 })}`;
}

/** A moment in London time as GOV.UK writes it: "14 January 2027 at 12pm", "3 March 2027 at 5:30pm". */
export function plainDateTime(at: Date | string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = Number(get('hour'));
  const minute = get('minute');
  const time =
    hour === 0 && minute === '00'
      ? 'midnight'
      : `${hour % 12 === 0 ? 12 : hour % 12}${minute === '00' ? '' : `:${minute}`}${hour < 12 ? 'am' : 'pm'}`;
  return `${get('day')} ${get('month')} ${get('year')} at ${time}`;
}

/** Numbers such as "120", "85.5" (the applicant's own outcome targets); null when it is not a number. */
export function parseTarget(text: string): string | null {
  const cleaned = text.replace(/,/g, '').trim();
  return /^\d+(\.\d{1,4})?$/.test(cleaned) ? cleaned : null;
}
