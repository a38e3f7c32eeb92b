import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/app.ts';
import { organisationWithIdentifier, registerFile, registerPresent } from '../../../../test/support/registers.ts';

const present = registerPresent('cascs_hmrc_community_amateur_sports_clubs.csv', 'the sports club and mutuals imports');
const file = registerFile;

let t: TestContext;
beforeAll(async () => {
  if (present) t = await createTestContext();
}, 60_000);
afterAll(async () => t?.close());

const org = (identifier: string) => organisationWithIdentifier(t.handle.db, identifier);

describe.skipIf(!present)('importing sports clubs and mutual societies', () => {
  it('imports the CASC list, one organisation per club whatever its duplicate rows, and again changes nothing', async () => {
    const first = await t.services.registers.importFile(file('cascs_hmrc_community_amateur_sports_clubs.csv'), {
      userId: null,
    });
    expect(first).toMatchObject({ format: 'cascs', rowsRead: 9700, rejected: 0 });
    expect(first.created).toBeGreaterThan(9000);
    expect(first.created).toBeLessThan(9700);
    // The same club under four identifiers, three inactive and one active: one active organisation holding all four.
    const club = await org('GB-CASC-9abbf705');
    expect(club).toMatchObject({
      name: '1066 Rifle & Pistol Club',
      status: 'active',
      listed: true,
      legal_form: 'casc',
      postcode: null,
    });
    for (const id of ['GB-CASC-df774eb0', 'GB-CASC-e609dbb6', 'GB-CASC-729b7e69'])
      expect((await org(id))?.id).toBe(club?.id);
    // Listed once active and once not: active wins; a real postcode wins over placeholders.
    expect(await org('GB-CASC-e2217d6c')).toMatchObject({ status: 'active', listed: true, postcode: 'KA15 2JR' });

    const second = await t.services.registers.importFile(file('cascs_hmrc_community_amateur_sports_clubs.csv'), {
      userId: null,
    });
    expect(second).toMatchObject({ rowsRead: 9700, created: 0, updated: 0, unchanged: 9700 });
  }, 120_000);

  it('links clubs to Companies House', async () => {
    const summary = await t.services.registers.importFile(file('casc_company_house.csv'), { userId: null });
    expect(summary).toMatchObject({ format: 'casc-companies', rowsRead: 927 });
    expect(summary.updated).toBeGreaterThan(700);
    expect((await org('GB-COH-09134127'))?.id).toBe((await org('GB-CASC-9348fda4'))?.id);
  }, 60_000);

  it('imports mutual societies with their Companies House numbers', async () => {
    const summary = await t.services.registers.importFile(file('drkane_mutual-companies.csv'), { userId: null });
    expect(summary).toMatchObject({ format: 'mutual-companies', rowsRead: 12182 });
    expect(summary.created).toBeGreaterThan(11000);
    const mutual = await org('GB-MPR-10008R');
    expect(mutual).toMatchObject({ name: 'Origin Housing Limited', listed: false });
    expect((await org('GB-COH-IP10008R'))?.id).toBe(mutual?.id);
  }, 120_000);
});
