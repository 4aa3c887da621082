import { createSubscriber } from 'svelte/reactivity';

// A value that Svelte templates and effects track when they read it, usable from plain .ts
// modules (runes need .svelte files). Writing a different value re-runs the readers.
export class Cell<T> {
  #value: T;
  #notify: (() => void) | undefined;
  #subscribe = createSubscriber((update) => {
    this.#notify = update;
    return () => {
      this.#notify = undefined;
    };
  });

  constructor(value: T) {
    this.#value = value;
  }

  get value(): T {
    this.#subscribe();
    return this.#value;
  }

  set value(next: T) {
    if (Object.is(next, this.#value)) return;
    this.#value = next;
    this.#notify?.();
  }
}
