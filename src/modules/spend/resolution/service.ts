import type { Database } from '../../../db/index.ts';
import type { SupplierClassification } from '../../../db/schema.ts';
import type { AuditService } from '../../audit/service.ts';
import { identifierCandidates } from '../../organisations/identifiers.ts';
import type { NameKeyService } from '../../organisations/name-keys.ts';
import { normaliseSupplierName } from '../names.ts';
import { applyToSummaries, refreshSummaries } from '../summary/queries.ts';
import { resolveSuppliers } from './cascade.ts';
import { scoreLabels } from './evaluate.ts';
import { explainTrigram } from './matching.ts';
import { type Candidate, type Decision, outcomeOfDecision } from './outcomes.ts';
import * as q from './queries.ts';

export { BLOCKING_FROM, TRIGRAM_ACCEPT, TRIGRAM_CANDIDATE, TRIGRAM_MARGIN } from './matching.ts';
export type { Candidate, Decision } from './outcomes.ts';

export type ResolutionSummary = {
  suppliers: number;
  byClassification: Record<string, number>;
  seconds: number;
  /** Seconds spent in each step, to see where a slow run goes. */
  steps: Record<string, number>;
};

const since = (start: number) => Math.round(performance.now() - start) / 1000;

// Finds the VCS among a council's suppliers (the cascade in cascade.ts), keeps people's decisions, and serves the
// review queue. A factory: the short functions below share its dependencies; a run's state lives in the cascade's Run.
export function createSpendResolutionService({
  db,
  audit,
  nameKeys,
}: {
  db: Database;
  audit: AuditService;
  /** The directory's name keys, filled before each run so that names new or changed since are matched too. */
  nameKeys: Pick<NameKeyService, 'fill'>;
}) {
  /** Resolve every unresolved supplier of one council; called after each spend import. */
  async function resolveCouncil(councilOrgId: string, options: { again?: boolean } = {}): Promise<ResolutionSummary> {
    const started = performance.now();
    if (options.again) await q.unresolveCouncil(db, councilOrgId);
    const steps: Record<string, number> = {};
    let lap = performance.now();
    await nameKeys.fill();
    const suppliers = await q.pendingSuppliers(db, councilOrgId);
    steps.read = since(lap);
    const outcomes = await resolveSuppliers(db, suppliers, steps);
    lap = performance.now();
    const byClassification: Record<string, number> = {};
    for (const o of outcomes) byClassification[o.classification] = (byClassification[o.classification] ?? 0) + 1;
    await db.transaction().execute(async (trx) => {
      await q.saveOutcomes(trx, outcomes);
      if (!suppliers.length) return;
      await refreshSummaries(trx, [councilOrgId]);
      const detail = { suppliers: suppliers.length, byClassification, again: options.again ?? false };
      await audit.record(
        { userId: null, action: 'spend.suppliers_resolved', entityType: 'council', entityId: councilOrgId, detail },
        trx,
      );
    });
    steps.save = since(lap);
    return { suppliers: suppliers.length, byClassification, seconds: (performance.now() - started) / 1000, steps };
  }

  /**
   * One decision for the suppliers ticked: remembered per normalised name, applied to that name's rows in every
   * council now, and to future imports through the cascade.
   */
  async function decide(input: {
    supplierIds: number[];
    decision: Decision;
    organisationId?: string | null;
    note?: string;
    userId: string | null;
  }): Promise<{ names: number; rows: number }> {
    if (input.decision === 'organisation' && !input.organisationId) {
      throw new Error('Choose the organisation this supplier is');
    }
    const suppliers = await q.suppliersByIds(db, input.supplierIds);
    const keys = [...new Set(suppliers.map((s) => s.name_key))];
    const organisationId = input.decision === 'organisation' ? input.organisationId! : null;
    const note = input.note ?? '';
    let rows = 0;
    await db.transaction().execute(async (trx) => {
      for (const key of keys) {
        const decidedAt = await q.upsertDecision(trx, { ...input, key, organisationId, note });
        const affected = await q.suppliersWithKey(trx, key);
        // The figures of every council with the name move with it, in the decision's transaction.
        const ids = affected.map((a) => a.id);
        await applyToSummaries(trx, ids, -1);
        await q.saveOutcomes(
          trx,
          affected.map((a) => outcomeOfDecision(a.id, input.decision, organisationId, note, decidedAt)),
        );
        await applyToSummaries(trx, ids, 1);
        rows += affected.length;
        const was = affected.map((a) => ({ id: a.id, council: a.council_org_id, was: a.classification }));
        await audit.record(
          {
            userId: input.userId,
            action: 'spend.supplier_decided',
            entityType: 'supplier_decision',
            entityId: key,
            detail: { decision: input.decision, organisationId, note, suppliers: was },
          },
          trx,
        );
      }
    });
    return { names: keys.length, rows };
  }

  /** The review queue: suppliers of one classification, most money first. */
  async function queue(options: {
    councilOrgId?: string | undefined;
    classification?: SupplierClassification | 'any';
    page?: number;
    pageSize?: number;
  }) {
    const pageSize = options.pageSize ?? 50;
    const page = Math.max(1, options.page ?? 1);
    const rows = await q.queuePage(db, {
      councilOrgId: options.councilOrgId,
      classification: options.classification ?? 'uncertain',
      limit: pageSize + 1,
      offset: (page - 1) * pageSize,
    });
    return {
      rows: rows.slice(0, pageSize).map((r) => ({ ...r, candidates: (r.candidates ?? []) as Candidate[] })),
      hasNext: rows.length > pageSize,
      page,
    };
  }

  /** One supplier, what it was paid, the decision on its name and the history of decisions. */
  async function supplier(id: number) {
    const found = await q.supplierById(db, id);
    if (!found) return null;
    const [payments, recent, decision, history] = await Promise.all([
      q.supplierPaymentTotals(db, id),
      q.recentPayments(db, id, 20),
      q.decisionOn(db, found.name_key),
      q.decisionHistory(db, found.name_key),
    ]);
    return {
      supplier: { ...found, candidates: (found.candidates ?? []) as Candidate[] },
      payments,
      recent,
      decision: decision ?? null,
      history: history.map((h) => ({
        ...h,
        detail: h.detail as { decision?: string; note?: string; organisationId?: string },
      })),
    };
  }

  /** Organisations a person might mean: by identifier or by name. */
  async function searchOrganisations(term: string, limit = 10) {
    const text = term.trim();
    if (!text) return [];
    const ids = identifierCandidates(text);
    const byId = ids.length ? await q.organisationsByIdentifier(db, ids, limit) : [];
    const key = normaliseSupplierName(text);
    const byName = key ? await q.organisationsByName(db, key, limit) : [];
    const seen = new Set<string>();
    return [
      ...byId.map((r) => ({ id: r.id, name: r.name, identifier: r.identifier as string | null })),
      ...byName.map((r) => ({ id: r.id, name: r.name, identifier: null })),
    ].filter((r) => !seen.has(r.id) && seen.add(r.id));
  }

  return {
    /** Kept for callers that fill the directory's name keys through resolution; the directory owns them. */
    refreshNameKeys: () => nameKeys.fill(),
    explainTrigram: (keys: string[]) => explainTrigram(db, keys),
    resolveCouncil,
    decide,
    queue,
    supplier,
    searchOrganisations,

    /** Score the classification against labels (supplier name → VCSE | NOT | UNSURE). */
    async evaluate(councilOrgId: string, labels: { supplierName: string; label: string }[]) {
      return scoreLabels(councilOrgId, await q.councilSuppliers(db, councilOrgId), labels);
    },

    /** Councils that have suppliers, for the review queue's filter. */
    councils: () => q.councilsWithSuppliers(db),

    /** How many suppliers wait for a person's review (classified uncertain), for the staff home. */
    waitingCount: () => q.uncertainCount(db),
  };
}

export type SpendResolutionService = ReturnType<typeof createSpendResolutionService>;
