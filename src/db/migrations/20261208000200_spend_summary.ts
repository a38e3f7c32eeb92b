import { type Kysely, sql } from 'kysely';

// The spend measure's summaries: the public pages and CSV downloads read thousands of summary rows, not a
// council's million payments. Both tables are derived from spend_payment and spend_supplier and rebuilt per
// council by spend_summary_refresh(councils) in the transaction of each event that changes a figure (an import,
// a resolution run, the demo loader), and moved supplier by supplier by spend_summary_apply for a decision. What belongs to the directory (an organisation's size band,
// name, slug) is joined at read time from the per-supplier rows, so a register import or a profile edit needs no
// rebuild.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- By council, financial year and the share's definitions (the supplier's classification: vcs, uncertain,
    -- public_body, redacted, …; and whether it is confirmed), in two groupings of the same payments: by quarter
    -- (department '') and by service area (quarter 0). Never by both at once, which would multiply the rows.
    create table spend_summary (
      council_org_id text not null,
      fy_start integer not null, -- the financial year by the year it starts in: 2024 is 2024-25
      quarter smallint not null, -- 1 is April to June; 0 on the service-area rows
      department text not null, -- 'Not stated' where the file has none; '' on the quarter rows
      classification text not null,
      confirmed boolean not null, -- decided by a person, or by an identifier or an exact name match
      payments integer not null,
      amount_pence bigint not null,
      first_date date not null,
      last_date date not null,
      is_demo boolean not null,
      primary key (council_org_id, fy_start, quarter, department, classification, confirmed)
    );
    create index spend_summary_demo on spend_summary (council_org_id) where is_demo;

    -- By council, financial year and supplier: the recipients and the size bands of the VCS paid.
    create table spend_supplier_year (
      council_org_id text not null,
      fy_start integer not null,
      supplier_id bigint not null,
      classification text not null,
      payments integer not null,
      amount_pence bigint not null,
      primary key (council_org_id, fy_start, supplier_id)
    );
    create index spend_supplier_year_class on spend_supplier_year (council_org_id, fy_start, classification);

    -- Each payment with what the summaries group it by: the one definition of the year, the quarter, the
    -- service area and "confirmed" (decided by a person, or by an identifier or an exact name match).
    create view spend_summary_source as
      select p.council_org_id, p.supplier_id, p.amount_pence, p.payment_date, p.is_demo,
        extract(year from (p.payment_date - interval '3 months'))::int as fy_start,
        (floor((extract(month from (p.payment_date - interval '3 months')) - 1) / 3) + 1)::int as quarter,
        coalesce(nullif(btrim(p.department), ''), 'Not stated') as department,
        s.classification,
        coalesce(s.method in ('decision', 'identifier', 'exact'), false) as confirmed
      from spend_payment p join spend_supplier s on s.id = p.supplier_id;

    -- Rebuilds the councils' rows (every council's with null) from their payments, inside the caller's
    -- transaction. The lock makes two changes to one council's rows take turns, so neither sees the other's half
    -- written; each statement then reads what the one before it committed.
    create function spend_summary_refresh(councils text[]) returns void language plpgsql as $$
    begin
      if councils is null then
        councils := array(select council_org_id from spend_supplier union select council_org_id from spend_summary);
      end if;
      perform pg_advisory_xact_lock(hashtext('spend_summary'), hashtext(u.c))
        from unnest(councils) as u(c) order by u.c;
      delete from spend_summary where council_org_id = any(councils);
      insert into spend_summary (council_org_id, fy_start, quarter, department, classification, confirmed,
          payments, amount_pence, first_date, last_date, is_demo)
        select council_org_id, fy_start, coalesce(quarter, 0), coalesce(department, ''), classification, confirmed,
          count(*), sum(amount_pence), min(payment_date), max(payment_date), bool_or(is_demo)
        from spend_summary_source
        where council_org_id = any(councils)
        group by grouping sets ((council_org_id, fy_start, quarter, classification, confirmed),
          (council_org_id, fy_start, department, classification, confirmed));
      delete from spend_supplier_year where council_org_id = any(councils);
      insert into spend_supplier_year (council_org_id, fy_start, supplier_id, classification, payments, amount_pence)
        select council_org_id, fy_start, supplier_id, classification, count(*), sum(amount_pence)
        from spend_summary_source
        where council_org_id = any(councils)
        group by 1, 2, 3, 4;
    end
    $$;

    -- A decision moves a few suppliers' payments from one classification to another: taken out of the summaries
    -- with direction -1 before the suppliers change, put back with +1 after, reading only those suppliers' payments.
    -- The dates and the demo mark are kept as the least, greatest and any of what was there: moving payments
    -- between classifications leaves a council's and a year's unchanged.
    create function spend_summary_apply(suppliers bigint[], direction integer) returns void language plpgsql as $$
    declare
      councils text[] := array(select distinct council_org_id from spend_supplier where id = any(suppliers));
    begin
      perform pg_advisory_xact_lock(hashtext('spend_summary'), hashtext(u.c))
        from unnest(councils) as u(c) order by u.c;
      insert into spend_summary as m (council_org_id, fy_start, quarter, department, classification, confirmed,
          payments, amount_pence, first_date, last_date, is_demo)
        select council_org_id, fy_start, coalesce(quarter, 0), coalesce(department, ''), classification, confirmed,
          direction * count(*), direction * sum(amount_pence), min(payment_date), max(payment_date), bool_or(is_demo)
        from spend_summary_source
        where supplier_id = any(suppliers)
        group by grouping sets ((council_org_id, fy_start, quarter, classification, confirmed),
          (council_org_id, fy_start, department, classification, confirmed))
      on conflict (council_org_id, fy_start, quarter, department, classification, confirmed) do update set
        payments = m.payments + excluded.payments,
        amount_pence = m.amount_pence + excluded.amount_pence,
        first_date = least(m.first_date, excluded.first_date),
        last_date = greatest(m.last_date, excluded.last_date),
        is_demo = m.is_demo or excluded.is_demo;
      delete from spend_summary where council_org_id = any(councils) and payments <= 0;
      update spend_supplier_year y set classification = s.classification
        from spend_supplier s where s.id = y.supplier_id and y.supplier_id = any(suppliers);
    end
    $$;

    select spend_summary_refresh(null);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function if exists spend_summary_apply(bigint[], integer);
    drop function if exists spend_summary_refresh(text[]);
    drop view if exists spend_summary_source;
    drop table if exists spend_supplier_year, spend_summary;
  `.execute(db);
}
