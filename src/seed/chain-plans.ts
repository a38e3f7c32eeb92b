// The plans of the demonstration commissioning chains, each at a different stage: a specification in draft; one
// signed off by its co-producers with workshops and an outcomes framework but no opportunity yet; an open
// opportunity with lots, questions, criteria and answered clarifications; and one complete chain from the need to an
// award being monitored. Fictional; src/seed/commissioning.ts writes them.
import type { OpportunityStatus, SpecificationStatus } from '../db/schema.ts';
import type { Sections } from '../modules/commissioning/specifications/sections.ts';

/** The slugs and references the demo chains own: the seed refreshes them and nothing else. */
export const demoChainSlugs = {
  specifications: [
    'demo-getting-online-service',
    'demo-carers-breaks-and-peer-support',
    'demo-after-school-safe-spaces',
    'demo-warm-spaces-network',
  ],
  opportunities: ['demo-after-school-safe-spaces-grants', 'demo-warm-spaces-network-grants'],
  awards: ['demo-warm-spaces-north-croydon-partnership'],
  applications: ['DEMO-WARM-0001', 'DEMO-WARM-0002'],
};

export type Indicator = {
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: 'increase' | 'decrease' | 'maintain';
  frequency: 'monthly' | 'quarterly' | 'annually';
  source: string;
};
export type SpecPlan = {
  slug: string;
  need: string;
  title: string;
  status: SpecificationStatus;
  versions: { sections: Sections; note: string; daysAgo: number }[];
  coproducers: { who: 'resident' | 'vcs'; label: string; signs: boolean }[];
  workshops: { daysAgo: number; participants: Record<string, number>; changed: string }[];
  outcomes: { title: string; description: string; indicators: Indicator[] }[];
  comments: { who: 'resident' | 'vcs'; section: keyof Sections; body: string }[];
  publishedDaysAgo?: number;
};

const sections = (s: Partial<Sections> & Pick<Sections, 'context' | 'outcomes_sought'>): Sections => ({
  service_requirements: '',
  delivery_model_options: '',
  budget: '',
  timetable: '',
  ...s,
});

