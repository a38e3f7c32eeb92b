import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';

/** The kinds of record the audit log mentions, for the filter on the audit page. */
export async function auditEntityTypes(db: Database): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute();
  return rows.map((r) => r.entity_type);
}

/** Counts for the admin dashboard. */
export async function adminCounts(db: Database) {
  const [users, pendingOutbox] = await Promise.all([
    db
      .selectFrom('app_user')
      .select((eb) => [
        eb.fn.countAll<number>().as('all'),
        eb.fn.countAll<number>().filterWhere('disabled_at', 'is not', null).as('disabled'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sent_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { users: Number(users.all), disabledUsers: Number(users.disabled), pendingEmails: Number(pendingOutbox.n) };
}

/**
 * What is waiting for staff, for the staff home, each linking to the page where the work is done: suppliers to
 * review, and the needs and opportunities with contributions or questions still to answer. Read-only counts
 * over other modules' tables, in three small queries, rather than a service call per item.
 */
export async function staffWaiting(db: Database) {
  const [review, contributions, questions] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from spend_supplier where classification = 'uncertain'`.execute(db),
    sql<{ slug: string; title: string; n: number }>`
      select n.slug, n.title, count(*)::int as n
      from needs_contribution c join needs_assessment n on n.id = c.needs_assessment_id
      where c.response is null and c.hidden_at is null and n.status <> 'draft'
      group by n.slug, n.title order by min(c.created_at)
    `.execute(db),
    sql<{ slug: string; title: string; n: number }>`
      select o.slug, o.title, count(*)::int as n
      from clarification q join opportunity o on o.id = q.opportunity_id
      where q.answered_at is null and o.status not in ('cancelled', 'draft')
      group by o.slug, o.title order by min(q.asked_at)
    `.execute(db),
  ]);
  return { review: review.rows[0]!.n, contributions: contributions.rows, questions: questions.rows };
}
