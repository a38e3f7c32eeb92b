// Builds the fictional demo data in memory: organisations, their identifiers, names, wards and classifications,
// people and memberships. Pure and seeded, so the same place and scale always give the same rows.
// Longer than other files: generateDemoData draws every random number in one order, and that order is the demo
// (seed.integration.test.ts checks it is the same on every run), so it stays one function until it is split with
// the order kept.
import type { Insertable } from 'kysely';
import type {
  AppUserTable,
  MembershipTable,
  OrganisationClassificationTable,
  OrganisationIdentifierTable,
  OrganisationNameTable,
  OrganisationTable,
  OrganisationWardTable,
  Role,
  SizeBand,
} from '../db/schema.ts';
import type { LegalForm } from '../modules/organisations/legal-forms.ts';
import { slugify } from '../modules/organisations/slugs.ts';
import {
  type Activity,
  activities,
  brandWords,
  communities,
  communityGroupNouns,
  firstNames,
  largeNouns,
  membershipMessages,
  streetNames,
  surnames,
} from './parts.ts';
import { Random } from './random.ts';

export type SeedScale = 'demo' | 'borough';

export const seedScales: Record<SeedScale, { organisations: number; users: number }> = {
  demo: { organisations: 320, users: 65 },
  borough: { organisations: 2000, users: 3000 },
};

/** The password of every demo account. Demo data only: never use it anywhere real. */
export const DEMO_PASSWORD = 'demo-password-1';

/** The documented demo sign-ins, one for every role. */
export const demoSignIns: { role: Role; email: string; name: string; description: string }[] = [
  { role: 'admin', email: 'admin@demo.example', name: 'Priya Shah', description: 'Administrator' },
  {
    role: 'commissioner',
    email: 'commissioner@demo.example',
    name: 'Daniel Okafor',
    description: 'Council commissioner',
  },
  { role: 'officer', email: 'officer@demo.example', name: 'Grace Mensah', description: 'Infrastructure body officer' },
  {
    role: 'vcs_member',
    email: 'vcs@demo.example',
    name: 'Tom Walsh',
    description: 'Admin of one organisation, member of another',
  },
  { role: 'resident', email: 'resident@demo.example', name: 'Maria Silva', description: 'Resident' },
];

export type PlaceHints = {
  wards?: Record<string, { areas?: string[]; postcode?: string; weight?: number }>;
  regions?: string[];
};

export type GenerateInput = {
  scale: SeedScale;
  wards: { code: string; name: string }[];
  /** The borough's short name, "Croydon". */
  borough: string;
  hints?: PlaceHints;
  passwordHash: string;
  seed?: number;
};

export type DemoData = {
  organisations: Insertable<OrganisationTable>[];
  identifiers: OrganisationIdentifierTable[];
  names: Insertable<OrganisationNameTable>[];
  wards: OrganisationWardTable[];
  classifications: OrganisationClassificationTable[];
  users: Insertable<AppUserTable>[];
  memberships: Insertable<MembershipTable>[];
};

// Everything is dated relative to a fixed day, so runs on different days give identical data.
const REFERENCE = Date.UTC(2026, 9, 1, 10, 0, 0);
const daysBefore = (days: number) => new Date(REFERENCE - days * 86_400_000);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** Income ranges (pounds) drawn for each NCVO band; bigger bands sit low in their range, as they do. */
const incomeRange: Record<SizeBand, [number, number]> = {
  micro: [250, 9_999],
  small: [10_000, 99_999],
  medium: [100_000, 999_999],
  large: [1_000_000, 9_999_999],
  major: [10_000_000, 45_000_000],
  super_major: [110_000_000, 380_000_000],
};

