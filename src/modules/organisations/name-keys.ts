import type { Database } from '../../db/index.ts';
import { organisationNameKey } from './names.ts';
import {
  organisationsWithoutKey,
  otherNamesWithoutKey,
  setOrganisationKeys,
  setOtherNameKeys,
} from './queries/name-keys.ts';

const BATCH = 5000;

/**
 * The name keys that matching reads (organisation.name_key, organisation_name.name_key). Register imports write
 * them with the names; a profile edit clears one (a trigger), and `fill` works out every key missing.
 */
export function createNameKeyService({ db }: { db: Database }) {
  return {
    /** Keys for organisations' names and other names that lack one (new, or renamed since); how many were filled. */
    async fill(trx: Database = db): Promise<number> {
      let filled = 0;
      for (;;) {
        const rows = await organisationsWithoutKey(trx, BATCH);
        if (!rows.length) break;
        await setOrganisationKeys(
          trx,
          rows.map((r) => ({ id: r.id, key: organisationNameKey(r.name) })),
        );
        filled += rows.length;
      }
      for (;;) {
        const rows = await otherNamesWithoutKey(trx, BATCH);
        if (!rows.length) break;
        await setOtherNameKeys(
          trx,
          rows.map((r) => ({ organisationId: r.organisation_id, name: r.name, key: organisationNameKey(r.name) })),
        );
        filled += rows.length;
      }
      return filled;
    },
  };
}

export type NameKeyService = ReturnType<typeof createNameKeyService>;
