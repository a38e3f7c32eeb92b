import type { ProcessParts, ProcessRow } from './queries.ts';
import { awardStatuses, dateTime, lotStatus, money, prune, tenderStatus } from './rules.ts';

// One OCDS release per contracting process (one opportunity), compiled from the rows as they stand, so a process
// that has been awarded is published as one tender-and-award release.

export type Publisher = {
  council: { orgId: string; name: string };
  councilScheme: string;
  councilUid: string;
  ocdsPrefix: string;
  base: string;
};
export type Organisations = {
  names: Map<string, string>;
  identifiers: Map<string, { identifier: string; scheme: string }>;
};
type Party = { id: string; name: string; identifier?: object; roles: Set<string> };
type Parts = { [K in keyof ProcessParts]: ProcessParts[K] };

const page = (id: string, documentType: string, title: string, url: string) => ({
  id,
  documentType,
  title,
  url,
  format: 'text/html',
  language: 'en',
});

/** The parties of one release: the council as buyer, and each organisation under its registered id once. */
function partyRegister(p: Publisher, orgs: Organisations) {
  const parties = new Map<string, Party>();
  parties.set(p.council.orgId, {
    id: p.council.orgId,
    name: p.council.name,
    identifier: { scheme: p.councilScheme, id: p.councilUid, legalName: p.council.name },
    roles: new Set(['buyer', 'procuringEntity']),
  });
  const partyFor = (organisationId: string, role: string) => {
    const held = orgs.identifiers.get(organisationId);
    // Without a registered number, a stable id of our own: the ocid prefix keeps it unique to this publisher.
    const id = held ? held.identifier : `${p.ocdsPrefix}-org-${organisationId}`;
    const name = orgs.names.get(organisationId) ?? '';
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
  const list = () =>
    [...parties.values()].map((party) =>
      prune({ id: party.id, name: party.name, identifier: party.identifier, roles: [...party.roles] }),
    );
  return { partyFor, list };
}

function planning(o: ProcessRow, base: string) {
  return {
    rationale: [o.need_summary, o.need_text].filter(Boolean).join('\n\n') || o.need_title,
    budget: { description: `The budget for ${o.title}`, amount: money(o.total_value_pence) },
    documents: [
      page(`${o.ocid}-needs-assessment`, 'needsAssessment', o.need_title, `${base}/needs/${o.need_slug}`),
      page(`${o.ocid}-specification`, 'technicalSpecifications', o.spec_title, `${base}/specifications/${o.spec_slug}`),
    ],
  };
}

function tenderDocuments(o: ProcessRow, documents: Parts['documents'], base: string) {
  const notice = `${base}/opportunities/${o.slug}`;
  const cancellation =
    o.status === 'cancelled'
      ? [
          prune({
            id: `${o.ocid}-cancellation`,
            documentType: 'cancellationDetails',
            title: 'Why the opportunity was cancelled',
            description: o.cancellation_reason ?? undefined,
            url: notice,
            format: 'text/html',
            datePublished: dateTime(o.cancelled_at),
            language: 'en',
          }),
        ]
      : [];
  return [
    page(`${o.ocid}-notice`, 'tenderNotice', o.title, notice),
    ...cancellation,
    ...documents.map((d) => ({
      id: d.id,
      documentType: 'biddingDocuments',
      title: d.title,
      url: `${base}/opportunities/${o.slug}/documents/${d.id}`,
      format: d.file_type,
      datePublished: dateTime(d.created_at),
      language: 'en',
    })),
  ];
}

function tender(
  o: ProcessRow,
  parts: Parts,
  buyer: { id: string; name: string },
  tenderers: Map<string, { id: string; name: string }>,
  base: string,
) {
  const awarded = parts.awards.some((a) => a.status !== 'cancelled');
  // Known only once applications have closed.
  const closed = o.status !== 'open';
  const durationInDays = Math.round(o.duration_months * 30.44);
  return prune({
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
      ? { startDate: dateTime(o.service_starts_on), durationInDays }
      : { durationInDays },
    eligibilityCriteria: o.eligibility || undefined,
    lots: parts.lots.length
      ? parts.lots.map((l) =>
          prune({
            id: String(l.number),
            title: l.title,
            description: l.description || undefined,
            value: money(l.value_pence),
            status: lotStatus(
              o.status,
              parts.awards.some((a) => a.lot_id === l.id && a.status !== 'cancelled'),
            ),
          }),
        )
      : undefined,
    documents: tenderDocuments(o, parts.documents, base),
    numberOfTenderers: closed ? new Set(parts.bids.map((b) => b.application_id)).size : undefined,
    tenderers: closed && tenderers.size ? [...tenderers.values()] : undefined,
  });
}

/** The release of one process, from its row and its own lots, documents, awards and bids. */
export function release(o: ProcessRow, parts: Parts, p: Publisher, orgs: Organisations) {
  const buyer = { id: p.council.orgId, name: p.council.name };
  const { partyFor, list } = partyRegister(p, orgs);
  const memberOf = (b: Parts['bids'][number]) => b.organisation_id ?? b.lead_organisation_id;
  const tenderers = new Map<string, { id: string; name: string }>();
  for (const b of parts.bids) {
    const ref = partyFor(memberOf(b), 'tenderer');
    tenderers.set(ref.id, ref);
  }
  const lotId = new Map(parts.lots.map((l) => [l.id, String(l.number)]));
  const awards = parts.awards.map((a) => {
    const members = [...new Set(parts.bids.filter((b) => b.application_id === a.application_id).map(memberOf))];
    return prune({
      id: a.slug,
      title: a.title,
      status: awardStatuses[a.status],
      date: dateTime(a.awarded_at),
      value: money(a.value_pence),
      suppliers: members.map((m) => partyFor(m, 'supplier')),
      contractPeriod: { startDate: dateTime(a.starts_on), endDate: dateTime(a.ends_on) },
      relatedLots: a.lot_id && lotId.has(a.lot_id) ? [lotId.get(a.lot_id)!] : undefined,
      documents: [page(`${a.slug}-notice`, 'awardNotice', a.title, `${p.base}/awards/${a.slug}`)],
    });
  });
  const tenderObject = tender(o, parts, buyer, tenderers, p.base);

  // The release changes, and so its date and id, when the process is cancelled or ends with no award.
  const ended = o.status === 'cancelled' ? o.cancelled_at : o.status === 'unsuccessful' ? o.updated_at : null;
  const releaseDate = [o.published_at, ended, ...parts.awards.map((a) => a.awarded_at)]
    .filter((d): d is Date => d instanceof Date)
    .sort((a, b) => b.getTime() - a.getTime())[0]!;
  const date = dateTime(releaseDate)!;
  const tag = [
    'tender',
    ...(o.status === 'cancelled' ? ['tenderCancellation'] : []),
    ...(parts.awards.length ? ['award'] : []),
  ];
  return prune({
    ocid: o.ocid,
    id: `${o.ocid}-${tag.join('-')}-${date.replace(/[-:]/g, '')}`,
    date,
    tag,
    initiationType: 'tender',
    language: 'en',
    parties: list(),
    buyer,
    planning: planning(o, p.base),
    tender: tenderObject,
    awards: awards.length ? awards : undefined,
  });
}
