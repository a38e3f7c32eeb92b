import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { ApplicationStatus } from '../../../db/schema.ts';
import type { Actor } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { createMutate } from '../../../kernel/mutation.ts';
import type { AuditService } from '../../audit/service.ts';
import type { OrganisationService } from '../../organisations/service.ts';
import type { OutboxService } from '../../outbox/service.ts';
import { conflictMark } from '../assessment/present.ts';
import { isPublished } from '../opportunities/lifecycle.ts';
import type { OpportunityService } from '../opportunities/service.ts';
import { createChanges } from './changes.ts';
import { createDrafting } from './drafting.ts';
import { applicationStatusLabels, isEditable } from './lifecycle.ts';
import { createPartners } from './partners.ts';
import * as people from './queries/people.ts';
import * as records from './queries/records.ts';
import { blockers, createReader, draftRefusal, notDraft, notFound } from './reading.ts';
import { plainDateTime } from './rules.ts';

// Applications: started by a member for their organisation, written as a draft (alone or as a partnership),
// submitted, withdrawn, and decided in assessment, moving through their lifecycle (lifecycle.ts) by `transition`
// alone. This file wires the parts and answers the reads.

export type { Actor } from '../../../kernel/actor.ts';
export type { Done, Issue, Refusal } from '../../../kernel/result.ts';
export type { TransitionContext } from './changes.ts';
export type { AboutInput, BudgetLineInput, CommitmentInput } from './drafting.ts';
export type { PartnerInput } from './partners.ts';
export type { Task, TaskKey, TaskState } from './rules.ts';
export const statusLabels = applicationStatusLabels;

export type ApplicationDeps = {
  db: Database;
  config: Config;
  audit: AuditService;
  outbox: OutboxService;
  opportunities: Pick<OpportunityService, 'holdForShare'>;
  organisations: Pick<OrganisationService, 'refusalUnless'>;
};

