import { describe, expect, it } from 'vitest';
import { createViewEnvironment } from './views.ts';

describe('view filters', () => {
  const env = createViewEnvironment();
  const render = (template: string, context: object) => env.renderString(template, context);

  it('writes a numeric value with thousands separated, keeping every digit the database gave', () => {
    expect(render('{{ v | figure }}', { v: '7530' })).toBe('7,530');
    expect(render('{{ v | figure }}', { v: '1234567.125' })).toBe('1,234,567.125');
    expect(render('{{ v | figure }}', { v: '-12000' })).toBe('-12,000');
    expect(render('{{ v | figure }}', { v: '0.5' })).toBe('0.5');
    expect(render('{{ v | figure }}', { v: 950 })).toBe('950');
    expect(render('[{{ v | figure }}]', { v: null })).toBe('[]');
  });
});
