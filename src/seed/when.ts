// Dates of the demo's own records (needs, chains), relative to today so that open things stay open.

const DAY = 86_400_000;

/** The date `days` from today (negative: in the past), as YYYY-MM-DD. */
export const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** The moment `days` from today at `hour` o'clock (UTC). */
export const at = (days: number, hour = 10) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};

/** Whole pounds in pence. */
export const pounds = (n: number) => n * 100;
