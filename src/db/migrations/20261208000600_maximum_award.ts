import { type Kysely, sql } from 'kysely';

// The most one application may ask for: a lot of small grants ("up to £5,000 each") is worth more than any one of
// them, so its value alone says neither what an applicant may request nor whom the lot is within reach of. Set on a
// lot, on the whole opportunity, or on neither (then a lot's value is the most).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table lot add column max_award_pence bigint check (max_award_pence > 0 and max_award_pence <= value_pence);
    alter table opportunity add column max_award_pence bigint check (max_award_pence > 0);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table opportunity drop column if exists max_award_pence;
    alter table lot drop column if exists max_award_pence;
  `.execute(db);
}
