// Demonstration needs assessments for the place, in different states: one open for input, one closed and one
// published (each with contributions, "You said, we did" responses and supporters), and one draft. Fictional,
// marked `is_demo`, and refreshed in place on every run (by slug), so anything that already links to them keeps
// working.
import type { Database } from '../db/index.ts';
import type { CoproductionLevel, NeedsContributionKind, NeedsStatus } from '../db/schema.ts';
import * as accounts from '../modules/accounts/queries/demo.ts';
import * as needs from '../modules/needs/queries/demo.ts';
import type { Services } from '../services.ts';
import { day } from './when.ts';

type DemoNeed = {
  slug: string;
  title: string;
  summary: string;
  need: string;
  groups: string[];
  wards: string[];
  priorities: string[];
  level: CoproductionLevel;
  status: NeedsStatus;
  /** Days from today: negative is in the past. */
  closesIn: number | null;
  evidence: { kind: 'text' | 'link' | 'table'; title: string; body?: string; url?: string; table?: string[][] }[];
  contributions: { by: 'resident' | 'vcs' | 'other'; kind: NeedsContributionKind; body: string; response?: string }[];
};

const demoNeeds: DemoNeed[] = [
  {
    slug: 'demo-respite-for-unpaid-carers',
    title: 'Respite and peer support for unpaid carers',
    summary:
      'Unpaid carers in the north of the borough tell us they cannot get a break, and do not know where to turn.',
    need: 'Many unpaid carers look after a relative for more than 50 hours a week with no break.\nFew know about the carers assessment, and waiting times for replacement care are long. Without a break, carers become ill themselves and the person they care for may need to move into residential care.',
    groups: ['Unpaid carers', 'Young carers aged 11 to 17', 'Older carers aged 65 and over'],
    wards: ['Thornton Heath', 'Bensham Manor', 'West Thornton', 'Norbury & Pollards Hill'],
    priorities: ['No one isolated', 'Residents supported toward better times'],
    level: 'co_design',
    status: 'open',
    closesIn: 21,
    evidence: [
      {
        kind: 'text',
        title: 'What carers told us at the spring listening events',
        body: 'Forty carers came to four listening events. The most common wish was "a few hours to myself each week", followed by someone to talk to who understands.',
      },
      {
        kind: 'table',
        title: 'Carers known to the demonstration carers service, by ward',
        table: [
          ['Ward', 'Carers known', 'Of whom young carers'],
          ['Thornton Heath', '412', '38'],
          ['Bensham Manor', '287', '21'],
          ['West Thornton', '301', '25'],
          ['Norbury & Pollards Hill', '198', '14'],
        ],
      },
      {
        kind: 'link',
        title: 'Carers UK: State of Caring',
        url: 'https://www.carersuk.org/policy-and-research/state-of-caring-survey/',
      },
    ],
    contributions: [
      {
        by: 'resident',
        kind: 'lived_experience',
        body: 'I care for my mum who has dementia. The day centre closed and I have not had a full day off in two years.',
        response:
          'We have added a weekly sitting service to the draft specification, so carers can have a regular day to themselves.',
      },
      {
        by: 'vcs',
        kind: 'idea',
        body: 'Peer support groups work best in the evening, when working carers can come. We could host one in our hall.',
        response: 'Evening groups are now a requirement, and venues run by local groups are welcome in bids.',
      },
      { by: 'other', kind: 'comment', body: 'Please make sure information is available in Tamil and Polish.' },
    ],
  },
  {
    slug: 'demo-safe-spaces-for-young-people',
    title: 'Safe spaces for young people after school',
    summary: 'Young people in New Addington want somewhere safe to go between school and home.',
    need: 'Since the youth centre reduced its hours, young people aged 11 to 18 have few places to go after school. Parents and schools report more young people out on the streets in the early evening.',
    groups: ['Young people aged 11 to 18', 'Parents and carers'],
    wards: ['New Addington North', 'New Addington South'],
    priorities: ['No child left behind', 'Vibrant, responsible, connected communities'],
    level: 'co_production',
    status: 'closed',
    closesIn: -30,
    evidence: [
      {
        kind: 'text',
        title: 'Youth panel survey',
        body: 'The youth panel asked 150 young people where they go after school; most said "nowhere in particular".',
      },
    ],
    contributions: [
      {
        by: 'resident',
        kind: 'idea',
        body: 'Open the library and the sports hall until 8pm on weekdays.',
        response: 'The specification asks providers to work with the library on later opening.',
      },
    ],
  },
  {
    slug: 'demo-warm-welcoming-spaces',
    title: 'Warm, welcoming spaces in winter',
    summary: 'Places where anyone can keep warm, have a hot drink and find help with money over the winter.',
    need: 'Rising energy costs leave some residents unable to heat their homes. Warm spaces run by community groups were well used last winter, and people found advice there too.',
    groups: ['Older people living alone', 'Families on low incomes'],
    wards: [],
    priorities: ['Residents supported toward better times', 'No one isolated'],
    level: 'engagement',
    status: 'published',
    closesIn: -90,
    evidence: [
      {
        kind: 'table',
        title: 'Visits to demonstration warm spaces last winter',
        table: [
          ['Month', 'Visits'],
          ['December', '2,140'],
          ['January', '2,980'],
          ['February', '2,410'],
        ],
      },
    ],
    contributions: [
      {
        by: 'resident',
        kind: 'lived_experience',
        body: 'Last winter I went to the warm space at the church twice a week. The soup mattered, but the company mattered more.',
        response: 'Spaces must now be open at least three afternoons a week, with time to talk as well as a hot drink.',
      },
      {
        by: 'vcs',
        kind: 'idea',
        body: 'People came in to keep warm and stayed for help with their energy bills. Put money advice in the same place.',
        response:
          'Money advice at the spaces is part of the specification, and the award counts the people given advice.',
      },
    ],
  },
  {
    slug: 'demo-digital-inclusion',
    title: 'Getting online: help for residents without the internet',
    summary: 'Draft: help for residents who cannot use online services.',
    need: 'More council and health services are online first. Some residents have no device, no data or no confidence to use them.',
    groups: ['Older people', 'Disabled people', 'People who do not speak English well'],
    wards: ['Fairfield', 'Broad Green', 'Selhurst'],
    priorities: ['Vibrant, responsible, connected communities'],
    level: 'consultation',
    status: 'draft',
    closesIn: null,
    evidence: [],
    contributions: [],
  },
];

