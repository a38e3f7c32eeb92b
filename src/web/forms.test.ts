import { describe, expect, it } from 'vitest';
import { dateFrom, readDate } from './forms.ts';

describe('GOV.UK date inputs', () => {
  it('reads the three boxes as a date, nothing, the parts missing, or not a real date', () => {
    expect(readDate('7', '3', '2027')).toBe('2027-03-07');
    expect(readDate(' 29 ', '02', '2028')).toBe('2028-02-29');
    expect(readDate('', '', '')).toBeNull();
    expect(readDate(undefined, undefined, undefined)).toBeNull();
    expect(readDate('7', '', '')).toEqual({ missing: 'month and year' });
    expect(readDate('29', '2', '2027')).toEqual({ invalid: true });
    expect(readDate('1', '13', '2027')).toEqual({ invalid: true });
    expect(readDate('1', '1', '27')).toEqual({ invalid: true });
    expect(readDate('one', '1', '2027')).toEqual({ invalid: true });
  });

  it('says what to do about a date in a form, in the words of its label', () => {
    const issues: { field: string; message: string }[] = [];
    const body = { 'closes-day': '31', 'closes-month': '4', 'closes-year': '2027', 'starts-month': '5' };
    expect(dateFrom(body, 'closes', 'the closing date', issues, true)).toBe('');
    expect(dateFrom(body, 'starts', 'the start date', issues, true)).toBe('');
    expect(dateFrom(body, 'decision', 'the decision date', issues, true)).toBe('');
    expect(dateFrom(body, 'optional', 'an optional date', issues, false)).toBe('');
    expect(issues).toEqual([
      { field: 'closes', message: 'The closing date must be a real date' },
      { field: 'starts', message: 'The start date must include a day and year' },
      { field: 'decision', message: 'Enter the decision date' },
    ]);
    expect(dateFrom({ 'd-day': '30', 'd-month': '4', 'd-year': '2027' }, 'd', 'the date', [], true)).toBe('2027-04-30');
  });
});
