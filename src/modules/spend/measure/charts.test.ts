import { describe, expect, it } from 'vitest';
import { barChart, labelLines } from './charts.ts';

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
