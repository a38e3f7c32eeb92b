import { describe, expect, it } from 'vitest';
import { barChart, labelLines, lineChart, NARROW_WIDTH } from './charts.ts';

describe('bar chart labels', () => {
  it('keeps a short label on one line and breaks a long one between words, clipping what still does not fit', () => {
    expect(labelLines('Housing', 26)).toEqual(['Housing']);
    expect(labelLines('Children, Young People and Education', 26)).toEqual(['Children, Young People and', 'Education']);
    expect(labelLines('Sustainable Communities, Regeneration and Economic Recovery', 26)).toEqual([
      'Sustainable Communities,',
      'Regeneration and Economic…',
    ]);
    expect(labelLines('Supercalifragilisticexpialidocious Limited', 20)).toEqual(['Supercalifragilisti…']);
  });

  it('writes each line of a label as its own escaped line of text', () => {
    const svg = barChart({
      id: 'areas',
      title: 'Share by service area',
      description: 'Bars',
      bars: [{ label: 'Children, Young People & Education', value: 1.9, valueText: '1.90%' }],
    });
    expect(svg).toMatch(/<tspan[^>]*>Children, Young People &#38;<\/tspan><tspan[^>]*>Education<\/tspan>/);
  });
});

describe('charts on a narrow screen', () => {
  const narrow = (svg: string) => svg.slice(svg.indexOf('<svg class="app-chart app-chart--narrow"'));

  it('draws each chart a second time, for a narrow screen, as its own image with the same words', () => {
    const svg = barChart({
      id: 'areas',
      title: 'Share by service area',
      description: 'Bars',
      bars: [{ label: 'Housing', value: 1.9, valueText: '1.90%' }],
    });
    expect(svg.match(/<svg /g)).toHaveLength(2);
    expect(svg).toContain('class="app-chart app-chart--wide" role="img" aria-labelledby="areas-title areas-desc"');
    expect(narrow(svg)).toContain(
      `role="img" aria-labelledby="areas-narrow-title areas-narrow-desc" viewBox="0 0 ${NARROW_WIDTH} `,
    );
    expect(narrow(svg)).toContain('<title id="areas-narrow-title">Share by service area</title>');
  });

  it('puts a bar’s label above it, across the width, and keeps every value inside the drawing', () => {
    const svg = narrow(
      barChart({
        id: 'neighbours',
        title: 'Shares',
        description: 'Bars',
        bars: [
          { label: 'Sustainable Communities, Regeneration and Economic Recovery', value: 7.1, valueText: '7.10%' },
          { label: 'Housing', value: 1, valueText: '1.00%', highlight: true },
        ],
        reference: { value: 4.2, label: 'Neighbours’ median: 4.20%' },
      }),
    );
    expect(svg).toMatch(
      /<tspan x="0" y="\d+">Sustainable Communities,<\/tspan><tspan x="0" y="\d+">Regeneration and Economic Recovery<\/tspan>/,
    );
    expect(svg).toMatch(/<text fill="#0b0c0c" font-weight="bold"><tspan x="0" y="\d+">Housing<\/tspan>/);
    // The longest bar leaves room for its value ("7.10%", 5 characters of at most 8.2 pixels) inside the drawing.
    const longest = Number(/<rect x="0" y="[\d.]+" width="([\d.]+)"/.exec(svg)![1]);
    expect(longest + 6 + 5 * 8.2).toBeLessThanOrEqual(NARROW_WIDTH);
    // The dashed line's label is a key above the bars, not beside the line.
    expect(svg).toMatch(
      /<line x1="0" x2="24"[^>]*stroke-dasharray="6 4"\/><text fill="#0b0c0c"><tspan x="32" y="14">Neighbours’ median: 4.20%<\/tspan>/,
    );
  });

  it('writes only as many labels along a narrow trend as fit side by side', () => {
    const points = Array.from({ length: 12 }, (_, i) => ({
      label: `Q${(i % 4) + 1} 2${Math.floor(i / 4)}-2${Math.floor(i / 4) + 1}`,
      value: i,
    }));
    const wide = lineChart({ id: 'trend', title: 'Trend', description: 'Line', points });
    const labels = (svg: string) => (svg.match(/text-anchor="middle"[^>]*>Q/g) ?? []).length;
    expect(labels(wide.slice(0, wide.indexOf('app-chart--narrow')))).toBe(6);
    // Eight characters of at most 8.2 pixels, and a gap, each: three fit in the plot's 240-odd pixels.
    expect(labels(narrow(wide))).toBe(3);
  });
});