export const specs: SpecPlan[] = [
  {
    slug: 'demo-getting-online-service',
    need: 'demo-digital-inclusion',
    title: 'Help to get online',
    status: 'draft',
    versions: [
      {
        daysAgo: 3,
        note: 'First draft',
        sections: sections({
          context: 'Some residents have no device, no data or no confidence to use online services.',
          outcomes_sought: 'Residents can use the online services they need, or get help to.',
          service_requirements: 'Drop-in help in libraries and community centres; lending of devices and data.',
        }),
      },
    ],
    coproducers: [],
    workshops: [],
    outcomes: [],
    comments: [],
  },
  {
    slug: 'demo-carers-breaks-and-peer-support',
    need: 'demo-respite-for-unpaid-carers',
    title: 'Breaks and peer support for unpaid carers',
    status: 'signed_off',
    versions: [
      {
        daysAgo: 20,
        note: 'First draft',
        sections: sections({
          context: 'Unpaid carers in the north of the borough cannot get a break.',
          outcomes_sought: 'Carers have regular time to themselves and someone to talk to.',
          service_requirements: 'A sitting service and peer support groups.',
          budget: 'Up to £80,000 a year for two years.',
          timetable: 'Service to start in the spring.',
        }),
      },
      {
        daysAgo: 9,
        note: 'Evening groups and a weekly sitting service added after the workshop',
        sections: sections({
          context:
            'Unpaid carers in Thornton Heath, Bensham Manor, West Thornton and Norbury & Pollards Hill cannot get a break, and few know about the carers assessment.',
          outcomes_sought:
            'Carers have a regular day to themselves, someone to talk to who understands, and know where to turn.',
          service_requirements:
            'A weekly sitting service; evening peer support groups for working carers; information in Tamil and Polish.',
          delivery_model_options: 'Lots for a sitting service and for peer groups, so small local groups can bid.',
          budget: 'Up to £80,000 a year for two years, paid quarterly in advance.',
          timetable: 'Opportunity published next month; service starting in the spring.',
        }),
      },
    ],
    coproducers: [
      { who: 'resident', label: 'Carer with lived experience', signs: true },
      { who: 'vcs', label: 'Local carers group', signs: true },
    ],
    workshops: [
      {
        daysAgo: 14,
        participants: { residents: 9, vcs_members: 5, commissioners: 2, officers: 1, others: 0 },
        changed: 'Carers asked for evening groups and a regular sitting day; both are now requirements.',
      },
      {
        daysAgo: 6,
        participants: { residents: 6, vcs_members: 4, commissioners: 1, officers: 1, others: 1 },
        changed: 'The outcome measures were reworded in the words carers use.',
      },
    ],
    outcomes: [
      {
        title: 'Carers get a regular break',
        description: 'Carers have time to themselves every week.',
        indicators: [
          {
            name: 'Carers with a weekly break',
            unit: 'carers',
            baseline: '0',
            target: '120',
            direction: 'increase',
            frequency: 'quarterly',
            source: 'Provider records',
          },
        ],
      },
      {
        title: 'Carers feel less alone',
        description: 'Carers have someone to talk to who understands.',
        indicators: [
          {
            name: 'Carers who say they feel less alone',
            unit: 'percent',
            baseline: '35',
            target: '70',
            direction: 'increase',
            frequency: 'annually',
            source: 'Carers survey',
          },
        ],
      },
    ],
    comments: [
      {
        who: 'resident',
        section: 'service_requirements',
        body: 'Please make sure the sitting service can cover a whole day.',
      },
    ],
  },
  {
    slug: 'demo-after-school-safe-spaces',
    need: 'demo-safe-spaces-for-young-people',
    title: 'Safe spaces for young people after school',
    status: 'published',
    publishedDaysAgo: 10,
    versions: [
      {
        daysAgo: 40,
        note: 'First draft, with the youth panel',
        sections: sections({
          context: 'Young people in New Addington have few places to go between school and home.',
          outcomes_sought: 'Young people have somewhere safe, warm and welcoming to go after school.',
          service_requirements: 'Open at least three weekday evenings until 8pm; work with the library.',
          delivery_model_options: 'A youth club lot and a lot of small grants for sport and arts sessions.',
          budget: '£90,000 over two years.',
          timetable: 'Opening in the new term.',
        }),
      },
    ],
    coproducers: [{ who: 'resident', label: 'Youth panel member', signs: true }],
    workshops: [
      {
        daysAgo: 35,
        participants: { residents: 14, vcs_members: 3, commissioners: 1, officers: 1, others: 2 },
        changed: 'Young people asked for sport and music as well as a place to sit.',
      },
    ],
    outcomes: [
      {
        title: 'Young people have somewhere safe to go',
        description: 'Places open after school, every weekday in term.',
        indicators: [
          {
            name: 'Young people attending each week',
            unit: 'young people',
            baseline: '0',
            target: '80',
            direction: 'increase',
            frequency: 'quarterly',
            source: 'Attendance records',
          },
        ],
      },
    ],
    comments: [],
  },
  {
    slug: 'demo-warm-spaces-network',
    need: 'demo-warm-welcoming-spaces',
    title: 'A network of warm, welcoming spaces',
    status: 'published',
    publishedDaysAgo: 70,
    versions: [
      {
        daysAgo: 95,
        note: 'First draft',
        sections: sections({
          context: 'Rising energy costs leave some residents unable to heat their homes.',
          outcomes_sought: 'Anyone can keep warm and find help with money over the winter.',
          service_requirements: 'Warm spaces open at least four days a week from November to March.',
          budget: '£60,000 for one winter.',
          timetable: 'Open by the first week of the winter.',
        }),
      },
      {
        daysAgo: 80,
        note: 'Money advice and a smaller lot added after the workshop',
        sections: sections({
          context:
            'Rising energy costs leave some residents unable to heat their homes. Warm spaces run by community groups were well used last winter.',
          outcomes_sought: 'Anyone can keep warm, have a hot drink, and find help with money over the winter.',
          service_requirements:
            'Warm spaces open at least four days a week from November to March, with money advice on site each week.',
          delivery_model_options: 'One lot for a network in the north, one for small spaces anywhere in the borough.',
          budget: '£60,000 for one winter: £40,000 and £20,000.',
          timetable: 'Applications in the autumn, spaces open from the first week of winter.',
        }),
      },
    ],
    coproducers: [
      { who: 'resident', label: 'Warm space visitor', signs: true },
      { who: 'vcs', label: 'Community centre manager', signs: true },
    ],
    workshops: [
      {
        daysAgo: 85,
        participants: { residents: 11, vcs_members: 7, commissioners: 2, officers: 1, others: 0 },
        changed: 'Visitors asked for money advice on site; a smaller lot was added for church halls and clubs.',
      },
    ],
    outcomes: [
      {
        title: 'People keep warm and well',
        description: 'Residents who cannot heat their homes have somewhere warm to go.',
        indicators: [
          {
            name: 'Visits to warm spaces',
            unit: 'visits',
            baseline: '7530',
            target: '9000',
            direction: 'increase',
            frequency: 'monthly',
            source: 'Visitor counts',
          },
          {
            name: 'People given money advice',
            unit: 'people',
            baseline: '0',
            target: '300',
            direction: 'increase',
            frequency: 'quarterly',
            source: 'Advice records',
          },
        ],
      },
    ],
    comments: [{ who: 'vcs', section: 'budget', body: 'Could part of the money pay for heating the hall itself?' }],
  },
];

