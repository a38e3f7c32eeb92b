import { describe, expect, it } from 'vitest';
import { financialYear, formatDate, formatDateTime, formatDateTimeLong, londonDay } from './dates.ts';

describe('dates in London time', () => {
  it('reads a bare day as that day, whatever the zone', () => {
    expect(formatDate('2026-07-21')).toBe('21 July 2026');
  });

  it('writes instants in London time, with summer time', () => {
    const lateJuneUtc = new Date('2026-06-30T23:30:00Z');
    expect(londonDay(lateJuneUtc)).toBe('2026-07-01');
    expect(formatDate(lateJuneUtc)).toBe('1 July 2026');
    expect(formatDateTimeLong(new Date('2026-12-07T22:44:00Z'))).toBe('7 December 2026 at 10:44pm');
    expect(formatDateTime(new Date('2026-12-07T09:05:00Z'))).toBe('7 Dec 2026, 09:05');
    // en-GB's own twelve-hour clock would write noon as 0:00pm.
    expect(formatDateTimeLong(new Date('2026-12-07T12:00:00Z'))).toBe('7 December 2026 at 12:00pm');
    expect(formatDateTimeLong(new Date('2026-12-07T00:00:00Z'))).toBe('7 December 2026 at 12:00am');
  });

  it('puts a day in its April-to-March financial year', () => {
    expect(financialYear('2026-04-01')).toBe('2026-27');
    expect(financialYear('2026-03-31')).toBe('2025-26');
    expect(financialYear('1999-12-31')).toBe('1999-00');
  });
});
