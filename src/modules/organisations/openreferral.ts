import { createHash } from 'node:crypto';
import { identifierLabel, schemeOf } from './identifiers.ts';

// The directory as Open Referral UK (HSDS 3.0 UK profile) organizations. Only what an organisation chose
// to publish goes out: its e-mail address only when publish_email is set.

/** A stable UUID for something that has no UUID of its own (an identifier row), derived from its text. */
export function stableUuid(namespace: string, text: string): string {
  const hash = createHash('sha1').update(`${namespace}:${text}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type OrganisationLike = {
  id: string;
  name: string;
  description: string;
  email: string | null;
  publish_email: boolean;
  website: string | null;
};

const looksLikeEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
const looksLikeUrl = (v: string) => /^https?:\/\/[^\s]+$/i.test(v);

export function toOrganization(org: OrganisationLike, pageUrl: string) {
  return {
    id: org.id,
    name: org.name,
    description: org.description,
    ...(org.publish_email && org.email && looksLikeEmail(org.email) ? { email: org.email } : {}),
    ...(org.website && looksLikeUrl(org.website) ? { website: org.website } : {}),
    uri: pageUrl,
  };
}

export function toOrganizationIdentifier(organisationId: string, identifier: string) {
  const scheme = schemeOf(identifier);
  return {
    id: stableUuid('organisation_identifier', identifier),
    organization_id: organisationId,
    identifier_scheme: scheme,
    identifier_type: identifierLabel(identifier),
    identifier: identifier.slice(scheme.length + 1),
  };
}

/** The UK profile's paginated list: page facts and `contents`. */
export function toPage<T>(contents: T[], { total, page, perPage }: { total: number; page: number; perPage: number }) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
