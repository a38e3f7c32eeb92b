// The one way to show a table: a model rendered by `appTable` (web/views/table.njk: GOV.UK's table in a region of
// its own that scrolls sideways on a narrow screen) and downloadable as CSV.

export type Column<Row> = {
  header: string;
  /** The heading as HTML for the page, e.g. words for screen readers only; the CSV uses `header`. */
  headerHtml?: string;
  value: (row: Row) => string | number | null | undefined;
  /** HTML for the page (already escaped by the caller); the CSV always uses `value`. */
  html?: (row: Row) => string;
  numeric?: boolean;
};

export type TableModel<Row> = {
  caption?: string;
  /** For screen readers only, where the heading above the table already says what it is. */
  captionHidden?: boolean;
  /** The caption's size where it is shown: medium unless the table sits under a heading of its own. */
  captionSize?: 's' | 'm';
  /** A wide table of figures: the smaller body size, so that it fits a desktop page without scrolling. */
  compact?: boolean;
  columns: Column<Row>[];
  rows: Row[];
};

/** Parameters for `govukTable`. */
export function toGovukTable<Row>(table: TableModel<Row>) {
  return {
    caption: table.caption,
    captionClasses: table.captionHidden ? 'govuk-visually-hidden' : `govuk-table__caption--${table.captionSize ?? 'm'}`,
    firstCellIsHeader: false,
    ...(table.compact ? { classes: 'app-table--compact' } : {}),
    head: table.columns.map((c) => ({
      ...(c.headerHtml ? { html: c.headerHtml } : { text: c.header }),
      ...(c.numeric ? { format: 'numeric' } : {}),
    })),
    rows: table.rows.map((row) =>
      table.columns.map((c) => {
        const cell = c.html ? { html: c.html(row) } : { text: String(c.value(row) ?? '') };
        return c.numeric ? { ...cell, format: 'numeric' } : cell;
      }),
    ),
  };
}

/** A cell a spreadsheet would run as a formula is prefixed with an apostrophe. */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<Row>(table: TableModel<Row>): string {
  const lines = [table.columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