export type OpportunityPlan = {
  slug: string;
  title: string;
  summary: string;
  status: OpportunityStatus;
  serviceArea: string;
  totalPounds: number;
  months: number;
  eligibility: string;
  publishedDaysAgo: number;
  clarificationsCloseIn: number;
  closesIn: number;
  decisionIn: number;
  startsIn: number;
  wards: string[];
  /** `maxPounds`: the most one application may ask for, where the lot is several grants. */
  lots: { title: string; description: string; pounds: number; maxPounds?: number; small: boolean }[];
  questions: { prompt: string; guidance: string; words: number }[];
  criteria: { title: string; description: string; weight: number }[];
  clarifications: { question: string; answer: string | null }[];
};

const standardCriteria = [
  {
    title: 'Understanding of the need',
    description: 'How well the bid shows it knows the people and places.',
    weight: 40,
  },
  { title: 'Delivery and partnership', description: 'A realistic plan, with the right local partners.', weight: 35 },
  { title: 'Value for money', description: 'A clear budget that puts the money where it helps most.', weight: 25 },
];
const standardQuestions = [
  {
    prompt: 'Who will you help, and how do you know they need it?',
    guidance: 'Use what people have told you.',
    words: 400,
  },
  { prompt: 'How will you deliver the service?', guidance: 'Say where, when and who will do it.', words: 500 },
  { prompt: 'How will you know it is working?', guidance: 'Refer to the outcome indicators.', words: 300 },
];

export const openOpportunity: OpportunityPlan = {
  slug: 'demo-after-school-safe-spaces-grants',
  title: 'Safe spaces after school in New Addington',
  summary:
    'Grants for places where young people aged 11 to 18 can go after school: a youth club on weekday evenings, and small grants for sport and arts sessions.',
  status: 'open',
  serviceArea: '102',
  totalPounds: 90_000,
  months: 24,
  eligibility: 'Voluntary and community organisations with a safeguarding policy, working in New Addington.',
  publishedDaysAgo: 10,
  clarificationsCloseIn: 10,
  closesIn: 21,
  decisionIn: 45,
  startsIn: 75,
  wards: ['New Addington North', 'New Addington South'],
  lots: [
    {
      title: 'Youth club on weekday evenings',
      description: 'Open at least three evenings a week until 8pm.',
      pounds: 60_000,
      small: false,
    },
    {
      title: 'Small grants for sport and arts sessions',
      description: 'Up to £5,000 each; suited to small groups and clubs.',
      pounds: 30_000,
      maxPounds: 5_000,
      small: true,
    },
  ],
  questions: standardQuestions,
  criteria: standardCriteria,
  clarifications: [
    {
      question: 'Can two small clubs apply together for the small grants lot?',
      answer: 'Yes. Apply as a partnership, with one club as the lead.',
    },
    {
      question: 'Do sessions have to be held in New Addington itself?',
      answer: 'Most should be; trips elsewhere are welcome as part of the programme.',
    },
  ],
};

