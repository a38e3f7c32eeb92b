import { type ScaleLinear, scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';

// Charts drawn on the server as SVG: scales and paths from d3, markup here. Every chart is an image with a title
// and a description for screen readers, and the page puts the same figures in a table right after it.
// Each chart is drawn twice: once for a wide screen, and once laid out for a narrow one (labels above the bars,
// fewer labels along an axis), which the stylesheet shows instead below 769 pixels. Scaling the wide drawing down
// to a phone would shrink its text to about 6 pixels; the narrow one keeps it at about 13 pixels at 320 pixels wide.
// Colours keep at least 3:1 against white for shapes and 4.5:1 for text; only presentation attributes are used,
// since the content security policy forbids inline styles.

const INK = '#0b0c0c';
const BAR = '#1d70b8';
const HIGHLIGHT = '#00594f';
const REFERENCE = '#d4351c';
const GRID = '#b1b4b6';
const WIDTH = 680;
/** The narrow drawing's width: about the width it is shown at on a phone 320 pixels wide, so its text stays 14px. */
export const NARROW_WIDTH = 300;

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

type Drawing = { width: number; height: number; body: string };

/** The chart's two drawings, each an image with the same title and description; the stylesheet shows one. */
function frame(id: string, title: string, description: string, wide: Drawing, narrow: Drawing): string {
  const svg = (kind: string, idOf: string, d: Drawing) =>
    `<svg class="app-chart app-chart--${kind}" role="img" aria-labelledby="${idOf}-title ${idOf}-desc" viewBox="0 0 ${d.width} ${d.height}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="14" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${idOf}-title">${esc(title)}</title><desc id="${idOf}-desc">${esc(description)}</desc>${d.body}</svg>`;
  return svg('wide', id, wide) + svg('narrow', `${id}-narrow`, narrow);
}

/** A key for a dashed line drawn across a narrow chart: a short stretch of the line, then its label. */
function dashedKey(label: string, y: number): string {
  const lines = labelLines(label, Math.floor((NARROW_WIDTH - 34) / CHARACTER_WIDTH));
  return (
    `<line x1="0" x2="24" y1="${y - 5}" y2="${y - 5}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>` +
    `<text fill="${INK}">${lines.map((text, n) => `<tspan x="32" y="${y + n * 18}">${esc(text)}</tspan>`).join('')}</text>`
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
  return frame(
    input.id,
    input.title,
    input.description,
    { width: WIDTH, height, body: rows + axis + reference },
    narrowBars(input.bars, input.reference ?? null),
  );
}

/** Bars for a narrow screen: each label above its bar, across the whole width, and the value after the bar. */
function narrowBars(bars: Bar[], reference: { value: number; label: string } | null): Drawing {
  const LINE = 18;
  const perLine = Math.floor(NARROW_WIDTH / CHARACTER_WIDTH);
  const key = reference ? labelLines(reference.label, Math.floor((NARROW_WIDTH - 34) / CHARACTER_WIDTH)).length : 0;
  const top = reference ? key * LINE + 12 : 4;
  // Room after the longest bar for the longest value.
  const valueRoom = Math.max(...bars.map((b) => b.valueText.length), 1) * CHARACTER_WIDTH + 8;
  const max = Math.max(...bars.map((b) => b.value), reference?.value ?? 0, 0) || 1;
  const x = scaleLinear()
    .domain([0, max])
    .range([0, NARROW_WIDTH - valueRoom]);
  let y = top;
  const rows = bars
    .map((bar) => {
      const lines = labelLines(bar.label, perLine);
      const label = `<text fill="${INK}"${bar.highlight ? ' font-weight="bold"' : ''}>${lines
        .map((text, n) => `<tspan x="0" y="${y + 14 + n * LINE}">${esc(text)}</tspan>`)
        .join('')}</text>`;
      const barTop = y + lines.length * LINE + 4;
      const w = Math.max(0, x(Math.max(0, bar.value)));
      y = barTop + 20 + 12;
      return (
        label +
        `<rect x="0" y="${barTop}" width="${w.toFixed(1)}" height="20" fill="${bar.highlight ? HIGHLIGHT : BAR}"/>` +
        // Edged in white, so that the value stays readable where the dashed line crosses it.
        `<text x="${(w + 6).toFixed(1)}" y="${barTop + 15}" fill="${INK}" stroke="#ffffff" stroke-width="4" paint-order="stroke">${esc(bar.valueText)}</text>`
      );
    })
    .join('');
  const height = y;
  let referenceLine = '';
  if (reference) {
    const rx = x(reference.value).toFixed(1);
    referenceLine =
      dashedKey(reference.label, 14) +
      `<line x1="${rx}" x2="${rx}" y1="${top - 4}" y2="${height - 4}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>`;
  }
  return { width: NARROW_WIDTH, height, body: rows + referenceLine };
}

type Point = { label: string; value: number | null };

/**
 * What both drawings of a line share: the gridlines with their values at the left, the axis, the target's dashed
 * line, and over them the line, its points and every `every`th label along the bottom.
 */
function plotLine(o: {
  points: Point[];
  format: (v: number) => string;
  y: ScaleLinear<number, number>;
  bottom: number;
  left: number;
  right: number;
  /** Room at each end of the axis before the first and after the last point. */
  inset: number;
  ticks: number;
  every: number;
  target: { value: number; label: string } | null;
  /** What is drawn beside the target's line: its label, or a key above the plot. */
  targetLabel: (lineY: number) => string;
}): string {
  const { y } = o;
  const x = scalePoint()
    .domain(o.points.map((_, i) => String(i)))
    .range([o.left + o.inset, o.right - o.inset]);
  const at = (i: number) => x(String(i)) ?? 0;
  const grid = y
    .ticks(o.ticks)
    .map((t) => {
      const yy = y(t).toFixed(1);
      return (
        `<line x1="${o.left}" x2="${o.right}" y1="${yy}" y2="${yy}" stroke="${GRID}" stroke-width="1"/>` +
        `<text x="${o.left - 8}" y="${(y(t) + 5).toFixed(1)}" text-anchor="end" fill="${INK}">${esc(o.format(t))}</text>`
      );
    })
    .join('');
  const axis = `<line x1="${o.left}" x2="${o.right}" y1="${o.bottom}" y2="${o.bottom}" stroke="${INK}"/>`;
  let target = '';
  if (o.target) {
    const ty = y(o.target.value);
    target =
      `<line x1="${o.left}" x2="${o.right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="${REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>` +
      o.targetLabel(ty);
  }
  const path =
    line<{ value: number | null; i: number }>()
      .defined((d) => d.value !== null)
      .x((d) => at(d.i))
      .y((d) => y(d.value ?? 0))(o.points.map((p, i) => ({ value: p.value, i }))) ?? '';
  const dots = o.points
    .map((p, i) =>
      p.value === null ? '' : `<circle cx="${at(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" fill="${BAR}"/>`,
    )
    .join('');
  const labels = o.points
    .map((p, i) =>
      i % o.every === 0
        ? `<text x="${at(i).toFixed(1)}" y="${o.bottom + 22}" text-anchor="middle" fill="${INK}">${esc(p.label)}</text>`
        : '',
    )
    .join('');
  return `${grid}${axis}${target}<path d="${path}" fill="none" stroke="${BAR}" stroke-width="3"/>${dots}${labels}`;
}

/** From nothing to a little above the highest value or target, from the bottom of the plot to its top. */
function valueScale(points: Point[], target: { value: number } | null, top: number, bottom: number) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = Math.max(...values, target?.value ?? 0, 0) || 1;
  return scaleLinear()
    .domain([0, max * 1.15])
    .nice()
    .range([bottom, top]);
}

/** A line over time (percentages), with an optional target drawn as a dashed line. */
export function lineChart(input: {
  id: string;
  title: string;
  description: string;
  points: Point[];
  target?: { value: number; label: string } | null;
  valueFormat?: (v: number) => string;
}): string {
  const height = 300;
  const format = input.valueFormat ?? ((v: number) => `${v}%`);
  const target = input.target ?? null;
  const wide = plotLine({
    points: input.points,
    format,
    y: valueScale(input.points, target, 24, height - 48),
    bottom: height - 48,
    left: 56,
    right: WIDTH - 24,
    inset: 20,
    ticks: 5,
    every: Math.ceil(input.points.length / 8),
    target,
    targetLabel: (ty) =>
      `<text x="${WIDTH - 24}" y="${(ty - 8).toFixed(1)}" text-anchor="end" fill="${INK}">${esc(target?.label ?? '')}</text>`,
  });
  return frame(
    input.id,
    input.title,
    input.description,
    { width: WIDTH, height, body: wide },
    narrowLine(input.points, target, format),
  );
}

/**
 * A line for a narrow screen: the target's label as a key above the plot rather than beside its line, and only as
 * many labels along the bottom as fit side by side.
 */
function narrowLine(
  points: Point[],
  target: { value: number; label: string } | null,
  format: (v: number) => string,
): Drawing {
  const key = target ? labelLines(target.label, Math.floor((NARROW_WIDTH - 34) / CHARACTER_WIDTH)).length : 0;
  const top = target ? key * 18 + 16 : 12;
  const bottom = top + 180;
  const y = valueScale(points, target, top, bottom);
  // Room for the widest value on the axis ("%" runs wider than the average character), and a gap.
  const left = Math.max(...y.ticks(4).map((t) => format(t).length)) * CHARACTER_WIDTH + 18;
  const right = NARROW_WIDTH - 4;
  const widest = Math.max(...points.map((p) => p.label.length), 1) * CHARACTER_WIDTH + 8;
  const narrow = plotLine({
    points,
    format,
    y,
    bottom,
    left,
    right,
    inset: Math.min(widest / 2, 30),
    ticks: 4,
    every: Math.max(1, Math.ceil((points.length * widest) / (right - left))),
    target,
    targetLabel: () => (target ? dashedKey(target.label, 14) : ''),
  });
  return { width: NARROW_WIDTH, height: bottom + 30, body: narrow };
}
