import { sql } from 'kysely';
import type { Database } from '../../src/db/index.ts';
import type { Services } from '../../src/services.ts';
import type { Scale } from './spend-scale.ts';

// The directory at a national register's scale: organisations loaded from the registers for matching, none of them in
// the place (so not listed in its directory), with the names, other names and charity numbers such a register has.
// Written by the database itself in one statement (generate_series), not a row at a time from here.

// Words real charity names are made of, so that trigrams are as common as in a register and a search for a local
// name meets many near misses.
const FIRST = (
  'st, saint, holy, trinity, christ, friends, royal, north, south, east, west, upper, lower, new, old, ' +
  'great, little, green, oak, elm, ash, willow, river, hill, park, bridge, market, church, chapel, abbey, ' +
  'castle, mill, meadow, brook, valley, moor, harbour, forest, garden, village, county, city, borough, ' +
  'parish, community, people, youth, family, carers, veterans, hope, unity, harmony, light, bright, open, ' +
  'shared'
).split(', ');
const MIDDLE = (
  'marys, johns, peters, pauls, andrews, georges, michaels, james, lukes, marks, bedford, chester, ' +
  'norwich, leeds, bristol, derby, kendal, whitby, ludlow, hexham, food, arts, music, sports, football, ' +
  'cricket, rowing, theatre, heritage, history, wildlife, animal, horse, dog, cat, bird, school, college, ' +
  'academy, nursery, hospice, hospital, health, mental health, disability, deaf, blind, autism, dementia, ' +
  'housing, homeless, refugee, women, men, elderly, children, baby, sailing, scouts, guides, brass band, ' +
  'choir, drama, dance, allotment, environment, recycling, energy'
).split(', ');
const LAST = (
  'trust, charity, foundation, association, society, club, centre, fund, appeal, project, group, network, ' +
  'alliance, partnership, league, council, committee, friends, almshouses, relief in need, ' +
  'educational foundation, community interest company, cio, limited'
).split(', ');

const array = (words: string[]) => sql`array[${sql.join(words.map((w) => sql.lit(w)))}]::text[]`;

/**
 * Adds `organisations` register-only organisations outside the place: not listed, active, each with a charity
 * number, one in five with another name. Numbers and slugs start above any the demo uses.
 */
export async function loadDirectoryScale(db: Database, organisations: number): Promise<void> {
  const first = array(FIRST);
  const middle = array(MIDDLE);
  const last = array(LAST);
  await db.transaction().execute(async (trx) => {
    // Spread the words by coprime strides so neighbouring rows differ in every word.
    await sql`
      with made as (
        insert into organisation (slug, name, legal_form, latest_income_pence, listed, source, status, registered_on)
        select
          'register-scale-' || i,
          initcap(
            (${first})[1 + (i * 7) % ${FIRST.length}] || ' ' ||
            (${middle})[1 + (i * 13) % ${MIDDLE.length}] || ' ' ||
            (${last})[1 + (i * 5) % ${LAST.length}] ||
            case when i % 3 = 0 then ' ' || (1 + i % 97)::text else '' end
          ),
          case i % 4 when 0 then 'cio' when 1 then 'charitable_company' else 'unincorporated_charity' end,
          (i % 1000) * 731000,
          false,
          'register:ccew',
          'active',
          date '1960-01-01' + (i % 22000)
        from generate_series(1, ${organisations}) as i
        on conflict (slug) do nothing
        returning id, slug, name
      ),
      numbered as (
        insert into organisation_identifier (identifier, organisation_id, scheme)
        select 'GB-CHC-' || (3000000 + substring(slug from 16)::int), id, 'GB-CHC' from made
        on conflict (identifier) do nothing
      )
      insert into organisation_name (organisation_id, name, kind)
      select id, name || ' ' || (${last})[1 + (substring(slug from 16)::int * 11) % ${LAST.length}], 'previous'
      from made
      where substring(slug from 16)::int % 5 = 0
      on conflict do nothing
    `.execute(trx);
  });
  await sql`analyze organisation, organisation_identifier, organisation_name`.execute(db);
}

/**
 * Loads the scale when BENCH_DIRECTORY_ORGANISATIONS is set, on PostgreSQL only. It adds no route: the key pages'
 * directory search (a listed organisation's name, misspelt) is measured with these organisations beside it.
 */
export async function directoryScale(
  _services: Services,
  target: { embedded: boolean; db: Database },
): Promise<Scale | null> {
  const organisations = Number(process.env.BENCH_DIRECTORY_ORGANISATIONS ?? 0);
  if (!organisations || target.embedded) return null;
  const started = performance.now();
  await loadDirectoryScale(target.db, organisations);
  return {
    name: 'directory',
    info: { organisations, loadSeconds: Math.round((performance.now() - started) / 100) / 10 },
    routes: [],
  };
}
