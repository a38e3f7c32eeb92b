// Numbers as the database gives them (decimal strings, exact) written for people: thousands separated, every
// decimal kept, never through a float.

export function formatFigure(value: string | number | null | undefined): string {
  if (value == null || value === '') return '';
  return String(value).replace(
    /^(-?)(\d+)/,
    (_m, sign: string, whole: string) => sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ','),
  );
}
