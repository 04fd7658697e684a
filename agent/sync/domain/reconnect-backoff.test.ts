import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffWindowMs,
  DEFAULT_BACKOFF,
  reconnectDelayMs,
  startDelayMs,
} from './reconnect-backoff.ts';

describe('reconnect backoff with full jitter', () => {
  it.each([
    [0, 1_000],
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [4, 15_000],
    [50, 15_000],
    [5_000, 15_000],
  ])('attempt %i has a window of %i ms', (attempt, window) => {
    expect(backoffWindowMs(attempt)).toBe(window);
  });

  it('spans the whole window: 0 for the lowest draw, just under the window for the highest', () => {
    expect(reconnectDelayMs(3, () => 0)).toBe(0);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(4_000);
    expect(reconnectDelayMs(3, () => 0.999_999)).toBe(7_999);
    expect(reconnectDelayMs(20, () => 0.999_999)).toBeLessThan(DEFAULT_BACKOFF.capMs);
  });

  it('never leaves [0, cap) whatever the attempt and the random source return', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 100_000 }),
        fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(1), fc.constant(-1)),
        (attempt, draw) => {
          const delay = reconnectDelayMs(attempt, () => draw);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(DEFAULT_BACKOFF.capMs);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('spreads 10,000 lockers over the window instead of one wave', () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 10_000 }, () => reconnectDelayMs(10, lcg));
    const firstSecond = delays.filter((d) => d < 1_000).length;
    // Uniform over 15 s puts ~667 in any one second; a fixed period would put all 10,000 there.
    expect(firstSecond).toBeLessThan(900);
  });

  it('spreads the first connect over [0, jitter), and not at all with no jitter', () => {
    expect(startDelayMs(() => 0.999_999, 0)).toBe(0);
    expect(startDelayMs(() => 0, 3_000)).toBe(0);
    expect(startDelayMs(() => 0.5, 3_000)).toBe(1_500);
    expect(startDelayMs(() => 0.999_999, 3_000)).toBe(2_999);
    // Independent of any later backoff: the window is the jitter, not the reconnect cap.
    expect(startDelayMs(() => 0.5, 40_000)).toBe(20_000);
  });
});
