import { ApiError, NETWORK_ERROR } from './api';
import { answerKey, type Answer } from './quiz';

// Autosave for an attempt's answers. Every change is remembered at once (in memory only) and
// sent after a short pause; one request is in flight at a time and only the latest answer of each
// question is sent, so quick clicks cost one request. Saving is idempotent on the server (the same
// answer again changes nothing), so a request whose answer was lost can simply be sent again.
//
// A failure that may pass (no connection, 5xx, 429) keeps the answers and retries with growing
// pauses (1 s, 2 s, 4 s ... 30 s, or the server's Retry-After), and at once when the browser
// says it is back online. An answer the server refuses for good (422, a locked answer) is dropped
// and reported; a closed attempt (submitted, or its deadline passed) stops the queue.

export type SaveState =
  /** nothing changed yet */
  | 'idle'
  /** changes wait for the pause before saving */
  | 'pending'
  | 'saving'
  /** everything is saved */
  | 'saved'
  /** the last save failed; trying again after a pause */
  | 'retrying'
  /** no connection; trying again after a pause or when the connection is back */
  | 'offline'
  /** the attempt no longer takes answers */
  | 'closed';

export interface SaveStatus {
  state: SaveState;
  /** Questions whose latest answer is not saved yet. */
  unsaved: number;
  /** For retrying and offline: milliseconds until the next try. */
  retryIn?: number;
}

export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export interface SaveQueueOptions<R = unknown> {
  save: (position: number, answer: Answer) => Promise<R>;
  /** Pause after the last change before saving. */
  debounceMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onStatus?: (status: SaveStatus) => void;
  /** A save went through, with the server's answer (the question, marked in after-each mode). */
  onSaved?: (position: number, result: R) => void;
  /** The server refused an answer for good; it is no longer retried. */
  onRejected?: (position: number, err: unknown) => void;
  /** The attempt takes no more answers (submitted, or its deadline passed). */
  onClosed?: (err: ApiError) => void;
  timers?: Timers;
}

const closedCodes = new Set(['attempt_submitted', 'deadline_passed']);

