import { sql } from 'kysely';
import type { Database } from '../../../db/index.ts';
import type { SupplierClassification } from '../../../db/schema.ts';
import type { AuditService } from '../../audit/service.ts';
import { normaliseIdentifier } from '../../organisations/identifiers.ts';

export type ResolutionSummary = { suppliers: number; byClassification: Record<string, number>; seconds: number };

type Pending = {
  id: number;
  name: string;
  name_key: string;
  charity_number: string | null;
  company_number: string | null;
  council_vcse_flag: boolean | null;
  categories: string[];
};

type Outcome = {
  id: number;
  classification: SupplierClassification;
  organisation_id: string | null;
  method: string;
  reason: string;
  evidence: Record<string, unknown>;
  candidates: unknown[];
};

// Finds the VCS among a council's suppliers: each distinct supplier once, by a cascade of evidence.
export function createSpendResolutionService({ db, audit }: { db: Database; audit: AuditService }) {
  async function pending(councilOrgId: string): Promise<Pending[]> {
    return db
      .selectFrom('spend_supplier')
      .select(['id', 'name', 'name_key', 'charity_number', 'company_number', 'council_vcse_flag', 'categories'])
      .where('council_org_id', '=', councilOrgId)
      .where('classification', '=', 'unresolved')
      .orderBy('id')
      .execute();
  }

  async function byIdentifier(suppliers: Pending[]): Promise<Map<number, Outcome>> {
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
    const outcomes = new Map<number, Outcome>();
    for (const [id, ids] of wanted) {
      const hit = ids.find((i) => owner.has(i));
      if (hit) {
        outcomes.set(id, {
          id,
          classification: 'vcs',
          organisation_id: owner.get(hit)!,
          method: 'identifier',
          reason: `The file gives the number ${hit}, which belongs to an organisation in the registers.`,
          evidence: { identifier: hit },
          candidates: [],
        });
      }
    }
    return outcomes;
  }

  async function save(outcomes: Outcome[]): Promise<void> {
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
      `.execute(db);
    }
  }

  return {
    /** Resolve every unresolved supplier of one council; called after each spend import. */
    async resolveCouncil(councilOrgId: string): Promise<ResolutionSummary> {
      const started = performance.now();
      const suppliers = await pending(councilOrgId);
      const outcomes = await byIdentifier(suppliers);
      for (const s of suppliers) {
        if (outcomes.has(s.id) || s.council_vcse_flag !== true) continue;
        outcomes.set(s.id, {
          id: s.id,
          classification: 'vcs',
          organisation_id: null,
          method: 'flag',
          reason: 'The council marks this supplier as voluntary, community or social enterprise in its own file.',
          evidence: { councilVcseFlag: true },
          candidates: [],
        });
      }
      await save([...outcomes.values()]);
      const byClassification: Record<string, number> = {};
      for (const o of outcomes.values())
        byClassification[o.classification] = (byClassification[o.classification] ?? 0) + 1;
      await audit.record({
        userId: null,
        action: 'spend.suppliers_resolved',
        entityType: 'council',
        entityId: councilOrgId,
        detail: { suppliers: suppliers.length, byClassification },
      });
      return { suppliers: suppliers.length, byClassification, seconds: (performance.now() - started) / 1000 };
    },
  };
}

export type SpendResolutionService = ReturnType<typeof createSpendResolutionService>;
