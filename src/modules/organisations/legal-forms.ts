// The legal forms a VCS organisation can take. Register imports may store other text; it is shown as it is.

export const legalForms = [
  { code: 'charity', label: 'Registered charity (trust or association)' },
  { code: 'cio', label: 'Charitable incorporated organisation (CIO)' },
  { code: 'charitable_company', label: 'Charitable company' },
  { code: 'cic', label: 'Community interest company (CIC)' },
  { code: 'community_benefit_society', label: 'Community benefit society' },
  { code: 'cooperative', label: 'Co-operative' },
  { code: 'community_group', label: 'Unincorporated association or community group' },
  { code: 'faith_group', label: 'Faith group' },
  { code: 'casc', label: 'Community amateur sports club (CASC)' },
  { code: 'other', label: 'Other' },
] as const;

export type LegalForm = (typeof legalForms)[number]['code'];

export const legalFormCodes = legalForms.map((f) => f.code) as [LegalForm, ...LegalForm[]];

export function legalFormLabel(code: string | null | undefined): string {
  if (!code) return '';
  return legalForms.find((f) => f.code === code)?.label ?? code;
}
