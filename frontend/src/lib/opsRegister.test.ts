import { describe, expect, it } from 'vitest';
import type { RegisterEntry } from './ops';
import { cycleStatus, draftOf, markAllPresent, planSave, registerKey, tally, type DraftLine } from './opsRegister';

const entry = (user_id: number, status: RegisterEntry['status'] = '', minutes = 0): RegisterEntry => ({
  user_id,
  full_name: `P${user_id}`,
  email: `p${user_id}@example.rs`,
  profession: 'police',
  institution_id: null,
  institution: '',
  status,
  minutes,
  hours: minutes / 60,
  recorded_at: status ? '2026-01-01T10:00:00Z' : null,
  history: [],
});

describe('registerKey', () => {
  it('sets a status with digits and with the letters on any layout', () => {
    expect(registerKey({ key: '1' })).toEqual({ kind: 'status', status: 'present' });
    expect(registerKey({ key: '2' })).toEqual({ kind: 'status', status: 'late' });
    expect(registerKey({ key: '3' })).toEqual({ kind: 'status', status: 'excused' });
    expect(registerKey({ key: '4' })).toEqual({ kind: 'status', status: 'absent' });
    expect(registerKey({ key: 'п', code: 'KeyP' })).toEqual({ kind: 'status', status: 'present' });
    expect(registerKey({ key: 'a', code: 'KeyA' })).toEqual({ kind: 'status', status: 'absent' });
  });
  it('moves between people', () => {
    expect(registerKey({ key: 'ArrowDown' })).toEqual({ kind: 'move', delta: 1 });
    expect(registerKey({ key: 'ArrowUp' })).toEqual({ kind: 'move', delta: -1 });
    expect(registerKey({ key: 'Home' })).toEqual({ kind: 'first' });
    expect(registerKey({ key: 'End' })).toEqual({ kind: 'last' });
  });
  it('leaves shortcuts of the browser and other keys alone', () => {
    expect(registerKey({ key: '1', ctrlKey: true })).toBeNull();
    expect(registerKey({ key: 'Tab' })).toBeNull();
  });
});

describe('cycleStatus', () => {
  it('goes round the statuses', () => {
    expect(cycleStatus('', 1)).toBe('present');
    expect(cycleStatus('', -1)).toBe('absent');
    expect(cycleStatus('absent', 1)).toBe('present');
    expect(cycleStatus('present', -1)).toBe('absent');
    expect(cycleStatus('late', 1)).toBe('excused');
  });
});

describe('markAllPresent and tally', () => {
  it('marks only the people nobody has marked', () => {
    const entries = [entry(1), entry(2, 'absent'), entry(3)];
    const drafts = new Map<number, DraftLine>([[3, { status: 'excused', minutes: '', reason: '' }]]);
    const next = markAllPresent(entries, drafts);
    expect(next.get(1)?.status).toBe('present');
    expect(next.get(2)?.status ?? 'absent').toBe('absent');
    expect(next.get(3)?.status).toBe('excused');
    expect(tally(entries, next)).toEqual({ present: 1, late: 0, excused: 1, absent: 1, '': 0 });
  });
});

describe('planSave', () => {
  it('sends new lines, with minutes for late arrivals only', () => {
    const entries = [entry(1), entry(2), entry(3)];
    const drafts = new Map<number, DraftLine>([
      [1, { status: 'present', minutes: '', reason: '' }],
      [2, { status: 'late', minutes: '60', reason: '' }],
      [3, { status: 'absent', minutes: '', reason: '' }],
    ]);
    const plan = planSave(entries, drafts, 90, false);
    expect(plan.problems.size).toBe(0);
    expect(plan.entries).toEqual([
      { user_id: 1, status: 'present' },
      { user_id: 2, status: 'late', minutes: 60 },
      { user_id: 3, status: 'absent' },
    ]);
  });

  it('skips unchanged lines', () => {
    const e = entry(1, 'present', 90);
    const plan = planSave([e], new Map([[1, draftOf(e)]]), 90, false);
    expect(plan.entries).toEqual([]);
  });

  it('holds back late arrivals without minutes and corrections without a reason', () => {
    const entries = [entry(1), entry(2, 'present', 90), entry(3, 'present', 90)];
    const drafts = new Map<number, DraftLine>([
      [1, { status: 'late', minutes: '', reason: '' }],
      [2, { status: 'absent', minutes: '', reason: ' ' }],
      [3, { status: 'excused', minutes: '', reason: 'doctor’s note' }],
    ]);
    const plan = planSave(entries, drafts, 90, false);
    expect(plan.problems.get(1)).toBe('minutes');
    expect(plan.problems.get(2)).toBe('reason');
    expect(plan.entries).toEqual([{ user_id: 3, status: 'excused', reason: 'doctor’s note' }]);
  });

  it('needs a reason for any change once the register is closed', () => {
    const plan = planSave([entry(1, 'absent')], new Map([[1, { status: 'present', minutes: '', reason: '' }]]), 90, true);
    expect(plan.problems.get(1)).toBe('reason');
  });

  it('refuses minutes beyond the session', () => {
    const plan = planSave([entry(1)], new Map([[1, { status: 'late', minutes: '91', reason: '' }]]), 90, false);
    expect(plan.problems.get(1)).toBe('minutes');
  });
});
