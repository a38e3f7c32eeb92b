import { describe, expect, it } from 'vitest';
import { classifyByRules, exclusionFor } from './rules.ts';

describe('supplier rules', () => {
  it.each([
    ['Croydon Community Garden CIC', 'vcs', 'cic'],
    ['Oxfordshire Play Association', 'vcs', 'community_place'],
    ['St Mark’s PCC', 'vcs', 'faith'],
    ['Kent County Council', 'public_body', 'council'],
    ['Barts Health NHS Trust', 'public_body', 'nhs'],
    ['River Learning Trust - Marston Primary School', 'public_body', 'academy_trust'],
    ['University of Oxford', 'public_body', 'university_college'],
    ['Clarion Housing Association Ltd', 'not_vcs', 'housing_association'],
    ['Mr J G Patterson', 'not_vcs', 'person'],
    ['Acme Scaffolding Ltd', 'not_vcs', 'ltd'],
    ['Freight Industry Association', 'not_vcs', 'trade_body'],
    ['Croydon Food Bank', 'vcs', 'known_network'],
    ['Thornton Heath Arts', 'vcs', 'arts_heritage'],
    ['Addiscombe Heritage', 'vcs', 'arts_heritage'],
    ['Norbury Doorstep', 'vcs', 'community_place'],
    ['South Norwood Resource Centre Ltd', 'vcs', 'community_place'],
    ['Pixel Design Studio Ltd', 'not_vcs', 'ltd'],
  ])('%s → %s', (name, classification, rule) => {
    const verdict = classifyByRules(name);
    expect(verdict.classification).toBe(classification);
    expect(verdict.rule).toBe(rule);
    expect(verdict.reason.length).toBeGreaterThan(10);
  });

  it('reads grants in the council’s categories, but not grants to people', () => {
    expect(classifyByRules('Film Norwood', ['Grants']).classification).toBe('vcs');
    expect(classifyByRules('Film Norwood', ['Grants-Private Persons']).classification).toBe('not_vcs');
    // Expense codes as Harrogate's "Expenditure Code" column gives them.
    expect(
      classifyByRules('Film Norwood', ['Grants to Vol Organisations', 'Supplies and Services']).classification,
    ).toBe('vcs');
    expect(classifyByRules('Film Norwood', ['Contributions']).classification).toBe('vcs');
    expect(classifyByRules('Film Norwood', ['Supplies and Services']).classification).toBe('not_vcs');
  });

  it('is uncertain where a strong VCS sign meets an exclusion', () => {
    expect(classifyByRules('Friends of Elm Park School').classification).toBe('uncertain');
  });

  it.each([
    // A rural community council is a charity; a community council is a public body.
    ['Wessex Rural Community Council', 'vcs', 'known_network'],
    ['Llanfair Community Council', 'public_body', 'council'],
    // The University of the Third Age is run by volunteers; a university is not.
    ['Borsetshire University of the Third Age', 'vcs', 'known_network'],
    ['University of Borsetshire', 'public_body', 'university_college'],
    // Pre-schools are community playgroups; primary schools are the state's.
    ['Little Acorns Pre-School', 'vcs', 'community_place'],
    ['Elm Park Primary School', 'public_body', 'school'],
    // "Housing Ltd" is a registered provider's name; housing advice is a community service.
    ['Wessex Housing Ltd', 'not_vcs', 'housing_association'],
    ['Borsetshire Housing Advice Centre', 'vcs', 'community_place'],
    // National charities with names that say nothing of what they are.
    ['Change Grow Live', 'vcs', 'known_network'],
    ['Borsetshire CVS', 'vcs', 'known_charity_name'],
    ['CVS Veterinary Group plc', 'not_vcs', 'plc_llp'],
    // "Organisation" is the voluntary sector's word, unless the name says trade or business.
    ['The Borchester Response Organisation', 'vcs', 'organisation'],
    ['World Freight Organisation', 'not_vcs', 'trade_body'],
    ['Borchester Inspection Organisation Ltd', 'uncertain', 'weak_signals'],
    // Limited by guarantee is the not-for-profit company; limited alone is any company.
    ['Ambridge Hall Company Limited by Guarantee', 'vcs', 'guarantee'],
    ['Ambridge Hall Company Limited', 'not_vcs', 'ltd'],
    // Tenants' and residents' associations by their short names.
    ['Grange Estate TRA', 'vcs', 'community_place'],
    ['Grange Estate Residents Committee', 'vcs', 'community_place'],
    // A society that sells wine, a hotel: businesses; a choral society is not.
    ['The Claret Wine Society', 'not_vcs', 'retail_trade'],
    ['Grand Hotel Ltd', 'not_vcs', 'retail_trade'],
    ['Borchester Choral Society', 'vcs', 'music_group'],
    // Trade unions serve their members' work; a credit union is a community body.
    ['Unite the Union', 'not_vcs', 'trade_body'],
    ['Borchester Credit Union', 'vcs', 'known_network'],
    // NHS-owned companies that call themselves community health.
    ['Community Health Partnerships Ltd', 'public_body', 'nhs'],
    ['Borchester Community Health Champions', 'vcs', 'community'],
  ])('%s → %s (%s)', (name, classification, rule) => {
    const verdict = classifyByRules(name);
    expect(verdict.classification).toBe(classification);
    expect(verdict.rule).toBe(rule);
    expect(verdict.reason.length).toBeGreaterThan(10);
  });

  it('does not take a Sunday school for a state school', () => {
    expect(exclusionFor('Grace Chapel Sunday School')).toBeNull();
    expect(exclusionFor('Grace Chapel Junior School')?.rule).toBe('school');
  });

  it('lets the council’s grant category outweigh “Ltd” alone, but not a business’s name or other grants', () => {
    const grant = classifyByRules('Borchester Leisure Ltd', ['Grants']);
    expect(grant.classification).toBe('vcs');
    expect(grant.rule).toBe('category_grant');
    expect(grant.reason).toContain('Grants');
    // Without the category, "Ltd" and nothing else.
    expect(classifyByRules('Borchester Leisure Ltd').classification).toBe('not_vcs');
    // A word in the name does not outweigh "Ltd": the category must.
    expect(classifyByRules('Village Bakery Ltd').classification).toBe('uncertain');
    // More than "Ltd" against it.
    expect(classifyByRules('Borchester Leisure Services Ltd', ['Grants']).classification).toBe('not_vcs');
    // Grants to businesses in a pandemic, and contributions that are not gifts.
    expect(classifyByRules('Borchester Leisure Ltd', ['COVID-19 Restart Grants']).classification).toBe('not_vcs');
    expect(classifyByRules('Borchester Leisure', ['Developer Contributions Unapplied']).classification).toBe('not_vcs');
    expect(classifyByRules('Borchester Leisure', ['Employers Pension Contributions']).classification).toBe('not_vcs');
  });
});
