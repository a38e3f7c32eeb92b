// The six sections every specification is written in, in the order they are read.

export const sectionKeys = [
  'context',
  'outcomes_sought',
  'service_requirements',
  'delivery_model_options',
  'budget',
  'timetable',
] as const;

export type SectionKey = (typeof sectionKeys)[number];
export type Sections = Record<SectionKey, string>;

export const sectionLabels: Record<SectionKey, string> = {
  context: 'Context',
  outcomes_sought: 'Outcomes sought',
  service_requirements: 'Service requirements',
  delivery_model_options: 'Delivery model options',
  budget: 'Budget',
  timetable: 'Timetable',
};

export const sectionHints: Record<SectionKey, string> = {
  context: 'The need this answers, who it is for and what the needs assessment found.',
  outcomes_sought: 'What should be different for people, in plain words. Measures go in the outcomes framework.',
  service_requirements: 'What the service must do, and what it must not do.',
  delivery_model_options:
    'Ways it could be delivered: one provider, lots for smaller providers, a partnership or an alliance.',
  budget: 'How much money there is, over how long, and how it will be paid.',
  timetable: 'Key dates: publication, questions, closing, decision, start.',
};

export const isSectionKey = (value: string): value is SectionKey => (sectionKeys as readonly string[]).includes(value);

/** Sections from any stored or posted shape: unknown keys dropped, missing ones empty, text trimmed. */
export function normaliseSections(input: unknown): Sections {
  const source = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const out = {} as Sections;
  for (const key of sectionKeys) {
    const value = source[key];
    out[key] = typeof value === 'string' ? value.replace(/\r\n/g, '\n').trim() : '';
  }
  return out;
}

export const emptySections = (): Sections => normaliseSections({});

/** Which sections changed between two versions. */
export function changedSections(before: Sections, after: Sections): SectionKey[] {
  return sectionKeys.filter((key) => before[key] !== after[key]);
}
