// Demonstration commissioning chains, each at a different stage: a specification in draft; one signed off by its
// co-producers with workshops and an outcomes framework but no opportunity yet; an open opportunity with lots,
// questions, criteria and answered clarifications; and one complete chain from the need to an award being monitored.
// Fictional, marked `is_demo` where the table has the column, and refreshed on every run by slug (or reference),
// keeping each row's id so that addresses and ocids stay the same.
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.ts';
import type { OpportunityStatus, SpecificationStatus } from '../db/schema.ts';
import type { Sections } from '../modules/commissioning/specifications/sections.ts';
import type { Services } from '../services.ts';

const DAY = 86_400_000;
const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const at = (days: number, hour = 10) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const pounds = (n: number) => n * 100;

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

type Indicator = {
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: 'increase' | 'decrease' | 'maintain';
  frequency: 'monthly' | 'quarterly' | 'annually';
  source: string;
};
type SpecPlan = {
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

const specs: SpecPlan[] = [
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

type Lookups = {
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

async function lookups(trx: Database): Promise<Lookups | undefined> {
  const users = await trx
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('is_demo', '=', true)
    .where('email', 'in', [
      'commissioner@demo.example',
      'officer@demo.example',
      'resident@demo.example',
      'vcs@demo.example',
    ])
    .execute();
  const user = (email: string) => users.find((u) => u.email === email)?.id;
  const [commissioner, officer, resident, vcs] = [
    user('commissioner@demo.example'),
    user('officer@demo.example'),
    user('resident@demo.example'),
    user('vcs@demo.example'),
  ];
  if (!commissioner || !officer || !resident || !vcs) return undefined;
  const own = await trx
    .selectFrom('membership as m')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .select('o.id')
    .where('m.user_id', '=', vcs)
    .where('m.role', '=', 'admin')
    .where('m.status', '=', 'approved')
    .orderBy('o.slug')
    .executeTakeFirst();
  // Registered charities, small or medium, active and listed: the kind that bids for local grants.
  const charities = await trx
    .selectFrom('organisation as o')
    .innerJoin('organisation_identifier as i', 'i.organisation_id', 'o.id')
    .select('o.id')
    .where('o.is_demo', '=', true)
    .where('o.status', '=', 'active')
    .where('o.listed', '=', true)
    .where('i.scheme', '=', 'GB-CHC')
    .where('o.size_band', 'in', ['small', 'medium'])
    .where('o.id', '!=', own?.id ?? randomUUID())
    .orderBy('o.slug')
    .limit(3)
    .execute();
  const lead = own?.id ?? charities[2]?.id;
  if (!lead || charities.length < 2) return undefined;
  const wards = new Map(
    (await trx.selectFrom('ward').select(['code', 'name']).execute()).map((w) => [w.name, w.code] as const),
  );
  return {
    commissioner,
    officer,
    resident,
    vcs,
    lead,
    partner: charities[0]!.id,
    single: charities[1]!.id,
    wards,
  };
}

/** Keeps the ids of the demo chain rows by slug, then deletes them with everything below them. */
async function clearDemoChains(trx: Database) {
  const ids = new Map<string, string>();
  const s = demoChainSlugs;
  for (const r of await trx
    .selectFrom('specification')
    .select(['id', 'slug'])
    .where('slug', 'in', s.specifications)
    .where('is_demo', '=', true)
    .execute())
    ids.set(r.slug, r.id);
  for (const r of await trx
    .selectFrom('opportunity')
    .select(['id', 'slug'])
    .where('slug', 'in', s.opportunities)
    .where('is_demo', '=', true)
    .execute())
    ids.set(r.slug, r.id);
  for (const r of await trx
    .selectFrom('award')
    .select(['id', 'slug'])
    .where('slug', 'in', s.awards)
    .where('is_demo', '=', true)
    .execute())
    ids.set(r.slug, r.id);
  for (const r of await trx
    .selectFrom('application')
    .select(['id', 'reference'])
    .where('reference', 'in', s.applications)
    .where('is_demo', '=', true)
    .execute())
    ids.set(r.reference, r.id);
  await removeChainRows(trx, {
    specifications: s.specifications.map((x) => ids.get(x)).filter((x): x is string => !!x),
  });
  return ids;
}

/**
 * Deletes specifications (and what hangs below them: opportunities, applications, assessment, awards). Child rows
 * cascade from their parent; only the references that do not cascade are deleted here, deepest first.
 */
async function removeChainRows(trx: Database, { specifications }: { specifications: string[] }) {
  if (!specifications.length) return;
  const opportunities = (
    await trx.selectFrom('opportunity').select('id').where('specification_id', 'in', specifications).execute()
  ).map((r) => r.id);
  if (opportunities.length) {
    await trx.deleteFrom('award').where('opportunity_id', 'in', opportunities).execute();
    await trx.deleteFrom('application').where('opportunity_id', 'in', opportunities).execute();
    await trx.deleteFrom('opportunity').where('id', 'in', opportunities).execute();
  }
  // Targets and commitments point at the specification's indicators without cascading.
  const indicators = trx
    .selectFrom('outcome_indicator as i')
    .innerJoin('outcome as o', 'o.id', 'i.outcome_id')
    .select('i.id')
    .where('o.specification_id', 'in', specifications);
  await trx.deleteFrom('award_target').where('indicator_id', 'in', indicators).execute();
  await trx.deleteFrom('application_commitment').where('indicator_id', 'in', indicators).execute();
  await trx.deleteFrom('specification').where('id', 'in', specifications).execute();
}

/**
 * For `seed --force`: every demo needs assessment, specification, opportunity, application and award, with their
 * child rows, and anything built on a demo need (it belongs to the demo).
 */
export async function removeDemoCommissioning(trx: Database) {
  const needs = (await trx.selectFrom('needs_assessment').select('id').where('is_demo', '=', true).execute()).map(
    (r) => r.id,
  );
  const specs = (
    await trx
      .selectFrom('specification')
      .select('id')
      .where((eb) =>
        eb.or([eb('is_demo', '=', true), ...(needs.length ? [eb('needs_assessment_id', 'in', needs)] : [])]),
      )
      .execute()
  ).map((r) => r.id);
  // Demo rows further down the chain, even if someone hung them on real parents.
  await trx.deleteFrom('award').where('is_demo', '=', true).execute();
  const demoApplications = trx.selectFrom('application').select('id').where('is_demo', '=', true);
  await trx.deleteFrom('award').where('application_id', 'in', demoApplications).execute();
  await trx.deleteFrom('application').where('is_demo', '=', true).execute();
  const demoOpportunities = trx.selectFrom('opportunity').select('id').where('is_demo', '=', true);
  await trx.deleteFrom('award').where('opportunity_id', 'in', demoOpportunities).execute();
  await trx.deleteFrom('application').where('opportunity_id', 'in', demoOpportunities).execute();
  await trx.deleteFrom('opportunity').where('is_demo', '=', true).execute();
  await removeChainRows(trx, { specifications: specs });
  const removed = await trx.deleteFrom('needs_assessment').where('is_demo', '=', true).executeTakeFirst();
  return { needs: Number(removed.numDeletedRows), specifications: specs.length };
}

async function addSpecification(trx: Database, p: SpecPlan, who: Lookups, id: string) {
  const need = await trx
    .selectFrom('needs_assessment')
    .select(['id', 'is_demo'])
    .where('slug', '=', p.need)
    .executeTakeFirst();
  if (!need?.is_demo) return undefined;
  const last = p.versions.at(-1)!;
  const signed = p.status === 'signed_off' || p.status === 'published';
  await trx
    .insertInto('specification')
    .values({
      id,
      slug: p.slug,
      needs_assessment_id: need.id,
      title: p.title,
      status: p.status,
      created_by: who.commissioner,
      created_at: at(-p.versions[0]!.daysAgo),
      updated_at: at(-last.daysAgo),
      signed_off_at: signed ? at(-last.daysAgo + 2) : null,
      published_at: p.publishedDaysAgo !== undefined ? at(-p.publishedDaysAgo) : null,
      published_by: p.publishedDaysAgo !== undefined ? who.commissioner : null,
      is_demo: true,
    })
    .execute();
  const versionIds: string[] = [];
  for (const [i, v] of p.versions.entries()) {
    const row = await trx
      .insertInto('specification_version')
      .values({
        specification_id: id,
        number: i + 1,
        sections: JSON.stringify(v.sections),
        note: v.note,
        created_by: who.commissioner,
        created_at: at(-v.daysAgo),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    versionIds.push(row.id);
  }
  const person = { resident: who.resident, vcs: who.vcs };
  for (const c of p.coproducers) {
    await trx
      .insertInto('specification_coproducer')
      .values({
        specification_id: id,
        user_id: person[c.who],
        role_label: c.label,
        invited_by: who.commissioner,
        invited_at: at(-p.versions[0]!.daysAgo),
        signed_off_version_id: c.signs && signed ? versionIds.at(-1)! : null,
        signed_off_at: c.signs && signed ? at(-last.daysAgo + 1) : null,
      })
      .execute();
  }
  for (const c of p.comments) {
    await trx
      .insertInto('specification_comment')
      .values({
        specification_id: id,
        version_id: versionIds[0]!,
        section: c.section,
        author_id: person[c.who],
        body: c.body,
        created_at: at(-p.versions[0]!.daysAgo + 1),
      })
      .execute();
  }
  for (const w of p.workshops) {
    await trx
      .insertInto('coproduction_workshop')
      .values({
        specification_id: id,
        held_on: day(-w.daysAgo),
        participants: JSON.stringify(w.participants),
        what_changed: w.changed,
        recorded_by: who.commissioner,
      })
      .execute();
  }
  const indicators: string[] = [];
  for (const [position, o] of p.outcomes.entries()) {
    const outcome = await trx
      .insertInto('outcome')
      .values({ specification_id: id, title: o.title, description: o.description, position })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [n, i] of o.indicators.entries()) {
      const row = await trx
        .insertInto('outcome_indicator')
        .values({
          outcome_id: outcome.id,
          name: i.name,
          unit: i.unit,
          baseline: i.baseline,
          target: i.target,
          direction: i.direction,
          frequency: i.frequency,
          data_source: i.source,
          disaggregated_by_ward: n === 0,
          position: n,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      indicators.push(row.id);
    }
  }
  return { id, indicators };
}

type OpportunityPlan = {
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
  lots: { title: string; description: string; pounds: number; small: boolean }[];
  questions: { prompt: string; guidance: string; words: number }[];
  criteria: { title: string; description: string; weight: number }[];
  clarifications: { question: string; answer: string | null }[];
};

async function addOpportunity(
  trx: Database,
  services: Services,
  p: OpportunityPlan,
  specificationId: string,
  who: Lookups,
  id: string,
) {
  await trx
    .insertInto('opportunity')
    .values({
      id,
      slug: p.slug,
      ocid: `${services.place.config.commissioning.ocdsPrefix}-${id}`,
      specification_id: specificationId,
      title: p.title,
      summary: p.summary,
      route: 'grant',
      service_area: p.serviceArea,
      total_value_pence: pounds(p.totalPounds),
      duration_months: p.months,
      eligibility: p.eligibility,
      status: p.status,
      clarifications_close_at: at(p.clarificationsCloseIn, 17),
      closes_at: at(p.closesIn, 12),
      decision_expected_on: day(p.decisionIn),
      service_starts_on: day(p.startsIn),
      published_at: at(-p.publishedDaysAgo, 9),
      published_by: who.commissioner,
      created_by: who.commissioner,
      created_at: at(-p.publishedDaysAgo - 3),
      is_demo: true,
    })
    .execute();
  const wardCodes = p.wards.map((w) => who.wards.get(w)).filter((c): c is string => !!c);
  if (wardCodes.length) {
    await trx
      .insertInto('opportunity_ward')
      .values(wardCodes.map((ward_code) => ({ opportunity_id: id, ward_code })))
      .execute();
  }
  const lots = await trx
    .insertInto('lot')
    .values(
      p.lots.map((l, i) => ({
        opportunity_id: id,
        number: i + 1,
        title: l.title,
        description: l.description,
        value_pence: pounds(l.pounds),
        suits_small: l.small,
      })),
    )
    .returning('id')
    .execute();
  const questions = await trx
    .insertInto('opportunity_question')
    .values(
      p.questions.map((q, position) => ({
        opportunity_id: id,
        position,
        prompt: q.prompt,
        guidance: q.guidance,
        word_limit: q.words,
      })),
    )
    .returning('id')
    .execute();
  const criteria = await trx
    .insertInto('assessment_criterion')
    .values(
      p.criteria.map((c, position) => ({
        opportunity_id: id,
        position,
        title: c.title,
        description: c.description,
        weight: c.weight,
        max_score: 5,
      })),
    )
    .returning('id')
    .execute();
  for (const [i, c] of p.clarifications.entries()) {
    await trx
      .insertInto('clarification')
      .values({
        opportunity_id: id,
        question: c.question,
        asked_by: who.vcs,
        asked_at: at(-p.publishedDaysAgo + 2 + i),
        answer: c.answer,
        answered_by: c.answer ? who.commissioner : null,
        answered_at: c.answer ? at(-p.publishedDaysAgo + 4 + i) : null,
      })
      .execute();
  }
  return { lots: lots.map((l) => l.id), questions: questions.map((q) => q.id), criteria: criteria.map((c) => c.id) };
}

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

const openOpportunity: OpportunityPlan = {
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

const completeOpportunity: OpportunityPlan = {
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

export async function seedDemoCommissioning(services: Services): Promise<{ specifications: number; awards: number }> {
  return services.db.transaction().execute(async (trx) => {
    const who = await lookups(trx);
    if (!who) return { specifications: 0, awards: 0 };
    // Real data wins: a demo slug held by a real row leaves that chain out.
    const held = await trx
      .selectFrom('specification')
      .select('slug')
      .where('slug', 'in', demoChainSlugs.specifications)
      .where('is_demo', '=', false)
      .execute();
    const ids = await clearDemoChains(trx);
    const idOf = (key: string) => ids.get(key) ?? randomUUID();
    const made = new Map<string, { id: string; indicators: string[] }>();
    for (const p of specs) {
      if (held.some((h) => h.slug === p.slug)) continue;
      const spec = await addSpecification(trx, p, who, idOf(p.slug));
      if (spec) made.set(p.slug, spec);
    }
    const free = async (slug: string) =>
      !(await trx.selectFrom('opportunity').select('id').where('slug', '=', slug).executeTakeFirst());

    const open = made.get('demo-after-school-safe-spaces');
    if (open && (await free(openOpportunity.slug))) {
      await addOpportunity(trx, services, openOpportunity, open.id, who, idOf(openOpportunity.slug));
    }

    let awards = 0;
    const warm = made.get('demo-warm-spaces-network');
    if (warm && (await free(completeOpportunity.slug))) {
      const oppId = idOf(completeOpportunity.slug);
      const opp = await addOpportunity(trx, services, completeOpportunity, warm.id, who, oppId);
      awards = await addAssessmentAndAward(trx, who, oppId, opp, warm.indicators, ids);
    }
    await services.audit.record(
      { userId: null, action: 'seed', entityType: 'demo_commissioning', detail: { specifications: made.size, awards } },
      trx,
    );
    return { specifications: made.size, awards };
  });
}

/** The rest of the complete chain: two bids, a panel that declares, scores and moderates, decisions and an award. */
async function addAssessmentAndAward(
  trx: Database,
  who: Lookups,
  opportunityId: string,
  opp: { lots: string[]; questions: string[]; criteria: string[] },
  indicators: string[],
  ids: Map<string, string>,
) {
  const taken = await trx
    .selectFrom('application')
    .select('id')
    .where('reference', 'in', demoChainSlugs.applications)
    .execute();
  const awardTaken = await trx.selectFrom('award').select('id').where('slug', 'in', demoChainSlugs.awards).execute();
  if (taken.length || awardTaken.length) return 0;
  const lot = opp.lots[0]!;
  const submitted = at(-41, 15);
  const decided = at(-12, 11);
  const bids = [
    {
      reference: 'DEMO-WARM-0001',
      lead: who.lead,
      kind: 'partnership' as const,
      title: 'Warm welcome in the north: three spaces, one network',
      requested: 40_000,
      status: 'successful' as const,
      rank: 1,
      feedback:
        'A strong bid: it showed clearly who the spaces are for, with partners already known to local people. The panel asked for the money advice sessions to start in the first month.',
      partners: [
        { org: who.lead, lead: true, role: 'Lead: runs two spaces and the network', share: 25_000 },
        { org: who.partner, lead: false, role: 'Runs the third space and the money advice', share: 15_000 },
      ],
      scores: [5, 4, 4],
    },
    {
      reference: 'DEMO-WARM-0002',
      lead: who.single,
      kind: 'single' as const,
      title: 'A warm room at our centre',
      requested: 38_000,
      status: 'unsuccessful' as const,
      rank: 2,
      feedback:
        'The panel liked the welcome your centre gives. The bid was less clear about reaching people who do not already use the centre, and the budget did not show how money advice would be paid for. You may wish to apply for the small warm spaces lot next winter.',
      partners: [{ org: who.single, lead: true, role: 'Sole applicant', share: 38_000 }],
      scores: [3, 3, 2],
    },
  ];
  const panel = [who.commissioner, who.officer, who.resident];
  await trx
    .insertInto('panel_member')
    .values(
      panel.map((user_id, i) => ({
        opportunity_id: opportunityId,
        user_id,
        added_by: who.commissioner,
        added_at: at(-45),
        declared_at: at(-39 + i),
        declaration:
          user_id === who.officer
            ? 'I sit on the management committee of one applicant (DEMO-WARM-0002).'
            : 'I have no interests to declare.',
      })),
    )
    .execute();
  const applicationIds: string[] = [];
  for (const b of bids) {
    const id = ids.get(b.reference) ?? randomUUID();
    applicationIds.push(id);
    await trx
      .insertInto('application')
      .values({
        id,
        reference: b.reference,
        opportunity_id: opportunityId,
        lot_id: lot,
        lead_organisation_id: b.lead,
        kind: b.kind,
        title: b.title,
        requested_pence: pounds(b.requested),
        status: b.status,
        created_by: who.vcs,
        created_at: at(-60),
        updated_at: decided,
        submitted_at: submitted,
        submitted_by: who.vcs,
        rank: b.rank,
        feedback: b.feedback,
        decided_at: decided,
        decided_by: who.commissioner,
        is_demo: true,
      })
      .execute();
    await trx
      .insertInto('application_partner')
      .values(
        b.partners.map((p) => ({
          application_id: id,
          organisation_id: p.org,
          is_lead: p.lead,
          role: p.role,
          share_pence: pounds(p.share),
          confirmed_at: at(-43),
          confirmed_by: who.vcs,
        })),
      )
      .execute();
    await trx
      .insertInto('application_answer')
      .values(
        opp.questions.map((question_id, i) => ({
          application_id: id,
          question_id,
          body: [
            'Older people living alone and families on low incomes near our halls; last winter 2,000 visits were made to our spaces.',
            'Three spaces open Monday to Thursday, 10am to 4pm, with volunteers trained in Making Every Contact Count.',
            'We count visits every day and record advice given; we will report against both indicators.',
          ][i]!,
        })),
      )
      .execute();
    await trx
      .insertInto('application_budget_line')
      .values([
        {
          application_id: id,
          position: 0,
          heading: 'Heating and lighting',
          amount_pence: pounds((b.requested * 3) / 10),
        },
        {
          application_id: id,
          position: 1,
          heading: 'Staff and volunteer expenses',
          amount_pence: pounds(b.requested / 2),
        },
        {
          application_id: id,
          position: 2,
          heading: 'Hot drinks and food',
          amount_pence: pounds((b.requested * 2) / 10),
        },
      ])
      .execute();
    if (indicators.length) {
      await trx
        .insertInto('application_commitment')
        .values(
          indicators.map((indicator_id, i) => ({
            application_id: id,
            indicator_id,
            target: i === 0 ? '6000' : '200',
            note: i === 0 ? 'Across all our spaces' : 'With the money advice partner',
          })),
        )
        .execute();
    }
  }
  // The officer sits on the single applicant's committee, so does not score it.
  await trx
    .insertInto('panel_exclusion')
    .values({
      opportunity_id: opportunityId,
      user_id: who.officer,
      application_id: applicationIds[1]!,
      reason: 'declared_interest',
      detail: 'Management committee member',
    })
    .execute();
  for (const [a, b] of bids.entries()) {
    for (const [c, criterion] of opp.criteria.entries()) {
      for (const [m, user_id] of panel.entries()) {
        if (a === 1 && user_id === who.officer) continue;
        // Panel members differ a little; moderation settles on the agreed score.
        const score = Math.max(1, Math.min(5, b.scores[c]! + (m === 2 && c === 1 ? -1 : 0)));
        await trx
          .insertInto('assessment_score')
          .values({
            application_id: applicationIds[a]!,
            criterion_id: criterion,
            user_id,
            score,
            comment: score >= 4 ? 'Clear and convincing.' : 'Some gaps; see the feedback.',
            scored_at: at(-30 + m),
          })
          .execute();
      }
      await trx
        .insertInto('moderated_score')
        .values({
          application_id: applicationIds[a]!,
          criterion_id: criterion,
          score: b.scores[c]!,
          note: 'Agreed at the moderation meeting.',
          moderated_by: who.commissioner,
          moderated_at: at(-20),
        })
        .execute();
    }
  }
  const startsIn = 7;
  const award = await trx
    .insertInto('award')
    .values({
      id: ids.get(demoChainSlugs.awards[0]!) ?? randomUUID(),
      slug: demoChainSlugs.awards[0]!,
      opportunity_id: opportunityId,
      lot_id: lot,
      application_id: applicationIds[0]!,
      kind: 'grant_agreement',
      title: 'Warm spaces network in the north of the borough',
      value_pence: pounds(40_000),
      starts_on: day(startsIn),
      ends_on: day(startsIn + 364),
      // £40,000 is between the place's light and full thresholds: standard monitoring, every six months.
      monitoring_level: 'standard',
      monitoring_frequency: 'six_monthly',
      monitoring_plan:
        'A short report every six months against the two indicators, visit counts by ward, and one visit by the commissioner during the winter.',
      status: 'active',
      awarded_at: decided,
      awarded_by: who.commissioner,
      is_demo: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('award_payment')
    .values(
      [0, 1, 2, 3].map((q) => ({
        award_id: award.id,
        due_on: day(startsIn + q * 91),
        amount_pence: pounds(10_000),
        description: `Quarter ${q + 1}, paid in advance`,
      })),
    )
    .execute();
  if (indicators.length) {
    await trx
      .insertInto('award_target')
      .values(
        indicators.map((indicator_id, i) => ({ award_id: award.id, indicator_id, target: i === 0 ? '6000' : '200' })),
      )
      .execute();
  }
  return 1;
}
