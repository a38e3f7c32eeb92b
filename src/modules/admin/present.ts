export { escapeHtml } from '../../web/html.ts';

// Pure helpers for the admin pages: escaping, paging and the links inside an e-mail.

/** A page number from a query string: a positive whole number, otherwise 1. */
export function pageNumber(value: unknown): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return 1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** Parameters for govukPagination: previous and next, keeping the other filters of the page. */
export function pagination(
  path: string,
  query: Record<string, string | undefined>,
  page: number,
  hasNext: boolean,
): { previous?: { href: string }; next?: { href: string } } | undefined {
  const href = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    if (p > 1) params.set('page', String(p));
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  };
  if (page <= 1 && !hasNext) return undefined;
  return {
    ...(page > 1 ? { previous: { href: href(page - 1) } } : {}),
    ...(hasNext ? { next: { href: href(page + 1) } } : {}),
  };
}

/** Links to this service found in an e-mail body, so that an admin can follow them in development. */
export function serviceLinks(body: string, baseUrl: string): string[] {
  const found = body.match(/https?:\/\/[^\s<>"']+/g) ?? [];
  return [...new Set(found.filter((url) => url.startsWith(`${baseUrl}/`)))];
}
