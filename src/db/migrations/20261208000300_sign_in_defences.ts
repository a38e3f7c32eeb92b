import { type Kysely, sql } from 'kysely';

// The counters that slow sign-in guessing and limit the e-mails anyone can make the platform send. Each row is one
// counter, changed under a row lock or by one upsert, so parallel requests cannot all read the same old count.
//   pair      an address tried from one IP: progressive delays, and whether the owner has signed in from there
//   account   an address tried from anywhere: a lock its owner can clear from an e-mailed link
//   ip        one IP: how many addresses it has failed on
//   reset_*, register_*   requests for e-mail per address and per IP
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table account_throttle (
      scope text not null check (scope in ('pair', 'account', 'ip', 'reset_address', 'reset_ip', 'register_address', 'register_ip')),
      key text not null,
      count integer not null default 0,
      accounts integer not null default 0,
      window_started_at timestamptz not null,
      last_at timestamptz,
      locked_until timestamptz,
      lock_notified_at timestamptz,
      known_until timestamptz,
      primary key (scope, key)
    );
    create index account_throttle_last_at on account_throttle (last_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists account_throttle`.execute(db);
}
