// The one way to put text into HTML built in code (a table cell's `html`, a link): every special character escaped.

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A GOV.UK tag, as the govukTag macro writes it, for a table cell built in code. */
export const tag = (text: string, colour?: 'grey' | 'green' | 'red' | 'yellow' | 'blue') =>
  `<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${escapeHtml(text)}</strong>`;
