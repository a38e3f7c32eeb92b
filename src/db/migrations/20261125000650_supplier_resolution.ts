import { type Kysely, sql } from 'kysely';

// Supplier resolution: organisations' names kept as name keys (the same normalisation as spend suppliers), so
// exact and trigram matches use an index. The keys are computed by the application (one normalisation, in
// TypeScript) and filled in by a backfill before each resolution run; a trigger forgets a key when its name
// changes, so register imports and profile edits need no change.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table organisation add column name_key text;
    alter table organisation_name add column name_key text;

    create index organisation_name_key on organisation (name_key);
    create index organisation_name_key_trgm on organisation using gin (name_key gin_trgm_ops);
    create index organisation_name_key_missing on organisation (id) where name_key is null;
    create index organisation_name_name_key on organisation_name (name_key);
    create index organisation_name_name_key_trgm on organisation_name using gin (name_key gin_trgm_ops);
    create index organisation_name_name_key_missing on organisation_name (organisation_id) where name_key is null;

    create function forget_stale_name_key() returns trigger language plpgsql as $$
    begin
      if new.name is distinct from old.name then
        new.name_key := null;
      end if;
      return new;
    end
    $$;
    create trigger organisation_name_key_stale before update of name on organisation
      for each row execute function forget_stale_name_key();
    create trigger organisation_name_name_key_stale before update of name on organisation_name
      for each row execute function forget_stale_name_key();

    -- Decisions apply to every council's row with the same name key.
    create index spend_supplier_name_key on spend_supplier (name_key);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists spend_supplier_name_key;
    drop trigger if exists organisation_name_key_stale on organisation;
    drop trigger if exists organisation_name_name_key_stale on organisation_name;
    drop function if exists forget_stale_name_key();
    alter table organisation drop column if exists name_key;
    alter table organisation_name drop column if exists name_key;
  `.execute(db);
}
