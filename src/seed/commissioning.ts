// Writes the demonstration commissioning chains planned in chain-plans.ts, each through its owner's demo queries.
// Fictional, marked `is_demo` where the table has the column, and refreshed on every run by slug (or reference),
// keeping each row's id so that addresses and ocids stay the same.
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.ts';
import * as accounts from '../modules/accounts/queries/demo.ts';
import * as applications from '../modules/commissioning/applications/queries/demo.ts';
import * as awards from '../modules/commissioning/awards/queries/demo.ts';
import * as opportunities from '../modules/commissioning/opportunities/queries/demo.ts';
import * as specifications from '../modules/commissioning/specifications/queries/demo.ts';
import * as needs from '../modules/needs/queries/demo.ts';
import * as organisations from '../modules/organisations/queries/demo.ts';
import type { Services } from '../services.ts';
import { addAssessmentAndAward } from './award-chain.ts';
import {
  completeOpportunity,
  demoChainSlugs,
  type Lookups,
  type OpportunityPlan,
  openOpportunity,
  type SpecPlan,
  specs,
} from './chain-plans.ts';
import { at, day, pounds } from './when.ts';

export { demoChainSlugs } from './chain-plans.ts';

async function lookups(trx: Database, wards: { code: string; name: string }[]): Promise<Lookups | undefined> {
  const users = await accounts.demoPeople(trx);
  const user = (email: string) => users.find((u) => u.email === email)?.id;
  const [commissioner, officer, resident, vcs] = [
    user('commissioner@demo.example'),
    user('officer@demo.example'),
    user('resident@demo.example'),
    user('vcs@demo.example'),
  ];
  if (!commissioner || !officer || !resident || !vcs) return undefined;
  const { own, charities } = await organisations.demoApplicants(trx, vcs);
  const lead = own ?? charities[2];
  if (!lead || charities.length < 2) return undefined;
  return {
    commissioner,
    officer,
    resident,
    vcs,
    lead,
    partner: charities[0]!,
    single: charities[1]!,
    wards: new Map(wards.map((w) => [w.name, w.code] as const)),
  };
}

/** Keeps the ids of the demo chain rows by slug, then deletes them with everything below them. */
async function clearDemoChains(trx: Database) {
  const ids = new Map<string, string>();
  const s = demoChainSlugs;
  for (const r of await specifications.demoSpecificationsBySlug(trx, s.specifications)) ids.set(r.slug, r.id);
  for (const r of await opportunities.demoOpportunitiesBySlug(trx, s.opportunities)) ids.set(r.slug, r.id);
  for (const r of await awards.demoAwardsBySlug(trx, s.awards)) ids.set(r.slug, r.id);
  for (const r of await applications.demoApplicationsByReference(trx, s.applications)) ids.set(r.reference, r.id);
  await removeChainRows(
    trx,
    s.specifications.map((x) => ids.get(x)).filter((x): x is string => !!x),
  );
  return ids;
}

/**
 * Deletes specifications (and what hangs below them: opportunities, applications, assessment, awards). Child rows
 * cascade from their parent; only the references that do not cascade are deleted here, deepest first.
 */
async function removeChainRows(trx: Database, specificationIds: string[]) {
  if (!specificationIds.length) return;
  const opportunityIds = await opportunities.opportunityIdsOf(trx, specificationIds);
  await awards.deleteAwardsOf(trx, { opportunities: opportunityIds });
  await applications.deleteApplicationsTo(trx, opportunityIds);
  await opportunities.deleteOpportunities(trx, opportunityIds);
  // Targets and commitments point at the specification's indicators without cascading.
  const indicatorIds = await specifications.indicatorIds(trx, specificationIds);
  await awards.deleteTargetsTo(trx, indicatorIds);
  await applications.deleteCommitmentsTo(trx, indicatorIds);
  await specifications.deleteSpecifications(trx, specificationIds);
}

/**
 * For `seed --force`: every demo needs assessment, specification, opportunity, application and award, with their
 * child rows, and anything built on a demo need (it belongs to the demo).
 */
