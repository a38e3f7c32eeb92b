import type { Database } from '../../../db/index.ts';
import { type Actor, isStaff } from '../../../kernel/actor.ts';
import type { NeedsService } from '../../needs/service.ts';
import { isPublished, phaseLabel } from '../opportunities/lifecycle.ts';
import type { SpecificationService } from '../specifications/service.ts';
import { type ChainItem, chainItem, labels } from './present.ts';
import * as q from './queries.ts';

// The commissioning chain around any one item: the need, the specifications answering it, the opportunities made
// from them and the awards made from those. Each step comes from its owner: the needs and specifications services
// (with the specifications' one rule of who may read one) and what opportunities, applications and awards publish.

/** Who is looking: the person (or no one), so that a co-producer sees the draft they were invited to as its own pages show it. */
export type ChainViewer = Actor | null;
type Kind = 'need' | 'specification' | 'opportunity' | 'award';

export type { ChainItem } from './present.ts';
export type Chain = {
  need: ChainItem;
  /** How many specifications answer the need that this person may not read yet (drafts): known to exist, unnamed. */
  inDraft: number;
  specifications: (ChainItem & { opportunities: (ChainItem & { awards: (ChainItem & { supplier: string })[] })[] })[];
};

export function createChainService({
  db,
  needs,
  specifications,
}: {
  db: Database;
  needs: NeedsService;
  specifications: SpecificationService;
}) {
  async function build(needId: string, viewer: ChainViewer, current: { kind: Kind; id: string }) {
    const person = viewer;
    const staff = isStaff(person);
    const need = await needs.summary({ id: needId });
    if (!need) return undefined;
    const mark = (kind: Kind, id: string) => current.kind === kind && current.id === id;
    // The item being shown is always in its own chain: its page has already decided who may see it.
    const shown = (kind: Kind, id: string, isPublic: boolean) => staff || isPublic || mark(kind, id);
    if (!shown('need', need.id, need.status !== 'draft')) return undefined;

    const answering = await specifications.forNeed(need.id);
    const readable = staff ? answering : await specifications.visibleTo(person, answering);
    const specs = answering.filter((s) => readable.includes(s) || mark('specification', s.id));
    const now = new Date();
    const opps = (
      await q.opportunitiesOf(
        db,
        specs.map((s) => s.id),
      )
    ).filter((o) => shown('opportunity', o.id, isPublished(o)));
    const awards = await q.awardsOf(
      db,
      opps.map((o) => o.id),
    );

    return {
      need: chainItem(`/needs/${need.slug}`, need, labels.need(need.status), mark('need', need.id)),
      inDraft: answering.length - specs.length,
      specifications: specs.map((s) => ({
        ...chainItem(`/specifications/${s.slug}`, s, s.statusLabel, mark('specification', s.id)),
        opportunities: opps
          .filter((o) => o.specification_id === s.id)
          .map((o) => ({
            // What people see: past its closing time an opportunity is closed, as its own page says.
            ...chainItem(`/opportunities/${o.slug}`, o, phaseLabel(o, now), mark('opportunity', o.id)),
            awards: awards
              .filter((a) => a.opportunity_id === o.id)
              .map((a) => ({
                ...chainItem(`/awards/${a.slug}`, a, labels.award(a.status), mark('award', a.id)),
                supplier: a.supplier,
              })),
          })),
      })),
    } satisfies Chain;
  }

  const needOfOpportunity = async (opportunityId: string) => {
    const specId = await q.specificationOfOpportunity(db, opportunityId);
    return specId ? specifications.needOf(specId) : undefined;
  };

  return {
    /** The chain a needs assessment starts. Undefined when the viewer may not see the need. */
    async forNeed(needId: string, viewer: ChainViewer) {
      return build(needId, viewer, { kind: 'need', id: needId });
    },
    async forSpecification(specId: string, viewer: ChainViewer) {
      const needId = await specifications.needOf(specId);
      return needId ? build(needId, viewer, { kind: 'specification', id: specId }) : undefined;
    },
    async forOpportunity(opportunityId: string, viewer: ChainViewer) {
      const needId = await needOfOpportunity(opportunityId);
      return needId ? build(needId, viewer, { kind: 'opportunity', id: opportunityId }) : undefined;
    },
    async forAward(awardId: string, viewer: ChainViewer) {
      const opportunityId = await q.opportunityOfAward(db, awardId);
      const needId = opportunityId ? await needOfOpportunity(opportunityId) : undefined;
      return needId ? build(needId, viewer, { kind: 'award', id: awardId }) : undefined;
    },
  };
}

export type ChainService = ReturnType<typeof createChainService>;
