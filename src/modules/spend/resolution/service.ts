import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { SupplierClassification } from '../../../db/schema.ts';
import type { AuditService } from '../../audit/service.ts';
import { identifierCandidates, normaliseIdentifier } from '../../organisations/identifiers.ts';
import { normaliseSupplierName, organisationNameKey, supplierNameVariants } from '../names.ts';
import { classifyByRules, exclusionFor } from './rules.ts';
import { TrigramIndex } from './trigram-join.ts';

export type ResolutionSummary = {
  suppliers: number;
  byClassification: Record<string, number>;
  seconds: number;
  /** Seconds spent in each step, to see where a slow run goes. */
  steps: Record<string, number>;
};

/** Trigram matching: accept the best only at or above this similarity, and this far ahead of the next organisation. */
export const TRIGRAM_ACCEPT = 0.72;
export const TRIGRAM_MARGIN = 0.08;
/** Below this, a register name is not even shown as a candidate. It is also the GIN index's threshold: the
 * higher it is, the more of the index's long lists (common trigrams such as those of "community") it skips. */
export const TRIGRAM_CANDIDATE = 0.6;

/** From this many names on, step 4 compares in memory (TrigramIndex) instead of asking the trigram index per name. */
export const BLOCKING_FROM = 200;

type Pending = {
  id: number;
  name: string;
  name_key: string;
  charity_number: string | null;
  company_number: string | null;
  council_vcse_flag: boolean | null;
  categories: string[];
};

export type Candidate = { organisationId: string; name: string; matchedName: string; similarity: number };

const byLikeness = (a: Candidate, b: Candidate) =>
  b.similarity - a.similarity ||
  a.name.localeCompare(b.name) ||
  (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0);

type Outcome = {
  id: number;
  classification: SupplierClassification;
  organisation_id: string | null;
  method: string;
  reason: string;
  evidence: Record<string, unknown>;
  candidates: Candidate[];
};

type OrgFacts = { id: string; name: string; legal_form: string | null; status: string; schemes: string[] };

export type Decision = 'vcs' | 'not_vcs' | 'organisation';