export async function removeDemoCommissioning(trx: Database) {
  const specificationIds = await specifications.demoSpecificationIds(trx, await needs.demoNeedIds(trx));
  // Demo rows further down the chain, even if someone hung them on real parents.
  await awards.deleteDemoAwards(trx);
  const applicationIds = await applications.demoApplicationIds(trx);
  await awards.deleteAwardsOf(trx, { applications: applicationIds });
  await applications.deleteApplications(trx, applicationIds);
  const opportunityIds = await opportunities.demoOpportunityIds(trx);
  await awards.deleteAwardsOf(trx, { opportunities: opportunityIds });
  await applications.deleteApplicationsTo(trx, opportunityIds);
  await opportunities.deleteOpportunities(trx, opportunityIds);
  await removeChainRows(trx, specificationIds);
  const removed = await needs.deleteDemoNeeds(trx);
  return { needs: removed, specifications: specificationIds.length };
}

async function addSpecification(trx: Database, p: SpecPlan, who: Lookups, id: string) {
  const need = await needs.needBySlug(trx, p.need);
  if (!need?.is_demo) return undefined;
  const first = p.versions[0]!;
  const last = p.versions.at(-1)!;
  const signed = p.status === 'signed_off' || p.status === 'published';
  await specifications.insertDemoSpecification(trx, {
    id,
    slug: p.slug,
    needs_assessment_id: need.id,
    title: p.title,
    status: p.status,
    created_by: who.commissioner,
    created_at: at(-first.daysAgo),
    updated_at: at(-last.daysAgo),
    signed_off_at: signed ? at(-last.daysAgo + 2) : null,
    published_at: p.publishedDaysAgo !== undefined ? at(-p.publishedDaysAgo) : null,
    published_by: p.publishedDaysAgo !== undefined ? who.commissioner : null,
    is_demo: true,
  });
  const versionIds: string[] = [];
  for (const [i, v] of p.versions.entries()) {
    versionIds.push(
      await specifications.insertVersion(trx, {
        specification_id: id,
        number: i + 1,
        sections: JSON.stringify(v.sections),
        note: v.note,
        created_by: who.commissioner,
        created_at: at(-v.daysAgo),
      }),
    );
  }
  const person = { resident: who.resident, vcs: who.vcs };
  for (const c of p.coproducers) {
    await specifications.insertCoproducer(trx, {
      specification_id: id,
      user_id: person[c.who],
      role_label: c.label,
      invited_by: who.commissioner,
      invited_at: at(-first.daysAgo),
      signed_off_version_id: c.signs && signed ? versionIds.at(-1)! : null,
      signed_off_at: c.signs && signed ? at(-last.daysAgo + 1) : null,
    });
  }
  for (const c of p.comments) {
    await specifications.insertComment(trx, {
      specification_id: id,
      version_id: versionIds[0]!,
      section: c.section,
      author_id: person[c.who],
      body: c.body,
      created_at: at(-first.daysAgo + 1),
    });
  }
  for (const w of p.workshops) {
    await specifications.insertWorkshop(trx, {
      specification_id: id,
      held_on: day(-w.daysAgo),
      participants: JSON.stringify(w.participants),
      what_changed: w.changed,
      recorded_by: who.commissioner,
    });
  }
  return { id, indicators: await addOutcomes(trx, p, id) };
}

/** The specification's outcomes framework; returns the ids of its indicators in order. */
async function addOutcomes(trx: Database, p: SpecPlan, id: string): Promise<string[]> {
  const indicators: string[] = [];
  for (const [position, o] of p.outcomes.entries()) {
    const outcomeId = await specifications.insertOutcome(trx, {
      specification_id: id,
      title: o.title,
      description: o.description,
      position,
    });
    for (const [n, i] of o.indicators.entries()) {
      indicators.push(
        await specifications.insertIndicator(trx, {
          outcome_id: outcomeId,
          name: i.name,
          unit: i.unit,
          baseline: i.baseline,
          target: i.target,
          direction: i.direction,
          frequency: i.frequency,
          data_source: i.source,
          disaggregated_by_ward: n === 0,
          position: n,
        }),
      );
    }
  }
  return indicators;
}

