import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { OpportunityStatus } from '../../../db/schema.ts';
import type { PlaceConfig } from '../../place/config.ts';

// Open Contracting Data Standard 1.1.5: one release per contracting process (one opportunity), compiled from the
// rows as they stand, so a process that has been awarded is published as one tender-and-award release.

export const OCDS_VERSION = '1.1';
export const LOTS_EXTENSION =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json';
const LICENSE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

/** Integer pence as pounds, exactly: built from the digits, never by floating-point arithmetic on pounds. */
export function pounds(pence: number | string | bigint): number {
  const p = BigInt(pence);
  const sign = p < 0n ? '-' : '';
  const abs = p < 0n ? -p : p;
  return Number(`${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`);
}

const money = (pence: number | string | bigint) => ({ amount: pounds(pence), currency: 'GBP' });

const dateTime = (value: Date | string | null | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // A calendar date: the start of that day, in UTC.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/**
 * OCDS tenderStatus for an opportunity. Bids are still being assessed while "closed", which the codelist counts
 * as the tender process still taking place; it is complete once awarded, and unsuccessful when every application
 * was decided unsuccessful and no award was made.
 */
export function tenderStatus(status: OpportunityStatus, awarded: boolean): string {
  if (status === 'cancelled') return 'cancelled';
  if (status === 'unsuccessful') return 'unsuccessful';
  if (status === 'awarded' || awarded) return 'complete';
  return 'active';
}

/** A lot is complete once awarded; when the whole opportunity is awarded without it, it was unsuccessful. */
export function lotStatus(status: OpportunityStatus, awarded: boolean): string {
  if (status === 'cancelled') return 'cancelled';
  if (awarded) return 'complete';
  return status === 'awarded' || status === 'unsuccessful' ? 'unsuccessful' : 'active';
}

const awardStatuses = { active: 'active', ended: 'active', cancelled: 'cancelled' } as const;

type Party = { id: string; name: string; identifier?: object; roles: Set<string> };

const prune = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

export function createOcdsService({ db, config, place }: { db: Database; config: Config; place: PlaceConfig }) {
  const council = place.council;
  const [scheme, ...rest] = council.orgId.split('-');
  const councilScheme = `${scheme}-${rest[0]}`;
  const councilUid = rest.slice(1).join('-');
  const base = config.baseUrl.replace(/\/$/, '');

  async function opportunities(ocid?: string) {
    let q = db
      .selectFrom('opportunity as o')
      .innerJoin('specification as s', 's.id', 'o.specification_id')
      .innerJoin('needs_assessment as n', 'n.id', 's.needs_assessment_id')
      .select([
        'o.id',
        'o.slug',
        'o.ocid',
        'o.title',
        'o.summary',
        'o.status',
        'o.total_value_pence',
        'o.eligibility',
        'o.clarifications_close_at',
        'o.closes_at',
        'o.service_starts_on',
        'o.duration_months',
        'o.published_at',
        'o.updated_at',
        'o.cancelled_at',
        'o.cancellation_reason',
        's.slug as spec_slug',
        's.title as spec_title',
        'n.slug as need_slug',
        'n.title as need_title',
        'n.summary as need_summary',
        'n.need as need_text',
      ])
      // Drafts are never open data.
      .where('o.status', '<>', 'draft')
      .where('o.published_at', 'is not', null);
    if (ocid) q = q.where('o.ocid', '=', ocid);
    return q.orderBy('o.published_at').orderBy('o.ocid').execute();
  }

  /** Every organisation's org-id, preferring a charity number, then a company number. */
  async function orgIds(organisationIds: string[]) {
    const map = new Map<string, { identifier: string; scheme: string }>();
    if (!organisationIds.length) return map;
    const rows = await db
      .selectFrom('organisation_identifier')
      .select(['organisation_id', 'identifier', 'scheme'])
      .where('organisation_id', 'in', organisationIds)
      .orderBy('identifier')
      .execute();
    const rank = (s: string) => (s === 'GB-CHC' ? 0 : s === 'GB-COH' ? 1 : 2);
    for (const r of rows) {
      const held = map.get(r.organisation_id);
      if (!held || rank(r.scheme) < rank(held.scheme)) map.set(r.organisation_id, r);
    }
    return map;
  }

  async function releases(ocid?: string) {
    const opps = await opportunities(ocid);
    if (!opps.length) return [];
    const ids = opps.map((o) => o.id);
    const lots = await db.selectFrom('lot').selectAll().where('opportunity_id', 'in', ids).orderBy('number').execute();
    const documents = await db
      .selectFrom('opportunity_document')
      .select(['id', 'opportunity_id', 'title', 'file_name', 'file_type', 'created_at'])
      .where('opportunity_id', 'in', ids)
      .orderBy('created_at')
      .execute();
    const awards = await db
      .selectFrom('award')
      .selectAll()
      .where('opportunity_id', 'in', ids)
      .orderBy('awarded_at')
      .execute();
    // Tenderers: every organisation in an application that was submitted (withdrawn ones are not bids).
    const bids = await db
      .selectFrom('application as a')
      .leftJoin('application_partner as p', 'p.application_id', 'a.id')
      .select(['a.id as application_id', 'a.opportunity_id', 'a.lead_organisation_id', 'p.organisation_id'])
      .where('a.opportunity_id', 'in', ids)
      .where('a.status', 'in', ['submitted', 'successful', 'unsuccessful'])
      .execute();
    const orgIdsNeeded = [
      ...new Set(bids.flatMap((b) => [b.lead_organisation_id, b.organisation_id ?? b.lead_organisation_id])),
    ];
    const orgs = orgIdsNeeded.length
      ? await db.selectFrom('organisation').select(['id', 'name']).where('id', 'in', orgIdsNeeded).execute()
      : [];
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    const identifiers = await orgIds(orgIdsNeeded);

    return opps.map((o) => {
      const myLots = lots.filter((l) => l.opportunity_id === o.id);
      const lotId = new Map(myLots.map((l) => [l.id, String(l.number)]));
      const myAwards = awards.filter((a) => a.opportunity_id === o.id);
      const myBids = bids.filter((b) => b.opportunity_id === o.id);
      const awarded = myAwards.some((a) => a.status !== 'cancelled');

      const parties = new Map<string, Party>();
      const buyer = { id: council.orgId, name: council.name };
      parties.set(council.orgId, {
        ...buyer,
        identifier: { scheme: councilScheme, id: councilUid, legalName: council.name },
        roles: new Set(['buyer', 'procuringEntity']),
      });
      const partyFor = (organisationId: string, role: string) => {
        const held = identifiers.get(organisationId);
        // Without a registered number, a stable id of our own: the ocid prefix keeps it unique to this publisher.
        const id = held ? held.identifier : `${place.commissioning.ocdsPrefix}-org-${organisationId}`;
        const name = names.get(organisationId) ?? '';
        const party = parties.get(id) ?? {
          id,
          name,
          identifier: held
            ? { scheme: held.scheme, id: held.identifier.slice(held.scheme.length + 1), legalName: name }
            : undefined,
          roles: new Set<string>(),
        };
        party.roles.add(role);
        parties.set(id, party);
        return { id, name };
      };

      const membersOf = (applicationId: string) => {
        const rows = myBids.filter((b) => b.application_id === applicationId);
        return [...new Set(rows.map((b) => b.organisation_id ?? b.lead_organisation_id))];
      };
      const tenderers = new Map<string, { id: string; name: string }>();
      for (const b of myBids) {
        const ref = partyFor(b.organisation_id ?? b.lead_organisation_id, 'tenderer');
        tenderers.set(ref.id, ref);
      }
      const numberOfTenderers = new Set(myBids.map((b) => b.application_id)).size;

      const awardObjects = myAwards.map((a) => {
        const members = membersOf(a.application_id);
        return prune({
          id: a.slug,
          title: a.title,
          status: awardStatuses[a.status],
          date: dateTime(a.awarded_at),
          value: money(a.value_pence),
          suppliers: members.map((m) => partyFor(m, 'supplier')),
          contractPeriod: { startDate: dateTime(a.starts_on), endDate: dateTime(a.ends_on) },
          relatedLots: a.lot_id && lotId.has(a.lot_id) ? [lotId.get(a.lot_id)!] : undefined,
          documents: [
            {
              id: `${a.slug}-notice`,
              documentType: 'awardNotice',
              title: a.title,
              url: `${base}/awards/${a.slug}`,
              format: 'text/html',
              language: 'en',
            },
          ],
        });
      });

      const closed = o.status !== 'open';
      // The release changes, and so its date and id, when the process is cancelled or ends with no award.
      const ended = o.status === 'cancelled' ? o.cancelled_at : o.status === 'unsuccessful' ? o.updated_at : null;
      const releaseDate = [o.published_at, ended, ...myAwards.map((a) => a.awarded_at)]
        .filter((d): d is Date => d instanceof Date)
        .sort((a, b) => b.getTime() - a.getTime())[0]!;
      const date = dateTime(releaseDate)!;
      const tag = [
        'tender',
        ...(o.status === 'cancelled' ? ['tenderCancellation'] : []),
        ...(myAwards.length ? ['award'] : []),
      ];

      return prune({
        ocid: o.ocid,
        id: `${o.ocid}-${tag.join('-')}-${date.replace(/[-:]/g, '')}`,
        date,
        tag,
        initiationType: 'tender',
        language: 'en',
        parties: [...parties.values()].map((p) =>
          prune({ id: p.id, name: p.name, identifier: p.identifier, roles: [...p.roles] }),
        ),
        buyer,
        planning: {
          rationale: [o.need_summary, o.need_text].filter(Boolean).join('\n\n') || o.need_title,
          budget: {
            description: `The budget for ${o.title}`,
            amount: money(o.total_value_pence),
          },
          documents: [
            {
              id: `${o.ocid}-needs-assessment`,
              documentType: 'needsAssessment',
              title: o.need_title,
              url: `${base}/needs/${o.need_slug}`,
              format: 'text/html',
              language: 'en',
            },
            {
              id: `${o.ocid}-specification`,
              documentType: 'technicalSpecifications',
              title: o.spec_title,
              url: `${base}/specifications/${o.spec_slug}`,
              format: 'text/html',
              language: 'en',
            },
          ],
        },
        tender: prune({
          id: o.slug,
          title: o.title,
          description: o.summary || o.title,
          status: tenderStatus(o.status, awarded),
          procuringEntity: buyer,
          value: money(o.total_value_pence),
          procurementMethod: 'open',
          procurementMethodDetails: 'Open call for applications from voluntary and community organisations',
          mainProcurementCategory: 'services',
          submissionMethod: ['electronicSubmission'],
          tenderPeriod: prune({ startDate: dateTime(o.published_at), endDate: dateTime(o.closes_at) }),
          enquiryPeriod: o.clarifications_close_at
            ? prune({ startDate: dateTime(o.published_at), endDate: dateTime(o.clarifications_close_at) })
            : undefined,
          contractPeriod: o.service_starts_on
            ? { startDate: dateTime(o.service_starts_on), durationInDays: Math.round(o.duration_months * 30.44) }
            : { durationInDays: Math.round(o.duration_months * 30.44) },
          eligibilityCriteria: o.eligibility || undefined,
          lots: myLots.length
            ? myLots.map((l) =>
                prune({
                  id: String(l.number),
                  title: l.title,
                  description: l.description || undefined,
                  value: money(l.value_pence),
                  status: lotStatus(
                    o.status,
                    myAwards.some((a) => a.lot_id === l.id && a.status !== 'cancelled'),
                  ),
                }),
              )
            : undefined,
          documents: [
            {
              id: `${o.ocid}-notice`,
              documentType: 'tenderNotice',
              title: o.title,
              url: `${base}/opportunities/${o.slug}`,
              format: 'text/html',
              language: 'en',
            },
            ...(o.status === 'cancelled'
              ? [
                  prune({
                    id: `${o.ocid}-cancellation`,
                    documentType: 'cancellationDetails',
                    title: 'Why the opportunity was cancelled',
                    description: o.cancellation_reason ?? undefined,
                    url: `${base}/opportunities/${o.slug}`,
                    format: 'text/html',
                    datePublished: dateTime(o.cancelled_at),
                    language: 'en',
                  }),
                ]
              : []),
            ...documents
              .filter((d) => d.opportunity_id === o.id)
              .map((d) => ({
                id: d.id,
                documentType: 'biddingDocuments',
                title: d.title,
                url: `${base}/opportunities/${o.slug}/documents/${d.id}`,
                format: d.file_type,
                datePublished: dateTime(d.created_at),
                language: 'en',
              })),
          ],
          // Known only once applications have closed.
          numberOfTenderers: closed ? numberOfTenderers : undefined,
          tenderers: closed && tenderers.size ? [...tenderers.values()] : undefined,
        }),
        awards: awardObjects.length ? awardObjects : undefined,
      });
    });
  }

  function packageOf(items: object[], uri: string) {
    return {
      uri,
      version: OCDS_VERSION,
      extensions: [LOTS_EXTENSION],
      publishedDate: dateTime(new Date()),
      publisher: { name: council.name, scheme: councilScheme, uid: councilUid },
      license: LICENSE,
      publicationPolicy: `${base}/open-data`,
      releases: items,
    };
  }

  return {
    /** Every published contracting process, as one OCDS release package. */
    async releasePackage() {
      return packageOf(await releases(), `${base}/open-data/ocds/releases.json`);
    },
    /** One contracting process by its ocid, or undefined when there is none (or it is a draft). */
    async releasePackageFor(ocid: string) {
      const items = await releases(ocid);
      if (!items.length) return undefined;
      return packageOf(items, `${base}/open-data/ocds/releases/${encodeURIComponent(ocid)}.json`);
    },
  };
}

export type OcdsService = ReturnType<typeof createOcdsService>;
