// Readable web addresses made from names and titles, for every kind of page that has one.

const MAX_LENGTH = 80;

/** "St Mary's Church & Community Centre (Croydon)" → "st-marys-church-and-community-centre-croydon". */
export function slugify(name: string, fallback = 'organisation'): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "Café" → "Cafe"
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_LENGTH) return slug || fallback;
  // Cut at a word boundary so that the address still reads well.
  const cut = slug.slice(0, MAX_LENGTH);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 20 ? cut.slice(0, lastDash) : cut).replace(/-+$/g, '');
}
