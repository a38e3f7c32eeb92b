import { normaliseSupplierName } from '../names.ts';

// How well the classification agrees with a person's labels (supplier name → VCSE | NOT | UNSURE). Pure.

type Supplier = { name_key: string; classification: string; council_vcse_flag: boolean | null };
type Counts = { tp: number; fp: number; fn: number; tn: number };

function scores(t: number, p: number, n: number) {
  const precision = t + p ? t / (t + p) : 0;
  const recall = t + n ? t / (t + n) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

function count(counts: Counts, truth: boolean, predicted: boolean) {
  if (truth && predicted) counts.tp++;
  else if (!truth && predicted) counts.fp++;
  else if (truth && !predicted) counts.fn++;
  else counts.tn++;
}

export function scoreLabels(
  councilOrgId: string,
  suppliers: Supplier[],
  labels: { supplierName: string; label: string }[],
) {
  const byKey = new Map(suppliers.map((s) => [s.name_key, s]));
  const ours: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const flag = { tp: 0, fp: 0, fn: 0, tn: 0, rows: 0 };
  let ignored = 0;
  const missing: string[] = [];
  const errors: { supplierName: string; label: string; classification: string }[] = [];
  for (const { supplierName, label } of labels) {
    const upper = label.trim().toUpperCase();
    if (upper === 'UNSURE') {
      ignored++;
      continue;
    }
    const s = byKey.get(normaliseSupplierName(supplierName));
    if (!s) {
      missing.push(supplierName);
      continue;
    }
    const truth = upper === 'VCSE';
    const predicted = s.classification === 'vcs';
    count(ours, truth, predicted);
    if (truth !== predicted) errors.push({ supplierName, label: upper, classification: s.classification });
    if (s.council_vcse_flag !== null) {
      flag.rows++;
      count(flag, truth, s.council_vcse_flag);
    }
  }
  return {
    council: councilOrgId,
    labelled: labels.length,
    ignored,
    ...scores(ours.tp, ours.fp, ours.fn),
    ...ours,
    missing,
    errors,
    councilFlag: flag.rows ? { ...scores(flag.tp, flag.fp, flag.fn), ...flag } : null,
  };
}
