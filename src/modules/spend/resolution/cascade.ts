import type { Database } from '../../../db/index.ts';
import { normaliseIdentifier } from '../../organisations/identifiers.ts';
import { normaliseSupplierName } from '../names.ts';
import { exactMatches, TRIGRAM_ACCEPT, TRIGRAM_MARGIN, trigramMatches } from './matching.ts';
import {
  type Candidate,
  DEFINITIONAL,
  fromMatch,
  fromRules,
  isCharityLike,
  nameVariants,
  type Outcome,
  outcomeOfDecision,
  summariseRules,
} from './outcomes.ts';
import { decisionsFor, identifierOwners, type OrgFacts, organisationFacts, type Pending } from './queries.ts';
import { classifyByRules, exclusionFor } from './rules.ts';

// The cascade that finds the VCS among a council's suppliers, each distinct supplier once: redacted names, then
// people's decisions, identifiers and the council's own flag, exact names, trigram similarity, and the rules.
// Each step settles what it can and leaves the rest to the next; each asks the database once for the whole run.

/** What a run has settled so far, and the seconds each step took. */
class Run {
  readonly outcomes = new Map<number, Outcome>();
  readonly candidatesOf = new Map<number, Candidate[]>();
  #lap = performance.now();

  constructor(
    readonly db: Database,
    readonly suppliers: Pending[],
    readonly steps: Record<string, number>,
  ) {}

  take(o: Outcome) {
    this.outcomes.set(o.id, o);
  }

  /** The suppliers no step has settled yet. */
  open(): Pending[] {
    return this.suppliers.filter((s) => !this.outcomes.has(s.id));
  }

