import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimBoard } from './sim-board.ts';
import { simulatePerson } from './sim-person.ts';

describe('simulated person', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shuts a door some seconds after it sprang open on unlock', () => {
    const board = new SimBoard({ address: 1, channels: 4, springDelayMs: 300 });
    simulatePerson(board, 3000);
    board.setCoil(2, true);
    board.setCoil(2, false);
    vi.advanceTimersByTime(300);
    expect(board.isDoorOpen(2)).toBe(true);
    vi.advanceTimersByTime(2999);
    expect(board.isDoorOpen(2)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(board.isDoorOpen(2)).toBe(false);
  });

  it('leaves a forced door open for the alarm to see, and stops when told', () => {
    const board = new SimBoard({ address: 1, channels: 2 });
    const stop = simulatePerson(board, 1000);
    board.forceOpen(1);
    vi.advanceTimersByTime(5000);
    expect(board.isDoorOpen(1)).toBe(true);
    stop();
    board.setCoil(2, true);
    board.setCoil(2, false);
    vi.advanceTimersByTime(5000);
    expect(board.isDoorOpen(2)).toBe(true);
  });
});
