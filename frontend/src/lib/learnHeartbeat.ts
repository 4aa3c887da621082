// Reading time on a lesson: the server credits the real time between two beats (at most 60 s,
// nothing after a gap over 90 s), so the reader beats about every 30 s while the tab is visible
// and the reader is active, and stops when they go idle or hide the tab. A beat with
// active: false only marks the moment (credits nothing), so that time spent away is never
// counted when the reader comes back.

export interface HeartbeatDeps {
  /** Sends one beat; failures are ignored (the next beat tries again). */
  send: (active: boolean) => Promise<unknown>;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  /** Whether the tab is visible now. */
  visible?: () => boolean;
  /** Milliseconds between beats. */
  interval?: number;
  /** Without keyboard, pointer, touch or scroll for this long, the reader is idle. */
  idleAfter?: number;
}

export const BEAT_INTERVAL = 30_000;
export const IDLE_AFTER = 60_000;

export class Heartbeat {
  readonly #send: (active: boolean) => Promise<unknown>;
  readonly #now: () => number;
  readonly #setInterval: (fn: () => void, ms: number) => unknown;
  readonly #clearInterval: (handle: unknown) => void;
  readonly #visible: () => boolean;
  readonly #interval: number;
  readonly #idleAfter: number;
  #timer: unknown = null;
  #lastActivity = 0;
  #stopped = true;

  constructor(deps: HeartbeatDeps) {
    this.#send = deps.send;
    this.#now = deps.now ?? (() => Date.now());
    this.#setInterval = deps.setInterval ?? ((fn, ms) => globalThis.setInterval(fn, ms));
    this.#clearInterval = deps.clearInterval ?? ((h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>));
    this.#visible = deps.visible ?? (() => typeof document === 'undefined' || document.visibilityState === 'visible');
    this.#interval = deps.interval ?? BEAT_INTERVAL;
    this.#idleAfter = deps.idleAfter ?? IDLE_AFTER;
  }

  /** Whether beats are being sent (visible and active). */
  get running(): boolean {
    return this.#timer !== null;
  }

  /** Starts counting from now (the reader has just opened the lesson). */
  start(): void {
    this.#stopped = false;
    this.#lastActivity = this.#now();
    if (this.#visible()) this.#resume();
  }

  /** Stops for good (the reader left the lesson): credits the time since the last beat. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.running && !this.#idle()) this.#beat(true);
    this.#pause();
  }

  /** The reader did something: a beat resumes if they had gone idle. */
  activity(): void {
    if (this.#stopped) return;
    this.#lastActivity = this.#now();
    if (!this.running && this.#visible()) this.#resume();
  }

  /** The tab was hidden or shown again. */
  visibilityChanged(): void {
    if (this.#stopped) return;
    if (this.#visible()) {
      this.activity();
    } else if (this.running) {
      if (!this.#idle()) this.#beat(true); // the time read until now
      this.#pause();
    }
  }

  /** One tick of the timer (exposed for tests). */
  tick(): void {
    if (this.#stopped) return;
    if (!this.#visible()) {
      this.#pause();
    } else if (this.#idle()) {
      this.#pause();
    } else {
      this.#beat(true);
    }
  }

  #idle(): boolean {
    return this.#now() - this.#lastActivity >= this.#idleAfter;
  }

  #resume(): void {
    // Marks the start without crediting the time the reader was away.
    this.#beat(false);
    this.#timer = this.#setInterval(() => this.tick(), this.#interval);
  }

  #pause(): void {
    if (this.#timer !== null) this.#clearInterval(this.#timer);
    this.#timer = null;
  }

  #beat(active: boolean): void {
    this.#send(active).catch(() => undefined);
  }
}
