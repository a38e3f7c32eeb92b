import { describe, expect, it } from 'vitest';
import { identifierCandidates, normaliseIdentifier, parseIdentifier, registerUrl, schemeOf } from './identifiers.ts';
import { RESERVED_SLUGS, slugFor, slugify } from './slugs.ts';

describe('normaliseIdentifier', () => {
  it.each([
    ['1234567', 'GB-CHC-1234567'],
    ['GB-CHC-01234567', 'GB-CHC-1234567'],
    ['gb chc 1146179', 'GB-CHC-1146179'],
    ['Charity no. 1,146,179', 'GB-CHC-1146179'],
    ['Registered charity number: 279417', 'GB-CHC-279417'],
    ['Company 1234567', 'GB-COH-01234567'],
    ['Company number SC123456', 'GB-COH-SC123456'],
    ['GB-COH-ip10002r', 'GB-COH-IP10002R'],
    ['NI012345', 'GB-COH-NI012345'],
    ['SC012345', 'GB-SC-SC012345'],
    ['GB-SC-SC042386', 'GB-SC-SC042386'],
    ['OSCR 42386', 'GB-SC-SC042386'],
    ['GB-NIC-100019', 'GB-NIC-100019'],
    ['NIC100019', 'GB-NIC-100019'],
    ['GB-MPR-10002R', 'GB-MPR-10002R'],
    ['Society no 7623', 'GB-MPR-7623'],
    ['GB-CASC-DF679063', 'GB-CASC-df679063'],
    ['CASC df679063', 'GB-CASC-df679063'],
  ])('reads %s as %s', (input, expected) => {
    expect(normaliseIdentifier(input)).toBe(expected);
  });

  it('reads a bare number as the scheme it is told', () => {
    expect(normaliseIdentifier('1234567', { scheme: 'GB-COH' })).toBe('GB-COH-01234567');
    expect(normaliseIdentifier('100019', { scheme: 'GB-NIC' })).toBe('GB-NIC-100019');
    expect(normaliseIdentifier('42386', { scheme: 'GB-SC' })).toBe('GB-SC-SC042386');
  });

  it.each([
    '',
    'hello',
    'GB-CHC-12345678901',
    'GB-COH-123456789',
    'GB-SC-AB123',
    'GB-NIC-99999',
    'GB-CASC-xyz',
    'Company of Friends',
  ])('refuses %j', (input) => {
    expect(normaliseIdentifier(input)).toBeNull();
  });
});

describe('parseIdentifier messages', () => {
  it('says what a number of each scheme looks like', () => {
    expect(parseIdentifier('GB-CHC-abc')).toEqual({ ok: false, message: expect.stringContaining('up to 8 digits') });
    expect(parseIdentifier('GB-COH-12AB')).toEqual({ ok: false, message: expect.stringContaining('8 characters') });
    expect(parseIdentifier('GB-SC-AB1')).toEqual({ ok: false, message: expect.stringContaining('SC followed by 6') });
    expect(parseIdentifier('GB-NIC-12345')).toEqual({ ok: false, message: expect.stringContaining('100000 or more') });
    expect(parseIdentifier('GB-MPR-R10')).toEqual({ ok: false, message: expect.stringContaining('letter suffix') });
    expect(parseIdentifier('GB-CASC-1234')).toEqual({ ok: false, message: expect.stringContaining('GB-CASC-') });
    expect(parseIdentifier('GB-XYZ-1')).toEqual({ ok: false, message: expect.stringContaining('not a register') });
  });

  it('gives the scheme and local part', () => {
    expect(parseIdentifier('GB-COH-SC123456')).toEqual({
      ok: true,
      identifier: 'GB-COH-SC123456',
      scheme: 'GB-COH',
      localId: 'SC123456',
    });
  });

  it('links to the public register where there is one', () => {
    expect(registerUrl('GB-CHC-1146179')).toContain('charitycommission.gov.uk');
    expect(registerUrl('GB-COH-07962245')).toContain('/company/07962245');
    expect(registerUrl('GB-CASC-df679063')).toBeNull();
    expect(schemeOf('GB-SC-SC042386')).toBe('GB-SC');
  });
});

describe('slugs', () => {
  it('makes readable web addresses', () => {
    expect(slugify("St Mary's Church & Community Centre (Croydon)")).toBe(
      'st-marys-church-and-community-centre-croydon',
    );
    expect(slugify('Café Crème')).toBe('cafe-creme');
    expect(slugify('!!!')).toBe('organisation');
    expect(slugify('word '.repeat(40)).length).toBeLessThanOrEqual(80);
    expect(slugify('word '.repeat(40))).not.toMatch(/-$/);
  });

  it('adds a number when the address is taken or reserved', async () => {
    const taken = new Set(['croydon-foodbank', 'croydon-foodbank-2']);
    expect(await slugFor('Croydon Foodbank', (s) => taken.has(s))).toBe('croydon-foodbank-3');
    expect(await slugFor('Croydon Mind', (s) => taken.has(s))).toBe('croydon-mind');
    expect(RESERVED_SLUGS.has('new')).toBe(true);
    expect(await slugFor('New', () => false)).toBe('new-2');
  });
});

describe('identifierCandidates', () => {
  it('lists what a bare number could be', () => {
    expect(identifierCandidates('1146179')).toEqual(expect.arrayContaining(['GB-CHC-1146179', 'GB-COH-01146179']));
    expect(identifierCandidates('100019')).toEqual(expect.arrayContaining(['GB-NIC-100019', 'GB-CHC-100019']));
    expect(identifierCandidates('SC012345')).toEqual(expect.arrayContaining(['GB-SC-SC012345', 'GB-COH-SC012345']));
    expect(identifierCandidates('Croydon Foodbank')).toEqual([]);
  });
});
