import { type Kysely, sql } from 'kysely';

// A generation stamp for what the public spend pages show, so that their figures can be kept in memory between
// requests and never served once out of date: one row per council, and the row '' for what every council's page
// reads (the councils themselves). Each is bumped inside the transaction that changes what its pages show, by
// statement triggers on everything the figures are read from: the summaries (spend_summary_refresh and
// spend_summary_apply, and anything else that writes them), the published figures, the suppliers' names, links and
// classifications, and the name, address (slug) and size band of an organisation a council paid. Bumping takes the
// row's lock until commit, so one council's changes count up one after another, and a reader that sees a generation
// sees at least the figures committed with it. A row is never deleted: a missing row is generation 0.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spend_summary_generation (
      council_org_id text primary key, -- '' for what every council's page reads
      generation bigint not null
    );

    create function spend_summary_bump(councils text[]) returns void language sql as $$
      insert into spend_summary_generation as g (council_org_id, generation)
        select distinct c, 1::bigint from unnest(councils) as u(c) where c is not null order by 1
      on conflict (council_org_id) do update set generation = g.generation + 1
    $$;

    -- Tables with a council_org_id column: the councils of the rows a statement inserted, changed or deleted.
    create function spend_summary_bump_inserted() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array(select council_org_id from new_rows));
      return null;
    end
    $$;
    create function spend_summary_bump_updated() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array(select council_org_id from old_rows union select council_org_id from new_rows));
      return null;
    end
    $$;
    create function spend_summary_bump_deleted() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array(select council_org_id from old_rows));
      return null;
    end
    $$;

    create trigger spend_summary_inserted after insert on spend_summary
      referencing new table as new_rows for each statement execute function spend_summary_bump_inserted();
    create trigger spend_summary_updated after update on spend_summary
      referencing old table as old_rows new table as new_rows for each statement execute function spend_summary_bump_updated();
    create trigger spend_summary_deleted after delete on spend_summary
      referencing old table as old_rows for each statement execute function spend_summary_bump_deleted();

    create trigger spend_supplier_year_inserted after insert on spend_supplier_year
      referencing new table as new_rows for each statement execute function spend_summary_bump_inserted();
    create trigger spend_supplier_year_updated after update on spend_supplier_year
      referencing old table as old_rows new table as new_rows for each statement execute function spend_summary_bump_updated();
    create trigger spend_supplier_year_deleted after delete on spend_supplier_year
      referencing old table as old_rows for each statement execute function spend_summary_bump_deleted();

    create trigger published_vcs_share_inserted after insert on published_vcs_share
      referencing new table as new_rows for each statement execute function spend_summary_bump_inserted();
    create trigger published_vcs_share_updated after update on published_vcs_share
      referencing old table as old_rows new table as new_rows for each statement execute function spend_summary_bump_updated();
    create trigger published_vcs_share_deleted after delete on published_vcs_share
      referencing old table as old_rows for each statement execute function spend_summary_bump_deleted();

    -- A supplier's name, link to an organisation or classification: only a real change bumps, so a resolution run's
    -- bookkeeping (candidates, times) does not. A new supplier has no payments until its import's rebuild.
    create function spend_supplier_bump_updated() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array(
        select c from old_rows o join new_rows n on n.id = o.id,
          lateral (values (o.council_org_id), (n.council_org_id)) as v(c)
        where (o.council_org_id, o.name, o.organisation_id, o.classification)
          is distinct from (n.council_org_id, n.name, n.organisation_id, n.classification)));
      return null;
    end
    $$;
    create trigger spend_supplier_updated after update on spend_supplier
      referencing old table as old_rows new table as new_rows for each statement execute function spend_supplier_bump_updated();
    create trigger spend_supplier_deleted after delete on spend_supplier
      referencing old table as old_rows for each statement execute function spend_summary_bump_deleted();

    -- An organisation's name, address or size band, shown among the recipients and the size bands of the councils
    -- that paid it. Deleting one unlinks its suppliers, which the trigger above sees.
    create function spend_organisation_bump_updated() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array(
        select s.council_org_id from old_rows o join new_rows n on n.id = o.id
          join spend_supplier s on s.organisation_id = n.id
        where (o.name, o.slug, o.size_band) is distinct from (n.name, n.slug, n.size_band)));
      return null;
    end
    $$;
    create trigger spend_organisation_updated after update on organisation
      referencing old table as old_rows new table as new_rows for each statement
      execute function spend_organisation_bump_updated();

    -- The councils (names, populations, which are the place's neighbours) are read by every council's page.
    create function spend_council_bump() returns trigger language plpgsql as $$
    begin
      perform spend_summary_bump(array['']);
      return null;
    end
    $$;
    create trigger spend_council_changed after insert or update or delete on council
      for each statement execute function spend_council_bump();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists spend_council_changed on council;
    drop trigger if exists spend_organisation_updated on organisation;
    drop trigger if exists spend_supplier_updated on spend_supplier;
    drop trigger if exists spend_supplier_deleted on spend_supplier;
    drop trigger if exists published_vcs_share_inserted on published_vcs_share;
    drop trigger if exists published_vcs_share_updated on published_vcs_share;
    drop trigger if exists published_vcs_share_deleted on published_vcs_share;
    drop trigger if exists spend_supplier_year_inserted on spend_supplier_year;
    drop trigger if exists spend_supplier_year_updated on spend_supplier_year;
    drop trigger if exists spend_supplier_year_deleted on spend_supplier_year;
    drop trigger if exists spend_summary_inserted on spend_summary;
    drop trigger if exists spend_summary_updated on spend_summary;
    drop trigger if exists spend_summary_deleted on spend_summary;
    drop function if exists spend_council_bump();
    drop function if exists spend_organisation_bump_updated();
    drop function if exists spend_supplier_bump_updated();
    drop function if exists spend_summary_bump_deleted();
    drop function if exists spend_summary_bump_updated();
    drop function if exists spend_summary_bump_inserted();
    drop function if exists spend_summary_bump(text[]);
    drop table if exists spend_summary_generation;
  `.execute(db);
}