export async function seedDemoNeeds(services: Services): Promise<{ assessments: number; contributions: number }> {
  const { db } = services;
  const wards = await services.place.wards();
  const priorities = await services.place.priorities({ includeInactive: true });
  let contributions = 0;
  await db.transaction().execute(async (trx) => {
    const users = await accounts.demoPeople(trx);
    const byEmail = (email: string) => users.find((u) => u.email === email)?.id ?? null;
    const commissioner = byEmail('commissioner@demo.example');
    const residents = users.filter((u) => u.role === 'resident' && u.email !== 'resident@demo.example');
    const author = {
      resident: byEmail('resident@demo.example'),
      vcs: byEmail('vcs@demo.example'),
      other: residents[0]?.id ?? null,
    };
    // People supported the needs while they were open for input.
    const supporters = [author.resident, author.vcs, ...residents.slice(0, 12).map((r) => r.id)].filter(
      (u): u is string => u !== null,
    );

    for (const n of demoNeeds) {
      const id = await writeNeed(trx, n, commissioner);
      if (!id) continue; // real data wins
      const wardCodes = wards.filter((w) => n.wards.includes(w.name)).map((w) => w.code);
      if (wardCodes.length) {
        await needs.insertNeedWards(
          trx,
          wardCodes.map((ward_code) => ({ needs_assessment_id: id, ward_code })),
        );
      }
      const priorityIds = priorities.filter((p) => n.priorities.includes(p.title)).map((p) => p.id);
      if (priorityIds.length) {
        await needs.insertNeedPriorities(
          trx,
          priorityIds.map((priority_id) => ({ needs_assessment_id: id, priority_id })),
        );
      }
      for (const [position, e] of n.evidence.entries()) {
        await needs.insertNeedEvidence(trx, {
          needs_assessment_id: id,
          kind: e.kind,
          title: e.title,
          body: e.body ?? '',
          url: e.url ?? null,
          table_data: e.table ? JSON.stringify({ headers: e.table[0], rows: e.table.slice(1) }) : null,
          position,
          created_by: commissioner,
        });
      }
      for (const [i, c] of n.contributions.entries()) {
        const at = new Date(Date.now() - (20 - i) * 86_400_000);
        // Responses already sent: the demo must not e-mail its made-up people.
        const answered = c.response ? new Date(at.getTime() + 2 * 86_400_000) : null;
        await needs.insertNeedContribution(trx, {
          needs_assessment_id: id,
          kind: c.kind,
          body: c.body,
          author_id: author[c.by],
          created_at: at,
          response: c.response ?? null,
          responded_by: c.response ? commissioner : null,
          responded_at: answered,
          notified_at: answered,
          is_demo: true,
        });
        contributions++;
      }
      // A draft has not been open for input, so has no supporters.
      if (n.status !== 'draft' && supporters.length) {
        await needs.insertNeedSupporters(
          trx,
          supporters.map((user_id) => ({ needs_assessment_id: id, user_id })),
        );
      }
    }
    await services.audit.record(
      {
        userId: null,
        action: 'seed',
        entityType: 'demo_needs',
        detail: { assessments: demoNeeds.length, contributions },
      },
      trx,
    );
  });
  return { assessments: demoNeeds.length, contributions };
}

/**
 * Writes the assessment itself: a demo one already there (by slug) is refreshed in place, keeping its id and
 * address, and emptied of what hangs below it. Returns its id, or undefined when a real assessment holds the slug.
 */
async function writeNeed(trx: Database, n: DemoNeed, commissioner: string | null): Promise<string | undefined> {
  const values = {
    title: n.title,
    summary: n.summary,
    need: n.need,
    population_groups: n.groups,
    coproduction_level: n.level,
    status: n.status,
    opens_at: n.status === 'draft' ? null : day((n.closesIn ?? 0) - 42),
    closes_at: n.closesIn === null ? null : day(n.closesIn),
    created_by: commissioner,
    is_demo: true,
  };
  const existing = await needs.needBySlug(trx, n.slug);
  if (existing && !existing.is_demo) return undefined;
  if (!existing) return needs.insertDemoNeed(trx, { slug: n.slug, ...values });
  await needs.refreshDemoNeed(trx, existing.id, values);
  return existing.id;
}
