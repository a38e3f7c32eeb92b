// Rules that read a supplier's name and the file's categories (expense types, procurement categories) and say,
// with a reason in plain English, whether it looks like a voluntary or community organisation. Pure: no I/O.
// They are the last step of the cascade, after identifiers, people's decisions and register matches.
import type { SupplierClassification } from '../../../db/schema.ts';
import { isRedactedSupplier } from '../names.ts';

export type RuleSignal = { rule: string; weight: number; reason: string };

export type RuleVerdict = {
  classification: SupplierClassification;
  reason: string;
  /** The rule that decided, or "signals" when VCS and commercial signals were weighed. */
  rule: string;
  /** Signs of a voluntary or community organisation, each with its weight. */
  signals: RuleSignal[];
  /** Signs of a business, each with its weight. */
  commercial: RuleSignal[];
  /** A rule that excludes the supplier outright (public body, housing association, person…), when one applies. */
  exclusion: { rule: string; classification: 'not_vcs' | 'public_body' | 'redacted'; reason: string } | null;
  score: number;
};

/** Lower case, accents and apostrophes gone, "&" as "and", one space between words, padded for word matching. */
export function foldForRules(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[&+]/g, ' and ')
    .replace(/['’‘`´.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return ` ${folded} `;
}

type Rule = { rule: string; pattern: RegExp; weight: number; reason: string };
const w = (words: string) => new RegExp(` (?:${words}) `);

// Exclusions, in order: the first that applies decides (unless strong VCS signals contradict it).
type Exclusion = { rule: string; pattern: RegExp; classification: 'not_vcs' | 'public_body'; reason: string };
const EXCLUSIONS: Exclusion[] = [
  {
    rule: 'person',
    pattern: /^ (?:mr|mrs|ms|miss|mx|dr|prof|professor|rev|revd|reverend|sir|dame|lady|lord) [a-z]/,
    classification: 'not_vcs',
    reason: 'The name is a person’s (it starts with a title such as Mr, Mrs or Dr).',
  },
  {
    rule: 'council',
    pattern: w(
      'county council|district council|borough council|city council|parish council|town council|(?<!rural )community council|metropolitan council|london borough of|royal borough of|city corporation|combined authority|grouped parish|parish meeting|council general a c|unitary authority',
    ),
    classification: 'public_body',
    reason: 'It is a local council: councils are public bodies, not the voluntary sector.',
  },
  {
    rule: 'nhs',
    pattern: w(
      'nhs|national health service|clinical commissioning group|ccg|integrated care board|icb|health authority|primary care trust|foundation trust|hospitals? trust|ambulance service|health and care trust|healthcare trust|partnership trust|community health partnerships|community health services|community healthcare',
    ),
    classification: 'public_body',
    reason: 'It is an NHS body: part of the health service, a public body.',
  },
  {
    rule: 'police_fire',
    pattern: w(
      'police|constabulary|police and crime commissioner|fire and rescue|fire authority|fire and rescue service|probation service',
    ),
    classification: 'public_body',
    reason: 'It is a police, fire or probation service: a public body.',
  },
  {
    rule: 'government',
    pattern: w(
      'hmrc|hm revenue|hm revenue and customs|hm courts|hm land registry|hm treasury|hm prison|department for|department of|ministry of|home office|cabinet office|environment agency|dvla|driver and vehicle|dwp|valuation office|land registry|companies house|ofsted|ofcom|ofgem|ofwat|office for national statistics|electoral commission|information commissioner|national highways|highways england|homes england|network rail|transport for london|national park authority|port authority|the pensions regulator|court service|courts and tribunals|magistrates court|crown court|county court|coroner|local government association|pension fund',
    ),
    classification: 'public_body',
    reason: 'It is a government department, regulator, court or other public body.',
  },
  {
    rule: 'academy_trust',
    pattern: w(
      'academy trust|academies trust|learning trust|education trust|schools trust|multi academy|diocesan academies|learning partnership',
    ),
    classification: 'public_body',
    reason: 'It is an academy trust: state schools are public bodies, even where they are charities.',
  },
  {
    rule: 'university_college',
    // The University of the Third Age (U3A) is a network of learning groups run by volunteers.
    pattern: w('university(?! of the third age)|college|sixth form|polytechnic'),
    classification: 'public_body',
    reason: 'It is a university or college: higher and further education are counted apart from the voluntary sector.',
  },
  {
    rule: 'school',
    pattern: w(
      // Pre-schools and Sunday schools are mostly run by volunteers or churches, not the state.
      '(?<!pre |sunday )school|primary|infant school|junior school|secondary|high school|grammar school|academy|nursery school',
    ),
    classification: 'public_body',
    reason: 'It is a school or academy: schools are counted apart from the voluntary sector.',
  },
  {
    rule: 'housing_association',
    pattern: w(
      'housing association|housing trust|housing group|housing society|housing partnership|homes association|registered provider|housing co operative|housing ltd|housing limited',
    ),
    classification: 'not_vcs',
    reason:
      'It is a housing association: registered providers of social housing are counted apart from the voluntary sector.',
  },
  {
    rule: 'bank',
    pattern:
      /(?<!(?:food|baby|clothes|clothing|furniture|toy|hygiene|time|book|uniform|community|kit|school))(?:^| )(?:bank|banking|barclays|lloyds|hsbc|natwest|santander|building society|insurance|insurers|mortgages?) /,
    classification: 'not_vcs',
    reason: 'It is a bank, building society or insurer.',
  },
  {
    rule: 'internal_account',
    pattern: w(
      'refunds?|general expenses|petty cash|suspense|misc account|payments account|a c|account|grant payments|housing payments|payroll|salaries|creditors|bacs|imprest',
    ),
    classification: 'not_vcs',
    reason: 'It is a refund, payment account or internal account of the council, not an organisation.',
  },
];

// Signs of a voluntary or community organisation. Weights: 3 settles it alone, 2 settles it without signs of
// a business, 1 only counts with others.
const VCS_SIGNALS: Rule[] = [
  {
    rule: 'cic',
    pattern: w('cic|c i c|community interest company'),
    weight: 3,
    reason: 'It is a community interest company (CIC).',
  },
  {
    rule: 'cio',
    pattern: w('cio|c i o|charitable incorporated organisation'),
    weight: 3,
    reason: 'It is a charitable incorporated organisation (CIO).',
  },
  {
    rule: 'charity',
    pattern: /(?: charity | charities | charitable | registered charity )/,
    weight: 3,
    reason: 'The name says it is a charity.',
  },
  {
    rule: 'voluntary',
    pattern: w('voluntary|volunteers?|volunteering|third sector|not for profit|non profit|social enterprise'),
    weight: 3,
    reason: 'The name says it is voluntary, volunteer-run, not for profit or a social enterprise.',
  },
  {
    rule: 'known_network',
    pattern: w(
      'citizens advice|citizens advice bureau|age uk|age concern|mencap|samaritans|barnardos|nspcc|rspca|rspb|ymca|ywca|red cross|st john ambulance|salvation army|womens aid|women s aid|carers trust|homestart|macmillan|marie curie|sue ryder|leonard cheshire|action for children|childrens society|scouts|scout group|girlguiding|girl guides|brownies|rotary club|lions club|round table|womens institute|u3a|credit union|food bank|foodbank|wildlife trust|national trust|victim support|healthwatch|community foundation|university of the third age|change grow live|addaction|we are with you|nacro|catch22|st mungos|carers uk|rnib|rnli|sustrans|keep britain tidy|oxfam|barnardo s|save the children|cancer research uk|guide dogs|dogs trust|cats protection|pdsa|youth hostels? association|yha|sea cadets|riding for the disabled|rural community council',
    ),
    weight: 3,
    reason: 'It is part of a well-known voluntary sector network (such as Citizens Advice, Age UK, Scouts).',
  },
  {
    // Charities whose names are also ordinary words: they settle it only where nothing suggests a business.
    rule: 'known_charity_name',
    pattern: w(
      'mind|scope|shelter|crisis|relate|home start|turning point|changing lives|groundwork|guides|cubs|beavers|rainbows|rotary|cvs|centrepoint',
    ),
    weight: 2,
    reason: 'The name is that of a well-known charity (such as Mind, Shelter or Relate).',
  },
  {
    rule: 'hospice',
    pattern: w('hospice|hospices'),
    weight: 3,
    reason: 'It is a hospice: hospices are almost all charities.',
  },
  {
    rule: 'faith',
    pattern: w(
      'church|churches|chapel|cathedral|parish church|pcc|parochial church council|diocese|diocesan|minster|abbey|priory|mosque|masjid|islamic centre|temple|gurdwara|mandir|synagogue|christian|ministries|baptist|methodist|quaker|quakers|congregational|evangelical|pentecostal|catholic|anglican|salvation army|chapter of',
    ),
    weight: 3,
    reason: 'It is a church, mosque, temple or other faith group.',
  },
  {
    rule: 'community_place',
    pattern: w(
      'village hall|memorial hall|community hall|community centre|community center|community association|residents association|tenants association|tenants and residents|neighbourhood association|play association|playgroup|pre school|preschool|toddler group|parent teacher association|pta|friends of|support group|self help|advice centre|law centre|advice service|community transport|community garden|allotment society|community project|community group|community trust|development trust|resource centre|day centre|drop in|doorstep|tra|tara|residents group|residents committee|residents forum|tenants forum',
    ),
    weight: 3,
    reason: 'The name is a community place or group (village hall, community association, playgroup, advice centre…).',
  },
  {
    // Businesses call themselves companies, firms or services; "organisation" is the word of voluntary bodies.
    rule: 'organisation',
    pattern: w('organisation|organisations|organization|organizations'),
    weight: 2,
    reason: 'It calls itself an organisation, as voluntary and community bodies do.',
  },
  {
    rule: 'guarantee',
    pattern: w('limited by guarantee|ltd by guarantee|by guarantee'),
    weight: 2,
    reason: 'It is a company limited by guarantee: the usual form of a charitable or not-for-profit company.',
  },
  {
    rule: 'sports_club',
    pattern: w(
      'football club|cricket club|rugby club|rugby union football club|bowls club|bowling club|tennis club|hockey club|athletic club|athletics club|swimming club|boxing club|rowing club|cycling club|golf club|sports club|sports association|youth club|boys club|girls club|junior football|amateur',
    ),
    weight: 3,
    reason: 'It is a sports or youth club.',
  },
  {
    rule: 'music_group',
    pattern: w(
      'symphony orchestra|orchestra|choir|choral society|chorus|brass band|operatic society|amateur dramatic|dramatic society|players',
    ),
    weight: 2,
    reason: 'It is an orchestra, choir, band or amateur dramatic group: usually community groups.',
  },
  {
    rule: 'association',
    // Councils' systems abbreviate or cut long names: "Assoc", "Associ".
    pattern: w(
      'association|associations|assoc|associ|associa|associat|associati|associatio|society|societies|soc|club|guild|fellowship|federation|union',
    ),
    weight: 2,
    reason: 'It is an association, society or club: usually a membership body run for its members, not for profit.',
  },
  {
    rule: 'community',
    pattern: w('community|communities|neighbourhood|n hood|nhood|village|parish'),
    weight: 2,
    reason: 'The name speaks of a community, neighbourhood or village.',
  },
  {
    rule: 'trust_foundation',
    // "Trust" with care: NHS, academy and housing trusts are excluded above; investment and unit trusts here.
    pattern:
      /(?<!(?:unit|investment|nhs|hospitals?|foundation|academy|learning|housing|schools?))(?:^| )(?:trust|trusts|foundation|trustees) (?!company|corporation|bank|plc)/,
    weight: 2,
    reason: 'It is a trust or foundation: usually a charity.',
  },
  {
    rule: 'beneficiaries',
    pattern: w(
      'refugees?|asylum|homeless|homelessness|carers|disability|disabled people|deaf|blind|autism|autistic|dementia|alzheimers|victims|survivors|young people|young peoples|youth|older people|elderly|bereavement|befriending|befrienders|recovery|addiction|mental health|wellbeing centre|women s centre|womens centre|families centre|family centre|family support|support scheme|outreach|sanctuary|refuge',
    ),
    weight: 2,
    reason: 'The name speaks of the people it helps (refugees, carers, young people, older people…).',
  },
  {
    rule: 'arts_heritage',
    // "Arts" in the plural and heritage are the language of arts charities; a business says "design" or "studio".
    pattern: w('arts|arts centre|heritage|museum|museums'),
    weight: 2,
    reason: 'It is an arts, heritage or museum body: usually a charity.',
  },
  {
    rule: 'civic_culture',
    pattern: w('theatre|festival|gallery|library|literary|film society|civic society'),
    weight: 1,
    reason: 'It is a museum, theatre, arts or heritage body: often a charity, sometimes a business.',
  },
  {
    rule: 'project_action',
    pattern: w('project|action|initiative|forum|collective'),
    weight: 1,
    reason: 'The name is a project, action group or forum: often voluntary.',
  },
];

// Signs of a business (or a trade or professional body), weighed against the VCS signals.
const COMMERCIAL_SIGNALS: Rule[] = [
  { rule: 'plc_llp', pattern: w('plc|llp|lp|gmbh|inc|bv|sa|ag|pty'), weight: 3, reason: 'It is a PLC or LLP.' },
  { rule: 'ltd', pattern: w('ltd|limited|limted|ltd t a|co ltd'), weight: 1, reason: 'It is a limited company.' },
  {
    rule: 'family_business',
    pattern: / (?:and sons?|and son ltd|and co|and company|bros|brothers|and partners|associates) /,
    weight: 2,
    reason: 'The name is a family firm or partnership (& Sons, & Co, Associates).',
  },
  {
    rule: 'sole_trader',
    pattern: / (?:t a|t as|trading as) /,
    weight: 2,
    reason: 'It trades under another name (T/A): usually a sole trader or a company.',
  },
  {
    rule: 'trade_body',
    pattern: w(
      'trade|traders|industry|industries|employers|employers association|professional|professionals|officers|chartered|institute|institution|manufacturers|merchants|freight|chamber of commerce|business improvement district|trade union|trades union|unison|unite the union|gmb',
    ),
    weight: 2,
    reason:
      'It is a trade union, or a trade, professional or employers’ body: these serve their members’ work or business, not the community.',
  },
  {
    // What a shop, hotel or merchant sells: a member-owned retailer that calls itself a society is still a business.
    rule: 'retail_trade',
    pattern: w(
      'wine|wines|vintners|wine merchants|hotel|hotels|restaurant|restaurants|supermarket|supermarkets|pharmacy|chemists|opticians|jewellers|florists|tyres|car sales|wholesale|wholesalers',
    ),
    weight: 2,
    reason: 'The name says it sells goods or runs a hotel or restaurant: a business, even where its members own it.',
  },
  {
    rule: 'utility',
    pattern: w(
      'water|electric|electricity|energy|gas|power|powergrid|telecom|telecoms|telecommunications|broadband|utilities|utility|fuel|petroleum',
    ),
    weight: 2,
    reason: 'It is a utility or energy supplier.',
  },
  {
    rule: 'business_words',
    pattern: w(
      'services|solutions|consulting|consultants|consultancy|contractors|contracting|engineering|engineers|construction|builders|recruitment|holdings|group|retail|trading|supplies|systems|software|technologies|media|marketing|hire|motors|manufacturing|logistics|properties|lettings|estate agents|solicitors|architects|surveyors|plumbing|roofing|electrical|security|cleaning|catering|printing|events|design|studio|photography|uk',
    ),
    weight: 1,
    reason: 'The name describes a commercial trade (services, contractors, hire, software…).',
  },
];

// Categories in the council's own file: expense types and procurement categories.
const CATEGORY_SIGNALS: Rule[] = [
  {
    rule: 'category_voluntary',
    pattern:
      / (?:vol|voluntary|vcs|vcse|third sector|charity|charities|charitable|community groups?|voluntary associations?|voluntary organisations?|community and voluntary) /,
    weight: 2,
    reason:
      'The council files its payments under the voluntary sector (for example “grants to voluntary organisations”).',
  },
  {
    rule: 'category_grant',
    pattern:
      / (?:grants?|donations?|grant aid|contributions?|contributions to other bodies|grants contribs to other bodies) /,
    weight: 2,
    reason: 'The council files its payments as grants or donations.',
  },
];
// Grants that reach people or buildings, not organisations; and contributions that are not gifts (S106 money
// held for development, pension contributions).
const CATEGORY_NOT_ORGANISATIONS =
  / (?:private persons?|individuals?|facilities grants?|disabled facilities|business grants?|business rates|covid|coronavirus|restart grants?|additional restrictions|lockdown|retail hospitality|hospitality and leisure|small business|rate relief|housing benefit|developer contributions?|s106|section 106|pension contributions?|employers contributions?|superannuation|national insurance) /;

/** Every VCS signal found in a name (and the categories), heaviest first. */
export function vcsSignals(name: string, categories: string[] = []): RuleSignal[] {
  const text = foldForRules(name);
  const found: RuleSignal[] = VCS_SIGNALS.filter((r) => r.pattern.test(text)).map(({ rule, weight, reason }) => ({
    rule,
    weight,
    reason,
  }));
  const seen = new Set<string>();
  for (const category of categories) {
    const c = foldForRules(category);
    if (CATEGORY_NOT_ORGANISATIONS.test(c)) continue;
    for (const r of CATEGORY_SIGNALS) {
      if (!seen.has(r.rule) && r.pattern.test(c)) {
        seen.add(r.rule);
        found.push({ rule: r.rule, weight: r.weight, reason: `${r.reason} (“${category}”)` });
      }
    }
  }
  // Within one family of categories only the strongest counts.
  if (seen.has('category_voluntary') && seen.has('category_grant')) {
    return found.filter((s) => s.rule !== 'category_grant').sort((a, b) => b.weight - a.weight);
  }
  return found.sort((a, b) => b.weight - a.weight);
}

export function commercialSignals(name: string): RuleSignal[] {
  const text = foldForRules(name);
  // "Limited by guarantee" is the not-for-profit form of a company, not a sign of a business.
  const guarantee = / (?:limited|ltd) by guarantee /.test(text);
  return (
    COMMERCIAL_SIGNALS.filter((r) => r.pattern.test(text) && !(guarantee && r.rule === 'ltd'))
      .map(({ rule, weight, reason }) => ({ rule, weight, reason }))
      // Heaviest first: the reason given is the strongest sign.
      .sort((a, b) => b.weight - a.weight)
  );
}

export function exclusionFor(name: string): RuleVerdict['exclusion'] {
  if (isRedactedSupplier(name)) {
    return {
      rule: 'redacted',
      classification: 'redacted',
      reason: 'The council removed the name (usually a payment to a person).',
    };
  }
  const text = foldForRules(name);
  const hit = EXCLUSIONS.find((e) => e.pattern.test(text));
  return hit ? { rule: hit.rule, classification: hit.classification, reason: hit.reason } : null;
}

const sum = (signals: RuleSignal[]) => signals.reduce((total, s) => total + s.weight, 0);

/**
 * What the name and the categories say. Exclusions decide unless strong VCS signals contradict them (then
 * uncertain); otherwise VCS signals are weighed against signs of a business.
 */
export function classifyByRules(name: string, categories: string[] = []): RuleVerdict {
  const signals = vcsSignals(name, categories);
  const commercial = commercialSignals(name);
  const exclusion = exclusionFor(name);
  const vcs = sum(signals.filter((s) => !s.rule.startsWith('category_')));
  const fromCategories = sum(signals.filter((s) => s.rule.startsWith('category_')));
  const score = vcs + fromCategories;
  const against = sum(commercial);
  const base = { signals, commercial, exclusion, score };

  if (exclusion) {
    // A person's name, a redaction or an internal account is never contradicted by the name's other words.
    const firm = exclusion.rule === 'redacted' || exclusion.rule === 'person' || exclusion.rule === 'internal_account';
    if (!firm && vcs >= 3 && signals.some((s) => s.weight >= 3)) {
      return {
        ...base,
        classification: 'uncertain',
        rule: `${exclusion.rule}+${signals[0]!.rule}`,
        reason: `The evidence conflicts: ${lowerFirst(exclusion.reason)} But ${lowerFirst(signals[0]!.reason)}`,
      };
    }
    return { ...base, classification: exclusion.classification, rule: exclusion.rule, reason: exclusion.reason };
  }

  const strongest = signals[0];
  // The council's own categories (grants, the voluntary sector) outweigh "Ltd" alone: most charities are
  // companies. A word in the name does not ("Village Bakery Ltd").
  const onlyLimited = commercial.every((c) => c.rule === 'ltd');
  if (
    strongest &&
    score > against &&
    (score >= 3 || against === 0 || (fromCategories >= 2 && onlyLimited)) &&
    score >= 2
  ) {
    const others = signals.slice(1).map((s) => lowerFirst(s.reason));
    return {
      ...base,
      classification: 'vcs',
      rule: strongest.rule,
      reason: [strongest.reason, ...(others.length ? [`Also: ${others.join(' ')}`] : [])].join(' '),
    };
  }
  if (strongest && score > against) {
    const business = commercial[0];
    return {
      ...base,
      classification: 'uncertain',
      rule: 'weak_signals',
      reason: business
        ? `Some signs of a voluntary organisation (${lowerFirst(strongest.reason)}) but also of a business: ${lowerFirst(business.reason)}`
        : `Only a weak sign of a voluntary organisation: ${lowerFirst(strongest.reason)}`,
    };
  }
  if (commercial.length) {
    return {
      ...base,
      classification: 'not_vcs',
      rule: commercial[0]!.rule,
      reason: strongest
        ? `${commercial[0]!.reason} That outweighs the sign of a voluntary organisation: ${lowerFirst(strongest.reason)}`
        : `${commercial[0]!.reason} Nothing suggests a voluntary or community organisation.`,
    };
  }
  return {
    ...base,
    classification: 'not_vcs',
    rule: 'no_signal',
    reason:
      'Nothing in the name, the council’s categories or the registers suggests a voluntary or community organisation.',
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
