import type { Database } from '../../../db/index.ts';

// The commissioning chain around any one item: the need, the specifications answering it, the opportunities made
// from them and the awards made from those. Read straight from the tables so that every page of the chain can show
// where it fits without each module knowing the others.

export type ChainViewer = { staff: boolean };
type Kind = 'need' | 'specification' | 'opportunity' | 'award';

const needLabels: Record<string, string> = {
  draft: 'Draft',
  open: 'Open for input',
  closed: 'Closed for input',
  published: 'Published',
};
const specificationLabels: Record<string, string> = {
  draft: 'Draft',
  in_review: 'In review',
  signed_off: 'Signed off',
  published: 'Published',
};
const opportunityLabels: Record<string, string> = {
  draft: 'Draft',
  open: 'Open for applications',
  closed: 'Closed for applications',
  awarded: 'Awarded',
  unsuccessful: 'No award made',
  cancelled: 'Cancelled',
};
const awardLabels: Record<string, string> = { active: 'Active', ended: 'Ended', cancelled: 'Cancelled' };

export type ChainItem = {
  id: string;
  href: string;
  title: string;
  status: string;
  statusLabel: string;
  current: boolean;
};
export type Chain = {
  need: ChainItem;
  specifications: (ChainItem & { opportunities: (ChainItem & { awards: (ChainItem & { supplier: string })[] })[] })[];
};

export function createChainService({ db }: { db: Database }) {
  async function build(
    needId: string,
    viewer: ChainViewer,
    current: { kind: Kind; id: string },
  ): Promise<Chain | undefined> {
    const need = await db
      .selectFrom('needs_assessment')
      .select(['id', 'slug', 'title', 'status'])
      .where('id', '=', needId)
      .executeTakeFirst();
    if (!need) return undefined;
    // The item being shown is always in its own chain: its page has already decided who may see it.
    const shown = (kind: Kind, id: string, isPublic: boolean) =>
      viewer.staff || isPublic || (current.kind === kind && current.id === id);
    const mark = (kind: Kind, id: string) => current.kind === kind && current.id === id;

    const specs = (
      await db
        .selectFrom('specification')
        .select(['id', 'slug', 'title', 'status'])
        .where('needs_assessment_id', '=', need.id)
        .orderBy('created_at')
        .execute()
    ).filter((s) => shown('specification', s.id, s.status === 'published'));
    const opps = specs.length
      ? (
          await db
            .selectFrom('opportunity')
            .select(['id', 'slug', 'title', 'status', 'specification_id'])
            .where(
              'specification_id',
              'in',
              specs.map((s) => s.id),
            )
            .orderBy('created_at')
            .execute()
        ).filter((o) => shown('opportunity', o.id, o.status !== 'draft'))
      : [];
    const awards = opps.length
      ? await db
          .selectFrom('award as a')
          .innerJoin('application as ap', 'ap.id', 'a.application_id')
          .innerJoin('organisation as org', 'org.id', 'ap.lead_organisation_id')
          .select(['a.id', 'a.slug', 'a.title', 'a.status', 'a.opportunity_id', 'org.name as supplier'])
          .where(
            'a.opportunity_id',
            'in',
            opps.map((o) => o.id),
          )
          .orderBy('a.awarded_at')
          .execute()
      : [];

    if (!shown('need', need.id, need.status !== 'draft')) return undefined;
    return {
      need: {
        id: need.id,
        href: `/needs/${need.slug}`,
        title: need.title,
        status: need.status,
        statusLabel: needLabels[need.status] ?? need.status,
        current: mark('need', need.id),
      },
      specifications: specs.map((s) => ({
        id: s.id,
        href: `/specifications/${s.slug}`,
        title: s.title,
        status: s.status,
        statusLabel: specificationLabels[s.status] ?? s.status,
        current: mark('specification', s.id),
        opportunities: opps
          .filter((o) => o.specification_id === s.id)
          .map((o) => ({
            id: o.id,
            href: `/opportunities/${o.slug}`,
            title: o.title,
            status: o.status,
            statusLabel: opportunityLabels[o.status] ?? o.status,
            current: mark('opportunity', o.id),
            awards: awards
              .filter((a) => a.opportunity_id === o.id)
              .map((a) => ({
                id: a.id,
                href: `/awards/${a.slug}`,
                title: a.title,
                status: a.status,
                statusLabel: awardLabels[a.status] ?? a.status,
                current: mark('award', a.id),
                supplier: a.supplier,
              })),
          })),
      })),
    };
  }

  async function needOfSpecification(specId: string) {
    return db.selectFrom('specification').select('needs_assessment_id').where('id', '=', specId).executeTakeFirst();
  }
  async function specificationOfOpportunity(opportunityId: string) {
    return db.selectFrom('opportunity').select('specification_id').where('id', '=', opportunityId).executeTakeFirst();
  }

  return {
    /** The chain a needs assessment starts. Undefined when the viewer may not see the need. */
    async forNeed(needId: string, viewer: ChainViewer) {
      return build(needId, viewer, { kind: 'need', id: needId });
    },
    async forSpecification(specId: string, viewer: ChainViewer) {
      const spec = await needOfSpecification(specId);
      return spec ? build(spec.needs_assessment_id, viewer, { kind: 'specification', id: specId }) : undefined;
    },
    async forOpportunity(opportunityId: string, viewer: ChainViewer) {
      const opp = await specificationOfOpportunity(opportunityId);
      const spec = opp ? await needOfSpecification(opp.specification_id) : undefined;
      return spec ? build(spec.needs_assessment_id, viewer, { kind: 'opportunity', id: opportunityId }) : undefined;
    },
    async forAward(awardId: string, viewer: ChainViewer) {
      const award = await db.selectFrom('award').select('opportunity_id').where('id', '=', awardId).executeTakeFirst();
      const opp = award ? await specificationOfOpportunity(award.opportunity_id) : undefined;
      const spec = opp ? await needOfSpecification(opp.specification_id) : undefined;
      return spec ? build(spec.needs_assessment_id, viewer, { kind: 'award', id: awardId }) : undefined;
    },
  };
}

export type ChainService = ReturnType<typeof createChainService>;
