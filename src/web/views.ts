import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { roleLabels } from './access.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** govuk-frontend's dist folder, resolved rather than assumed under node_modules. */
export const govukDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const govukAssets = join(govukDist, 'govuk/assets');

const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
const gbpPence = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export function createViewEnvironment(): nunjucks.Environment {
  // Our views first, then each module's own views, then GOV.UK Frontend's macros.
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(here, 'views'), join(here, '../modules'), govukDist], { noCache: false }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('pounds', (pence: number | null | undefined) => (pence == null ? '' : gbp.format(pence / 100)));
  env.addFilter('poundsPence', (pence: number | null | undefined) =>
    pence == null ? '' : gbpPence.format(pence / 100),
  );
  env.addFilter('number', (n: number | null | undefined) => (n == null ? '' : n.toLocaleString('en-GB')));
  // A numeric value as the database gives it (a decimal string), with thousands separated and every digit kept.
  env.addFilter('figure', (v: string | number | null | undefined) =>
    v == null || v === ''
      ? ''
      : String(v).replace(
          /^(-?)(\d+)/,
          (_m, sign: string, whole: string) => sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ','),
        ),
  );
  env.addFilter('date', (d: Date | string | null | undefined) => (d ? dateFormat.format(new Date(d)) : ''));
  env.addFilter('dateTime', (d: Date | string | null | undefined) => (d ? dateTimeFormat.format(new Date(d)) : ''));
  env.addFilter('roleLabel', (r: keyof typeof roleLabels) => roleLabels[r] ?? r);
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  return env;
}