/** How many organisations of each band: most are micro and small, as in every local sector. */
function bandPlan(total: number): (SizeBand | null)[] {
  const superMajor = Math.max(1, Math.round(total * 0.001));
  const major = Math.max(2, Math.round(total * 0.004));
  const unknown = Math.round(total * 0.02);
  const large = Math.round(total * 0.05);
  const medium = Math.round(total * 0.15);
  const micro = Math.round(total * 0.43);
  const small = total - superMajor - major - unknown - large - medium - micro;
  return [
    ...Array<SizeBand>(superMajor).fill('super_major'),
    ...Array<SizeBand>(major).fill('major'),
    ...Array<SizeBand>(large).fill('large'),
    ...Array<SizeBand>(medium).fill('medium'),
    ...Array<SizeBand>(small).fill('small'),
    ...Array<SizeBand>(micro).fill('micro'),
    ...Array<null>(unknown).fill(null),
  ];
}

function legalFormFor(r: Random, band: SizeBand | null, activity: Activity): LegalForm {
  if (activity.kind === 'community_business') return r.chance(0.75) ? 'community_benefit_society' : 'cic';
  if (activity.kind === 'grants') return r.chance(0.6) ? 'charity' : 'cio';
  if (activity.kind === 'faith' && (band === null || band === 'micro' || band === 'small') && r.chance(0.5)) {
    return 'faith_group';
  }
  if (band === null) return activity.kind === 'sport' && r.chance(0.3) ? 'casc' : 'community_group';
  const sport = activity.kind === 'sport';
  switch (band) {
    case 'micro':
      return r.weighted<LegalForm>([
        ['community_group', 5],
        ['cio', 1.5],
        ['charity', 1],
        ['cic', 0.8],
        ['casc', sport ? 4 : 0],
      ]);
    case 'small':
      return r.weighted<LegalForm>([
        ['cio', 3.5],
        ['charity', 3],
        ['cic', 1.5],
        ['community_group', 1],
        ['charitable_company', 0.8],
        ['casc', sport ? 3 : 0],
      ]);
    case 'medium':
      return r.weighted<LegalForm>([
        ['charitable_company', 4],
        ['cio', 3],
        ['charity', 1],
        ['cic', 1],
        ['casc', sport ? 1 : 0],
      ]);
    default:
      return r.weighted<LegalForm>([
        ['charitable_company', 7],
        ['cio', 2],
      ]);
  }
}

