import type { OpportunityStatus } from '../../../db/schema.ts';
import { penceToPoundsNumber } from '../../../kernel/money.ts';

// Open Contracting Data Standard 1.1.5: how the platform's states and values are written in its codelists and formats.

export const OCDS_VERSION = '1.1';
export const LOTS_EXTENSION =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json';
export const LICENSE = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';

/** An amount in pence as an OCDS value: pounds exactly, as a number. */
export const money = (pence: number | string | bigint) => ({ amount: penceToPoundsNumber(pence), currency: 'GBP' });

/** A moment as OCDS writes it, to the second in UTC; a calendar date is the start of that day, in UTC. */
export const dateTime = (value: Date | string | null | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/** The object without its empty fields: OCDS leaves out what is not known rather than writing null. */
export const prune = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

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

export const awardStatuses = { active: 'active', ended: 'active', cancelled: 'cancelled' } as const;

/** The organisation's preferred registered identifier: a charity number, then a company number, then any. */
export function preferredIdentifiers(rows: { id: string; identifier: string | null; scheme: string | null }[]) {
  const map = new Map<string, { identifier: string; scheme: string }>();
  const rank = (s: string) => (s === 'GB-CHC' ? 0 : s === 'GB-COH' ? 1 : 2);
  for (const r of rows) {
    if (r.identifier === null || r.scheme === null) continue;
    const held = map.get(r.id);
    if (!held || rank(r.scheme) < rank(held.scheme)) map.set(r.id, { identifier: r.identifier, scheme: r.scheme });
  }
  return map;
}
