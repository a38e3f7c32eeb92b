import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toGovukTable } from './table.ts';
import { createViewEnvironment } from './views.ts';

const src = join(import.meta.dirname, '..');

describe('a table on a page', () => {
  it('sits in a region of its own, named by its caption, that the keyboard can reach and scroll', () => {
    const html = createViewEnvironment().renderString('{% from "table.njk" import appTable %}{{ appTable(t) }}', {
      t: toGovukTable({
        caption: 'Imports & exports',
        columns: [{ header: 'Name', value: (r: { name: string }) => r.name }],
        rows: [{ name: 'One' }],
      }),
    });
    expect(html).toMatch(
      /^\s*<div class="app-table-region" role="region" aria-label="Imports &amp; exports" tabindex="0">\s*<p class="app-table-region__hint[^>]*aria-hidden="true">Scroll the table sideways to see all of it<\/p>\s*<table class="govuk-table"/,
    );
    expect(html.trim()).toMatch(/<\/table>\s*<\/div>$/);
  });

  it('may be compact: a wide table of figures in the smaller body size', () => {
    const columns = [{ header: 'Amount', numeric: true, value: (r: { n: number }) => r.n }];
    expect(toGovukTable({ columns, rows: [], compact: true }).classes).toBe('app-table--compact');
    expect(toGovukTable({ columns, rows: [] })).not.toHaveProperty('classes');
  });

  it('is rendered in its region in every view, whether by the table helper or written out by hand', () => {
    const views = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.njk'));
    const outside: string[] = [];
    for (const view of views) {
      if (view === join('web', 'views', 'table.njk')) continue;
      const text = readFileSync(join(src, view), 'utf8');
      if (text.includes('govukTable(')) outside.push(`${view}: govukTable without its region (use appTable)`);
      for (const from of text.matchAll(/{%\s*from\s+"([^"]+)"\s+import\s+[^%]*\b(appTable|tableRegion)\b/g)) {
        if (from[1] !== 'table.njk') outside.push(`${view}: ${from[2]} imported from ${from[1]}, not table.njk`);
      }
      for (let at = text.indexOf('<table'); at >= 0; at = text.indexOf('<table', at + 1)) {
        const before = text.slice(0, at);
        if (before.lastIndexOf('call tableRegion(') <= before.lastIndexOf('endcall')) {
          outside.push(`${view}: a <table> outside {% call tableRegion(…) %}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
