import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { PlaceConfig } from '../../place/config.ts';
import { organisationsWithIdentifiers, processParts, publishedProcesses } from './queries.ts';
import { type Organisations, type Publisher, release } from './release.ts';
import { dateTime, LICENSE, LOTS_EXTENSION, OCDS_VERSION, preferredIdentifiers } from './rules.ts';

// Open Contracting Data Standard 1.1.5: every published contracting process as open data.

export function createOcdsService({ db, config, place }: { db: Database; config: Config; place: PlaceConfig }) {
  const council = place.council;
  const [scheme, ...rest] = council.orgId.split('-');
  const publisher: Publisher = {
    council,
    councilScheme: `${scheme}-${rest[0]}`,
    councilUid: rest.slice(1).join('-'),
    ocdsPrefix: place.commissioning.ocdsPrefix,
    base: config.baseUrl.replace(/\/$/, ''),
  };

  async function organisationsOf(organisationIds: string[]): Promise<Organisations> {
    const rows = organisationIds.length ? await organisationsWithIdentifiers(db, organisationIds) : [];
    return { names: new Map(rows.map((r) => [r.id, r.name])), identifiers: preferredIdentifiers(rows) };
  }

  async function releases(ocid?: string) {
    const processes = await publishedProcesses(db, ocid);
    if (!processes.length) return [];
    const parts = await processParts(
      db,
      processes.map((o) => o.id),
    );
    const orgs = await organisationsOf([
      ...new Set(parts.bids.flatMap((b) => [b.lead_organisation_id, b.organisation_id ?? b.lead_organisation_id])),
    ]);
    return processes.map((o) => {
      const mine = <T extends { opportunity_id: string }>(rows: T[]) => rows.filter((r) => r.opportunity_id === o.id);
      const own = {
        lots: mine(parts.lots),
        documents: mine(parts.documents),
        awards: mine(parts.awards),
        bids: mine(parts.bids),
      };
      return release(o, own, publisher, orgs);
    });
  }

  function packageOf(items: object[], uri: string) {
    return {
      uri,
      version: OCDS_VERSION,
      extensions: [LOTS_EXTENSION],
      publishedDate: dateTime(new Date()),
      publisher: { name: council.name, scheme: publisher.councilScheme, uid: publisher.councilUid },
      license: LICENSE,
      publicationPolicy: `${publisher.base}/open-data`,
      releases: items,
    };
  }

  return {
    /** Every published contracting process, as one OCDS release package. */
    async releasePackage() {
      return packageOf(await releases(), `${publisher.base}/open-data/ocds/releases.json`);
    },
    /** One contracting process by its ocid, or undefined when there is none (or it is a draft). */
    async releasePackageFor(ocid: string) {
      const items = await releases(ocid);
      if (!items.length) return undefined;
      return packageOf(items, `${publisher.base}/open-data/ocds/releases/${encodeURIComponent(ocid)}.json`);
    },
  };
}

export type OcdsService = ReturnType<typeof createOcdsService>;
