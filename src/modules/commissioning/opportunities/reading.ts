import type { Database } from '../../../db/index.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { type Refusal, refusal } from '../../../kernel/result.ts';
import { isPublished } from './lifecycle.ts';
import { routeLabel, serviceAreaLabel, withPhase } from './present.ts';
import * as records from './queries/records.ts';

// Reading one opportunity: the row, the whole of it for its pages, and the checks every change of a draft makes.

export const notFound = refusal(404, 'There is no such opportunity.');
export const notDraft = refusal(409, 'This opportunity has been published, so its details can no longer be changed.');
export const staffOnly = refusal(403, 'Only commissioners and officers can do this.');

export type Where = records.Where;

export function createReader(db: Database) {
  async function row(where: Where, trx: Database = db) {
    if ('id' in where && !isUuid(where.id)) return undefined;
    return records.opportunityRow(trx, where);
  }

  /** The opportunity with its lots, wards, questions, criteria and documents (without their bytes). */
  async function full(where: Where, trx: Database = db, now = new Date()) {
    const o = await row(where, trx);
    if (!o) return undefined;
    const [lots, wards, questions, criteria, documents, specification] = await records.partsOf(trx, o);
    return {
      ...o,
      total_value_pence: Number(o.total_value_pence),
      ...withPhase(o, now),
      routeLabel: routeLabel(o.route),
      serviceAreaLabel: serviceAreaLabel(o.service_area),
      lots: lots.map((l) => ({ ...l, value_pence: Number(l.value_pence) })),
      suitsSmall: lots.some((l) => l.suits_small),
      totalWeight: criteria.reduce((s, c) => s + c.weight, 0),
      wards,
      questions,
      criteria,
      documents,
      specification,
    };
  }

  /** Only staff see a draft; everyone else is told there is no such page. */
  async function viewable(actor: Actor | null, where: Where) {
    const o = await full(where);
    if (!o || (!isPublished(o) && !isStaff(actor))) return undefined;
    return o;
  }

  /**
   * For changes to a draft: staff only, and the row locked for update, so that a change and its publication go one
   * after the other and publication checks what it publishes.
   */
  async function editable(actor: Actor, slug: string, trx: Database) {
    if (!isStaff(actor)) return { refusal: staffOnly as Refusal };
    const o = await records.lockOpportunity(trx, { slug });
    if (!o) return { refusal: notFound as Refusal };
    if (o.status !== 'draft') return { refusal: notDraft as Refusal };
    return { o };
  }

  return { row, full, viewable, editable };
}

export type Reader = ReturnType<typeof createReader>;
export type FullOpportunity = NonNullable<Awaited<ReturnType<Reader['full']>>>;
