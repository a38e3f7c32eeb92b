// Which of a spend file's columns is which. Every council names them differently; the LGA spend schema
// (BeneficiaryName, Amount, PaymentDate, …) and the common variants are recognised by meaning, in order of
// preference, and anything else is mapped once by a person and kept as the council's import profile.

export const SPEND_FIELDS = [
  'date',
  'amount',
  'supplier',
  'department',
  'purpose',
  'expenseType',
  'procurementCategory',
  'transactionRef',
  'charityNumber',
  'companyNumber',
  'vcseFlag',
] as const;
export type SpendField = (typeof SPEND_FIELDS)[number];
export const REQUIRED_FIELDS: readonly SpendField[] = ['date', 'amount', 'supplier'];

export const FIELD_LABELS: Record<SpendField, string> = {
  date: 'Payment date',
  amount: 'Amount',
  supplier: 'Supplier (beneficiary) name',
  department: 'Department or service area',
  purpose: 'Purpose or description',
  expenseType: 'Expense type',
  procurementCategory: 'Procurement or merchant category',
  transactionRef: 'Transaction reference',
  charityNumber: 'Charity number',
  companyNumber: 'Company number',
  vcseFlag: "The council's VCSE flag",
};

/** Our field → the file's heading (normalised, see `normaliseHeading`). */
export type ColumnMapping = Partial<Record<SpendField, string>>;

// Headings compared without case, spaces or punctuation ("Payment Date" = "PaymentDate" = "payment_date").
const compact = (heading: string) => heading.replace(/_/g, '');

// Exact names first, best first; then words a heading may contain, with words that rule it out.
const EXACT: Record<SpendField, string[]> = {
  date: [
    'paymentdate',
    'datepaid',
    'paiddate',
    'dateofpayment',
    'transactiondate',
    'paymentdate1',
    'date',
    'effectivedate',
    'postingdate',
    'posteddate',
    'chequedate',
    'invoicedate',
    'documentdate',
  ],
  amount: [
    'amount',
    'netamount',
    'invoicenettamount',
    'invoicenetamount',
    'nettamount',
    'amountgbp',
    'amountexclvat',
    'amountexvat',
    'netvalue',
    'paymentamount',
    'transactionamount',
    'lineamount',
    'value',
    'totalamount',
    'grossamount',
    'invoiceamount',
    'amountpaid',
    'total',
    'spend',
    'expenditure',
  ],
  supplier: [
    'beneficiaryname',
    'suppliername',
    'vendorname',
    'payeename',
    'merchantname',
    'creditorname',
    'supplier',
    'vendor',
    'payee',
    'beneficiary',
    'merchant',
    'creditor',
    'recipient',
    'recipientname',
    'paidto',
    'name',
  ],
  department: [
    'department',
    'directorate',
    'servicearea',
    'departmentfamily',
    'servicedivision',
    'service',
    'servicelabel',
    'serviceareadescription',
    'division',
    'expensearea',
    'servicecategorylabel',
    'costcentredescription',
    'costcentrename',
    'organisationalunit',
    'portfolio',
  ],
  purpose: [
    'purpose',
    'purposeofspend',
    'description',
    'narrative',
    'transactiondescription',
    'details',
    'summaryofpurpose',
    'paymentdescription',
    'expendituredescription',
    'linedescription',
  ],
  expenseType: [
    'expensetype',
    'expensestype',
    'expensedescription',
    'expenditurecatergory',
    'expendituretype',
    'subjectivedescription',
    'accountdescription',
    // Where a file has both, the code names the line ("Grants to Vol Organisations") and the category only its
    // group ("Supplies and Services"): the code is the expense type, the category goes below as the wider one.
    'expenditurecode',
    'expenditurecategory',
    'expensecode',
    'typeofexpenditure',
    'servicecategory',
  ],
  procurementCategory: [
    'procurementcategory',
    'proclassdescription',
    'proclass',
    'procurementclassification',
    'merchantcategory',
    'merchantcategorydescription',
    'purchasecategory',
    'category',
    'spendcategory',
    'expenditurecategory',
  ],
  transactionRef: [
    'transactionnumber',
    'transactionno',
    'transno',
    'transactionid',
    'transactionreference',
    'transactionref',
    'paymentreference',
    'paymentref',
    'paymentnumber',
    'invoicenumber',
    'invoiceno',
    'invoiceref',
    'documentnumber',
    'documentno',
    'reference',
    'ref',
    'vouchernumber',
  ],
  charityNumber: [
    'beneficiarycharitynumber',
    'charitynumber',
    'charityno',
    'charityregistrationnumber',
    'registeredcharitynumber',
    'suppliercharitynumber',
  ],
  companyNumber: [
    'beneficiarycompanynumber',
    'companynumber',
    'companyno',
    'companieshousenumber',
    'companyregistrationnumber',
    'suppliercompanynumber',
    'registeredcompanynumber',
  ],
  vcseFlag: ['vcse', 'vcseflag', 'isvcse', 'vcs', 'vcsflag', 'voluntarysector', 'thirdsector', 'vcseorganisation'],
};

const CONTAINS: Partial<Record<SpendField, { words: RegExp; not?: RegExp }>> = {
  date: { words: /date/, not: /update|invoicedate|created/ },
  amount: { words: /amount|value/, not: /vat|tax|count/ },
  supplier: { words: /supplier|vendor|payee|beneficiary|creditor/, not: /id$|code|number|no$|type|postcode|ref/ },
  department: { words: /department|directorate|servicearea/ },
  purpose: { words: /purpose|description|narrative/ },
  expenseType: { words: /expense|expenditure/ },
  charityNumber: { words: /charity/, not: /name/ },
  companyNumber: { words: /company|companies/, not: /name/ },
  vcseFlag: { words: /vcse|vcs$|voluntary|thirdsector/ },
};

/** Our fields found among the headings, each heading used once, required fields first. */
export function recogniseColumns(headings: string[], preset: ColumnMapping = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  const present = new Set(headings.filter(Boolean));
  for (const field of SPEND_FIELDS) {
    const given = preset[field];
    if (given && present.has(given)) {
      mapping[field] = given;
      used.add(given);
    }
  }
  const byCompact = new Map<string, string>();
  for (const h of headings) if (h && !byCompact.has(compact(h))) byCompact.set(compact(h), h);
  for (const field of SPEND_FIELDS) {
    if (mapping[field]) continue;
    for (const name of EXACT[field]) {
      const h = byCompact.get(name);
      if (h && !used.has(h)) {
        mapping[field] = h;
        used.add(h);
        break;
      }
    }
  }
  for (const field of SPEND_FIELDS) {
    const rule = CONTAINS[field];
    if (mapping[field] || !rule) continue;
    const h = headings.find((x) => x && !used.has(x) && rule.words.test(compact(x)) && !rule.not?.test(compact(x)));
    if (h) {
      mapping[field] = h;
      used.add(h);
    }
  }
  return mapping;
}

export function missingFields(mapping: ColumnMapping): SpendField[] {
  return REQUIRED_FIELDS.filter((f) => !mapping[f]);
}

/** The normalised heading row, as the key of a council's import profile. */
export function headerSignature(headings: string[]): string {
  return headings.filter(Boolean).join('|');
}
