import { type Kysely, sql } from 'kysely';

// What an organisation's administrator lets each member do for it (administrators hold every permission). A grant
// belongs to a membership and goes with it.
//
// With it, the directory's search reads only the organisations it lists, by name and by other name: the registers
// load every charity in the country for matching, and the public search must not sift them on every request. An
// other name carries its organisation's `listed`, kept by triggers, so that its trigram index can be partial too.
// The search's candidates come from one function whose plan is made once per connection: planning trigram
// operators costs more than running them on the listed few.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisation_permission (
      organisation_id uuid not null references organisation (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      permission text not null,
      granted_by uuid references app_user (id) on delete set null,
      granted_at timestamptz not null default now(),
      primary key (organisation_id, user_id, permission),
      foreign key (user_id, organisation_id) references membership (user_id, organisation_id) on delete cascade
    );
    create index organisation_permission_user on organisation_permission (user_id);

    create index organisation_listed_trgm on organisation using gin (lower(name) gin_trgm_ops) where listed;
    create index organisation_listed_name on organisation (lower(name), id) where listed;

    alter table organisation_name add column listed boolean not null default false;
    update organisation_name n set listed = o.listed from organisation o where o.id = n.organisation_id and o.listed;
    create index organisation_name_listed_trgm on organisation_name using gin (lower(name) gin_trgm_ops) where listed;

    create function organisation_name_takes_listed() returns trigger language plpgsql as $$
    begin
      new.listed := coalesce((select listed from organisation where id = new.organisation_id), false);
      return new;
    end
    $$;
    create trigger organisation_name_takes_listed before insert or update of organisation_id, listed
      on organisation_name for each row execute function organisation_name_takes_listed();

    create function organisation_gives_listed() returns trigger language plpgsql as $$
    begin
      update organisation_name set listed = new.listed where organisation_id = new.id;
      return null;
    end
    $$;
    create trigger organisation_gives_listed after update of listed on organisation
      for each row when (old.listed is distinct from new.listed) execute function organisation_gives_listed();

    -- Listed organisations whose name or other name is like the term (trigram similarity, word similarity or a
    -- substring), or that hold one of the identifiers, each with how close it is: 2 for an identifier.
    create function directory_matches(term text, pattern text, identifiers text[])
    returns table (match_id uuid, match_score real)
    language plpgsql stable rows 20
    set enable_seqscan = off
    set plan_cache_mode = force_generic_plan
    as $$
    begin
      return query
      with candidates as (
        select o.id from organisation o
          where o.listed and (lower(o.name) % term or term <% lower(o.name) or lower(o.name) like pattern)
        union
        select n.organisation_id from organisation_name n
          where n.listed and (lower(n.name) % term or term <% lower(n.name) or lower(n.name) like pattern)
        union
        select i.organisation_id from organisation_identifier i where i.identifier = any(identifiers)
      )
      select c.id, greatest(
          similarity(lower(o.name), term),
          word_similarity(term, lower(o.name)),
          coalesce((select max(greatest(similarity(lower(n.name), term), word_similarity(term, lower(n.name))))
                      from organisation_name n where n.organisation_id = c.id), 0) * 0.95,
          case when exists (select 1 from organisation_identifier i where i.organisation_id = c.id
                             and i.identifier = any(identifiers)) then 2 else 0 end
        )::real
      from candidates c join organisation o on o.id = c.id;
    end
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function if exists directory_matches(text, text, text[]);
    drop trigger if exists organisation_gives_listed on organisation;
    drop function if exists organisation_gives_listed();
    drop trigger if exists organisation_name_takes_listed on organisation_name;
    drop function if exists organisation_name_takes_listed();
    drop index if exists organisation_name_listed_trgm;
    alter table organisation_name drop column if exists listed;
    drop index if exists organisation_listed_name;
    drop index if exists organisation_listed_trgm;
    drop table if exists organisation_permission;
  `.execute(db);
}
