import { describe, expect, it } from 'vitest';
import { BoardHealth } from './board-health.ts';

const options = { failuresToOffline: 3, firstProbeMs: 1000, maxProbeMs: 4000 };

describe('BoardHealth', () => {
  it('comes online on the first answer', () => {
    const h = new BoardHealth(options);
    expect(h.current()).toBe('unknown');
    expect(h.succeeded()).toBe('online');
    expect(h.succeeded()).toBeUndefined();
  });

  it('goes offline after N failures in a row, not after N−1 or interrupted ones', () => {
    const h = new BoardHealth(options);
    h.succeeded();
    expect(h.failed(0)).toBeUndefined();
    expect(h.failed(0)).toBeUndefined();
    h.succeeded();
    expect(h.failed(0)).toBeUndefined();
    expect(h.failed(0)).toBeUndefined();
    expect(h.failed(10)).toBe('offline');
    expect(h.current()).toBe('offline');
  });

  it('probes with doubling backoff up to the cap, and resets when the board answers', () => {
    const h = new BoardHealth(options);
    for (let i = 0; i < 3; i++) h.failed(0);
    expect(h.due(999)).toBe(false);
    expect(h.due(1000)).toBe(true);
    h.failed(1000); // next probe in 2000
    expect(h.due(2999)).toBe(false);
    expect(h.due(3000)).toBe(true);
    h.failed(3000); // 4000 (cap)
    h.failed(7000); // still 4000
    expect(h.due(10_999)).toBe(false);
    expect(h.due(11_000)).toBe(true);
    expect(h.succeeded()).toBe('online');
    expect(h.due(11_000)).toBe(true);
    for (let i = 0; i < 3; i++) h.failed(20_000);
    expect(h.due(20_999)).toBe(false);
    expect(h.due(21_000)).toBe(true);
  });

  it('a board never seen goes offline after N failures too', () => {
    const h = new BoardHealth(options);
    h.failed(0);
    h.failed(0);
    expect(h.failed(0)).toBe('offline');
  });
});
