import { describe, expect, it } from 'vitest';
import { Heartbeat } from './learnHeartbeat';

function setup() {
  let now = 0;
  let visible = true;
  const beats: boolean[] = [];
  let timer: (() => void) | null = null;
  const hb = new Heartbeat({
    send: async (active) => {
      beats.push(active);
    },
    now: () => now,
    visible: () => visible,
    setInterval: (fn) => {
      timer = fn;
      return 1;
    },
    clearInterval: () => {
      timer = null;
    },
    interval: 30_000,
    idleAfter: 60_000,
  });
  return {
    hb,
    beats,
    /** Time passes until the timer's next tick. */
    advance(ms: number) {
      now += ms;
      timer?.();
    },
    /** Time passes without the timer firing. */
    wait(ms: number) {
      now += ms;
    },
    set visible(v: boolean) {
      visible = v;
    },
    get ticking() {
      return timer !== null;
    },
  };
}

describe('Heartbeat', () => {
  it('marks the start, then beats while the reader is active', () => {
    const s = setup();
    s.hb.start();
    expect(s.beats).toEqual([false]);
    s.advance(30_000);
    s.hb.activity();
    s.advance(30_000);
    expect(s.beats).toEqual([false, true, true]);
  });

  it('stops beating when the reader goes idle, and resumes without crediting the gap', () => {
    const s = setup();
    s.hb.start();
    s.advance(30_000); // active (30 s since start)
    s.advance(30_000); // 60 s without activity: idle
    expect(s.beats).toEqual([false, true]);
    expect(s.hb.running).toBe(false);
    s.advance(30_000);
    expect(s.beats).toEqual([false, true]);
    s.hb.activity();
    expect(s.hb.running).toBe(true);
    expect(s.beats).toEqual([false, true, false]);
  });

  it('credits the time read when the tab is hidden, then waits until it is shown', () => {
    const s = setup();
    s.hb.start();
    s.wait(10_000);
    s.visible = false;
    s.hb.visibilityChanged();
    expect(s.beats).toEqual([false, true]);
    expect(s.ticking).toBe(false);
    s.hb.activity(); // events while hidden do not restart it
    expect(s.beats).toEqual([false, true]);
    s.visible = true;
    s.hb.visibilityChanged();
    expect(s.beats).toEqual([false, true, false]);
    expect(s.hb.running).toBe(true);
  });

  it('does not start in a hidden tab', () => {
    const s = setup();
    s.visible = false;
    s.hb.start();
    expect(s.beats).toEqual([]);
    expect(s.hb.running).toBe(false);
  });

  it('credits the last stretch on stop, and nothing after', () => {
    const s = setup();
    s.hb.start();
    s.wait(5_000);
    s.hb.stop();
    expect(s.beats).toEqual([false, true]);
    s.hb.activity();
    s.hb.visibilityChanged();
    s.hb.tick();
    s.hb.stop();
    expect(s.beats).toEqual([false, true]);
    expect(s.ticking).toBe(false);
  });

  it('ignores failed beats', async () => {
    const hb = new Heartbeat({ send: () => Promise.reject(new Error('offline')), visible: () => true, setInterval: () => 1, clearInterval: () => undefined });
    hb.start();
    hb.tick();
    hb.stop();
    await Promise.resolve();
    expect(hb.running).toBe(false);
  });
});
