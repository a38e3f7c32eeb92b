// Web addresses for organisations: /organisations/<slug>. Pure apart from the "is it taken?" question.
import { slugify } from '../../web/slugs.ts';

export { slugify };

/** Words that are pages of the directory itself, never an organisation. */
export const RESERVED_SLUGS = new Set(['new', 'verification', 'search', 'export', 'edit', 'members', 'claim', 'join']);

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
