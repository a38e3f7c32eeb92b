import { describe, expect, it } from 'vitest';
import { parseForm } from '../../../web/forms.ts';
import { indicatorForm, isCompleteIndicator, missingForPublication, parseNumber, targetProblem } from './framework.ts';

const good = {
  name: 'Carers who say they have a break at least once a month',
  unit: 'percentage of carers supported',
  baseline: '35',
  target: '60',
  direction: 'increase',
  frequency: 'quarterly',
  data_source: 'Provider survey of carers, quarterly',
  disaggregated_by_ward: 'yes',
  disaggregated_by_group: 'no',
};

describe('outcome indicators', () => {
  it('accepts a complete indicator, with numbers written as people write them', () => {
    const result = parseForm(indicatorForm, { ...good, baseline: '1,200', target: ' 1,500.5 ' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.data.baseline).toBe('1200');
      expect(result.data.target).toBe('1500.5');
      expect(result.data.disaggregated_by_ward).toBe(true);
      expect(result.data.disaggregated_by_group).toBe(false);
    }
  });

  it('says what to enter for every missing field, in GOV.UK words', () => {
    const result = parseForm(indicatorForm, {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toMatchObject({
        name: 'Enter the name of the indicator',
        unit: 'Enter the unit, for example people, percentage or visits',
        baseline: 'Enter the baseline',
        target: 'Enter the target',
        direction: 'Choose whether it should increase, decrease or stay the same',
        frequency: 'Choose how often it is measured',
        data_source: 'Enter where the data will come from',
        disaggregated_by_ward: 'Choose yes or no',
      });
      expect(result.errorList[0]).toEqual({ text: 'Enter the name of the indicator', href: '#name' });
    }
  });

  it('refuses a baseline that is not a number', () => {
    const result = parseForm(indicatorForm, { ...good, baseline: 'about 30' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.baseline).toBe('The baseline must be a number, like 120 or 45.5');
  });

  it('requires the target to move from the baseline in the stated direction', () => {
    const up = parseForm(indicatorForm, { ...good, target: '35' });
    expect(up.ok).toBe(false);
    if (!up.ok) expect(up.errors.target).toBe('The target must be more than the baseline, because it should increase');
    const down = parseForm(indicatorForm, { ...good, direction: 'decrease' });
    expect(down.ok).toBe(false);
    if (!down.ok)
      expect(down.errors.target).toBe('The target must be less than the baseline, because it should decrease');
    expect(parseForm(indicatorForm, { ...good, direction: 'decrease', target: '20' }).ok).toBe(true);
    expect(targetProblem('maintain', '80', '80')).toBeNull();
    expect(targetProblem('maintain', '80', '70')).toBe(
      'The target must be the same as the baseline, because it should stay the same',
    );
  });

  it('parses numbers strictly', () => {
    expect(parseNumber('-3.25')).toBe('-3.25');
    expect(parseNumber('12%')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });
});

const stored = {
  name: 'Carers with a break',
  unit: 'people',
  baseline: '10',
  target: '20',
  direction: 'increase',
  frequency: 'annually',
  data_source: 'Survey',
};

describe('what stops publication', () => {
  it('knows a complete indicator from an incomplete one', () => {
    expect(isCompleteIndicator(stored)).toBe(true);
    expect(isCompleteIndicator({ ...stored, unit: ' ' })).toBe(false);
    expect(isCompleteIndicator({ ...stored, target: null })).toBe(false);
    expect(isCompleteIndicator({ ...stored, target: '5' })).toBe(false);
    expect(isCompleteIndicator({ ...stored, data_source: null })).toBe(false);
  });

  it('lists everything missing from a bare specification', () => {
    expect(
      missingForPublication({ coproducers: 0, currentVersionSignedOff: false, outcomes: [] }).map((m) => m.text),
    ).toEqual([
      'Invite at least one co-producer to sign off the specification',
      'Add at least one outcome to the outcomes framework',
      'Add at least one complete indicator to an outcome',
    ]);
  });

  it('asks for sign-off and an indicator when there are co-producers and an outcome without indicators', () => {
    const missing = missingForPublication({
      coproducers: 2,
      currentVersionSignedOff: false,
      outcomes: [{ title: 'Carers have a break', indicators: [{ ...stored, unit: '' }] }],
    });
    expect(missing.map((m) => m.text)).toEqual([
      'The current version must be signed off by every co-producer',
      'Add at least one complete indicator to an outcome (name, unit, baseline, target, direction, how often and data source)',
    ]);
  });

  it('lists nothing when signed off with a complete indicator', () => {
    expect(
      missingForPublication({
        coproducers: 1,
        currentVersionSignedOff: true,
        outcomes: [
          { title: 'A', indicators: [] },
          { title: 'B', indicators: [stored] },
        ],
      }),
    ).toEqual([]);
  });
});
