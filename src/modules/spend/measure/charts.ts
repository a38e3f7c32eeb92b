import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';

// Charts drawn on the server as SVG: scales and paths from d3, markup here. Every chart is an image with a title
// and a description for screen readers, and the page puts the same figures in a table right after it.
// Colours keep at least 3:1 against white for shapes and 4.5:1 for text; only presentation attributes are used,
// since the content security policy forbids inline styles.

const INK = '#0b0c0c';
const BAR = '#1d70b8';
const HIGHLIGHT = '#00594f';
const REFERENCE = '#d4351c';
const GRID = '#b1b4b6';
const WIDTH = 680;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A label in at most two lines of `perLine` characters, broken between words; anything beyond is clipped. */
export function labelLines(text: string, perLine: number): string[] {
  if (text.length <= perLine) return [text];
  const words = text.split(' ');
  let first = '';
  let k = 0;
  while (k < words.length && (first ? first.length + 1 : 0) + words[k]!.length <= perLine) {
    first = first ? `${first} ${words[k]}` : words[k]!;
    k++;
  }
  if (!first) return [clip(text, perLine)];
  return [first, clip(words.slice(k).join(' '), perLine)];
}

// About the widest a character of the 14px labels runs (bold included), so that a label fits the room it has.
const CHARACTER_WIDTH = 8.2;

function frame(id: string, title: string, description: string, height: number, body: string): string {
  return (
    `<svg class="app-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="14" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(description)}</desc>${body}</svg>`
  );
}

export type Bar = { label: string; value: number; valueText: string; highlight?: boolean };

/** Horizontal bars with their values written at the end, and an optional reference line (a benchmark). */
export function barChart(input: {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  reference?: { value: number; label: string } | null;
  labelWidth?: number;
}): string {
  const labelWidth = input.labelWidth ?? 230;
  const top = input.reference ? 34 : 10;
  const rowHeight = 34;
  const height = top + input.bars.length * rowHeight + 12;
  const max = Math.max(...input.bars.map((b) => b.value), input.reference?.value ?? 0, 0) || 1;
  const x = scaleLinear()
    .domain([0, max * 1.05])
    .range([labelWidth, WIDTH - 110]);
  const y = scaleBand()
    .domain(input.bars.map((_, i) => String(i)))
    .range([top, top + input.bars.length * rowHeight])
    .padding(0.25);
  const rows = input.bars
    .map((bar, i) => {
      const yy = y(String(i)) ?? 0;
      const w = Math.max(0, x(Math.max(0, bar.value)) - labelWidth);
      const mid = yy + y.bandwidth() / 2 + 5;
      // A long label takes two lines beside its bar rather than running off the left edge.
      const lines = labelLines(bar.label, Math.floor((labelWidth - 12) / CHARACTER_WIDTH));
      const label = lines
        .map(
          (text, n) =>
            `<tspan x="${labelWidth - 8}" y="${mid + (n - (lines.length - 1) / 2) * 16}">${esc(text)}</tspan>`,
        )
        .join('');
      return (
        `<text text-anchor="end" fill="${INK}"${bar.highlight ? ' font-weight="bold"' : ''}>${label}</text>` +
        `<rect x="${labelWidth}" y="${yy}" width="${w.toFixed(1)}" height="${y.bandwidth().toFixed(1)}" fill="${bar.highlight ? HIGHLIGHT : BAR}"/>` +
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${mid}" fill="${INK}">${esc(bar.valueText)}</text>`
      );
    })
    .join('');
  let reference = '';
  if (input.reference) {
    const rx = x(input.reference.value).toFixed(1);
    reference =
      `<line x1="${rx}" x2="${rx}" y1="${top - 6}" y2="${height - 6}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>` +
      `<text x="${rx}" y="${top - 12}" text-anchor="middle" fill="${INK}">${esc(input.reference.label)}</text>`;
  }
  const axis = `<line x1="${labelWidth}" x2="${labelWidth}" y1="${top - 4}" y2="${height - 8}" stroke="${INK}"/>`;
  return frame(input.id, input.title, input.description, height, rows + axis + reference);
}

/** A line over time (percentages), with an optional target drawn as a dashed line. */
export function lineChart(input: {
  id: string;
  title: string;
  description: string;
  points: { label: string; value: number | null }[];
  target?: { value: number; label: string } | null;
  valueFormat?: (v: number) => string;
}): string {
  const height = 300;
  const margin = { top: 24, right: 24, bottom: 48, left: 56 };
  const format = input.valueFormat ?? ((v: number) => `${v}%`);
  const values = input.points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = Math.max(...values, input.target?.value ?? 0, 0) || 1;
  const y = scaleLinear()
    .domain([0, max * 1.15])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const x = scalePoint()
    .domain(input.points.map((_, i) => String(i)))
    .range([margin.left + 20, WIDTH - margin.right - 20]);
  const grid = y
    .ticks(5)
    .map((t) => {
      const yy = y(t).toFixed(1);
      return (
        `<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${yy}" y2="${yy}" stroke="${GRID}" stroke-width="1"/>` +
        `<text x="${margin.left - 8}" y="${(y(t) + 5).toFixed(1)}" text-anchor="end" fill="${INK}">${esc(format(t))}</text>`
      );
    })
    .join('');
  const every = Math.ceil(input.points.length / 8);
  const labels = input.points
    .map((p, i) =>
      i % every === 0
        ? `<text x="${(x(String(i)) ?? 0).toFixed(1)}" y="${height - margin.bottom + 22}" text-anchor="middle" fill="${INK}">${esc(p.label)}</text>`
        : '',
    )
    .join('');
  const path =
    line<{ value: number | null; i: number }>()
      .defined((d) => d.value !== null)
      .x((d) => x(String(d.i)) ?? 0)
      .y((d) => y(d.value ?? 0))(input.points.map((p, i) => ({ value: p.value, i }))) ?? '';
  const dots = input.points
    .map((p, i) =>
      p.value === null
        ? ''
        : `<circle cx="${(x(String(i)) ?? 0).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" fill="${BAR}"/>`,
    )
    .join('');
  let target = '';
  if (input.target) {
    const ty = y(input.target.value).toFixed(1);
    target =
      `<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${ty}" y2="${ty}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>` +
      `<text x="${WIDTH - margin.right}" y="${(Number(ty) - 8).toFixed(1)}" text-anchor="end" fill="${INK}">${esc(input.target.label)}</text>`;
  }
  const axis = `<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="${INK}"/>`;
  return frame(
    input.id,
    input.title,
    input.description,
    height,
    `${grid}${axis}${target}<path d="${path}" fill="none" stroke="${BAR}" stroke-width="3"/>${dots}${labels}`,
  );
}
