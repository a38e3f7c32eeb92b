import { formatMoney } from '../../../kernel/money.ts';

/** A result's amount, plain decimal pounds with two places ("19513182.88"), as people read it: "£19,513,182.88". */
export const poundsText = (decimal: string): string => formatMoney(decimal.replace('.', ''));
