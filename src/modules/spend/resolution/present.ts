import { formatDate } from '../../../kernel/dates.ts';
import { formatMoney } from '../../../kernel/money.ts';
import { type TableModel, toGovukTable } from '../../../web/table.ts';

// Words and tables for the review pages.

const LABELS: Record<string, string> = {
  uncertain: 'Uncertain',
  unresolved: 'Not yet resolved',
  vcs: 'VCS',
  not_vcs: 'Not VCS',
  public_body: 'Public body',
  redacted: 'Name removed',
  any: 'All suppliers',
};

/** A classification (or the queue's "any") in words. */
export const labelFor = (value: string): string => LABELS[value] ?? value;

const DECISIONS: Record<string, string> = {
  vcs: 'A VCS organisation',
  not_vcs: 'Not VCS',
  organisation: 'An organisation in the directory',
};

/** A person's decision on a supplier, in words. */
export const decisionLabel = (value: string | undefined): string => (value && DECISIONS[value]) || 'No decision';

type Payment = {
  payment_date: Date | string;
  expense_type: string | null;
  procurement_category: string | null;
  amount_pence: number | string;
};

/** The supplier's latest payments, for the `govukTable` macro. */
export function latestPaymentsTable(recent: Payment[]) {
  const table: TableModel<Payment> = {
    caption: 'Latest payments',
    columns: [
      { header: 'Date', value: (p) => formatDate(p.payment_date) },
      { header: 'Category', value: (p) => p.expense_type ?? p.procurement_category ?? '' },
      { header: 'Amount', numeric: true, value: (p) => formatMoney(p.amount_pence) },
    ],
    rows: recent,
  };
  return { ...toGovukTable(table), captionClasses: 'govuk-table__caption--s' };
}
