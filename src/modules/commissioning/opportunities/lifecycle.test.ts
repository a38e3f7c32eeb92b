import { describe, expect, it } from 'vitest';
import {
  acceptsClarifications,
  afterDecisions,
  awaitsAnswer,
  canMove,
  isAssessable,
  isClosed,
  isOpen,
  mayMove,
  opportunityPhase,
  phaseLabel,
} from './lifecycle.ts';

const now = new Date('2027-02-01T12:00:00Z');
const past = '2027-01-31T17:00:00Z';
const future = '2027-03-01T17:00:00Z';

describe('the opportunity lifecycle', () => {
  it('reads an open opportunity past its closing time as closed, in one set of words', () => {
    expect(opportunityPhase({ status: 'open', closes_at: past }, now)).toBe('closed');
    expect(opportunityPhase({ status: 'open', closes_at: future }, now)).toBe('open');
    expect(opportunityPhase({ status: 'draft', closes_at: past }, now)).toBe('draft');
    expect(opportunityPhase({ status: 'cancelled', closes_at: past }, now)).toBe('cancelled');
    expect(phaseLabel({ status: 'open', closes_at: past }, now)).toBe('Closed');
    expect(phaseLabel({ status: 'open', closes_at: future }, now)).toBe('Open');
    expect(phaseLabel({ status: 'unsuccessful', closes_at: past }, now)).toBe('No award made');
  });

  it('closes at the closing instant itself', () => {
    const at = { status: 'open' as const, closes_at: now };
    expect(isOpen(at, now)).toBe(false);
    expect(isClosed(at, now)).toBe(true);
    expect(isClosed({ status: 'cancelled', closes_at: past }, now)).toBe(false);
    expect(isAssessable({ status: 'awarded', closes_at: past }, now)).toBe(true);
    expect(isAssessable({ status: 'unsuccessful', closes_at: past }, now)).toBe(false);
  });

  it('allows only the moves of the machine, each by whom it names', () => {
    expect(canMove('draft', 'open')).toBe(true);
    expect(canMove('open', 'draft')).toBe(false);
    expect(canMove('draft', 'cancelled')).toBe(false);
    expect(canMove('awarded', 'cancelled')).toBe(false);
    expect(canMove('closed', 'awarded')).toBe(true);
    expect(canMove('unsuccessful', 'closed')).toBe(false);
    expect(mayMove('open', { id: 'x', role: 'commissioner' })).toBe(true);
    expect(mayMove('open', { id: 'x', role: 'vcs_member' })).toBe(false);
    expect(mayMove('open', undefined)).toBe(false);
    expect(mayMove('awarded', undefined)).toBe(true);
  });

  it('settles after decisions: closed while awards wait, no award when none succeeded', () => {
    expect(afterDecisions({ status: 'open' }, [{ status: 'successful' }, { status: 'unsuccessful' }])).toBe('closed');
    expect(afterDecisions({ status: 'closed' }, [{ status: 'unsuccessful' }])).toBe('unsuccessful');
    expect(afterDecisions({ status: 'closed' }, [{ status: 'successful' }])).toBeNull();
    expect(afterDecisions({ status: 'open' }, [])).toBe('closed');
  });

  it('takes clarification questions while open and before their own closing time', () => {
    const o = { status: 'open' as const, closes_at: future, clarifications_close_at: past };
    expect(acceptsClarifications(o, now)).toBe(false);
    expect(acceptsClarifications({ ...o, clarifications_close_at: null }, now)).toBe(true);
  });

  it('counts a question as waiting only while its opportunity is live', () => {
    expect(awaitsAnswer({ answer: null }, { status: 'open' })).toBe(true);
    expect(awaitsAnswer({ answer: null }, { status: 'closed' })).toBe(true);
    expect(awaitsAnswer({ answer: null }, { status: 'cancelled' })).toBe(false);
    expect(awaitsAnswer({ answer: 'Yes' }, { status: 'open' })).toBe(false);
  });
});
