// The names the resolution benchmarks share: a synthetic register of organisations and a council's distinct
// suppliers, some the register's names as councils print them, some misspelt, most unknown businesses.
// A deterministic generator, so runs compare.
import { normaliseSupplierName } from '../../src/modules/spend/names.ts';

// 32-bit integer arithmetic throughout (mulberry32): a float multiply loses precision and falls into short cycles.
let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

const PLACES =
  'Croydon Sutton Merton Bromley Lambeth Southwark Harrogate Oxford Ripon Knaresborough Leeds York Bristol Bath Wells Exeter Truro Norwich Ipswich Colchester Chelmsford Luton Bedford Reading Slough Woking Guildford Dorking Redhill Horley Crawley Brighton Hove Lewes Eastbourne Hastings Dover Deal Canterbury Margate Ramsgate Thanet Medway Gillingham Rochester Chatham Maidstone Ashford Folkestone Hythe Sevenoaks Tonbridge Dartford Gravesend Bexley Greenwich Lewisham Hackney Camden Islington Barnet Enfield Haringey Brent Ealing Hounslow Richmond Kingston Wandsworth Hammersmith Fulham Chelsea Kensington Westminster Tower Hamlets Newham Redbridge Havering Barking Dagenham Walthamstow Hillingdon Harrow Watford Stevenage Hitchin Letchworth Hertford Cambridge Ely Peterborough Lincoln Boston Grimsby Hull Beverley Scarborough Whitby Durham Sunderland Gateshead Newcastle Carlisle Kendal Lancaster Preston Blackpool Bolton Bury Rochdale Oldham Stockport Salford Wigan Warrington Chester Crewe Stoke Derby Nottingham Leicester Coventry Rugby Warwick Worcester Hereford Gloucester Cheltenham Swindon Salisbury Winchester Southampton Portsmouth Bournemouth Poole Weymouth Dorchester Yeovil Taunton Barnstaple Plymouth Torquay'.split(
    ' ',
  );
const SURNAMES =
  'Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose Davis Rodriguez Cox Alexander Morris Cooper Ward Turner Hill Moore Harris Martin Lee King Baker Allen Young Scott Adams Nelson Carter Parker Collins Edwards Stewart Morgan Reed Bell Murphy Bailey Rivera Cook Rogers Morgan Peterson Gray Ramirez Watson Brooks Kelly Sanders Price Bennett Barnes Ross Henderson Coleman Jenkins Perry Powell Long Patterson Hughes Flores Washington Butler Simmons Foster Gonzales Bryant Russell Griffin Hayes Myers Ford Hamilton Graham Sullivan Wallace Woods Cole West Jordan Owens Reynolds Fisher Ellis Harrison Gibson McDonald Marshall Ortiz Gomez Murray Freeman Wells Webb Simpson Stevens Tucker Porter Hunter Hicks Crawford Henry Boyd Mason Kennedy Warren Dixon Burns Gordon Shaw Holmes Rice Robertson Hunt Black Daniels Palmer Mills Nichols Grant Knight Ferguson Stone Hawkins Dunn Perkins Hudson Spencer Gardner Stephens Payne Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll Duncan Snyder Hart Cunningham Bradley Lane Andrews Ruiz Harper Fox Riley Armstrong Carpenter Weaver Greene Lawrence Elliott Chavez Sims Austin Peters Kelley Franklin Lawson Fields'.split(
    ' ',
  );
const CAUSES =
  'Youth Carers Refugee Women Families Mental Health Dementia Autism Deaf Blind Homeless Elderly Disability Arts Music Heritage Wildlife Gardens Allotment Sports Football Cricket Rugby Tennis Bowls Swimming Boxing Dance Drama Theatre Film Food Recovery Addiction Bereavement Befriending Advice Transport Environment Play Toddler Parents Scouts Guides'.split(
    ' ',
  );
const VCS_FORMS = [
  'Community Association',
  'Association',
  'Trust',
  'Foundation',
  'Society',
  'Community Trust',
  'Project',
  'Group',
  'Club',
  'Network',
  'Forum',
  'Centre',
  'CIC',
  'CIO',
  'Limited',
  'Charity',
  'Partnership',
  'Alliance',
];
const TRADES =
  'Plumbing Roofing Electrical Building Construction Cleaning Catering Printing Security Consulting Engineering Design Software Recruitment Motors Transport Haulage Scaffolding Landscaping Joinery Glazing Decorating Flooring Fencing Paving Drainage Surveying Legal Accountancy Marketing Training Care Nursing Supplies Stationery Furniture Hire Equipment'.split(
    ' ',
  );
const BUSINESS_FORMS = [
  'Ltd',
  'Limited',
  'Services Ltd',
  'Solutions Ltd',
  'and Sons',
  'Group plc',
  'UK Ltd',
  'LLP',
  'Co Ltd',
];

function organisationName(i: number): string {
  const kind = i % 5;
  if (kind === 0) return `${pick(PLACES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`;
  if (kind === 1) return `${pick(SURNAMES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`;
  if (kind === 2) return `Friends of ${pick(PLACES)} ${pick(['Park', 'Library', 'Hospice', 'Museum', 'Church'])}`;
  if (kind === 3) return `${pick(PLACES)} ${pick(SURNAMES)} ${pick(CAUSES)} ${pick(VCS_FORMS)}`;
  return `${pick(SURNAMES)} ${pick(TRADES)} ${pick(BUSINESS_FORMS)}`;
}

/** A slip: one letter dropped from the longest word. */
function misspell(name: string): string {
  const words = name.split(' ');
  const i = words.reduce((best, w, j) => (w.length > words[best]!.length ? j : best), 0);
  const w = words[i]!;
  words[i] = w.slice(0, w.length >> 1) + w.slice((w.length >> 1) + 1);
  return words.join(' ');
}

/** The register's names (distinct), then the suppliers as [name key, name as printed]. */
export function benchmarkNames(organisations: number, suppliers: number) {
  seed = 42;
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; names.length < organisations; i++) {
    // Distinct names, as a register's are (numbered where the generator repeats itself).
    let name = organisationName(i);
    if (seen.has(name)) name = `${name} ${pick(PLACES)} ${i % 97}`;
    if (seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  const byKey = new Map<string, string>();
  while (byKey.size < suppliers) {
    const r = random();
    const known = names[Math.floor(random() * names.length)]!;
    const name =
      r < 0.3
        ? known.toUpperCase()
        : r < 0.45
          ? misspell(known)
          : `${pick(SURNAMES)} ${pick(SURNAMES)} ${pick(TRADES)} ${pick(BUSINESS_FORMS)} ${Math.floor(random() * 1000)}`;
    const key = normaliseSupplierName(name);
    if (key && !byKey.has(key)) byKey.set(key, name);
  }
  return { names, suppliers: [...byKey] };
}
