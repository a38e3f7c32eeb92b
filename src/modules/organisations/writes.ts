import type { Database } from '../../db/index.ts';
import type { ClassificationList } from '../../db/schema.ts';
import { codelists } from '../place/codelists.ts';
import type { PlaceConfig } from '../place/config.ts';
import { parseIdentifier, schemeOf } from './identifiers.ts';
import * as profiles from './queries/profiles.ts';
import { similarNames } from './queries/search.ts';
import { type OrganisationRecord, recordToRow } from './rules.ts';
import { slugFor } from './slugs.ts';

// The building blocks of the directory's changes, each in the caller's transaction when given one: the profile
// pages, and tests and demo data that add organisations. They audit nothing; the caller audits with its own action.

export function createDirectoryWrites({ db, place }: { db: Database; place: PlaceConfig }) {
  const blocks = {
    /** A free web address for a name. */
    async uniqueSlug(name: string, trx: Database = db): Promise<string> {
      return slugFor(name, (slug) => profiles.slugTaken(trx, slug));
    },

    /** Which organisation holds each identifier (canonical forms only). */
    async findByIdentifiers(identifiers: string[], trx: Database = db): Promise<Map<string, string>> {
      if (identifiers.length === 0) return new Map();
      const rows = await profiles.identifierHolders(trx, identifiers);
      return new Map(rows.map((r) => [r.identifier, r.organisation_id]));
    },

    /** Add an organisation; the caller audits with its own action (an import audits once per file). */
    async insert(
      record: OrganisationRecord,
      options: { source: string; createdBy?: string | null },
      trx: Database = db,
    ): Promise<{ id: string; slug: string }> {
      const slug = await blocks.uniqueSlug(record.name, trx);
      return profiles.insertOrganisation(trx, {
        ...recordToRow(record),
        name: record.name,
        slug,
        source: options.source,
        created_by: options.createdBy ?? null,
      });
    },

    /** Change the given fields only (undefined leaves a field alone). Does not count as a person's edit. */
    async patch(id: string, record: Partial<OrganisationRecord>, trx: Database = db): Promise<void> {
      const row = { ...recordToRow(record), ...(record.name ? { name: record.name } : {}) };
      await profiles.updateOrganisation(trx, id, { ...row, updated_at: new Date() });
    },

    /**
     * Give an organisation identifiers. Each is normalised; ones it already holds are skipped; ones held by
     * another organisation are returned as clashes and not moved; ones that are not identifiers are returned too.
     */
    async addIdentifiers(
      organisationId: string,
      identifiers: string[],
      trx: Database = db,
    ): Promise<{ added: string[]; clashes: { identifier: string; organisationId: string }[]; invalid: string[] }> {
      const result = {
        added: [] as string[],
        clashes: [] as { identifier: string; organisationId: string }[],
        invalid: [] as string[],
      };
      const canonical: string[] = [];
      for (const raw of identifiers) {
        const parsed = parseIdentifier(raw);
        if (parsed.ok) canonical.push(parsed.identifier);
        else result.invalid.push(raw);
      }
      const held = await blocks.findByIdentifiers(canonical, trx);
      for (const identifier of new Set(canonical)) {
        const holder = held.get(identifier);
        if (holder === organisationId) continue;
        if (holder) {
          result.clashes.push({ identifier, organisationId: holder });
          continue;
        }
        await profiles.insertIdentifier(trx, {
          identifier,
          organisation_id: organisationId,
          scheme: schemeOf(identifier),
        });
        result.added.push(identifier);
      }
      return result;
    },

    /** Add other names (the organisation's own name is never repeated). */
    async addNames(
      organisationId: string,
      names: string[],
      kind: 'alternative' | 'previous' | 'working' = 'alternative',
      trx: Database = db,
    ): Promise<void> {
      const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
      if (unique.length === 0) return;
      await profiles.insertNames(
        trx,
        unique.map((name) => ({ organisation_id: organisationId, name, kind })),
      );
    },

    /** Replace one classification list (unknown codes are dropped). */
    async setClassifications(
      organisationId: string,
      list: ClassificationList,
      codes: string[],
      trx: Database = db,
    ): Promise<void> {
      const known = new Set(codelists[list].map((c) => c.code));
      await profiles.replaceClassifications(
        trx,
        organisationId,
        list,
        [...new Set(codes)].filter((c) => known.has(c)),
      );
    },

    /** Replace the wards an organisation works in (unknown ward codes are dropped). */
    async setWards(organisationId: string, wardCodes: string[], trx: Database = db): Promise<void> {
      const known = new Set(place.wardCodes.map((w) => w.code));
      await profiles.replaceWards(
        trx,
        organisationId,
        [...new Set(wardCodes)].filter((c) => known.has(c)),
      );
    },

    similarNames: (name: string, limit?: number) => similarNames(db, name, limit),
  };
  return blocks;
}

export type DirectoryWrites = ReturnType<typeof createDirectoryWrites>;
