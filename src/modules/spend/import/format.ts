import { ImportError } from '../../../imports/errors.ts';
import { type FormatSpec, normaliseHeading } from '../../../imports/table.ts';
import {
  type ColumnMapping,
  FIELD_LABELS,
  headerSignature,
  missingFields,
  recogniseColumns,
  SPEND_FIELDS,
  type SpendField,
} from './columns.ts';

// Which of a file's columns holds what: a mapping a person gave (form or --map), else the council's saved profile
// for files with these headings, else what the headings say.

/** The file's columns could not all be recognised: a person maps them (form or --map), then it runs again. */
export class MappingNeeded extends ImportError {
  constructor(
    message: string,
    readonly labels: string[],
    readonly missing: SpendField[],
    readonly suggested: ColumnMapping,
  ) {
    super(message);
  }
}

/** Our field → the file's heading as written ("Net Amt"), checked and normalised; undefined when none given. */
export function explicitMapping(map: Partial<Record<string, string>> | undefined): ColumnMapping | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  const mapping: ColumnMapping = {};
  for (const [field, heading] of Object.entries(map)) {
    if (!(SPEND_FIELDS as readonly string[]).includes(field)) {
      throw new ImportError(`There is no column called "${field}" to map. Map one of: ${SPEND_FIELDS.join(', ')}.`);
    }
    const h = normaliseHeading(heading ?? '');
    if (h) mapping[field as SpendField] = h;
  }
  return mapping;
}

/** The mapping for a file's headings: the one given, else the saved profile for these headings, else recognised. */
export function mappingFor(
  headings: string[],
  explicit: ColumnMapping | undefined,
  saved: Map<string, ColumnMapping>,
): ColumnMapping {
  return recogniseColumns(headings, explicit ?? saved.get(headerSignature(headings)) ?? {});
}

function mappingNeeded(labels: string[], suggested: ColumnMapping): MappingNeeded {
  const missing = missingFields(suggested);
  return new MappingNeeded(
    `We could not tell which column holds the ${missing.map((f) => FIELD_LABELS[f].toLowerCase()).join(', the ')}. The file's columns are: ${labels.map((l) => `"${l}"`).join(', ')}. Say which is which, for example --map ${missing
      .map((f) => `${f}="${labels[0]}"`)
      .join(' --map ')} (the mapping is kept for this council's files with the same columns).`,
    labels,
    missing,
    suggested,
  );
}

/** The spend file format: its heading row is the one that the mapping recognises best. */
export function spendFormat(mapping: (headings: string[]) => ColumnMapping): FormatSpec {
  return {
    name: 'spend',
    label: 'council spend file',
    required: ['date', 'amount', 'supplier'],
    recognise(headings) {
      const found = mapping(headings);
      const missing = missingFields(found);
      return { score: (3 - missing.length) * 100 + Object.keys(found).length, complete: missing.length === 0, missing };
    },
    unrecognised(closest, searched) {
      if (!closest || closest.labels.length < 2) {
        return new ImportError(
          `We could not find a row of column headings in the first ${searched} rows of the file. Check it is a spend file with a heading row (payment date, amount, supplier name).`,
        );
      }
      return mappingNeeded(closest.labels, mapping(closest.labels.map(normaliseHeading)));
    },
  };
}
