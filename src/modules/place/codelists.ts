// Codelists shared by the directory and register data: the Charity Commission's own classification
// (what a charity does, who it helps, how it works), so imported registers and profiles speak alike.
import type { ClassificationList } from '../../db/schema.ts';

export type Code = { code: string; label: string };

export const serviceAreas: Code[] = [
  { code: '101', label: 'General charitable purposes' },
  { code: '102', label: 'Education and training' },
  { code: '103', label: 'Health and saving lives' },
  { code: '104', label: 'Disability' },
  { code: '105', label: 'Preventing or relieving poverty' },
  { code: '106', label: 'Overseas aid and famine relief' },
  { code: '107', label: 'Accommodation and housing' },
  { code: '108', label: 'Religious activities' },
  { code: '109', label: 'Arts, culture, heritage and science' },
  { code: '110', label: 'Amateur sport' },
  { code: '111', label: 'Animals' },
  { code: '112', label: 'Environment and conservation' },
  { code: '113', label: 'Economic and community development, employment' },
  { code: '114', label: 'Armed forces and emergency services' },
  { code: '115', label: 'Human rights, equality and diversity' },
  { code: '116', label: 'Recreation' },
  { code: '117', label: 'Other charitable purposes' },
];

export const beneficiaryGroups: Code[] = [
  { code: '201', label: 'Children and young people' },
  { code: '202', label: 'Older people' },
  { code: '203', label: 'Disabled people' },
  { code: '204', label: 'People of a particular ethnic or racial origin' },
  { code: '205', label: 'Other charities and voluntary groups' },
  { code: '206', label: 'Other defined groups' },
  { code: '207', label: 'The general public' },
];

export const waysOfWorking: Code[] = [
  { code: '301', label: 'Makes grants to individuals' },
  { code: '302', label: 'Makes grants to organisations' },
  { code: '303', label: 'Provides other finance' },
  { code: '304', label: 'Provides people (staff or volunteers)' },
  { code: '305', label: 'Provides buildings, facilities or open space' },
  { code: '306', label: 'Provides services' },
  { code: '307', label: 'Provides advocacy, advice or information' },
  { code: '308', label: 'Sponsors or undertakes research' },
  { code: '309', label: 'Acts as an umbrella or resource body' },
  { code: '310', label: 'Other activities' },
];

export const codelists: Record<ClassificationList, Code[]> = {
  service_area: serviceAreas,
  beneficiary_group: beneficiaryGroups,
  way_of_working: waysOfWorking,
};

/** NCVO size bands by latest annual income (pounds); the database derives the band the same way. */
export const sizeBands = [
  { code: 'micro', label: 'Micro (under £10,000)', maxPounds: 10_000 },
  { code: 'small', label: 'Small (£10,000 to £100,000)', maxPounds: 100_000 },
  { code: 'medium', label: 'Medium (£100,000 to £1 million)', maxPounds: 1_000_000 },
  { code: 'large', label: 'Large (£1 million to £10 million)', maxPounds: 10_000_000 },
  { code: 'major', label: 'Major (£10 million to £100 million)', maxPounds: 100_000_000 },
  { code: 'super_major', label: 'Super-major (over £100 million)', maxPounds: Number.POSITIVE_INFINITY },
] as const;

export type SizeBandCode = (typeof sizeBands)[number]['code'];

export function sizeBandFor(incomePounds: number | null | undefined): SizeBandCode | null {
  if (incomePounds == null || Number.isNaN(incomePounds)) return null;
  return sizeBands.find((b) => incomePounds < b.maxPounds)!.code;
}

export function labelFor(list: Code[] | readonly { code: string; label: string }[], code: string): string {
  return list.find((c) => c.code === code)?.label ?? code;
}
