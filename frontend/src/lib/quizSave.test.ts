import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NETWORK_ERROR } from './api';
import type { Answer } from './quiz';
import { SaveQueue, isTransient, type SaveStatus } from './quizSave';

const network = () => new ApiError({ status: 0, code: NETWORK_ERROR });
const server = (status: number, code: string, retryAfter?: number) => new ApiError({ status, code, retryAfter });

function setup(script: Array<'ok' | Error> = []) {
  const calls: Array<{ position: number; answer: Answer }> = [];
  const statuses: SaveStatus[] = [];
  const rejected: number[] = [];
  const closed: string[] = [];
  const queue = [...script];
  const q = new SaveQueue({
    debounceMs: 500,
    save: async (position, answer) => {
      calls.push({ position, answer });
      const next = queue.shift() ?? 'ok';
      if (next instanceof Error) throw next;
      return { position };
    },
    onStatus: (s) => statuses.push(s),
    onRejected: (pos) => rejected.push(pos),
    onClosed: (err) => closed.push(err.code),
  });
  return { q, calls, statuses, rejected, closed, queue };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('SaveQueue', () => {
  it('waits for a pause and sends only the latest answer of a question', async () => {
    const { q, calls } = setup();
    q.change(1, { selected: ['a'] });
    await vi.advanceTimersByTimeAsync(300);
    q.change(1, { selected: ['a', 'b'] });
    expect(q.status.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toEqual([{ position: 1, answer: { selected: ['a', 'b'] } }]);
    expect(q.status).toEqual({ state: 'saved', unsaved: 0 });
  });

  it('saves several questions one after another', async () => {
    const { q, calls } = setup();
    q.change(2, { answer: true });
    q.change(1, { order: ['x', 'y'] });
    await vi.advanceTimersByTimeAsync(600);
    expect(calls.map((c) => c.position)).toEqual([1, 2]);
    expect(q.unsaved()).toEqual([]);
  });

  it('does not send what the server already has', async () => {
    const { q, calls } = setup();
    q.known(1, { selected: ['a'] });
    q.change(1, { selected: ['a'] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
  });

  it('keeps answers when the connection is lost and retries with growing pauses', async () => {
    const { q, calls, statuses } = setup([network(), network(), 'ok']);
    q.change(3, { outcome: 'trafficking', positive_dimensions: ['D4'] });
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(1);
    expect(q.status.state).toBe('offline');
    expect(q.status.unsaved).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    expect(q.status.state).toBe('saved');
    expect(statuses.map((s) => s.state)).toContain('offline');
  });

  it('an edit made while offline is the one saved when the connection returns', async () => {
    const { q, calls } = setup([network()]);
    q.change(1, { selected: ['a'] });
    await vi.advanceTimersByTimeAsync(500);
    q.change(1, { selected: ['b'] });
    q.change(2, { answer: false });
    expect(q.status.unsaved).toBe(2);
    q.online();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.slice(1)).toEqual([
      { position: 1, answer: { selected: ['b'] } },
      { position: 2, answer: { answer: false } },
    ]);
    expect(q.status.state).toBe('saved');
  });

  it('retries server errors and honours Retry-After', async () => {
    const { q, calls } = setup([server(503, 'server_busy', 5), 'ok']);
    q.change(1, { answer: true });
    await vi.advanceTimersByTimeAsync(500);
    expect(q.status.state).toBe('retrying');
    await vi.advanceTimersByTimeAsync(4000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    expect(q.status.state).toBe('saved');
  });

  it('drops an answer the server refuses for good and goes on with the others', async () => {
    const { q, calls, rejected } = setup([server(422, 'invalid_response'), 'ok']);
    q.change(1, { selected: ['nope'] });
    q.change(2, { selected: ['a'] });
    await vi.advanceTimersByTimeAsync(500);
    expect(rejected).toEqual([1]);
    expect(calls.map((c) => c.position)).toEqual([1, 2]);
    expect(q.status).toEqual({ state: 'saved', unsaved: 0 });
  });

  it('stops when the attempt is closed', async () => {
    const { q, closed, calls } = setup([server(409, 'deadline_passed')]);
    q.change(1, { answer: true });
    q.change(2, { answer: true });
    await vi.advanceTimersByTimeAsync(500);
    expect(closed).toEqual(['deadline_passed']);
    expect(calls).toHaveLength(1);
    expect(q.status.state).toBe('closed');
    q.change(3, { answer: false });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);
  });

  it('flush saves at once and says whether everything is saved', async () => {
    const { q, calls } = setup(['ok', network()]);
    q.change(1, { answer: true });
    await expect(q.flush()).resolves.toBe(true);
    expect(calls).toHaveLength(1);
    q.change(2, { answer: false });
    await expect(q.flush()).resolves.toBe(false);
    expect(q.unsaved()).toEqual([2]);
    await expect(q.flush()).resolves.toBe(true);
  });

  it('flush with nothing to do resolves at once', async () => {
    const { q } = setup();
    await expect(q.flush()).resolves.toBe(true);
  });
});

describe('isTransient', () => {
  it.each([
    [network(), true],
    [server(503, 'x'), true],
    [server(500, 'internal'), true],
    [server(429, 'too_many_attempts'), true],
    [server(401, 'session_expired'), true],
    [server(422, 'invalid_response'), false],
    [server(409, 'answer_locked'), false],
    [new TypeError('boom'), true],
  ])('%s → %s', (err, want) => {
    expect(isTransient(err)).toBe(want);
  });
});
