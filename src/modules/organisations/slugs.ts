// Web addresses for organisations: /organisations/<slug>. Pure apart from the "is it taken?" question.

/** Words that are pages of the directory itself, never an organisation. */
export const RESERVED_SLUGS = new Set(['new', 'verification', 'search', 'export', 'edit', 'members', 'claim', 'join']);

const MAX_LENGTH = 80;

/** "St Mary's Church & Community Centre (Croydon)" → "st-marys-church-and-community-centre-croydon". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "Café" → "Cafe"
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_LENGTH) return slug || 'organisation';
  // Cut at a word boundary so that the address still reads well.
  const cut = slug.slice(0, MAX_LENGTH);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > 20 ? cut.slice(0, lastDash) : cut).replace(/-+$/g, '');
}

/**
 * A slug for `name` that `isTaken` says is free: the plain slug, or the slug with -2, -3, … added.
 * Reserved words get a suffix too, so an organisation called "New" does not hide the "add" page.
 */
export async function slugFor(name: string, isTaken: (slug: string) => Promise<boolean> | boolean): Promise<string> {
  const base = slugify(name);
  if (!RESERVED_SLUGS.has(base) && !(await isTaken(base))) return base;
  for (let n = 2; n < 10_000; n++) {
    const candidate = `${base}-${n}`;
    if (!(await isTaken(candidate))) return candidate;
  }
  throw new Error(`No free web address for "${name}"`);
}