function initials(name: string): string {
  return name
    .replace(/[^A-Za-z ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !['and', 'of', 'the', 'in', 'at', 'for'].includes(w.toLowerCase()))
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

type WardInfo = { code: string; name: string; areas: string[]; postcode: string | undefined; weight: number };

/** Areas from a ward's name when the place gives no hints: "Shirley North" → "Shirley". */
function areasFromWardName(name: string): string[] {
  return name.split(/\s*&\s*/).map((part) => part.replace(/\s+(North|South|East|West|Town|Central)$/, ''));
}

export function generateDemoData(input: GenerateInput): DemoData {
  const r = new Random(input.seed ?? (input.scale === 'demo' ? 20261125 : 20261126));
  const plan = seedScales[input.scale];
  if (input.wards.length === 0) throw new Error('The place has no wards: install the place before seeding.');
  const wards: WardInfo[] = input.wards.map((w) => {
    const hint = input.hints?.wards?.[w.name];
    return {
      code: w.code,
      name: w.name,
      areas: hint?.areas?.length ? hint.areas : areasFromWardName(w.name),
      postcode: hint?.postcode,
      weight: hint?.weight ?? 1,
    };
  });
  const wardWeights = wards.map((w) => [w, w.weight] as const);
  const regions = input.hints?.regions?.length ? input.hints.regions : [];
  const data: DemoData = {
    organisations: [],
    identifiers: [],
    names: [],
    wards: [],
    classifications: [],
    users: [],
    memberships: [],
  };

  // People first: officers verify organisations, members claim them.
  const emails = new Set<string>();
  const users: { id: string; role: Role; email: string }[] = [];
  const addUser = (role: Role, name: string, email: string, daysAgo: number) => {
    const id = r.uuid();
    emails.add(email);
    users.push({ id, role, email });
    data.users.push({
      id,
      email,
      name,
      role,
      password_hash: input.passwordHash,
      email_confirmed_at: daysBefore(daysAgo),
      is_demo: true,
      created_at: daysBefore(daysAgo),
    });
    return id;
  };
  const signIn: Partial<Record<Role, string>> = {};
  for (const s of demoSignIns) signIn[s.role] = addUser(s.role, s.name, s.email, 400);
  const others = plan.users - demoSignIns.length;
  for (let i = 0; i < others; i++) {
    // A borough has far more residents and members than staff.
    const role = r.weighted<Role>(
      input.scale === 'demo'
        ? [
            ['vcs_member', 0.5],
            ['resident', 0.36],
            ['officer', 0.06],
            ['commissioner', 0.06],
            ['admin', 0.01],
          ]
        : [
            ['vcs_member', 0.42],
            ['resident', 0.555],
            ['officer', 0.01],
            ['commissioner', 0.012],
            ['admin', 0.002],
          ],
    );
    const first = r.pick(firstNames);
    const last = r.pick(surnames);
    const local = `${slugify(first)}.${slugify(last)}`.replace(/-/g, '');
    let email = `${local}@demo.example`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@demo.example`;
    addUser(role, `${first} ${last}`, email, r.int(5, 900));
  }
  const officers = users.filter((u) => u.role === 'officer').map((u) => u.id);

  // Organisations.
  const usedBases = new Set<string>();
  const usedSlugs = new Set<string>();
  const usedNumbers = new Set<string>();
  const uniqueNumber = (make: () => string) => {
    for (;;) {
      const n = make();
      if (!usedNumbers.has(n)) {
        usedNumbers.add(n);
        return n;
      }
    }
  };
  const bands = r.shuffle(bandPlan(plan.organisations));
  // Every ward gets at least one local group: the first organisations walk through the wards in turn.
  const wardOrder = r.shuffle(wards);
  let localCount = 0;
  let boroughNamed = 0;
  const orgs: { id: string; band: SizeBand | null; name: string; listed: boolean }[] = [];

  for (const band of bands) {
    const id = r.uuid();
    const wide = band === 'large' || band === 'major' || band === 'super_major';
    const ward = wide ? null : localCount < wardOrder.length ? wardOrder[localCount]! : r.weighted(wardWeights);
    if (!wide) localCount++;
    const area = ward ? r.pick(ward.areas) : input.borough;

    let base = '';
    let activity: Activity = r.pick(activities);
    let serviceAreas: string[] = [];
    let beneficiaryGroups: string[] = [];
    let waysOfWorking: string[] = [];
    let does = '';
    let helps = '';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 500) throw new Error('Could not find enough distinct demo organisation names');
      activity = r.pick(activities);
      serviceAreas = activity.serviceAreas;
      beneficiaryGroups = activity.beneficiaryGroups;
      waysOfWorking = activity.waysOfWorking;
      does = activity.does;
      helps = activity.helps;
      if (wide) {
        const big = r.pick(largeNouns);
        ({ serviceAreas, beneficiaryGroups, waysOfWorking, does, helps } = big);
        activity = { ...activity, kind: 'general' };
        if (band === 'super_major') {
          base = `${r.pick(brandWords)} National ${big.noun.replace(/ (Trust|Partnership|Alliance|Network)$/, '')} Trust`;
        } else {
          const prefix = r.weighted<string>([
            [input.borough, boroughNamed < 6 ? 3 : 0.5],
            [regions.length ? r.pick(regions) : input.borough, regions.length ? 2 : 0],
            [r.pick(brandWords), 1.5],
          ]);
          // A community foundation named after a place is a real kind of body: give it an invented name.
          base = big.noun === 'Community Foundation' ? `${r.pick(brandWords)} ${big.noun}` : `${prefix} ${big.noun}`;
        }
      } else {
        const pattern = r.weighted<string>([
          ['area', 10],
          ['brand', 3],
          ['community', 2.5],
          ['borough', band === 'medium' || band === 'small' ? 1.5 : 0.3],
          ['friends', 1],
        ]);
        // Sports clubs, land trusts and energy co-operatives named after a place are usually real ones: these take
        // an invented name instead.
        const placeNamed =
          activity.kind === 'general' || activity.kind === 'faith' || /^(Youth|Wheelchair) /.test(activity.noun);
        if (activity.kind === 'grants') base = `The ${r.pick(brandWords)} ${activity.noun}`;
        else if (!placeNamed && (pattern === 'area' || pattern === 'borough')) {
          base = `${r.pick(brandWords)} ${activity.noun}`;
        } else if (pattern === 'area') base = `${area} ${activity.noun}`;
        else if (pattern === 'brand') base = `${r.pick(brandWords)} ${activity.noun}`;
        else if (pattern === 'borough') base = `${input.borough} ${activity.noun}`;
        else if (pattern === 'friends') {
          const place = r.pick(['Green', 'Rec', 'Woods', 'Library', 'Pond', 'Meadow']);
          base = `Friends of ${r.pick(brandWords)} ${place}`;
          serviceAreas = ['112', '116'];
          beneficiaryGroups = ['207'];
          waysOfWorking = ['304', '305'];
          does = `looks after ${base.slice('Friends of '.length)}, with volunteer work days, events and a small fund for improvements`;
          helps = 'Everyone who uses the space';
          activity = { ...activity, kind: 'general' };
        } else {
          const community = r.pick(communities);
          const group = r.pick(communityGroupNouns);
          base = `${r.chance(0.5) ? area : input.borough} ${community} ${group.noun}`;
          serviceAreas = group.serviceAreas;
          beneficiaryGroups = group.beneficiaryGroups;
          waysOfWorking = ['306'];
          does = group.does;
          helps = `${community} families and neighbours`;
          activity = { ...activity, kind: 'general' };
        }
      }
      if (!usedBases.has(base.toLowerCase())) break;
    }
    usedBases.add(base.toLowerCase());
    if (wide && base.startsWith(input.borough)) boroughNamed++;

    const form = legalFormFor(r, band, activity);
    let name = base;
    if (form === 'cic') name = `${base} CIC`;
    else if (form === 'cio' && r.chance(0.3)) name = `${base} CIO`;
    else if (form === 'community_benefit_society' && r.chance(0.5)) name = `${base} Ltd`;
    let slug = slugify(name);
    for (let n = 2; usedSlugs.has(slug); n++) slug = `${slugify(name)}-${n}`;
    usedSlugs.add(slug);

    const incomePounds = band ? Math.round(r.logUniform(...incomeRange[band])) : null;
    const registered = form !== 'community_group' && form !== 'faith_group';
    const founded = r.int(band === 'micro' || band === null ? 2005 : 1965, 2025);
    const registeredOn = registered ? isoDate(new Date(Date.UTC(founded, r.int(0, 11), r.int(1, 28)))) : null;
    const periodEnd =
      incomePounds === null
        ? null
        : r.weighted([
            ['2025-03-31', 6],
            ['2024-12-31', 2],
            ['2025-08-31', 1],
            ['2024-03-31', 1],
          ] as const);

    const staff =
      band === null || band === 'micro'
        ? r.chance(0.5)
          ? 'It is run entirely by volunteers.'
          : `A committee of ${r.int(3, 8)} volunteers runs it.`
        : band === 'small'
          ? `A part-time coordinator works with about ${r.int(8, 40)} volunteers.`
          : band === 'medium'
            ? `A team of ${r.int(4, 25)} staff works with about ${r.int(20, 120)} volunteers.`
            : band === 'large'
              ? `It employs about ${r.int(30, 180)} staff and works with ${r.int(50, 400)} volunteers.`
              : band === 'major'
                ? `It employs about ${r.int(250, 900)} staff in ${input.borough} and neighbouring boroughs.`
                : `Its ${input.borough} services are part of a national charity employing over ${r.int(2, 9)},000 people.`;
    const where = ward ? ` in ${area}` : ` across ${input.borough}`;
    const history = registered ? `Founded in ${founded}.` : r.chance(0.5) ? `Started by neighbours in ${founded}.` : '';
    const extra = r.chance(0.3) ? ' Referrals are welcome from GPs, schools and social workers.' : '';
    const description = `${name} ${does}${where}. ${staff} ${history}${extra}`.replace(/\s+/g, ' ').trim();

    // Contacts: bigger organisations publish more; all addresses are on reserved example domains or made up.
    const hasWebsite = band !== null && band !== 'micro' ? r.chance(0.8) : r.chance(0.25);
    const hasEmail = r.chance(0.75);
    const hasPhone = band !== null && band !== 'micro' && r.chance(0.5);
    const hasAddress = band !== null && band !== 'micro' && band !== 'small' ? true : r.chance(0.3);
    const postcodeSector = ward?.postcode ?? null;
    const letters = 'ABDEFGHJLNPQRSTUWXYZ';
    const postcode =
      hasAddress && postcodeSector ? `${postcodeSector}${r.pick([...letters])}${r.pick([...letters])}` : null;
    const status: 'active' | 'removed' = r.chance(0.015) ? 'removed' : 'active';
    const listed = status === 'active' && !r.chance(0.03);

    data.organisations.push({
      id,
      slug,
      name,
      legal_form: form,
      description,
      who_it_helps: helps,
      latest_income_pence: incomePounds === null ? null : incomePounds * 100,
      income_period_end: periodEnd,
      status,
      registered_on: registeredOn,
      removed_on: status === 'removed' ? isoDate(daysBefore(r.int(30, 700))) : null,
      address: hasAddress ? `${r.int(1, 240)} ${r.pick(streetNames)}, ${ward ? area : input.borough}` : null,
      postcode,
      website: hasWebsite ? `https://${slug}.example.org` : null,
      email: hasEmail ? `hello@${slug}.example.org` : null,
      phone: hasPhone ? `020 7946 0${String(r.int(0, 999)).padStart(3, '0')}` : null,
      publish_email: hasEmail && r.chance(0.55),
      publish_phone: hasPhone && r.chance(0.5),
      publish_address: hasAddress && r.chance(0.4),
      listed,
      verified_at: null,
      verified_by: null,
      source: 'demo',
      is_demo: true,
      created_at: daysBefore(r.int(30, 1200)),
      updated_at: daysBefore(r.int(0, 29)),
    });
    orgs.push({ id, band, name, listed });

    // Register identifiers: fictional numbers in ranges no register has reached.
    const charityNumber = () => uniqueNumber(() => `GB-CHC-${r.int(9_990_000, 9_999_999)}`);
    const companyNumber = () => uniqueNumber(() => `GB-COH-99${String(r.int(0, 999_999)).padStart(6, '0')}`);
    if (form === 'charity' || form === 'cio' || form === 'charitable_company') {
      data.identifiers.push({ identifier: charityNumber(), organisation_id: id, scheme: 'GB-CHC' });
    }
    if (form === 'charitable_company' || form === 'cic') {
      data.identifiers.push({ identifier: companyNumber(), organisation_id: id, scheme: 'GB-COH' });
    }
    if (form === 'community_benefit_society') {
      const mpr = uniqueNumber(() => `GB-MPR-99${String(r.int(0, 999)).padStart(3, '0')}R`);
      data.identifiers.push({ identifier: mpr, organisation_id: id, scheme: 'GB-MPR' });
    }

    // Other names people know it by.
    const acronym = initials(base);
    if (acronym.length >= 4 && r.chance(0.2)) {
      data.names.push({ organisation_id: id, name: acronym, kind: 'alternative' });
    }
    if (name !== base && r.chance(0.5)) data.names.push({ organisation_id: id, name: base, kind: 'working' });
    if (registered && r.chance(0.08)) {
      const previous = `${base.replace(/ (Club|Project|Group|Network|Service|Scheme|Trust|Centre)$/, '')} Association`;
      if (previous !== name) data.names.push({ organisation_id: id, name: previous, kind: 'previous' });
    }

    // Where it works.
    let wardCodes: string[];
    if (ward) {
      const spread = band === 'medium' ? r.int(1, 5) : band === 'small' && r.chance(0.2) ? 2 : 1;
      wardCodes = [
        ward.code,
        ...r.sample(
          wards.filter((w) => w !== ward).map((w) => w.code),
          spread - 1,
        ),
      ];
    } else if (band === 'large' && r.chance(0.5)) {
      wardCodes = r.sample(
        wards.map((w) => w.code),
        r.int(4, 12),
      );
    } else {
      wardCodes = wards.map((w) => w.code);
    }
    for (const code of wardCodes) data.wards.push({ organisation_id: id, ward_code: code });

    // What it does, whom for and how, with the odd extra code as real profiles have.
    const classify = (list: OrganisationClassificationTable['list'], codes: string[], pool: string[], p: number) => {
      const set = new Set(codes);
      if (r.chance(p)) set.add(r.pick(pool));
      for (const code of set) data.classifications.push({ organisation_id: id, list, code });
    };
    const big = wide ? 0.8 : 0.2;
    classify('service_area', serviceAreas, ['101', '103', '105', '113', '116'], big);
    classify('beneficiary_group', beneficiaryGroups, ['201', '202', '203', '204', '207'], big);
    classify('way_of_working', waysOfWorking, ['304', '306', '307'], big);
  }

  // Officers have checked some profiles.
  for (const org of data.organisations) {
    if (org.listed && r.chance(0.3)) {
      org.verified_by = r.chance(0.4) ? signIn.officer! : r.pick(officers);
      org.verified_at = daysBefore(r.int(1, 500));
    }
  }

  // Memberships: members claim organisations; the first member of each becomes its admin.
  const orgRows = new Map(data.organisations.map((o) => [o.id as string, o]));
  const live = orgs.filter((o) => o.listed && o.band !== 'super_major');
  const vcs = r.shuffle(users.filter((u) => u.role === 'vcs_member' && u.id !== signIn.vcs_member));
  const admins = new Map<string, string>(); // organisation → its admin
  const seen = new Set<string>();
  const join = (
    userId: string,
    orgId: string,
    role: 'member' | 'admin',
    status: 'approved' | 'pending' | 'refused',
    decider?: string,
  ) => {
    const key = `${userId} ${orgId}`;
    if (seen.has(key)) return;
    seen.add(key);
    const requested = r.int(3, 600);
    data.memberships.push({
      user_id: userId,
      organisation_id: orgId,
      role,
      status,
      message: r.pick(membershipMessages),
      requested_at: daysBefore(requested),
      decided_at: status === 'pending' ? null : daysBefore(Math.max(0, requested - r.int(0, 3))),
      decided_by: status === 'pending' ? null : (decider ?? null),
    });
    if (role === 'admin' && status === 'approved' && !admins.has(orgId)) {
      admins.set(orgId, userId);
      // Most claimed profiles have been edited by their admin; some since an officer last checked them.
      const org = orgRows.get(orgId)!;
      if (r.chance(0.6)) {
        org.profile_updated_at = daysBefore(r.int(0, 200));
        org.profile_updated_by = userId;
      }
    }
  };

  // The demo VCS sign-in runs a small local group with requests waiting, and belongs to a second one.
  const own = live.find((o) => o.band === 'small') ?? live[0]!;
  const other = live.find((o) => o.band === 'medium' && o !== own) ?? live[1]!;
  join(signIn.vcs_member!, own.id, 'admin', 'approved', signIn.officer);
  const claimed = r.shuffle(live.filter((o) => o !== own)).slice(0, Math.round(vcs.length * 0.6));
  if (!claimed.includes(other)) claimed.unshift(other);
  claimed.forEach((org, i) => {
    const user = vcs[i % vcs.length];
    if (user) join(user.id, org.id, 'admin', 'approved', r.pick(officers));
  });
  join(signIn.vcs_member!, other.id, 'member', 'approved', admins.get(other.id));
  for (const user of vcs.slice(0, 3)) join(user.id, own.id, 'member', 'pending');

  const pool = [...claimed, own];
  for (const user of vcs) {
    const count = r.weighted([
      [1, 0.7],
      [2, 0.25],
      [3, 0.05],
    ] as const);
    for (let k = 0; k < count; k++) {
      const org = r.pick(pool);
      const status = r.weighted<'approved' | 'pending' | 'refused'>([
        ['approved', 0.75],
        ['pending', 0.2],
        ['refused', 0.05],
      ]);
      join(user.id, org.id, 'member', status, admins.get(org.id));
    }
  }
  return data;
}
