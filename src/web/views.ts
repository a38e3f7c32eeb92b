import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { formatDate, formatDateTime } from '../kernel/dates.ts';
import { formatFigure } from '../kernel/figures.ts';
import { formatMoney } from '../kernel/money.ts';
import { roleLabels } from '../kernel/roles.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** govuk-frontend's dist folder, resolved rather than assumed under node_modules. */
export const govukDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const govukAssets = join(govukDist, 'govuk/assets');

export function createViewEnvironment(): nunjucks.Environment {
  // Our views first, then each module's own views, then GOV.UK Frontend's macros.
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(here, 'views'), join(here, '../modules'), govukDist], { noCache: false }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('pounds', (pence: number | null | undefined) =>
    pence == null ? '' : formatMoney(pence, { whole: true }),
  );
  env.addFilter('poundsPence', (pence: number | null | undefined) => (pence == null ? '' : formatMoney(pence)));
  env.addFilter('number', (n: number | null | undefined) => (n == null ? '' : n.toLocaleString('en-GB')));
  // A numeric value as the database gives it (a decimal string), with thousands separated and every digit kept.
  env.addFilter('figure', formatFigure);
  env.addFilter('date', (d: Date | string | null | undefined) => (d ? formatDate(d) : ''));
  env.addFilter('dateTime', (d: Date | string | null | undefined) => (d ? formatDateTime(d) : ''));
  env.addFilter('roleLabel', (r: keyof typeof roleLabels) => roleLabels[r] ?? r);
  env.addGlobal('newFormKey', () => randomUUID());
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  return env;
}
