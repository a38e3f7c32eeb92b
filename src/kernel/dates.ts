// Dates as people in the place read them: always in London time, whatever the server's zone.

export const TIME_ZONE = 'Europe/London';

type When = Date | string | number;

const asDate = (value: When): Date =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: TIME_ZONE,
});
const shortDateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: TIME_ZONE,
});
const clock = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
  timeZone: TIME_ZONE,
});
const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** `7 December 2026`. A bare `YYYY-MM-DD` is read as that day, not shifted by any zone. */
export const formatDate = (value: When): string => longDate.format(asDate(value));

/** `7 Dec 2026, 22:44`: for lists and logs, where space is short. */
export const formatDateTime = (value: When): string => shortDateTime.format(asDate(value));

/** `7 December 2026 at 10:44pm`: for sentences. */
export const formatDateTimeLong = (value: When): string => {
  const date = asDate(value);
  return `${longDate.format(date)} at ${clock.format(date).replace(/\s/g, '').toLowerCase()}`;
};

/** The day in London as `YYYY-MM-DD`. */
export const londonDay = (value: When = new Date()): string => isoDay.format(asDate(value));

/** The financial year (April to March) a day falls in, as `2026-27`. */
export function financialYear(value: When): string {
  const [y, m] = londonDay(value).split('-').map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}