  step(name: string) {
    const now = performance.now();
    this.steps[name] = Math.round(now - this.#lap) / 1000;
    this.#lap = now;
  }
}

async function factsOf(db: Database, ids: string[]): Promise<Map<string, OrgFacts>> {
  return new Map((await organisationFacts(db, ids)).map((r) => [r.id, r]));
}

/** Redacted names say nothing more; settle them first. */
function redacted(run: Run) {
  for (const s of run.suppliers) {
    const exclusion = exclusionFor(s.name);
    if (exclusion?.rule !== 'redacted') continue;
    run.take({
      id: s.id,
      classification: 'redacted',
      organisation_id: null,
      method: 'rule',
      reason: exclusion.reason,
      evidence: { rule: 'redacted' },
      candidates: [],
    });
  }
}

/** People's decisions come first of all: they apply to every past and future row of the supplier. */
async function decisions(run: Run) {
  const keys = [...new Set(run.open().map((s) => s.name_key))];
  const decided = new Map((await decisionsFor(run.db, keys)).map((d) => [d.name_key, d]));
  for (const s of run.open()) {
    const d = decided.get(s.name_key);
    if (d) run.take(outcomeOfDecision(s.id, d.decision, d.organisation_id, d.note, d.decided_at));
  }
}

/** The identifiers a supplier's row gives, as the directory writes them. */
function identifiersOf(s: Pending): string[] {
  return [
    s.charity_number ? normaliseIdentifier(s.charity_number) : null,
    s.company_number ? normaliseIdentifier(s.company_number, { scheme: 'GB-COH' }) : null,
  ].filter((x): x is string => x !== null);
}

/** A supplier the council itself marks as VCS: taken at its word unless the rules say it is counted apart. */
function fromCouncilFlag(s: Pending): Outcome {
  const rules = classifyByRules(s.name, s.categories);
  const excluded = rules.exclusion && DEFINITIONAL.has(rules.exclusion.rule);
  return {
    id: s.id,
    classification: excluded ? 'uncertain' : 'vcs',
    organisation_id: null,
    method: 'flag',
    reason: excluded
      ? `The council marks it as voluntary sector, but ${rules.exclusion!.reason.charAt(0).toLowerCase()}${rules.exclusion!.reason.slice(1)}`
      : 'The council marks this supplier as voluntary, community or social enterprise in its own file.',
    evidence: { councilVcseFlag: true, rules: summariseRules(rules) },
    candidates: [],
  };
}

/** Step 1: charity and company numbers in the file, then the council's own flag. */
async function identifiers(run: Run) {
  const wanted = new Map(run.open().map((s) => [s.id, identifiersOf(s)]));
  const all = [...new Set([...wanted.values()].flat())];
  const owner = new Map((await identifierOwners(run.db, all)).map((f) => [f.identifier, f.organisation_id]));
  const facts = await factsOf(run.db, [...owner.values()]);
  for (const s of run.open()) {
    const ids = wanted.get(s.id) ?? [];
    const hit = ids.find((i) => owner.has(i));
    if (hit) {
      const orgId = owner.get(hit)!;
      const said = `The file gives the number ${hit}, which belongs to ${facts.get(orgId)?.name ?? 'an organisation'} in the registers`;
      run.take(
        fromMatch(s, {
          organisationId: orgId,
          facts: facts.get(orgId),
          method: 'identifier',
          said,
          evidence: { identifier: hit },
          candidates: [],
        }),
      );
      continue;
    }
    const charity = ids.find((i) => /^GB-(CHC|SC|NIC)-/.test(i));
    if (charity) {
      run.take({
        id: s.id,
        classification: 'vcs',
        organisation_id: null,
        method: 'identifier',
        reason: `The file gives a registered charity number (${charity}).`,
        evidence: { identifier: charity, inRegisters: false },
        candidates: [],
      });
    } else if (s.council_vcse_flag === true) run.take(fromCouncilFlag(s));
  }
}

const byOrganisationId = (a: { organisationId: string }, b: { organisationId: string }) =>
  a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0;

/** Step 3: exact matches of any of the name's variants against organisations' names and other names. */
async function exact(run: Run) {
  const variants = new Map(run.open().map((s) => [s.id, nameVariants(s.name)]));
  const found = await exactMatches(run.db, [...new Set([...variants.values()].flat())]);
  const facts = await factsOf(
    run.db,
    [...found.values()].flat().map((m) => m.organisationId),
  );
  const charityFirst = (id: string) => Number(isCharityLike(facts.get(id)));
  for (const s of run.open()) {
    const matches = (variants.get(s.id) ?? []).flatMap((v) => found.get(v) ?? []);
    // Where several organisations bear the name, a charity's register entry speaks for it first; otherwise the
    // order is the organisations' own, so the outcome never rests on the order rows came back in.
    const unique = [...new Map(matches.map((m) => [m.organisationId, m])).values()].sort(
      (a, b) => charityFirst(b.organisationId) - charityFirst(a.organisationId) || byOrganisationId(a, b),
    );
    // Initials ("BOC") match too many bodies' short names to settle anything alone.
    if (!unique.length || !matches.some((m) => normaliseSupplierName(m.matchedName).replace(/ /g, '').length >= 5))
      continue;
    const one = unique.length === 1 ? unique[0]! : null;
    run.take(
      fromMatch(s, {
        organisationId: one?.organisationId ?? null,
        facts: facts.get((one ?? unique[0]!).organisationId),
        method: 'exact',
        said: one
          ? `The name matches ${facts.get(one.organisationId)?.name ?? one.matchedName} in the registers exactly`
          : `The name matches ${unique.length} organisations in the registers exactly`,
        evidence: { exact: unique.map((m) => ({ organisationId: m.organisationId, name: m.matchedName })) },
        candidates: unique.map((m) => ({
          organisationId: m.organisationId,
          name: facts.get(m.organisationId)?.name ?? m.matchedName,
          matchedName: m.matchedName,
          similarity: 1,
        })),
      }),
    );
  }
}

/** Step 4: trigram similarity, accepting only a clear, unique best; the candidates are kept for the rules. */
async function trigram(run: Run) {
  const left = run.open().filter((s) => s.name_key.length >= 4);
  const found = await trigramMatches(run.db, [...new Set(left.map((s) => s.name_key))]);
  const facts = await factsOf(
    run.db,
    [...found.values()].flatMap((list) => list.slice(0, 1).map((c) => c.organisationId)),
  );
  for (const s of left) {
    const list = found.get(s.name_key) ?? [];
    run.candidatesOf.set(s.id, list);
    const [best, second] = list;
    if (!best || best.similarity < TRIGRAM_ACCEPT) continue;
    if (second && best.similarity - second.similarity < TRIGRAM_MARGIN) continue;
    run.take(
      fromMatch(s, {
        organisationId: best.organisationId,
        facts: facts.get(best.organisationId),
        method: 'trigram',
        said: `The name is close to ${best.name} in the registers (similarity ${best.similarity.toFixed(2)}${second ? `; the next is ${second.similarity.toFixed(2)}` : ''})`,
        evidence: { trigram: { best, second: second ?? null } },
        candidates: list,
      }),
    );
  }
}

/** Step 5: the rules, for everything left. */
function rules(run: Run) {
  for (const s of run.open()) run.take(fromRules(s, run.candidatesOf.get(s.id) ?? []));
}

/** One outcome for every supplier; `steps` gets the seconds each step took. */
export async function resolveSuppliers(
  db: Database,
  suppliers: Pending[],
  steps: Record<string, number> = {},
): Promise<Outcome[]> {
  const run = new Run(db, suppliers, steps);
  redacted(run);
  await decisions(run);
  run.step('decisions');
  await identifiers(run);
  run.step('identifiers');
  await exact(run);
  run.step('exact');
  await trigram(run);
  run.step('trigram');
  rules(run);
  run.step('rules');
  return [...run.outcomes.values()];
}
