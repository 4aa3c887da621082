import type { AttendanceEntryInput, AttendanceStatus, RegisterEntry } from './ops';

// The attendance register's editing rules, kept apart from the page so they can be tested: what
// a key press does, and which lines a save sends.

/** One person's line as the trainer is marking it, before it is saved. */
export interface DraftLine {
  status: AttendanceStatus | '';
  /** Minutes attended, as typed (only late arrivals need them). */
  minutes: string;
  reason: string;
}

export type KeyAction =
  | { kind: 'status'; status: AttendanceStatus }
  | { kind: 'move'; delta: number }
  | { kind: 'first' }
  | { kind: 'last' };

// Digits work on every keyboard layout; the letters are the English initials, read from the
// physical key (event.code) so that they work with a Cyrillic layout too.
const byDigit: Record<string, AttendanceStatus> = { '1': 'present', '2': 'late', '3': 'excused', '4': 'absent' };
const byCode: Record<string, AttendanceStatus> = { KeyP: 'present', KeyL: 'late', KeyE: 'excused', KeyA: 'absent' };

/** What a key press on a person's line does; null for keys the register leaves alone. */
export function registerKey(e: { key: string; code?: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const digit = byDigit[e.key];
  if (digit) return { kind: 'status', status: digit };
  const letter = e.code ? byCode[e.code] : undefined;
  if (letter) return { kind: 'status', status: letter };
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return { kind: 'move', delta: 1 };
    case 'ArrowUp':
    case 'k':
      return { kind: 'move', delta: -1 };
    case 'PageDown':
      return { kind: 'move', delta: 10 };
    case 'PageUp':
      return { kind: 'move', delta: -10 };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
  }
  return null;
}

/** The status after status in the order present, late, excused, absent (for Left/Right). */
export function cycleStatus(status: AttendanceStatus | '', delta: 1 | -1): AttendanceStatus {
  const order: AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];
  const i = order.indexOf(status as AttendanceStatus);
  if (i < 0) return delta > 0 ? order[0]! : order[order.length - 1]!;
  return order[(i + delta + order.length) % order.length]!;
}

/** The draft of a line as the server has it. */
export function draftOf(e: RegisterEntry): DraftLine {
  return { status: e.status, minutes: e.status === 'late' || e.status === 'present' ? String(e.minutes) : '', reason: '' };
}

/** Whether the draft changes what the server has. */
export function isChanged(e: RegisterEntry, d: DraftLine, duration: number): boolean {
  if (d.status === '') return false;
  if (d.status !== e.status) return true;
  return minutesOf(d, duration) !== e.minutes;
}

/** Whether saving the draft is a correction (a line already written, or any change after closing). */
export function isCorrection(e: RegisterEntry, d: DraftLine, duration: number, closed: boolean): boolean {
  return isChanged(e, d, duration) && (e.status !== '' || closed);
}

function minutesOf(d: DraftLine, duration: number): number {
  if (d.status === 'excused' || d.status === 'absent') return 0;
  const n = Number(d.minutes.trim());
  if (d.status === 'present' && (d.minutes.trim() === '' || !Number.isInteger(n))) return duration;
  return Number.isInteger(n) ? n : NaN;
}

export type LineProblem = 'minutes' | 'reason';

export interface SavePlan {
  entries: AttendanceEntryInput[];
  /** Lines that cannot be sent yet, by user id. */
  problems: Map<number, LineProblem>;
}

/**
 * The lines a save sends: every changed draft, with the minutes late arrivals attended and the
 * reason of each correction; lines missing either are held back as problems.
 */
export function planSave(entries: readonly RegisterEntry[], drafts: ReadonlyMap<number, DraftLine>, duration: number, closed: boolean): SavePlan {
  const plan: SavePlan = { entries: [], problems: new Map() };
  for (const e of entries) {
    const d = drafts.get(e.user_id);
    if (!d || d.status === '' || !isChanged(e, d, duration)) continue;
    const minutes = minutesOf(d, duration);
    if (d.status === 'late' && (!Number.isInteger(minutes) || minutes < 1 || minutes > duration)) {
      plan.problems.set(e.user_id, 'minutes');
      continue;
    }
    if (d.status === 'present' && (!Number.isInteger(minutes) || minutes < 0 || minutes > duration)) {
      plan.problems.set(e.user_id, 'minutes');
      continue;
    }
    const reason = d.reason.trim();
    if (isCorrection(e, d, duration, closed) && reason === '') {
      plan.problems.set(e.user_id, 'reason');
      continue;
    }
    const line: AttendanceEntryInput = { user_id: e.user_id, status: d.status };
    if (d.status === 'late' || (d.status === 'present' && minutes !== duration)) line.minutes = minutes;
    if (reason) line.reason = reason;
    plan.entries.push(line);
  }
  return plan;
}

/** Drafts with every person not yet marked (neither on the server nor in a draft) marked present. */
export function markAllPresent(entries: readonly RegisterEntry[], drafts: ReadonlyMap<number, DraftLine>): Map<number, DraftLine> {
  const next = new Map(drafts);
  for (const e of entries) {
    const d = next.get(e.user_id) ?? draftOf(e);
    if (d.status === '') next.set(e.user_id, { ...d, status: 'present', minutes: '' });
  }
  return next;
}

/** Counts per status of the register as drafted (unmarked under ''). */
export function tally(entries: readonly RegisterEntry[], drafts: ReadonlyMap<number, DraftLine>): Record<AttendanceStatus | '', number> {
  const out: Record<AttendanceStatus | '', number> = { present: 0, late: 0, excused: 0, absent: 0, '': 0 };
  for (const e of entries) out[(drafts.get(e.user_id) ?? draftOf(e)).status]++;
  return out;
}
