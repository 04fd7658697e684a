import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LockBoardEvent } from '../agent/drivers/lock-board.ts';
import { SimBoard } from './sim-board.ts';
import { SimulatedLockBoard } from './simulated-lock-board.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const board = new SimBoard({ address: 3, channels: 4, springDelayMs: 300 });
  const lock = new SimulatedLockBoard({
    board,
    busId: 'bus0',
    pulseMs: 500,
    debounceMs: 100,
    openTimeoutMs: 5000,
  });
  const events: LockBoardEvent[] = [];
  lock.subscribe((e) => events.push(e));
  return { board, lock, events };
}

describe('SimulatedLockBoard', () => {
  it('unlock pulses the coil, the door springs open, a debounced event follows', async () => {
    const { board, lock, events } = setup();
    expect(lock.id).toBe('bus0:3');
    expect(lock.doorStates()).toEqual(['closed', 'closed', 'closed', 'closed']);
    await lock.unlock(2);
    expect(board.door(2).coil).toBe(true);
    vi.advanceTimersByTime(399);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual([{ type: 'door-opened', boardId: 'bus0:3', channel: 2, at: 400 }]);
    vi.advanceTimersByTime(100);
    expect(board.door(2).coil).toBe(false);
    board.closeDoor(2);
    vi.advanceTimersByTime(100);
    expect(events.at(-1)).toEqual({ type: 'door-closed', boardId: 'bus0:3', channel: 2, at: 600 });
    vi.advanceTimersByTime(10_000);
    expect(events).toHaveLength(2);
    expect(lock.doorStates()[1]).toBe('closed');
    expect(lock.counters().framesSent).toBe(2);
  });

  it('reports unlock-not-opened when the lock is stuck', async () => {
    const { board, lock, events } = setup();
    board.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    await lock.unlock(1);
    vi.advanceTimersByTime(4999);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual([
      { type: 'unlock-not-opened', boardId: 'bus0:3', channel: 1, at: 5000 },
    ]);
  });

  it('ignores a flapping sensor but reports one stuck at open', () => {
    const { board, events } = setup();
    board.applyFault({ fault: 'broken-sensor', channel: 4, mode: 'flapping' });
    vi.advanceTimersByTime(5000);
    expect(events).toEqual([]);
    board.applyFault({ fault: 'broken-sensor', channel: 4, mode: 'always-open' });
    vi.advanceTimersByTime(100);
    expect(events).toEqual([{ type: 'door-opened', boardId: 'bus0:3', channel: 4, at: 5100 }]);
  });

  it('goes offline with no-answer, refuses unlocks, comes back with coils off', async () => {
    const { board, lock, events } = setup();
    board.setCoil(3, true);
    board.applyFault({ fault: 'no-answer', on: true });
    expect(lock.isOnline()).toBe(false);
    await expect(lock.unlock(1)).rejects.toMatchObject({ code: 'board-offline' });
    vi.advanceTimersByTime(1000);
    expect(board.isDoorOpen(3)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['board-offline']);
    board.applyFault({ fault: 'no-answer', on: false });
    expect(board.door(3).coil).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['board-offline', 'board-online']);
    // The door sprang open while the board was unreachable; it is reported once it is back.
    vi.advanceTimersByTime(100);
    expect(events.at(-1)).toMatchObject({ type: 'door-opened', channel: 3 });
  });

  it('is offline while its answers are garbled, and through a reboot', () => {
    const { board, lock, events } = setup();
    board.applyFault({ fault: 'crc-corruption', on: true });
    expect(lock.isOnline()).toBe(false);
    board.applyFault({ fault: 'crc-corruption', on: false });
    board.applyFault({ fault: 'reboot', silenceMs: 1000 });
    vi.advanceTimersByTime(1000);
    expect(events.map((e) => e.type)).toEqual([
      'board-offline',
      'board-online',
      'board-offline',
      'board-online',
    ]);
  });

  it('waits for a slow board before it confirms', async () => {
    const { board, lock } = setup();
    board.applyFault({ fault: 'slow-answer', ms: 300 });
    let confirmed = false;
    const unlocking = lock.unlock(1).then(() => {
      confirmed = true;
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(confirmed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unlocking;
    expect(board.door(1).coil).toBe(true);
  });

  it('times out an unlock when a slow board goes silent before it answers', async () => {
    const { board, lock } = setup();
    board.applyFault({ fault: 'slow-answer', ms: 300 });
    const unlocking = lock.unlock(1);
    const outcome = expect(unlocking).rejects.toMatchObject({ code: 'timeout' });
    board.applyFault({ fault: 'no-answer', on: true });
    await vi.advanceTimersByTimeAsync(300);
    await outcome;
    expect(board.door(1).coil).toBe(false);
    expect(lock.counters().timeouts).toBe(1);
  });

  it('refuses a channel the board does not have, and everything after close', async () => {
    const { lock } = setup();
    await expect(lock.unlock(5)).rejects.toMatchObject({ code: 'exception' });
    await lock.close();
    await expect(lock.unlock(1)).rejects.toMatchObject({ code: 'board-offline' });
  });
});
