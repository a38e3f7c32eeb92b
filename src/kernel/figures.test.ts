import { expect, it } from 'vitest';
import { formatFigure } from './figures.ts';

it('separates thousands and keeps every decimal, exactly', () => {
  expect(formatFigure('7530')).toBe('7,530');
  expect(formatFigure('-1234567.125')).toBe('-1,234,567.125');
  expect(formatFigure('12345678901234567890.5')).toBe('12,345,678,901,234,567,890.5');
  expect(formatFigure(0)).toBe('0');
  expect(formatFigure(null)).toBe('');
  expect(formatFigure('')).toBe('');
});