async function addOpportunity(
  trx: Database,
  services: Services,
  p: OpportunityPlan,
  specificationId: string,
  who: Lookups,
  id: string,
) {
  await opportunities.insertDemoOpportunity(trx, {
    id,
    slug: p.slug,
    ocid: `${services.place.config.commissioning.ocdsPrefix}-${id}`,
    specification_id: specificationId,
    title: p.title,
    summary: p.summary,
    route: 'grant',
    service_area: p.serviceArea,
    total_value_pence: pounds(p.totalPounds),
    duration_months: p.months,
    eligibility: p.eligibility,
    status: p.status,
    clarifications_close_at: at(p.clarificationsCloseIn, 17),
    closes_at: at(p.closesIn, 12),
    decision_expected_on: day(p.decisionIn),
    service_starts_on: day(p.startsIn),
    published_at: at(-p.publishedDaysAgo, 9),
    published_by: who.commissioner,
    created_by: who.commissioner,
    created_at: at(-p.publishedDaysAgo - 3),
    is_demo: true,
  });
  const wardCodes = p.wards.map((w) => who.wards.get(w)).filter((c): c is string => !!c);
  if (wardCodes.length) {
    await opportunities.insertOpportunityWards(
      trx,
      wardCodes.map((ward_code) => ({ opportunity_id: id, ward_code })),
    );
  }
  const lots = await opportunities.insertLots(
    trx,
    p.lots.map((l, i) => ({
      opportunity_id: id,
      number: i + 1,
      title: l.title,
      description: l.description,
      value_pence: pounds(l.pounds),
      max_award_pence: l.maxPounds ? pounds(l.maxPounds) : null,
      suits_small: l.small,
    })),
  );
  const questions = await opportunities.insertQuestions(
    trx,
    p.questions.map((q, position) => ({
      opportunity_id: id,
      position,
      prompt: q.prompt,
      guidance: q.guidance,
      word_limit: q.words,
    })),
  );
  const criteria = await opportunities.insertCriteria(
    trx,
    p.criteria.map((c, position) => ({
      opportunity_id: id,
      position,
      title: c.title,
      description: c.description,
      weight: c.weight,
      max_score: 5,
    })),
  );
  for (const [i, c] of p.clarifications.entries()) {
    await opportunities.insertClarification(trx, {
      opportunity_id: id,
      question: c.question,
      asked_by: who.vcs,
      asked_at: at(-p.publishedDaysAgo + 2 + i),
      answer: c.answer,
      answered_by: c.answer ? who.commissioner : null,
      answered_at: c.answer ? at(-p.publishedDaysAgo + 4 + i) : null,
    });
  }
  return { lots, questions, criteria };
}

export async function seedDemoCommissioning(services: Services): Promise<{ specifications: number; awards: number }> {
  const wards = await services.place.wards();
  return services.db.transaction().execute(async (trx) => {
    const who = await lookups(trx, wards);
    if (!who) return { specifications: 0, awards: 0 };
    // Real data wins: a demo slug held by a real row leaves that chain out.
    const held = await specifications.realSpecificationSlugs(trx, demoChainSlugs.specifications);
    const ids = await clearDemoChains(trx);
    const idOf = (key: string) => ids.get(key) ?? randomUUID();
    const made = new Map<string, { id: string; indicators: string[] }>();
    for (const p of specs) {
      if (held.includes(p.slug)) continue;
      const spec = await addSpecification(trx, p, who, idOf(p.slug));
      if (spec) made.set(p.slug, spec);
    }
    const free = async (slug: string) => !(await opportunities.opportunitySlugTaken(trx, slug));

    const open = made.get('demo-after-school-safe-spaces');
    if (open && (await free(openOpportunity.slug))) {
      await addOpportunity(trx, services, openOpportunity, open.id, who, idOf(openOpportunity.slug));
    }

    let awardsMade = 0;
    const warm = made.get('demo-warm-spaces-network');
    if (warm && (await free(completeOpportunity.slug))) {
      const oppId = idOf(completeOpportunity.slug);
      const opp = await addOpportunity(trx, services, completeOpportunity, warm.id, who, oppId);
      awardsMade = await addAssessmentAndAward(trx, who, oppId, opp, warm.indicators, ids);
    }
    await services.audit.record(
      {
        userId: null,
        action: 'seed',
        entityType: 'demo_commissioning',
        detail: { specifications: made.size, awards: awardsMade },
      },
      trx,
    );
    return { specifications: made.size, awards: awardsMade };
  });
}
