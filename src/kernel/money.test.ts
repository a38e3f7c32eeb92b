import { describe, expect, it } from 'vitest';
import { formatMoney, parsePounds, penceToDecimal, penceToPoundsNumber } from './money.ts';

describe('money in pence', () => {
  it('formats pence with thousands separated and two decimals, exactly', () => {
    expect(formatMoney(123456)).toBe('£1,234.56');
    expect(formatMoney(5)).toBe('£0.05');
    expect(formatMoney(-1200)).toBe('-£12.00');
    expect(formatMoney('900719925474099199')).toBe('£9,007,199,254,740,991.99');
    expect(formatMoney(10n ** 20n)).toBe('£1,000,000,000,000,000,000.00');
  });

  it('rounds to whole pounds half away from zero', () => {
    expect(formatMoney(123450, { whole: true })).toBe('£1,235');
    expect(formatMoney(123449, { whole: true })).toBe('£1,234');
    expect(formatMoney(-150, { whole: true })).toBe('-£2');
  });

  it('refuses what is not whole pence', () => {
    expect(() => formatMoney(1.5)).toThrow(/whole pence/);
    expect(() => formatMoney('12.50')).toThrow(/whole pence/);
  });

  it('writes decimals for files and numbers for JSON standards', () => {
    expect(penceToDecimal(123405)).toBe('1234.05');
    expect(penceToDecimal(-7)).toBe('-0.07');
    expect(penceToPoundsNumber(1999)).toBe(19.99);
  });

  it('reads pounds as people type them', () => {
    expect(parsePounds('£1,234.5')).toBe(123450);
    expect(parsePounds(' 1234 ')).toBe(123400);
    expect(parsePounds('-12.30')).toBe(-1230);
    expect(parsePounds('0.07')).toBe(7);
    for (const bad of ['', '12.345', '1,23', 'ten pounds', '£', '1e5']) expect(parsePounds(bad)).toBeNull();
  });
});