export const completeOpportunity: OpportunityPlan = {
  slug: 'demo-warm-spaces-network-grants',
  title: 'Warm spaces network this winter',
  summary:
    'Grants for warm, welcoming spaces where anyone can keep warm, have a hot drink and get help with money, from November to March.',
  status: 'awarded',
  serviceArea: '105',
  totalPounds: 60_000,
  months: 12,
  eligibility: 'Voluntary and community organisations with a suitable, accessible building in the borough.',
  publishedDaysAgo: 70,
  clarificationsCloseIn: -50,
  closesIn: -40,
  decisionIn: -12,
  startsIn: 7,
  wards: [],
  lots: [
    {
      title: 'Warm spaces network in the north of the borough',
      description: 'At least three spaces, open four days a week, with money advice.',
      pounds: 40_000,
      small: false,
    },
    {
      title: 'Small warm spaces',
      description: 'Church halls, clubs and community rooms, anywhere in the borough.',
      pounds: 20_000,
      small: true,
    },
  ],
  questions: standardQuestions,
  criteria: standardCriteria,
  clarifications: [
    { question: 'Can the grant pay for heating our hall?', answer: 'Yes, a fair share of heating and lighting costs.' },
  ],
};

/** The two bids to the complete chain's first lot, from the organisations the demo found to make them. */
export const bidPlans = (orgs: { lead: string; partner: string; single: string }) => [
  {
    reference: 'DEMO-WARM-0001',
    lead: orgs.lead,
    kind: 'partnership' as const,
    title: 'Warm welcome in the north: three spaces, one network',
    requested: 40_000,
    status: 'successful' as const,
    rank: 1,
    feedback:
      'A strong bid: it showed clearly who the spaces are for, with partners already known to local people. The panel asked for the money advice sessions to start in the first month.',
    partners: [
      { org: orgs.lead, lead: true, role: 'Lead: runs two spaces and the network', share: 25_000 },
      { org: orgs.partner, lead: false, role: 'Runs the third space and the money advice', share: 15_000 },
    ],
    scores: [5, 4, 4],
  },
  {
    reference: 'DEMO-WARM-0002',
    lead: orgs.single,
    kind: 'single' as const,
    title: 'A warm room at our centre',
    requested: 38_000,
    status: 'unsuccessful' as const,
    rank: 2,
    feedback:
      'The panel liked the welcome your centre gives. The bid was less clear about reaching people who do not already use the centre, and the budget did not show how money advice would be paid for. You may wish to apply for the small warm spaces lot next winter.',
    partners: [{ org: orgs.single, lead: true, role: 'Sole applicant', share: 38_000 }],
    scores: [3, 3, 2],
  },
];
export type BidPlan = ReturnType<typeof bidPlans>[number];

/** Both bids answer the three standard questions alike. */
export const bidAnswers = [
  'Older people living alone and families on low incomes near our halls; last winter 2,000 visits were made to our spaces.',
  'Three spaces open Monday to Thursday, 10am to 4pm, with volunteers trained in Making Every Contact Count.',
  'We count visits every day and record advice given; we will report against both indicators.',
];

/** Who plays the chains: demo people by role, the demo organisations that bid, and the place's wards by name. */
export type Lookups = {
  commissioner: string;
  officer: string;
  resident: string;
  vcs: string;
  /** Demo organisations for the applications: the VCS sign-in's own, a partner and a single applicant. */
  lead: string;
  partner: string;
  single: string;
  wards: Map<string, string>;
};
