import type { Database } from '../../db/index.ts';
import { createMutate, type Once } from '../../kernel/mutation.ts';
import type { AuditService } from '../audit/service.ts';
import { codelists } from './codelists.ts';
import type { PlaceConfig } from './config.ts';
import * as q from './queries.ts';

export function createPlaceService({ db, place, audit }: { db: Database; place: PlaceConfig; audit: AuditService }) {
  const mutate = createMutate({ db, audit });
  return {
    config: place,
    codelists,

    /** Write the place's council, neighbours, wards and first priorities; safe to run again. */
    async install(): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await q.upsertPlaceCouncil(trx, place.council);
        for (const n of place.neighbours) await q.upsertNeighbour(trx, n);
        for (const [position, ward] of place.wardCodes.entries()) await q.upsertWard(trx, { ...ward, position });
        if (!(await q.hasPriorities(trx))) await q.insertPriorities(trx, place.priorities);
      });
    },

    wards: () => q.listWards(db),

    /** Every council held: the place first, then by name. */
    councils: () => q.listCouncils(db),

    /** One council by its org-id, or undefined. */
    council: (orgId: string, trx: Database = db) => q.findCouncil(trx, orgId),

    /**
     * Adds a council that is not yet held (a spend file from a council outside the place and its neighbours), inside
     * the caller's transaction; one already held is left as it is.
     */
    ensureCouncil: (orgId: string, name: string, trx: Database = db) => q.insertCouncilIfNew(trx, orgId, name),

    async priorities(options: { includeInactive?: boolean } = {}) {
      return q.listPriorities(db, options.includeInactive ?? false);
    },

    /** Adds a priority (a form sent twice adds it once: `once`) or changes one; answers with its id. */
    async savePriority(
      actorId: string,
      input: { id?: number | undefined; title: string; description: string; active: boolean },
      once?: Once,
    ): Promise<number> {
      return (await mutate(
        async (trx, effects) => {
          let id = input.id;
          if (id) await q.updatePriority(trx, id, input);
          else id = await q.insertPriority(trx, input);
          effects.audit({
            userId: actorId,
            action: input.id ? 'update' : 'create',
            entityType: 'local_priority',
            entityId: String(id),
            detail: input,
          });
          return id;
        },
        { once: input.id ? undefined : once },
      )) as number;
    },
  };
}

export type PlaceService = ReturnType<typeof createPlaceService>;
