import { createViewEnvironment } from '../../web/views.ts';

// The directory's filters are the same few dozen GOV.UK checkboxes on every search, and rendering them was most of
// the search page's work. Each combination of ticked boxes is rendered once and kept (a few hundred at most).

type Item = { value: string; text: string; checked?: boolean };
export type FilterPanel = {
  open: { wards: boolean; serviceAreas: boolean; beneficiaryGroups: boolean };
  wardItems: Item[];
  areaItems: Item[];
  groupItems: Item[];
  sizeItems: Item[];
  includeRemovedItems: Item[];
};

const KEPT = 256;
const env = createViewEnvironment();
const kept = new Map<string, string>();

/** The filter panel's HTML (buttons, and checkboxes in details) for these items. */
export function filterPanelHtml(panel: FilterPanel): string {
  const key = JSON.stringify(panel);
  let html = kept.get(key);
  if (html === undefined) {
    html = env.render('organisations/views/search-filters.njk', panel);
    if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(key, html);
  }
  return html;
}
