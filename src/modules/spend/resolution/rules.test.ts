import { describe, expect, it } from 'vitest';
import { classifyByRules } from './rules.ts';

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
});
