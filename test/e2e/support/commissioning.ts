import { expect } from 'vitest';
import type { Site } from './browser.ts';

// Steps of the commissioning chain as the people who take them go through the pages: shared by the browser journeys
// of each step and by the journey across all of them. Each step checks what its page says it did.

/** The text of the whole page. */
export const pageText = async (s: Site) => (await s.page.locator('body').textContent()) ?? '';

/** The "How this fits together" section of a page of the chain: the need, specifications, opportunities, awards. */
export const chainOf = (s: Site) => s.page.locator('section', { has: s.page.locator('#how-this-fits-together') });

/** Follows a link of the chain section, as `Site.follow` does for any link. */
export async function followInChain(s: Site, title: string) {
  await Promise.all([s.page.waitForNavigation(), chainOf(s).getByRole('link', { name: title, exact: true }).click()]);
  await s.check();
}

/** Fills the GOV.UK date fields whose inputs have this id prefix (`<prefix>-day`, `-month`, `-year`). */
export async function fillDate(s: Site, prefix: string, date: Date) {
  await s.page.locator(`#${prefix}-day`).fill(String(date.getUTCDate()));
  await s.page.locator(`#${prefix}-month`).fill(String(date.getUTCMonth() + 1));
  await s.page.locator(`#${prefix}-year`).fill(String(date.getUTCFullYear()));
}

/**
 * A member of staff opens a needs assessment for input until `closes`, at the co-production step of the ladder,
 * from the list of needs. Returns the path of its page.
 */
export async function openNeedsAssessment(
  c: Site,
  need: { title: string; need: string; ward: string; closes: Date },
): Promise<string> {
  await c.visit('/needs');
  await c.press('Create a needs assessment');
  await c.fill('Title', need.title);
  await c.fill('The need', need.need);
  await c.page.getByLabel(need.ward, { exact: true }).check();
  await c.page.getByLabel('Co-production', { exact: true }).check();
  await c.page.getByLabel('Open for input', { exact: true }).check();
  await c.fill('Day', String(need.closes.getUTCDate()));
  await c.fill('Month', String(need.closes.getUTCMonth() + 1));
  await c.fill('Year', String(need.closes.getUTCFullYear()));
  await c.press('Create needs assessment');
  expect(await pageText(c)).toContain('Needs assessment created');
  // Created, it opens for editing (to add evidence); its own page is a step away.
  await c.follow('Cancel');
  expect(await c.heading()).toBe(need.title);
  return new URL(c.page.url()).pathname;
}

/** A resident or VCS member adds a contribution of this kind ("An idea", …) to an open needs assessment. */
export async function contribute(r: Site, needPath: string, kind: string, text: string) {
  await r.visit(needPath);
  await r.page.getByLabel(kind, { exact: true }).check();
  await r.fill('Your contribution', text);
  await r.press('Add your contribution');
  expect(await pageText(r)).toContain('your contribution has been added');
}

/** Staff answer the first contribution still without a response ("You said, we did"). */
export async function respondToContribution(c: Site, needPath: string, response: string) {
  await c.visit(needPath);
  await c.page.locator('summary', { hasText: 'Respond to this contribution' }).first().click();
  await c.fill('What was done ("We did")', response);
  await c.press('Save response');
  expect(await pageText(c)).toContain('Response saved');
}

export type IndicatorInput = {
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: 'Increase' | 'Decrease' | 'Stay the same';
  frequency: 'Monthly' | 'Quarterly' | 'Annually';
  dataSource: string;
  byWard: boolean;
  byGroup: boolean;
};

/** Staff add an outcome and its first indicator to the specification whose page is open. */
export async function addOutcomeWithIndicator(c: Site, outcome: string, indicator: IndicatorInput) {
  await c.fill('Outcome', outcome);
  await c.press('Add outcome');
  expect(await c.heading()).toBe('Add an indicator');
  await c.fill('Indicator', indicator.name);
  await c.fill('Unit', indicator.unit);
  await c.fill('Baseline', indicator.baseline);
  await c.page.getByLabel(indicator.direction, { exact: true }).check();
  await c.fill('Target', indicator.target);
  await c.page.getByLabel(indicator.frequency, { exact: true }).check();
  await c.fill('Data source', indicator.dataSource);
  await c.page.locator(indicator.byWard ? '#disaggregated_by_ward' : '#disaggregated_by_ward-2').check();
  await c.page.locator(indicator.byGroup ? '#disaggregated_by_group' : '#disaggregated_by_group-2').check();
  await c.press('Add indicator');
  expect(await pageText(c)).toContain('Indicator added');
}

export type ApplicationInput = {
  title: string;
  /** As typed, e.g. "12,500". */
  requested: string;
  /** Answers by the question they answer. */
  answers: Record<string, string>;
  budget: [heading: string, amount: string][];
  /** Targets by the name of the outcome indicator they commit to. */
  targets: Record<string, string>;
  /** Notes on the targets, by indicator name. */
  notes?: Record<string, string>;
};

/**
 * Everything but the partners, through the application's task list: about, answers, budget and outcome
 * commitments. Starts and ends on the application's page.
 */
export async function completeApplicationTasks(s: Site, a: ApplicationInput) {
  await s.follow('About the application');
  await s.fill('Title of your application', a.title);
  await s.fill('Amount you are asking for', a.requested);
  await s.press('Save and return');

  await s.follow('Answers to the questions');
  for (const [question, answer] of Object.entries(a.answers)) await s.page.getByLabel(question).fill(answer);
  await s.press('Save and return');

  await s.follow('Budget');
  for (const [i, [heading, amount]] of a.budget.entries()) {
    await s.page.locator(`#heading-${i}`).fill(heading);
    await s.page.locator(`#amount-${i}`).fill(amount);
  }
  await s.press('Save and return');

  await s.follow('Outcome commitments');
  for (const [indicator, target] of Object.entries(a.targets)) {
    await s.page.getByRole('group', { name: indicator }).getByLabel('Your target').fill(target);
  }
  for (const [indicator, note] of Object.entries(a.notes ?? {})) {
    await s.page.getByRole('group', { name: indicator }).getByLabel('Note (optional)').fill(note);
  }
  await s.press('Save and return');
}
