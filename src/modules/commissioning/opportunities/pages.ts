import { formErrors } from '../../../web/forms.ts';
import type { RouteServices } from '../../../web/module.ts';
import { serviceAreas } from '../../place/codelists.ts';
import { routes as opportunityRoutes } from './present.ts';

// What the opportunity pages share: their form state, the error links of date inputs, and the choices of the
// details form.

export type Slug = { Params: { slug: string } };
export type Body = Record<string, unknown>;
export type Form = { errors: Record<string, string>; errorList: unknown[]; values: Record<string, unknown> };

export const empty = (): Form => ({ errors: {}, errorList: [], values: {} });
export const VIEWS = 'commissioning/opportunities/views';

// A date input's error links to its first field, as GOV.UK asks.
const DATE_FIELDS = new Set(['clarifications_close', 'closes', 'decision_expected', 'service_starts']);
export function detailsErrors(issues: { field: string; message: string }[], body: Body): Form {
  const form = formErrors(issues, body);
  form.errorList = form.errorList.map((e) => (DATE_FIELDS.has(e.href.slice(1)) ? { ...e, href: `${e.href}-day` } : e));
  return form;
}

/** The wards, service areas and routes of the details form, with those in `values` chosen. */
export async function choices(services: RouteServices, values: Body = {}) {
  const wards = await services.place.wards();
  const chosenWards = new Set(
    Array.isArray(values.wards) ? values.wards.map(String) : values.wards ? [String(values.wards)] : [],
  );
  return {
    wardItems: wards.map((w) => ({ value: w.code, text: w.name, checked: chosenWards.has(w.code) })),
    serviceAreaItems: [
      { value: '', text: 'Any service area' },
      ...serviceAreas.map((a) => ({ value: a.code, text: a.label, selected: values.service_area === a.code })),
    ],
    routeItems: opportunityRoutes.map((r) => ({
      value: r.code,
      text: r.label,
      hint: { text: r.hint },
      checked: values.route === r.code,
    })),
  };
}
