import type { Clock } from '../protocol/clock.ts';

/**
 * The simulator's only source of time. The default reads the global timer functions at call
 * time, so vitest's fake timers drive it without any wiring.
 */
export interface SimTimers extends Clock {
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemTimers: SimTimers = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** A small typed listener set; the simulator's parts talk through these, not EventEmitter. */
export class Listeners<T> {
  private readonly set = new Set<(event: T) => void>();

  add(listener: (event: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(event: T): void {
    for (const listener of [...this.set]) listener(event);
  }
}