/** Whether a failed save may succeed if tried again later. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true; // not an answer from the server at all
  // 401: the session could not be renewed; the app sends the user to sign in, and the answer is
  // kept rather than dropped in case the page stays.
  return err.code === NETWORK_ERROR || err.status === 0 || err.status === 401 || err.status === 408 || err.status === 429 || err.status >= 500;
}

export class SaveQueue<R = unknown> {
  readonly #o: Required<Omit<SaveQueueOptions<R>, 'onSaved' | 'onRejected' | 'onClosed' | 'onStatus'>> &
    Pick<SaveQueueOptions<R>, 'onSaved' | 'onRejected' | 'onClosed' | 'onStatus'>;
  /** The latest answer of each position, and its key. */
  readonly #latest = new Map<number, { answer: Answer; key: string }>();
  /** The key of the answer the server has, per position. */
  readonly #saved = new Map<number, string>();
  #debounce: unknown = null;
  #retry: unknown = null;
  #retryAt = 0;
  #backoff: number;
  #inFlight: Promise<void> | null = null;
  #offline = false;
  #failing = false;
  #closed = false;
  #everSaved = false;
  #waiters: Array<(ok: boolean) => void> = [];
  #lastStatus = '';

  constructor(opts: SaveQueueOptions<R>) {
    this.#o = {
      debounceMs: 700,
      initialBackoffMs: 1000,
      maxBackoffMs: 30_000,
      timers: { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (h) => globalThis.clearTimeout(h as number) },
      ...opts,
    };
    this.#backoff = this.#o.initialBackoffMs;
  }

  /** Tells the queue what the server already has (answers loaded with the attempt). */
  known(position: number, answer: Answer | null): void {
    if (answer) this.#saved.set(position, answerKey(answer));
  }

  /** Records a change; it is saved after the pause. */
  change(position: number, answer: Answer): void {
    if (this.#closed) return;
    this.#latest.set(position, { answer, key: answerKey(answer) });
    if (!this.#dirty().length) {
      this.#emit();
      return;
    }
    if (this.#retry === null) {
      if (this.#debounce !== null) this.#o.timers.clearTimeout(this.#debounce);
      this.#debounce = this.#o.timers.setTimeout(() => {
        this.#debounce = null;
        void this.#run();
      }, this.#o.debounceMs);
    }
    this.#emit();
  }

  /** Saves everything now; true when the server has every answer, false when some could not be saved. */
  flush(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(this.#dirty().length === 0);
    if (this.#debounce !== null) {
      this.#o.timers.clearTimeout(this.#debounce);
      this.#debounce = null;
    }
    if (this.#retry !== null) {
      this.#o.timers.clearTimeout(this.#retry);
      this.#retry = null;
    }
    if (this.#dirty().length === 0 && !this.#inFlight) return Promise.resolve(true);
    const done = new Promise<boolean>((resolve) => this.#waiters.push(resolve));
    void this.#run();
    return done;
  }

  /** The browser is back online: try again now. */
  online(): void {
    this.#offline = false;
    if (this.#retry !== null) {
      this.#o.timers.clearTimeout(this.#retry);
      this.#retry = null;
      this.#backoff = this.#o.initialBackoffMs;
      void this.#run();
    }
    this.#emit();
  }

  /** The browser went offline: say so at once. */
  offline(): void {
    this.#offline = true;
    this.#emit();
  }

  /** Positions whose latest answer the server does not have yet. */
  unsaved(): number[] {
    return this.#dirty();
  }

  get status(): SaveStatus {
    const unsaved = this.#dirty().length;
    const state: SaveState = this.#closed
      ? 'closed'
      : this.#retry !== null || (this.#failing && unsaved > 0)
        ? this.#offline
          ? 'offline'
          : 'retrying'
        : this.#inFlight
          ? 'saving'
          : unsaved > 0
            ? 'pending'
            : this.#everSaved
              ? 'saved'
              : 'idle';
    const s: SaveStatus = { state, unsaved };
    if (this.#retry !== null) s.retryIn = Math.max(0, this.#retryAt - Date.now());
    return s;
  }

  /** Stops every timer (the page is going away). */
  dispose(): void {
    if (this.#debounce !== null) this.#o.timers.clearTimeout(this.#debounce);
    if (this.#retry !== null) this.#o.timers.clearTimeout(this.#retry);
    this.#debounce = this.#retry = null;
    this.#closed = true;
    this.#settle(false);
  }

  #dirty(): number[] {
    const out: number[] = [];
    for (const [pos, { key }] of this.#latest) if (this.#saved.get(pos) !== key) out.push(pos);
    return out.sort((a, b) => a - b);
  }

  #emit(): void {
    const s = this.status;
    const sig = `${s.state}/${s.unsaved}/${s.retryIn ?? ''}`;
    if (sig === this.#lastStatus) return;
    this.#lastStatus = sig;
    this.#o.onStatus?.(s);
  }

  #settle(ok: boolean): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const resolve of w) resolve(ok);
  }

  async #run(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    this.#inFlight = this.#drain();
    this.#emit();
    try {
      await this.#inFlight;
    } finally {
      this.#inFlight = null;
      this.#emit();
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const pos = this.#dirty()[0];
      if (pos === undefined) {
        this.#settle(true);
        return;
      }
      const { answer, key } = this.#latest.get(pos)!;
      try {
        const result = await this.#o.save(pos, answer);
        this.#saved.set(pos, key);
        this.#everSaved = true;
        this.#failing = false;
        this.#offline = false;
        this.#backoff = this.#o.initialBackoffMs;
        this.#o.onSaved?.(pos, result);
        this.#emit();
      } catch (err) {
        if (isTransient(err)) {
          this.#failing = true;
          if (err instanceof ApiError && err.code === NETWORK_ERROR) this.#offline = true;
          const wait =
            err instanceof ApiError && err.retryAfter !== undefined ? Math.max(err.retryAfter * 1000, this.#backoff) : this.#backoff;
          this.#backoff = Math.min(this.#backoff * 2, this.#o.maxBackoffMs);
          this.#retryAt = Date.now() + wait;
          this.#retry = this.#o.timers.setTimeout(() => {
            this.#retry = null;
            void this.#run();
          }, wait);
          this.#settle(false);
          return;
        }
        if (err instanceof ApiError && closedCodes.has(err.code)) {
          this.#closed = true;
          this.#settle(false);
          this.#o.onClosed?.(err);
          return;
        }
        // Refused for good: keep it out of the queue (the server keeps its earlier answer).
        this.#latest.delete(pos);
        this.#o.onRejected?.(pos, err);
      }
    }
  }
}
