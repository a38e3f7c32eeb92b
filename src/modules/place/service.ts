import type { Database } from '../../db/index.ts';
import type { AuditService } from '../audit/service.ts';
import { codelists } from './codelists.ts';
import type { PlaceConfig } from './config.ts';

export function createPlaceService({ db, place, audit }: { db: Database; place: PlaceConfig; audit: AuditService }) {
  return {
    config: place,
    codelists,

    /** Write the place's council, neighbours, wards and first priorities; safe to run again. */
    async install(): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('council')
          .values({
            org_id: place.council.orgId,
            name: place.council.name,
            is_place: true,
            population: place.council.population,
          })
          .onConflict((oc) =>
            oc
              .column('org_id')
              .doUpdateSet({ name: place.council.name, is_place: true, population: place.council.population }),
          )
          .execute();
        for (const n of place.neighbours) {
          await trx
            .insertInto('council')
            .values({ org_id: n.orgId, name: n.name, is_neighbour: true, population: null })
            .onConflict((oc) => oc.column('org_id').doUpdateSet({ is_neighbour: true }))
            .execute();
        }
        for (const [position, ward] of place.wardCodes.entries()) {
          await trx
            .insertInto('ward')
            .values({ code: ward.code, name: ward.name, position })
            .onConflict((oc) => oc.column('code').doUpdateSet({ name: ward.name, position }))
            .execute();
        }
        const existing = await trx.selectFrom('local_priority').select('id').limit(1).execute();
        if (existing.length === 0) {
          await trx
            .insertInto('local_priority')
            .values(place.priorities.map((p, position) => ({ title: p.title, description: p.description, position })))
            .execute();
        }
      });
    },

    async wards() {
      return db.selectFrom('ward').select(['code', 'name']).orderBy('position').execute();
    },

    async councils() {
      return db.selectFrom('council').selectAll().orderBy('is_place', 'desc').orderBy('name').execute();
    },

    async priorities(options: { includeInactive?: boolean } = {}) {
      let q = db.selectFrom('local_priority').selectAll();
      if (!options.includeInactive) q = q.where('active', '=', true);
      return q.orderBy('position').orderBy('id').execute();
    },

    async savePriority(
      actorId: string,
      input: { id?: number | undefined; title: string; description: string; active: boolean },
    ): Promise<number> {
      return db.transaction().execute(async (trx) => {
        let id = input.id;
        if (id) {
          await trx
            .updateTable('local_priority')
            .set({ title: input.title, description: input.description, active: input.active, updated_at: new Date() })
            .where('id', '=', id)
            .execute();
        } else {
          const max = await trx
            .selectFrom('local_priority')
            .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(0)).as('max'))
            .executeTakeFirstOrThrow();
          const row = await trx
            .insertInto('local_priority')
            .values({
              title: input.title,
              description: input.description,
              active: input.active,
              position: Number(max.max) + 1,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          id = row.id;
        }
        await audit.record(
          {
            userId: actorId,
            action: input.id ? 'update' : 'create',
            entityType: 'local_priority',
            entityId: String(id),
            detail: input,
          },
          trx,
        );
        return id;
      });
    },
  };
}

export type PlaceService = ReturnType<typeof createPlaceService>;
