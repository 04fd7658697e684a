import { describe, expect, it } from 'vitest';
import { UnlockWatch } from './unlock-watch.ts';

describe('UnlockWatch', () => {
  it('reports a door not opened in time once, and not one that opened', () => {
    const w = new UnlockWatch(10_000);
    w.unlocked(3, 0);
    w.unlocked(5, 0);
    w.opened(5);
    expect(w.expire(9_999)).toEqual([]);
    expect(w.expire(10_000)).toEqual([3]);
    expect(w.expire(20_000)).toEqual([]);
    expect(w.waiting()).toBe(0);
  });

  it('a second unlock restarts the wait', () => {
    const w = new UnlockWatch(1000);
    w.unlocked(1, 0);
    w.unlocked(1, 800);
    expect(w.expire(1000)).toEqual([]);
    expect(w.expire(1800)).toEqual([1]);
  });
});
