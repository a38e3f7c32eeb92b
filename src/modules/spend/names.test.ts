import { describe, expect, it } from 'vitest';
import { isRedactedSupplier, normaliseSupplierName, supplierNameVariants } from './names.ts';

describe('normaliseSupplierName', () => {
  it.each([
    ['Croydon Voluntary Action Ltd', 'croydon voluntary action'],
    ['CROYDON VOLUNTARY ACTION LIMITED', 'croydon voluntary action'],
    ['Croydon Voluntary Action Ltd.', 'croydon voluntary action'],
    ['The Croydon Voluntary Action', 'croydon voluntary action'],
    ['Croydon Voluntary Action (The)', 'croydon voluntary action'],
    ['  Croydon   Voluntary\tAction  ', 'croydon voluntary action'],
    ['Age & Ageing Trust', 'age and ageing trust'],
    ['Age and Ageing Trust', 'age and ageing trust'],
    ['Café Crème Ltd', 'cafe creme'],
    ["St Mary's Church", 'st marys church'],
    ['St Marys Church', 'st marys church'],
    ['Smith-Jones Associates', 'smith jones associates'],
    ['Green Shoots C.I.C.', 'green shoots cic'],
    ['Green Shoots CIC', 'green shoots cic'],
    ['Acme Co Ltd', 'acme co'],
    ['The', 'the'],
    ['Limited', 'limited'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normaliseSupplierName(input)).toBe(expected);
  });

  it('keeps the legal name where it says trading as', () => {
    expect(normaliseSupplierName('John Smith T/A Smith Plumbing')).toBe('john smith');
    expect(normaliseSupplierName('J Smith Ltd t/as Quick Fix')).toBe('j smith');
    expect(normaliseSupplierName('J Smith trading as Quick Fix')).toBe('j smith');
    expect(normaliseSupplierName('Tanner Brothers')).toBe('tanner brothers');
  });
});

describe('supplierNameVariants', () => {
  it('gives the key then the trading name', () => {
    expect(supplierNameVariants('John Smith T/A The Smith Plumbing Ltd')).toEqual(['john smith', 'smith plumbing']);
    expect(supplierNameVariants('Mary Jones (T/A Sunny Days Nursery)')).toEqual(['mary jones', 'sunny days nursery']);
  });
  it('gives one variant for a plain name', () => {
    expect(supplierNameVariants('The Trussell Trust')).toEqual(['trussell trust']);
  });
  it('does not split a name that only starts with T/A', () => {
    expect(supplierNameVariants('T/A Nothing')).toEqual(['t a nothing']);
  });
  it('tries the name without “Trustees of”, with its legal form long, short or left out, and Saint as St', () => {
    expect(supplierNameVariants('The Trustees of the Ambridge Village Hall')).toEqual([
      'trustees of the ambridge village hall',
      'ambridge village hall',
    ]);
    expect(supplierNameVariants('Green Shoots Community Interest Company')).toEqual([
      'green shoots community interest company',
      'green shoots cic',
      'green shoots',
    ]);
    expect(supplierNameVariants('Green Shoots C.I.C.')).toEqual([
      'green shoots cic',
      'green shoots community interest company',
      'green shoots',
    ]);
    expect(supplierNameVariants('Borchester Carers CIO')).toContain(
      'borchester carers charitable incorporated organisation',
    );
    expect(supplierNameVariants('Ambridge Hall Limited by Guarantee')).toContain('ambridge hall');
    expect(supplierNameVariants('Saint Mary’s Church')).toEqual(['saint marys church', 'st marys church']);
    expect(supplierNameVariants('St Mary’s Church')).toEqual(['st marys church', 'saint marys church']);
    expect(supplierNameVariants('Borchester Advice Center')).toEqual([
      'borchester advice center',
      'borchester advice centre',
    ]);
  });
  it('does not shorten a name to one word or take a word for a legal form inside a name', () => {
    expect(supplierNameVariants('Trustees of Ambridge')).toEqual(['trustees of ambridge']);
    expect(supplierNameVariants('Acme CIC')).toEqual(['acme cic', 'acme community interest company']);
    expect(supplierNameVariants('Cicely Gardens')).toEqual(['cicely gardens']);
    expect(supplierNameVariants('First Street Stores')).toEqual(['first street stores']);
  });
});

describe('isRedactedSupplier', () => {
  it.each([
    'Redacted Personal Information',
    'REDACTED',
    'Redacted - personal data',
    'Personal data',
    'Personal Information',
    'Name withheld',
    'Withheld',
    'Various individuals',
    'Private Individual',
    'Individual',
    'Not disclosed',
    'Data Protection Act',
    'Confidential',
    '*****',
    'XXXX',
    'REDACTED \u0096 PERSONAL DATA',
    'Redaction',
  ])('%s is redacted', (name) => {
    expect(isRedactedSupplier(name)).toBe(true);
  });
  it.each([
    'Croydon Voluntary Action',
    'Individual Care Services Ltd',
    'Personal Touch Catering',
    'Sensitive Skin Clinic',
    'X',
    '',
    'Information Commissioner',
    'REDACTIVE PUBLISHING LIMITED',
    'Redactor Editorial Services',
  ])('%s is not redacted', (name) => {
    expect(isRedactedSupplier(name)).toBe(false);
  });
});
