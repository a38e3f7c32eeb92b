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

export type TaskKey = 'about' | 'partners' | 'answers' | 'budget' | 'commitments';
export type TaskState = 'complete' | 'in_progress' | 'not_started';
export type Task = { key: TaskKey; title: string; href: string; state: TaskState; problem?: string };

type Draft = {
  reference: string;
  title: string;
  kind: 'single' | 'partnership';
  requested: number | null;
  partners: { is_lead: boolean; share_pence: number }[];
  answers: { body: string; words: number; word_limit: number | null; number: number }[];
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
  const overLimit = d.answers.find((a) => a.word_limit != null && a.words > a.word_limit);
  const problem =
    answered.length < d.answers.length
      ? `Answer every question (${answered.length} of ${d.answers.length} answered)`
      : overLimit
        ? `Answer ${overLimit.number} must be ${overLimit.word_limit} words or fewer`
        : undefined;
  const state = stateOf(answered.length === d.answers.length && !overLimit, answered.length > 0);
  return { key: 'answers', title: 'Answers to the questions', href: `${base}/answers`, state, problem };
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
  const tasks: Task[] = [
    {
      key: 'about',
      title: 'About the application',
      href: `${base}/about`,
      state: stateOf(hasTitle && d.requested != null, hasTitle || d.requested != null),
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
    if (task.state !== 'complete')
      issues.push({ field: `task-${task.key}`, message: task.problem ?? `Complete “${task.title}”` });
  }
  for (const p of f.unconfirmed) {
    issues.push({ field: 'task-partners', message: `${p.name} has not yet confirmed its part in the application` });
  }
  return issues;
}
