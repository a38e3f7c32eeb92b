import { parsePounds as parseMoney } from '../../../kernel/money.ts';
import type { Issue } from '../../../kernel/result.ts';
import { moneyText } from '../opportunities/present.ts';

// Small pure rules of an application, kept apart from the database so they read (and test) on their own: words,
// amounts, and the task list that says what is still to do before it can be submitted.

export { penceToField, plainDateTime } from '../opportunities/present.ts';

/** Words as a person counts them: runs of characters between spaces. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/** "12,500", "£12,500.50", "12500" → pence; null when it is not an amount of money, or is below zero. */
export function parsePounds(text: string): number | null {
  const pence = parseMoney(text);
  return pence === null || pence < 0 ? null : pence;
}

/** Numbers such as "120", "85.5" (the applicant's own outcome targets); null when it is not a number. */
export function parseTarget(text: string): string | null {
  const cleaned = text.replace(/,/g, '').trim();
  return /^\d+(\.\d{1,4})?$/.test(cleaned) ? cleaned : null;
}

type Amounts = { value_pence: number | string; max_award_pence: number | string | null };

/**
 * The most one application may ask for: its lot's maximum award (a lot of "up to £5,000 each"), or else the lot's
 * value; never more than the opportunity's maximum award, where it sets one, nor its total value.
 */
export function requestLimit(
  lot: (Amounts & { number: number }) | null,
  o: { total_value_pence: number | string; max_award_pence: number | string | null },
): { pence: number; why: string } {
  const own = lot ? Number(lot.max_award_pence ?? lot.value_pence) : Number(o.total_value_pence);
  const what = lot
    ? lot.max_award_pence != null
      ? `the most one application for lot ${lot.number} can ask for`
      : `the value of lot ${lot.number}`
    : 'the value of the opportunity';
  if (o.max_award_pence != null && Number(o.max_award_pence) < own)
    return { pence: Number(o.max_award_pence), why: 'the most one application can ask for' };
  return { pence: own, why: what };
}

/** What to say when the amount asked for is over the limit. */
export const overLimitMessage = (limit: { pence: number; why: string }) =>
  `The amount you are asking for must be ${moneyText(limit.pence)} or less, ${limit.why}`;

export type TaskKey = 'about' | 'partners' | 'answers' | 'budget' | 'commitments';
export type TaskState = 'complete' | 'in_progress' | 'not_started';
/** `problem` sums up what is wrong; `problems`, when given, says each thing, for the list of what stops submission. */
export type Task = {
  key: TaskKey;
  title: string;
  href: string;
  state: TaskState;
  problem?: string | undefined;
  problems?: string[];
};

type Draft = {
  reference: string;
  title: string;
  kind: 'single' | 'partnership';
  requested: number | null;
  /** The most it may ask for, when known. */
  limit?: { pence: number; why: string } | undefined;
  partners: { is_lead: boolean; share_pence: number }[];
  answers: { body: string; words: number; word_limit: number | null; number: number; prompt?: string }[];
  budget: { amount_pence: number }[];
  commitments: { target: string | null }[];
};

const stateOf = (done: boolean, started: boolean): TaskState =>
  done ? 'complete' : started ? 'in_progress' : 'not_started';

function partnersTask(d: Draft, base: string): Task {
  const others = d.partners.filter((p) => !p.is_lead);
  const shares = d.partners.reduce((sum, p) => sum + p.share_pence, 0);
  let problem: string | undefined;
  if (others.length === 0) problem = 'Add at least one partner organisation';
  else if (d.requested == null) problem = 'Say how much you are asking for before sharing it between partners';
  else if (shares !== d.requested)
    problem = `The partners’ shares add up to ${moneyText(shares)} but the amount requested is ${moneyText(d.requested)}`;
  const state = problem ? (others.length ? 'in_progress' : 'not_started') : 'complete';
  return { key: 'partners', title: 'Partners', href: `${base}/partners`, state, problem };
}

