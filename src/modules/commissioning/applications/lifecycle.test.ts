import { describe, expect, it } from 'vitest';
import { applicationStatusLabels, canMove, isWaiting, mayMove } from './lifecycle.ts';

describe('the application lifecycle', () => {
  it('allows only the moves of the machine', () => {
    expect(canMove('draft', 'submitted')).toBe(true);
    expect(canMove('submitted', 'withdrawn')).toBe(true);
    expect(canMove('successful', 'withdrawn')).toBe(false);
    expect(canMove('draft', 'successful')).toBe(false);
    expect(canMove('submitted', 'unsuccessful')).toBe(true);
    expect(canMove('withdrawn', 'submitted')).toBe(false);
  });

  it('lets the lead submit and withdraw, and commissioners decide', () => {
    const member = { id: 'm', role: 'vcs_member' as const };
    const officer = { id: 'o', role: 'officer' as const };
    expect(mayMove('submitted', member, true)).toBe(true);
    expect(mayMove('submitted', member, false)).toBe(false);
    expect(mayMove('successful', member, true)).toBe(false);
    expect(mayMove('successful', { id: 'c', role: 'commissioner' }, false)).toBe(true);
    expect(mayMove('unsuccessful', officer, false)).toBe(false);
    expect(mayMove('successful', undefined, false)).toBe(false);
  });

  it('names each state once, and knows which wait on their opportunity', () => {
    expect(applicationStatusLabels.unsuccessful).toBe('Not successful');
    expect(isWaiting({ status: 'successful', hasAward: false })).toBe(true);
    expect(isWaiting({ status: 'successful', hasAward: true })).toBe(false);
    expect(isWaiting({ status: 'withdrawn', hasAward: false })).toBe(false);
  });
});