const shaped = <T extends { requested_pence: number | string | null; status: ApplicationStatus }>(r: T) => ({
  ...r,
  requested_pence: r.requested_pence == null ? null : Number(r.requested_pence),
  statusLabel: applicationStatusLabels[r.status],
});

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createApplicationService(deps: ApplicationDeps) {
  const { db, config } = deps;
  const mutate = createMutate({ db, audit: deps.audit, outbox: deps.outbox });
  const read = createReader(db);
  const drafting = createDrafting({ db, mutate, read, organisations: deps.organisations });
  const changes = createChanges({ ...deps, mutate, read });
  const myOrganisations = (userId: string, trx: Database = db) => people.organisationsOf(trx, userId);
  /**
   * The conflicts of interest that keep this person from these applications, by application: what they may not
   * see of them (content, totals, ranks), wherever they are listed.
   */
  async function conflictsOf(userId: string, applicationIds: string[], trx: Database = db) {
    const rows = await people.conflictsOf(trx, userId, applicationIds.filter(isUuid));
    return new Map(rows.map((r) => [r.application_id, { reason: r.reason, detail: r.detail }]));
  }

  return {
    statusLabels,
    ...changes,
    ...drafting,
    ...createPartners({ config, mutate, read, change: drafting.change }),
    myOrganisations,
    byReference: read.byReference,
    full: read.full,
    blockers,

    /** The ids of every organisation in an application, the lead first: for conflict-of-interest checks. */
    async organisationIds(applicationId: string, trx: Database = db): Promise<string[]> {
      if (!isUuid(applicationId)) return [];
      const { ids, lead } = await people.organisationIdsOf(trx, applicationId);
      if (lead && !ids.includes(lead)) ids.unshift(lead);
      return ids;
    },

    /**
     * The applications still waiting on an opportunity (drafts, submitted ones, and successful ones without an
     * award yet), each with the approved members of its organisations: the people to tell when it is cancelled.
     */
    async waitingOn(opportunityId: string, trx: Database = db) {
      const waiting = await people.waitingOn(trx, opportunityId);
      const members = waiting.length
        ? await people.membersOfApplications(
            trx,
            waiting.map((a) => a.id),
          )
        : [];
      return waiting.map((a) => {
        const mine = members.filter((m) => m.application_id === a.id);
        // Someone in two of its organisations is told once.
        return { ...a, people: [...new Map(mine.map((p) => [p.email, { email: p.email, name: p.name }])).values()] };
      });
    },

    conflictsOf,

    /**
     * The applications submitted to an opportunity, for staff: what each asks for, except those the person is kept
     * from by a conflict, which show only that they exist; the total counts only what they may see.
     */
    async received(actor: Actor, opportunityId: string) {
      if (!isUuid(opportunityId)) return { rows: [], totalRequested: 0, hidden: 0 };
      const all = (await people.forOpportunity(db, opportunityId)).map(shaped).filter((r) => r.submitted_at);
      const conflicts = await conflictsOf(
        actor.id,
        all.map((r) => r.id),
      );
      const rows = all.map((r) => {
        const conflict = conflicts.get(r.id);
        return conflict
          ? { ...r, requested_pence: null, conflict: conflictMark[conflict.reason] }
          : { ...r, conflict: null };
      });
      const totalRequested = rows
        .filter((r) => r.status !== 'withdrawn')
        .reduce((sum, r) => sum + (r.requested_pence ?? 0), 0);
      return { rows, totalRequested, hidden: conflicts.size };
    },

    /** An opportunity's applications (all statuses, or those given), with the lead's name, oldest submission first. */
    async forOpportunity(opportunityId: string, options: { status?: ApplicationStatus | ApplicationStatus[] } = {}) {
      if (!isUuid(opportunityId)) return [];
      const statuses = options.status ? [options.status].flat() : undefined;
      return (await people.forOpportunity(db, opportunityId, statuses)).map(shaped);
    },

    /** What the "start an application" page needs: the opportunity, its lots and the person's organisations. */
    async startOptions(actor: Actor, slug: string, now = new Date()) {
      const opportunity = await records.opportunityOf(db, { slug }, now);
      if (!opportunity || !isPublished(opportunity)) return notFound;
      const lots = await records.lotsOf(db, opportunity.id);
      return {
        ok: true as const,
        opportunity: { ...opportunity, effectiveStatus: opportunity.phase },
        closingText: plainDateTime(opportunity.closes_at),
        lots: lots.map((l) => ({ ...l, value_pence: Number(l.value_pence) })),
        organisations: await myOrganisations(actor.id),
      };
    },

    /** The application page for someone allowed to see it. */
    async page(actor: Actor | null, reference: string, now = new Date()) {
      const seen = await read.visible(actor, reference);
      if (seen.refusal) return seen.refusal;
      const f = (await read.full(seen.row.id, db, now))!;
      const draft = isEditable(f.application);
      const editRefusal = draft ? draftRefusal(f.opportunity, now) : notDraft;
      const myPending = f.partners.filter((p) => seen.who.partnerOf.includes(p.organisation_id) && !p.confirmed_at);
      // A successful application leads on to its award, once made.
      const award = await records.awardOf(db, seen.row.id);
      return {
        award: award ?? null,
        ok: true as const,
        ...f,
        who: seen.who,
        canEdit: seen.who.lead && !editRefusal,
        // Why the lead cannot change it, when they cannot.
        editRefusal: editRefusal?.message ?? null,
        canWithdraw: seen.who.lead && (draft || f.application.status === 'submitted'),
        myPending: draft ? myPending : [],
        blockers: draft ? blockers(f, now) : [],
      };
    },

    /** The signed-in person's dashboard: their organisations' applications, and partner confirmations waiting. */
    async dashboard(actor: Actor) {
      const orgs = await myOrganisations(actor.id);
      if (orgs.length === 0) return { organisations: orgs, applications: [], pending: [] };
      const rows = await people.forOrganisations(
        db,
        orgs.map((o) => o.id),
      );
      const all = rows.map((r) => ({ ...shaped(r), share_pence: Number(r.share_pence) }));
      const applications = [...new Map(all.map((r) => [r.id, r])).values()];
      const pending = all.filter((r) => !r.is_lead && !r.confirmed_at && r.status === 'draft');
      return { organisations: orgs, applications, pending };
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
