// The end of the complete demo chain: two bids, a panel that declares, scores and moderates, decisions and an award
// being monitored, each written through its owner's demo queries.
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.ts';
import * as applications from '../modules/commissioning/applications/queries/demo.ts';
import * as assessment from '../modules/commissioning/assessment/queries/demo.ts';
import * as awards from '../modules/commissioning/awards/queries/demo.ts';
import { type BidPlan, bidAnswers, bidPlans, demoChainSlugs, type Lookups } from './chain-plans.ts';
import { at, day, pounds } from './when.ts';

/** Returns the number of awards made: none when a real application or award holds a demo reference or slug. */
export async function addAssessmentAndAward(
  trx: Database,
  who: Lookups,
  opportunityId: string,
  opp: { lots: string[]; questions: string[]; criteria: string[] },
  indicators: string[],
  ids: Map<string, string>,
): Promise<number> {
  const taken = await applications.applicationReferencesTaken(trx, demoChainSlugs.applications);
  const awardTaken = await awards.awardSlugsTaken(trx, demoChainSlugs.awards);
  if (taken || awardTaken) return 0;
  const lot = opp.lots[0]!;
  const decided = at(-12, 11);
  const bids = bidPlans(who);
  const panel = [who.commissioner, who.officer, who.resident];
  await assessment.insertPanelMembers(
    trx,
    panel.map((user_id, i) => ({
      opportunity_id: opportunityId,
      user_id,
      added_by: who.commissioner,
      added_at: at(-45),
      declared_at: at(-39 + i),
      declaration:
        user_id === who.officer
          ? 'I sit on the management committee of one applicant (DEMO-WARM-0002).'
          : 'I have no interests to declare.',
    })),
  );
  const applicationIds: string[] = [];
  for (const b of bids) {
    const id = ids.get(b.reference) ?? randomUUID();
    applicationIds.push(id);
    await addBid(trx, who, { id, opportunityId, lot, questions: opp.questions, indicators, decided }, b);
  }
  await addScores(trx, who, { opportunityId, panel, criteria: opp.criteria, applicationIds }, bids);
  await addAward(trx, who, { opportunityId, lot, applicationId: applicationIds[0]!, indicators, ids, decided });
  return 1;
}

async function addBid(
  trx: Database,
  who: Lookups,
  to: { id: string; opportunityId: string; lot: string; questions: string[]; indicators: string[]; decided: Date },
  b: BidPlan,
) {
  const { id } = to;
  await applications.insertDemoApplication(trx, {
    id,
    reference: b.reference,
    opportunity_id: to.opportunityId,
    lot_id: to.lot,
    lead_organisation_id: b.lead,
    kind: b.kind,
    title: b.title,
    requested_pence: pounds(b.requested),
    status: b.status,
    created_by: who.vcs,
    created_at: at(-60),
    updated_at: to.decided,
    submitted_at: at(-41, 15),
    submitted_by: who.vcs,
    rank: b.rank,
    feedback: b.feedback,
    decided_at: to.decided,
    decided_by: who.commissioner,
    is_demo: true,
  });
  await applications.insertPartners(
    trx,
    b.partners.map((p) => ({
      application_id: id,
      organisation_id: p.org,
      is_lead: p.lead,
      role: p.role,
      share_pence: pounds(p.share),
      confirmed_at: at(-43),
      confirmed_by: who.vcs,
    })),
  );
  await applications.insertAnswers(
    trx,
    to.questions.map((question_id, i) => ({ application_id: id, question_id, body: bidAnswers[i]! })),
  );
  await applications.insertBudgetLines(trx, [
    { application_id: id, position: 0, heading: 'Heating and lighting', amount_pence: pounds((b.requested * 3) / 10) },
    { application_id: id, position: 1, heading: 'Staff and volunteer expenses', amount_pence: pounds(b.requested / 2) },
    { application_id: id, position: 2, heading: 'Hot drinks and food', amount_pence: pounds((b.requested * 2) / 10) },
  ]);
  if (to.indicators.length) {
    await applications.insertCommitments(
      trx,
      to.indicators.map((indicator_id, i) => ({
        application_id: id,
        indicator_id,
        target: i === 0 ? '6000' : '200',
        note: i === 0 ? 'Across all our spaces' : 'With the money advice partner',
      })),
    );
  }
}

async function addScores(
  trx: Database,
  who: Lookups,
  of: { opportunityId: string; panel: string[]; criteria: string[]; applicationIds: string[] },
  bids: BidPlan[],
) {
  // The officer sits on the single applicant's committee, so does not score it.
  await assessment.insertExclusion(trx, {
    opportunity_id: of.opportunityId,
    user_id: who.officer,
    application_id: of.applicationIds[1]!,
    reason: 'declared_interest',
    detail: 'Management committee member',
  });
  for (const [a, b] of bids.entries()) {
    for (const [c, criterion] of of.criteria.entries()) {
      for (const [m, user_id] of of.panel.entries()) {
        if (a === 1 && user_id === who.officer) continue;
        // Panel members differ a little; moderation settles on the agreed score.
        const score = Math.max(1, Math.min(5, b.scores[c]! + (m === 2 && c === 1 ? -1 : 0)));
        await assessment.insertScore(trx, {
          application_id: of.applicationIds[a]!,
          criterion_id: criterion,
          user_id,
          score,
          comment: score >= 4 ? 'Clear and convincing.' : 'Some gaps; see the feedback.',
          scored_at: at(-30 + m),
        });
      }
      await assessment.insertModeratedScore(trx, {
        application_id: of.applicationIds[a]!,
        criterion_id: criterion,
        score: b.scores[c]!,
        note: 'Agreed at the moderation meeting.',
        moderated_by: who.commissioner,
        moderated_at: at(-20),
      });
    }
  }
}

async function addAward(
  trx: Database,
  who: Lookups,
  of: {
    opportunityId: string;
    lot: string;
    applicationId: string;
    indicators: string[];
    ids: Map<string, string>;
    decided: Date;
  },
) {
  const startsIn = 7;
  const awardId = await awards.insertDemoAward(trx, {
    id: of.ids.get(demoChainSlugs.awards[0]!) ?? randomUUID(),
    slug: demoChainSlugs.awards[0]!,
    opportunity_id: of.opportunityId,
    lot_id: of.lot,
    application_id: of.applicationId,
    kind: 'grant_agreement',
    title: 'Warm spaces network in the north of the borough',
    value_pence: pounds(40_000),
    starts_on: day(startsIn),
    ends_on: day(startsIn + 364),
    // £40,000 is between the place's light and full thresholds: standard monitoring, every six months.
    monitoring_level: 'standard',
    monitoring_frequency: 'six_monthly',
    monitoring_plan:
      'A short report every six months against the two indicators, visit counts by ward, and one visit by the commissioner during the winter.',
    status: 'active',
    awarded_at: of.decided,
    awarded_by: who.commissioner,
    is_demo: true,
  });
  await awards.insertPayments(
    trx,
    [0, 1, 2, 3].map((q) => ({
      award_id: awardId,
      due_on: day(startsIn + q * 91),
      amount_pence: pounds(10_000),
      description: `Quarter ${q + 1}, paid in advance`,
    })),
  );
  if (of.indicators.length) {
    await awards.insertTargets(
      trx,
      of.indicators.map((indicator_id, i) => ({ award_id: awardId, indicator_id, target: i === 0 ? '6000' : '200' })),
    );
  }
}