const CHARITY_SCHEMES = new Set(['GB-CHC', 'GB-SC', 'GB-NIC', 'GB-CASC']);
// Public bodies and housing associations are counted apart whatever a register says about their legal form.
const DEFINITIONAL = new Set([
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

// Finds the VCS among a council's suppliers: each distinct supplier once, by a cascade of evidence.
export function createSpendResolutionService({ db, audit }: { db: Database; audit: AuditService }) {
  /** Name keys for organisations' names and other names that lack one (new, or renamed since). */
  async function refreshNameKeys(): Promise<number> {
    let filled = 0;
    for (;;) {
      const rows = await db
        .selectFrom('organisation')
        .select(['id', 'name'])
        .where('name_key', 'is', null)
        .limit(5000)
        .execute();
      if (!rows.length) break;
      await sql`
        update organisation o set name_key = v.key
        from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => organisationNameKey(r.name))}::text[]) as v(id, key)
        where o.id = v.id
      `.execute(db);
      filled += rows.length;
    }
    for (;;) {
      const rows = await db
        .selectFrom('organisation_name')
        .select(['organisation_id', 'name'])
        .where('name_key', 'is', null)
        .limit(5000)
        .execute();
      if (!rows.length) break;
      await sql`
        update organisation_name n set name_key = v.key
        from unnest(${rows.map((r) => r.organisation_id)}::uuid[], ${rows.map((r) => r.name)}::text[],
          ${rows.map((r) => organisationNameKey(r.name))}::text[]) as v(id, name, key)
        where n.organisation_id = v.id and n.name = v.name
      `.execute(db);
      filled += rows.length;
    }
    return filled;
  }

  async function pending(councilOrgId: string): Promise<Pending[]> {
    return db
      .selectFrom('spend_supplier')
      .select(['id', 'name', 'name_key', 'charity_number', 'company_number', 'council_vcse_flag', 'categories'])
      .where('council_org_id', '=', councilOrgId)
      .where('classification', '=', 'unresolved')
      .orderBy('id')
      .execute();
  }

  async function orgFacts(ids: string[]): Promise<Map<string, OrgFacts>> {
    if (!ids.length) return new Map();
    const rows = await sql<OrgFacts>`
      select o.id, o.name, o.legal_form, o.status,
        coalesce(array_agg(distinct i.scheme) filter (where i.scheme is not null), '{}') as schemes
      from organisation o left join organisation_identifier i on i.organisation_id = o.id
      where o.id = any(${[...new Set(ids)]}::uuid[])
      group by o.id
    `.execute(db);
    return new Map(rows.rows.map((r) => [r.id, r]));
  }

  /** Step 1: charity and company numbers in the file. */
  async function byIdentifier(suppliers: Pending[]) {
    const wanted = new Map<number, string[]>();
    for (const s of suppliers) {
      const ids = [
        s.charity_number ? normaliseIdentifier(s.charity_number) : null,
        s.company_number ? normaliseIdentifier(s.company_number, { scheme: 'GB-COH' }) : null,
      ].filter((x): x is string => x !== null);
      if (ids.length) wanted.set(s.id, ids);
    }
    const all = [...new Set([...wanted.values()].flat())];
    const found = all.length
      ? await db
          .selectFrom('organisation_identifier')
          .select(['identifier', 'organisation_id'])
          .where('identifier', 'in', all)
          .execute()
      : [];
    const owner = new Map(found.map((f) => [f.identifier, f.organisation_id]));
    return { wanted, owner };
  }

  /** Step 3: exact matches of any of the name's variants against organisations' names and other names. */
  async function exactMatches(keys: string[]): Promise<Map<string, { organisationId: string; matchedName: string }[]>> {
    const result = new Map<string, { organisationId: string; matchedName: string }[]>();
    for (let i = 0; i < keys.length; i += 5000) {
      const chunk = keys.slice(i, i + 5000);
      const rows = await sql<{ key: string; organisation_id: string; matched_name: string }>`
        select o.name_key as key, o.id as organisation_id, o.name as matched_name
        from organisation o where o.name_key = any(${chunk}::text[])
        union
        select n.name_key, n.organisation_id, n.name from organisation_name n where n.name_key = any(${chunk}::text[])
      `.execute(db);
      for (const r of rows.rows) {
        const list = result.get(r.key) ?? [];
        if (!list.some((m) => m.organisationId === r.organisation_id)) {
          list.push({ organisationId: r.organisation_id, matchedName: r.matched_name });
        }
        result.set(r.key, list);
      }
    }
    return result;
  }

  /**
   * For this transaction only. The planner cannot see the keys inside the lateral join and costs a scan of the
   * whole table per key as cheaper than the trigram index; it is not (140 ms a key with 20,000 organisations,
   * against under a millisecond through the index). Compiling the query (JIT) costs more than it saves here.
   */
  async function trigramSettings(trx: Database) {
    await sql`select set_config('pg_trgm.similarity_threshold', ${String(TRIGRAM_CANDIDATE)}, true),
      set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`.execute(trx);
  }

  function trigramQuery(chunk: string[]) {
    return sql<{ key: string; organisation_id: string; name: string; matched_name: string; sim: number }>`
          select k.key, c.organisation_id, o.name, c.matched_name, c.sim
          from unnest(${chunk}::text[]) as k(key)
          cross join lateral (
            select u.organisation_id, u.matched_name, max(u.sim) as sim from (
              select o.id as organisation_id, o.name as matched_name, similarity(o.name_key, k.key)::float8 as sim
              from organisation o where o.name_key % k.key
              union all
              select n.organisation_id, n.name, similarity(n.name_key, k.key)::float8
              from organisation_name n where n.name_key % k.key
            ) u
            group by u.organisation_id, u.matched_name
            order by sim desc, u.matched_name, u.organisation_id
            limit 4
          ) c
          join organisation o on o.id = c.organisation_id
        `;
  }

  /**
   * Step 4 for many names at once. One trigram index lookup costs milliseconds however it is planned (the lists
   * of common trigrams are long), so a run of many suppliers reads the registers' name keys once and finds the
   * same matches in memory (see TrigramIndex).
   */
  async function blockedTrigramMatches(keys: string[]): Promise<Map<string, Candidate[]>> {
    const rows = await sql<{ organisation_id: string; name: string; matched_name: string; key: string }>`
      select o.id as organisation_id, o.name, o.name as matched_name, o.name_key as key
      from organisation o where o.name_key is not null
      union all
      select n.organisation_id, o.name, n.name, n.name_key
      from organisation_name n join organisation o on o.id = n.organisation_id where n.name_key is not null
    `.execute(db);
    const entries = rows.rows;
    const index = new TrigramIndex(
      entries.map((e) => e.key),
      TRIGRAM_CANDIDATE,
    );
    const result = new Map<string, Candidate[]>();
    for (const key of keys) {
      const best = new Map<string, Candidate>();
      for (const { index: i, similarity } of index.search(key)) {
        const e = entries[i]!;
        // Most similar first, so an organisation's first hit is its best.
        if (best.has(e.organisation_id)) continue;
        best.set(e.organisation_id, {
          organisationId: e.organisation_id,
          name: e.name,
          matchedName: e.matched_name,
          similarity: Math.round(similarity * 1000) / 1000,
        });
      }
      // The best four, ties in name order: the rows came in no particular order, and the outcome must not
      // depend on it.
      if (best.size) result.set(key, [...best.values()].sort(byLikeness).slice(0, 4));
    }
    return result;
  }

  /** Step 4: the best few trigram matches per key, in one set-based query per chunk (a lateral join). */
  async function trigramMatches(keys: string[]): Promise<Map<string, Candidate[]>> {
    const result = new Map<string, Candidate[]>();
    if (!keys.length) return result;
    if (keys.length >= BLOCKING_FROM) return blockedTrigramMatches(keys);
    await db.transaction().execute(async (trx) => {
      await trigramSettings(trx);
      for (let i = 0; i < keys.length; i += 2000) {
        const chunk = keys.slice(i, i + 2000);
        const rows = await trigramQuery(chunk).execute(trx);
        for (const r of rows.rows) {
          const list = result.get(r.key) ?? [];
          if (!list.some((c) => c.organisationId === r.organisation_id)) {
            list.push({
              organisationId: r.organisation_id,
              name: r.name,
              matchedName: r.matched_name,
              similarity: Math.round(r.sim * 1000) / 1000,
            });
          }
          result.set(r.key, list);
        }
      }
    });
    for (const list of result.values()) list.sort(byLikeness);
    return result;
  }

  function isCharityLike(facts: OrgFacts | undefined): boolean {
    return Boolean(
      facts?.schemes.some((x) => CHARITY_SCHEMES.has(x)) ||
        ['charity', 'cio', 'charitable_company', 'cic', 'casc', 'community_group', 'faith_group'].includes(
          facts?.legal_form ?? '',
        ),
    );
  }

  /** How a register match reads beside the rules: a match settles it unless a rule says the body is counted apart. */
  function fromMatch(
    s: Pending,
    organisationId: string | null,
    facts: OrgFacts | undefined,
    method: 'exact' | 'trigram' | 'identifier',
    said: string,
    evidence: Record<string, unknown>,
    candidates: Candidate[],
  ): Outcome {
    const rules = classifyByRules(s.name, s.categories);
    const exclusion = rules.exclusion;
    const charityLike = isCharityLike(facts);
    const base = { id: s.id, organisation_id: organisationId, method, candidates };
    const ev = { ...evidence, rules: summariseRules(rules), registers: facts?.schemes ?? [] };
    if (exclusion && DEFINITIONAL.has(exclusion.rule)) {
      return {
        ...base,
        classification: exclusion.classification,
        reason: `${exclusion.reason} (${said}, but such bodies are counted apart.)`,
        evidence: ev,
      };
    }
    if (exclusion && !charityLike) {
      // A building society or insurer is a mutual too: the lists of mutual societies do not make it voluntary.
      return {
        ...base,
        classification: exclusion.classification,
        reason: `${exclusion.reason} (${said}, but that organisation is known only as a society or company.)`,
        evidence: ev,
      };
    }
    if (!charityLike && rules.commercial.length && rules.score <= rules.commercial.reduce((t, c) => t + c.weight, 0)) {
      // A mutual society or company that only the link lists know: it may be a co-operative business.
      return {
        ...base,
        classification: 'uncertain',
        reason: `${said}, but that organisation is known only as a society or company and the name looks like a business: ${rules.commercial[0]!.reason.toLowerCase()}`,
        evidence: ev,
      };
    }
    return { ...base, classification: 'vcs', reason: `${said}.`, evidence: ev };
  }

  async function save(outcomes: Outcome[], trx: Database = db): Promise<void> {
    for (let i = 0; i < outcomes.length; i += 2000) {
      const chunk = outcomes.slice(i, i + 2000);
      await sql`
        update spend_supplier s set
          classification = v.classification, organisation_id = v.organisation_id::uuid, method = v.method,
          reason = v.reason, evidence = v.evidence::jsonb, candidates = v.candidates::jsonb, resolved_at = now()
        from unnest(
          ${chunk.map((o) => o.id)}::bigint[], ${chunk.map((o) => o.classification)}::text[],
          ${chunk.map((o) => o.organisation_id)}::text[], ${chunk.map((o) => o.method)}::text[],
          ${chunk.map((o) => o.reason)}::text[], ${chunk.map((o) => JSON.stringify(o.evidence))}::text[],
          ${chunk.map((o) => JSON.stringify(o.candidates))}::text[]
        ) as v(id, classification, organisation_id, method, reason, evidence, candidates)
        where s.id = v.id
      `.execute(trx);
    }
  }

  async function resolve(suppliers: Pending[], steps: Record<string, number> = {}): Promise<Outcome[]> {
    let lap = performance.now();
    const step = (name: string) => {
      const now = performance.now();
      steps[name] = Math.round(now - lap) / 1000;
      lap = now;
    };
    const outcomes = new Map<number, Outcome>();
    const take = (o: Outcome) => outcomes.set(o.id, o);
    const open = () => suppliers.filter((s) => !outcomes.has(s.id));

    // Redacted names say nothing more; settle them first.
    for (const s of suppliers) {
      const exclusion = exclusionFor(s.name);
      if (exclusion?.rule === 'redacted') {
        take({
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

    // People's decisions come first of all: they apply to every past and future row of the supplier.
    const keys = [...new Set(open().map((s) => s.name_key))];
    const decisions = keys.length
      ? await db.selectFrom('supplier_decision').selectAll().where('name_key', 'in', keys).execute()
      : [];
    const decided = new Map(decisions.map((d) => [d.name_key, d]));
    for (const s of open()) {
      const d = decided.get(s.name_key);
      if (d) take(outcomeOfDecision(s.id, d.decision, d.organisation_id, d.note, d.decided_at));
    }

    step('decisions');
    // Step 1: identifiers and the council's own flag.
    const { wanted, owner } = await byIdentifier(open());
    const idFacts = await orgFacts([...owner.values()]);
    for (const s of open()) {
      const ids = wanted.get(s.id) ?? [];
      const hit = ids.find((i) => owner.has(i));
      if (hit) {
        const orgId = owner.get(hit)!;
        take(
          fromMatch(
            s,
            orgId,
            idFacts.get(orgId),
            'identifier',
            `The file gives the number ${hit}, which belongs to ${idFacts.get(orgId)?.name ?? 'an organisation'} in the registers`,
            { identifier: hit },
            [],
          ),
        );
        continue;
      }
      const charity = ids.find((i) => /^GB-(CHC|SC|NIC)-/.test(i));
      if (charity) {
        take({
          id: s.id,
          classification: 'vcs',
          organisation_id: null,
          method: 'identifier',
          reason: `The file gives a registered charity number (${charity}).`,
          evidence: { identifier: charity, inRegisters: false },
          candidates: [],
        });
        continue;
      }
      if (s.council_vcse_flag === true) {
        const rules = classifyByRules(s.name, s.categories);
        const excluded = rules.exclusion && DEFINITIONAL.has(rules.exclusion.rule);
        take({
          id: s.id,
          classification: excluded ? 'uncertain' : 'vcs',
          organisation_id: null,
          method: 'flag',
          reason: excluded
            ? `The council marks it as voluntary sector, but ${rules.exclusion!.reason.charAt(0).toLowerCase()}${rules.exclusion!.reason.slice(1)}`
            : 'The council marks this supplier as voluntary, community or social enterprise in its own file.',
          evidence: { councilVcseFlag: true, rules: summariseRules(rules) },
          candidates: [],
        });
      }
    }

    step('identifiers');
    // Step 3: exact names.
    const variants = new Map(open().map((s) => [s.id, nameVariants(s.name)]));
    const allVariants = [...new Set([...variants.values()].flat())];
    const exact = await exactMatches(allVariants);
    const exactFacts = await orgFacts([...exact.values()].flat().map((m) => m.organisationId));
    for (const s of open()) {
      const matches = (variants.get(s.id) ?? []).flatMap((v) => exact.get(v) ?? []);
      // Where several organisations bear the name, a charity's register entry speaks for it first; otherwise the
      // order is the organisations' own, so the outcome never rests on the order rows came back in.
      const unique = [...new Map(matches.map((m) => [m.organisationId, m])).values()].sort(
        (a, b) =>
          Number(isCharityLike(exactFacts.get(b.organisationId))) -
            Number(isCharityLike(exactFacts.get(a.organisationId))) ||
          (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0),
      );
      // Initials ("BOC") match too many bodies' short names to settle anything alone.
      if (!unique.length || !matches.some((m) => normaliseSupplierName(m.matchedName).replace(/ /g, '').length >= 5))
        continue;
      const one = unique.length === 1 ? unique[0]! : null;
      const said = one
        ? `The name matches ${exactFacts.get(one.organisationId)?.name ?? one.matchedName} in the registers exactly`
        : `The name matches ${unique.length} organisations in the registers exactly`;
      take(
        fromMatch(
          s,
          one?.organisationId ?? null,
          one ? exactFacts.get(one.organisationId) : exactFacts.get(unique[0]!.organisationId),
          'exact',
          said,
          { exact: unique.map((m) => ({ organisationId: m.organisationId, name: m.matchedName })) },
          unique.map((m) => ({
            organisationId: m.organisationId,
            name: exactFacts.get(m.organisationId)?.name ?? m.matchedName,
            matchedName: m.matchedName,
            similarity: 1,
          })),
        ),
      );
    }

    step('exact');
    // Step 4: trigram similarity, accepting only a clear, unique best.
    const left = open().filter((s) => s.name_key.length >= 4);
    const trigram = await trigramMatches([...new Set(left.map((s) => s.name_key))]);
    const triFacts = await orgFacts(
      [...trigram.values()].flatMap((list) => list.slice(0, 1).map((c) => c.organisationId)),
    );
    const candidatesOf = new Map<number, Candidate[]>();
    for (const s of left) {
      const list = trigram.get(s.name_key) ?? [];
      candidatesOf.set(s.id, list);
      const [best, second] = list;
      if (!best || best.similarity < TRIGRAM_ACCEPT) continue;
      if (second && best.similarity - second.similarity < TRIGRAM_MARGIN) continue;
      take(
        fromMatch(
          s,
          best.organisationId,
          triFacts.get(best.organisationId),
          'trigram',
          `The name is close to ${best.name} in the registers (similarity ${best.similarity.toFixed(2)}${second ? `; the next is ${second.similarity.toFixed(2)}` : ''})`,
          { trigram: { best, second: second ?? null } },
          list,
        ),
      );
    }

    step('trigram');
    // Step 5: the rules.
    for (const s of open()) {
      const rules = classifyByRules(s.name, s.categories);
      const candidates = candidatesOf.get(s.id) ?? [];
      let classification = rules.classification;
      let reason = rules.reason;
      // A near miss against a register with nothing against it is worth a person's look.
      if (classification === 'not_vcs' && rules.rule === 'no_signal' && (candidates[0]?.similarity ?? 0) >= 0.6) {
        classification = 'uncertain';
        reason = `Nothing in the name settles it, but it is close to ${candidates[0]!.name} in the registers (similarity ${candidates[0]!.similarity.toFixed(2)}).`;
      }
      take({
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
      });
    }
    step('rules');
    return [...outcomes.values()];
  }

  function outcomeOfDecision(
    id: number,
    decision: Decision,
    organisationId: string | null,
    note: string,
    decidedAt: Date,
  ): Outcome {
    const when = decidedAt.toISOString().slice(0, 10);
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

  return {
    refreshNameKeys,

    /** The plan and timings of one trigram chunk, for the benchmark (PostgreSQL's EXPLAIN ANALYZE). */
    async explainTrigram(keys: string[]): Promise<string> {
      return db.transaction().execute(async (trx) => {
        await trigramSettings(trx);
        const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${trigramQuery(keys)}`.execute(trx);
        return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    },

    /** Resolve every unresolved supplier of one council; called after each spend import. */
    async resolveCouncil(councilOrgId: string, options: { again?: boolean } = {}): Promise<ResolutionSummary> {
      const started = performance.now();
      if (options.again) {
        await db
          .updateTable('spend_supplier')
          .set({ classification: 'unresolved', resolved_at: null })
          .where('council_org_id', '=', councilOrgId)
          .execute();
      }
      const steps: Record<string, number> = {};
      let lap = performance.now();
      await refreshNameKeys();
      const suppliers = await pending(councilOrgId);
      steps.read = Math.round(performance.now() - lap) / 1000;
      const outcomes = await resolve(suppliers, steps);
      lap = performance.now();
      const byClassification: Record<string, number> = {};
      for (const o of outcomes) byClassification[o.classification] = (byClassification[o.classification] ?? 0) + 1;
      await db.transaction().execute(async (trx) => {
        await save(outcomes, trx);
        if (suppliers.length) {
          await audit.record(
            {
              userId: null,
              action: 'spend.suppliers_resolved',
              entityType: 'council',
              entityId: councilOrgId,
              detail: { suppliers: suppliers.length, byClassification, again: options.again ?? false },
            },
            trx,
          );
        }
      });
      steps.save = Math.round(performance.now() - lap) / 1000;
      return { suppliers: suppliers.length, byClassification, seconds: (performance.now() - started) / 1000, steps };
    },

    /**
     * One decision for the suppliers ticked: remembered per normalised name, applied to that name's rows in
     * every council now, and to future imports through the cascade.
     */
    async decide(input: {
      supplierIds: number[];
      decision: Decision;
      organisationId?: string | null;
      note?: string;
      userId: string | null;
    }): Promise<{ names: number; rows: number }> {
      if (input.decision === 'organisation' && !input.organisationId) {
        throw new Error('Choose the organisation this supplier is');
      }
      const suppliers = input.supplierIds.length
        ? await db
            .selectFrom('spend_supplier')
            .select(['id', 'name_key', 'name', 'classification'])
            .where('id', 'in', input.supplierIds)
            .execute()
        : [];
      const keys = [...new Set(suppliers.map((s) => s.name_key))];
      const organisationId = input.decision === 'organisation' ? input.organisationId! : null;
      const note = input.note ?? '';
      let rows = 0;
      await db.transaction().execute(async (trx) => {
        for (const key of keys) {
          const decided = await trx
            .insertInto('supplier_decision')
            .values({
              name_key: key,
              decision: input.decision,
              organisation_id: organisationId,
              note,
              decided_by: input.userId,
            })
            .onConflict((oc) =>
              oc.column('name_key').doUpdateSet({
                decision: input.decision,
                organisation_id: organisationId,
                note,
                decided_by: input.userId,
                decided_at: sql`now()`,
              }),
            )
            .returning(['decided_at'])
            .executeTakeFirstOrThrow();
          const affected = await trx
            .selectFrom('spend_supplier')
            .select(['id', 'council_org_id', 'classification'])
            .where('name_key', '=', key)
            .execute();
          await save(
            affected.map((a) => outcomeOfDecision(a.id, input.decision, organisationId, note, decided.decided_at)),
            trx,
          );
          rows += affected.length;
          await audit.record(
            {
              userId: input.userId,
              action: 'spend.supplier_decided',
              entityType: 'supplier_decision',
              entityId: key,
              detail: {
                decision: input.decision,
                organisationId,
                note,
                suppliers: affected.map((a) => ({ id: a.id, council: a.council_org_id, was: a.classification })),
              },
            },
            trx,
          );
        }
      });
      return { names: keys.length, rows };
    },

    /** The review queue: suppliers of one classification, most money first. */
    async queue(options: {
      councilOrgId?: string | undefined;
      classification?: SupplierClassification | 'any';
      page?: number;
      pageSize?: number;
    }) {
      const pageSize = options.pageSize ?? 50;
      const page = Math.max(1, options.page ?? 1);
      const classification = options.classification ?? 'uncertain';
      let query = db
        .selectFrom('spend_supplier as s')
        .innerJoin('council as c', 'c.org_id', 's.council_org_id')
        .leftJoin(
          db
            .selectFrom('spend_payment')
            .select([
              'supplier_id',
              sql<number>`sum(amount_pence)::bigint`.as('pence'),
              sql<number>`count(*)::int`.as('payments'),
            ])
            .groupBy('supplier_id')
            .as('p'),
          'p.supplier_id',
          's.id',
        )
        .select([
          's.id',
          's.name',
          's.name_key',
          's.council_org_id',
          'c.name as council_name',
          's.classification',
          's.method',
          's.reason',
          's.candidates',
          's.evidence',
          sql<number>`coalesce(p.pence, 0)`.as('pence'),
          sql<number>`coalesce(p.payments, 0)`.as('payments'),
        ]);
      if (options.councilOrgId) query = query.where('s.council_org_id', '=', options.councilOrgId);
      if (classification !== 'any') query = query.where('s.classification', '=', classification);
      const rows = await query
        .orderBy(sql`coalesce(p.pence, 0)`, 'desc')
        .orderBy('s.name')
        .limit(pageSize + 1)
        .offset((page - 1) * pageSize)
        .execute();
      return {
        rows: rows.slice(0, pageSize).map((r) => ({ ...r, candidates: (r.candidates ?? []) as Candidate[] })),
        hasNext: rows.length > pageSize,
        page,
      };
    },

    async supplier(id: number) {
      const supplier = await db
        .selectFrom('spend_supplier as s')
        .innerJoin('council as c', 'c.org_id', 's.council_org_id')
        .leftJoin('organisation as o', 'o.id', 's.organisation_id')
        .selectAll('s')
        .select(['c.name as council_name', 'o.name as organisation_name', 'o.slug as organisation_slug'])
        .where('s.id', '=', id)
        .executeTakeFirst();
      if (!supplier) return null;
      const payments = await db
        .selectFrom('spend_payment')
        .select([
          sql<number>`count(*)::int`.as('count'),
          sql<number>`coalesce(sum(amount_pence), 0)::bigint`.as('pence'),
          sql<string | null>`min(payment_date)::text`.as('first'),
          sql<string | null>`max(payment_date)::text`.as('last'),
        ])
        .where('supplier_id', '=', id)
        .executeTakeFirstOrThrow();
      const recent = await db
        .selectFrom('spend_payment')
        .select(['payment_date', 'amount_pence', 'expense_type', 'procurement_category', 'department', 'line'])
        .where('supplier_id', '=', id)
        .orderBy('payment_date', 'desc')
        .limit(20)
        .execute();
      const decision = await db
        .selectFrom('supplier_decision as d')
        .leftJoin('app_user as u', 'u.id', 'd.decided_by')
        .leftJoin('organisation as o', 'o.id', 'd.organisation_id')
        .select(['d.decision', 'd.note', 'd.decided_at', 'u.name as decided_by_name', 'o.name as organisation_name'])
        .where('d.name_key', '=', supplier.name_key)
        .executeTakeFirst();
      const history = await db
        .selectFrom('audit_log as a')
        .leftJoin('app_user as u', 'u.id', 'a.user_id')
        .select(['a.at', 'a.detail', 'u.name as user_name'])
        .where('a.entity_type', '=', 'supplier_decision')
        .where('a.entity_id', '=', supplier.name_key)
        .orderBy('a.id', 'desc')
        .execute();
      return {
        supplier: { ...supplier, candidates: (supplier.candidates ?? []) as Candidate[] },
        payments,
        recent,
        decision: decision ?? null,
        history: history.map((h) => ({
          ...h,
          detail: h.detail as { decision?: string; note?: string; organisationId?: string },
        })),
      };
    },

    /** Organisations a person might mean: by identifier or by name. */
    async searchOrganisations(term: string, limit = 10) {
      const text = term.trim();
      if (!text) return [];
      const ids = identifierCandidates(text);
      const byId = ids.length
        ? await db
            .selectFrom('organisation_identifier as i')
            .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
            .select(['o.id', 'o.name', 'i.identifier'])
            .where('i.identifier', 'in', ids)
            .limit(limit)
            .execute()
        : [];
      const key = normaliseSupplierName(text);
      const byName = key
        ? await sql<{ id: string; name: string; sim: number }>`
            select o.id, o.name, similarity(o.name_key, ${key})::float8 as sim
            from organisation o where o.name_key % ${key} or o.name_key like ${`${key.replace(/[%_\\]/g, '')}%`}
            order by sim desc, o.name limit ${limit}
          `.execute(db)
        : { rows: [] };
      const seen = new Set<string>();
      return [
        ...byId.map((r) => ({ id: r.id, name: r.name, identifier: r.identifier as string | null })),
        ...byName.rows.map((r) => ({ id: r.id, name: r.name, identifier: null })),
      ].filter((r) => !seen.has(r.id) && seen.add(r.id));
    },

    /** Score the classification against labels (supplier name → VCSE | NOT | UNSURE). */
    async evaluate(councilOrgId: string, labels: { supplierName: string; label: string }[]) {
      const suppliers = await db
        .selectFrom('spend_supplier')
        .select(['name_key', 'classification', 'council_vcse_flag'])
        .where('council_org_id', '=', councilOrgId)
        .execute();
      const byKey = new Map(suppliers.map((s) => [s.name_key, s]));
      let tp = 0;
      let fp = 0;
      let fn = 0;
      let tn = 0;
      let ignored = 0;
      const flag = { tp: 0, fp: 0, fn: 0, tn: 0, rows: 0 };
      const missing: string[] = [];
      const errors: { supplierName: string; label: string; classification: string }[] = [];
      for (const { supplierName, label } of labels) {
        const upper = label.trim().toUpperCase();
        if (upper === 'UNSURE') {
          ignored++;
          continue;
        }
        const s = byKey.get(normaliseSupplierName(supplierName));
        if (!s) {
          missing.push(supplierName);
          continue;
        }
        const truth = upper === 'VCSE';
        const predicted = s.classification === 'vcs';
        if (truth && predicted) tp++;
        else if (!truth && predicted) fp++;
        else if (truth && !predicted) fn++;
        else tn++;
        if (truth !== predicted) errors.push({ supplierName, label: upper, classification: s.classification });
        if (s.council_vcse_flag !== null) {
          flag.rows++;
          const f = s.council_vcse_flag;
          if (truth && f) flag.tp++;
          else if (!truth && f) flag.fp++;
          else if (truth && !f) flag.fn++;
          else flag.tn++;
        }
      }
      const scores = (t: number, p: number, n: number) => {
        const precision = t + p ? t / (t + p) : 0;
        const recall = t + n ? t / (t + n) : 0;
        const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
        return { precision, recall, f1 };
      };
      return {
        council: councilOrgId,
        labelled: labels.length,
        ignored,
        ...scores(tp, fp, fn),
        tp,
        fp,
        fn,
        tn,
        missing,
        errors,
        councilFlag: flag.rows ? { ...scores(flag.tp, flag.fp, flag.fn), ...flag } : null,
      };
    },
  };
}

/** The name's variants, plus what a bracket holds: "GLL (Greenwich Leisure Ltd)" is also "Greenwich Leisure". */
function nameVariants(name: string): string[] {
  const found = supplierNameVariants(name);
  for (const m of name.matchAll(/\(([^()]{4,})\)/g)) {
    const inner = normaliseSupplierName(m[1]!);
    const outer = normaliseSupplierName(name.replace(m[0], ' '));
    if (inner.split(' ').length >= 2) found.push(inner);
    if (outer.split(' ').length >= 2) found.push(outer);
  }
  return [...new Set(found)];
}

function summariseRules(rules: ReturnType<typeof classifyByRules>) {
  return {
    verdict: rules.classification,
    rule: rules.rule,
    score: rules.score,
    signals: rules.signals.map((s) => ({ rule: s.rule, weight: s.weight, reason: s.reason })),
    commercial: rules.commercial.map((s) => ({ rule: s.rule, weight: s.weight, reason: s.reason })),
    exclusion: rules.exclusion,
  };
}

export type SpendResolutionService = ReturnType<typeof createSpendResolutionService>;
