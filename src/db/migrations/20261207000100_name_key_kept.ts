import { type Kysely, sql } from 'kysely';

// Register imports now write each name's key with the name. The trigger still forgets a key when only the name
// changes (a profile edit), but keeps one that was written together with the new name.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function forget_stale_name_key() returns trigger language plpgsql as $$
    begin
      if new.name is distinct from old.name and new.name_key is not distinct from old.name_key then
        new.name_key := null;
      end if;
      return new;
    end
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function forget_stale_name_key() returns trigger language plpgsql as $$
    begin
      if new.name is distinct from old.name then
        new.name_key := null;
      end if;
      return new;
    end
    $$;
  `.execute(db);
}
