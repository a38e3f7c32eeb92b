import { describe, expect, it } from 'vitest';
import { parseForm } from '../../web/forms.ts';
import { parseIncome, profileForm } from './forms.ts';

describe('the profile form', () => {
  it.each([
    ['12500', 1_250_000],
    ['£12,500', 1_250_000],
    ['12500.5', 1_250_050],
    [' 0 ', 0],
    ['', null],
    ['abc', 'invalid'],
    ['-5', 'invalid'],
    ['1.234', 'invalid'],
    // The kernel's reader of pounds: a comma must separate thousands, not stray inside a number.
    ['1,23', 'invalid'],
  ] as const)('reads income %j as %j', (input, expected) => {
    expect(parseIncome(input)).toBe(expected);
  });

  it('normalises identifiers, postcode and website, and names the field that is wrong', () => {
    const ok = parseForm(profileForm, {
      name: 'A',
      identifiers: 'Charity no 1146179\n\nCompany 7962245\nGB-CHC-1146179',
      postcode: 'cr0  1nx',
      website: 'example.org',
      publishEmail: 'yes',
    });
    expect(ok).toMatchObject({
      ok: true,
      data: {
        identifiers: ['GB-CHC-1146179', 'GB-COH-07962245'],
        postcode: 'CR0 1NX',
        website: 'https://example.org',
        publishEmail: true,
        publishPhone: false,
      },
    });
    const bad = parseForm(profileForm, { name: '', identifiers: '1146179\nGB-SC-12X', postcode: 'nowhere' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.name).toBe('Enter the name of the organisation');
    expect(bad.errors.identifiers).toContain('Identifier 2 (GB-SC-12X)');
    expect(bad.errors.postcode).toBe('Enter a real postcode, like CR0 1NX');
    expect(bad.values.identifiers).toBe('1146179\nGB-SC-12X');
  });

  it('asks for the income when only the year is given', () => {
    const result = parseForm(profileForm, { name: 'A', incomeYear: '2025' });
    expect(result.ok ? null : result.errors.latestIncome).toBe('Enter the latest income for that year');
  });
});
