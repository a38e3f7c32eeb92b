import { londonDay } from '../../../kernel/dates.ts';
import { normaliseSupplierName, supplierNameVariants } from '../names.ts';
import type { OrgFacts, Pending, SavedOutcome } from './queries.ts';
import { classifyByRules } from './rules.ts';

// What the cascade concludes about one supplier, and why, in words a reviewer reads. Pure.

export type Candidate = { organisationId: string; name: string; matchedName: string; similarity: number };

export type Outcome = SavedOutcome & { candidates: Candidate[] };

export type Decision = 'vcs' | 'not_vcs' | 'organisation';

export const byLikeness = (a: Candidate, b: Candidate) =>
  b.similarity - a.similarity ||
  a.name.localeCompare(b.name) ||
  (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0);

const CHARITY_SCHEMES = new Set(['GB-CHC', 'GB-SC', 'GB-NIC', 'GB-CASC']);
const CHARITY_FORMS = ['charity', 'cio', 'charitable_company', 'cic', 'casc', 'community_group', 'faith_group'];

// Public bodies and housing associations are counted apart whatever a register says about their legal form.
export const DEFINITIONAL = new Set([
  'council',
  'nhs',
  'police_fire',
  'government',
  'academy_trust',
  'university_college',
  'school',
  'housing_association',
  'person',
  'internal_account',
  'redacted',
]);

export function isCharityLike(facts: OrgFacts | undefined): boolean {
  return Boolean(facts?.schemes.some((x) => CHARITY_SCHEMES.has(x)) || CHARITY_FORMS.includes(facts?.legal_form ?? ''));
}

export function summariseRules(rules: ReturnType<typeof classifyByRules>) {
  return {
    verdict: rules.classification,
    rule: rules.rule,
    score: rules.score,
    signals: rules.signals.map((s) => ({ rule: s.rule, weight: s.weight, reason: s.reason })),
    commercial: rules.commercial.map((s) => ({ rule: s.rule, weight: s.weight, reason: s.reason })),
    exclusion: rules.exclusion,
  };
}

/** The name's variants, plus what a bracket holds: "GLL (Greenwich Leisure Ltd)" is also "Greenwich Leisure". */
export function nameVariants(name: string): string[] {
  const found = supplierNameVariants(name);
  for (const m of name.matchAll(/\(([^()]{4,})\)/g)) {
    const inner = normaliseSupplierName(m[1]!);
    const outer = normaliseSupplierName(name.replace(m[0], ' '));
    if (inner.split(' ').length >= 2) found.push(inner);
    if (outer.split(' ').length >= 2) found.push(outer);
  }
  return [...new Set(found)];
}

export type Match = {
  organisationId: string | null;
  facts: OrgFacts | undefined;
  method: 'exact' | 'trigram' | 'identifier';
  /** What the match says, as the start of a sentence. */
  said: string;
  evidence: Record<string, unknown>;
  candidates: Candidate[];
};

/** How a register match reads beside the rules: a match settles it unless a rule says the body is counted apart. */
export function fromMatch(s: Pending, m: Match): Outcome {
  const rules = classifyByRules(s.name, s.categories);
  const exclusion = rules.exclusion;
  const charityLike = isCharityLike(m.facts);
  const base = { id: s.id, organisation_id: m.organisationId, method: m.method, candidates: m.candidates };
  const evidence = { ...m.evidence, rules: summariseRules(rules), registers: m.facts?.schemes ?? [] };
  if (exclusion && DEFINITIONAL.has(exclusion.rule)) {
    return {
      ...base,
      classification: exclusion.classification,
      reason: `${exclusion.reason} (${m.said}, but such bodies are counted apart.)`,
      evidence,
    };
  }
  if (exclusion && !charityLike) {
    // A building society or insurer is a mutual too: the lists of mutual societies do not make it voluntary.
    return {
      ...base,
      classification: exclusion.classification,
      reason: `${exclusion.reason} (${m.said}, but that organisation is known only as a society or company.)`,
      evidence,
    };
  }
  if (!charityLike && rules.commercial.length && rules.score <= rules.commercial.reduce((t, c) => t + c.weight, 0)) {
    // A mutual society or company that only the link lists know: it may be a co-operative business.
    return {
      ...base,
      classification: 'uncertain',
      reason: `${m.said}, but that organisation is known only as a society or company and the name looks like a business: ${rules.commercial[0]!.reason.toLowerCase()}`,
      evidence,
    };
  }
  return { ...base, classification: 'vcs', reason: `${m.said}.`, evidence };
}

/** A person's decision, as the outcome for one supplier of that name. */
export function outcomeOfDecision(
  id: number,
  decision: Decision,
  organisationId: string | null,
  note: string,
  decidedAt: Date,
): Outcome {
  const when = londonDay(decidedAt);
  return {
    id,
    classification: decision === 'not_vcs' ? 'not_vcs' : 'vcs',
    organisation_id: decision === 'organisation' ? organisationId : null,
    method: 'decision',
    reason:
      decision === 'not_vcs'
        ? `A person decided on ${when} that this supplier is not a VCS organisation.`
        : decision === 'vcs'
          ? `A person decided on ${when} that this supplier is a VCS organisation.`
          : `A person decided on ${when} that this supplier is an organisation in the directory.`,
    evidence: { decision: { decision, organisationId, note, decidedAt: decidedAt.toISOString() } },
    candidates: [],
  };
}

/** The rules alone, where no register match settled it; a near miss with nothing against it goes to a person. */
export function fromRules(s: Pending, candidates: Candidate[]): Outcome {
  const rules = classifyByRules(s.name, s.categories);
  let classification = rules.classification;
  let reason = rules.reason;
  if (classification === 'not_vcs' && rules.rule === 'no_signal' && (candidates[0]?.similarity ?? 0) >= 0.6) {
    classification = 'uncertain';
    reason = `Nothing in the name settles it, but it is close to ${candidates[0]!.name} in the registers (similarity ${candidates[0]!.similarity.toFixed(2)}).`;
  }
  return {
    id: s.id,
    classification,
    organisation_id: null,
    method: 'rule',
    reason,
    evidence: {
      rules: summariseRules(rules),
      ...(s.council_vcse_flag === false ? { councilVcseFlag: false } : {}),
    },
    candidates,
  };
}
