import { describe, expect, it } from 'vitest';
import { classified } from './rules.ts';

describe('an organisation’s classification codes', () => {
  it('puts each known code in the list its number belongs to, and leaves unknown codes out', () => {
    expect(
      classified([
        { list: 'service_area', code: '110' },
        { list: 'service_area', code: '201' }, // a beneficiary group stored as a service area
        { list: 'beneficiary_group', code: '0202' },
        { list: 'way_of_working', code: '306' },
        { list: 'service_area', code: '999' },
        { list: 'beneficiary_group', code: 'Children' },
      ]),
    ).toEqual({ serviceAreas: ['110'], beneficiaryGroups: ['201', '202'], waysOfWorking: ['306'] });
  });
});
