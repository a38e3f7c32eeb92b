// Financial years, quarters and percentages as the spend measure labels and stores them.

/** "12.5" (percent, up to two places) → the fraction as a decimal string with four places, "0.1250". */
export function percentToFraction(percent: string): string {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent.trim());
  if (!match) throw new Error(`Not a percentage: ${percent}`);
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return `${Math.floor(hundredths / 10000)}.${(hundredths % 10000).toString().padStart(4, '0')}`;
}

/** A financial year by the year it starts in: 2024 → "2024-25". */
export function financialYearLabel(start: number): string {
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

const quarterMonths = ['April to June', 'July to September', 'October to December', 'January to March'];

/** "Q3 2024-25 (October to December 2024)". */
export function quarterLabel(start: number, quarter: number): string {
  const calendarYear = quarter === 4 ? start + 1 : start;
  return `Q${quarter} ${financialYearLabel(start)} (${quarterMonths[quarter - 1]} ${calendarYear})`;
}

/** "Q3 24-25": short enough for a chart axis. */
export function quarterShortLabel(start: number, quarter: number): string {
  return `Q${quarter} ${String(start % 100).padStart(2, '0')}-${String((start + 1) % 100).padStart(2, '0')}`;
}