function answersTask(d: Draft, base: string): Task {
  const answered = d.answers.filter((a) => a.body.trim());
  const overLimit = d.answers.filter((a) => a.word_limit != null && a.words > a.word_limit);
  const problem =
    answered.length < d.answers.length
      ? `Answer every question (${answered.length} of ${d.answers.length} answered)`
      : overLimit.length
        ? `Answer ${overLimit[0]!.number} must be ${overLimit[0]!.word_limit} words or fewer`
        : undefined;
  // Every unanswered question and every answer over its limit, each on its own, so that all are seen at once.
  const problems = d.answers.flatMap((a) => {
    const named = a.prompt ? `question ${a.number}: ${a.prompt}` : `question ${a.number}`;
    if (!a.body.trim()) return [`Answer ${named}`];
    if (a.word_limit != null && a.words > a.word_limit)
      return [`Shorten your answer to ${named} to ${a.word_limit} words or fewer (it has ${a.words})`];
    return [];
  });
  const state = stateOf(answered.length === d.answers.length && overLimit.length === 0, answered.length > 0);
  return { key: 'answers', title: 'Answers to the questions', href: `${base}/answers`, state, problem, problems };
}

function budgetTask(d: Draft, base: string): Task {
  const total = d.budget.reduce((sum, b) => sum + b.amount_pence, 0);
  let problem: string | undefined;
  if (d.budget.length === 0) problem = 'Add at least one line to the budget';
  else if (d.requested == null) problem = 'Say how much you are asking for in About the application';
  else if (total !== d.requested)
    problem = `The budget adds up to ${moneyText(total)} but the amount requested is ${moneyText(d.requested)}`;
  const state = problem ? (d.budget.length ? 'in_progress' : 'not_started') : 'complete';
  return { key: 'budget', title: 'Budget', href: `${base}/budget`, state, problem };
}

/** The task list of a draft: each part, whether it is done, and what is wrong when it is not. */
export function tasksOf(d: Draft): Task[] {
  const base = `/applications/${d.reference}`;
  const hasTitle = !!d.title.trim();
  const tooMuch =
    d.limit && d.requested != null && Number(d.requested) > d.limit.pence ? overLimitMessage(d.limit) : undefined;
  const tasks: Task[] = [
    {
      key: 'about',
      title: 'About the application',
      href: `${base}/about`,
      state: stateOf(hasTitle && d.requested != null && !tooMuch, hasTitle || d.requested != null),
      problem: tooMuch,
    },
  ];
  if (d.kind === 'partnership') tasks.push(partnersTask(d, base));
  tasks.push(answersTask(d, base), budgetTask(d, base));
  const committed = d.commitments.filter((c) => c.target != null);
  tasks.push({
    key: 'commitments',
    title: 'Outcome commitments',
    href: `${base}/commitments`,
    state: stateOf(committed.length === d.commitments.length, committed.length > 0),
    problem:
      committed.length < d.commitments.length
        ? `Give your own target for every outcome indicator (${committed.length} of ${d.commitments.length} given)`
        : undefined,
  });
  return tasks;
}

/**
 * Reasons an application cannot be submitted yet, each written for the applicant; empty when it can. `deadline`
 * says why the opportunity no longer takes applications, when it does not.
 */
export function blockersOf(f: { tasks: Task[]; unconfirmed: { name: string }[] }, deadline: string | null): Issue[] {
  const issues: Issue[] = deadline ? [{ field: 'deadline', message: deadline }] : [];
  for (const task of f.tasks) {
    if (task.state === 'complete') continue;
    const problems = task.problems?.length ? task.problems : [task.problem ?? `Complete “${task.title}”`];
    for (const message of problems) issues.push({ field: `task-${task.key}`, message });
  }
  for (const p of f.unconfirmed) {
    issues.push({ field: 'task-partners', message: `${p.name} has not yet confirmed its part in the application` });
  }
  return issues;
}
