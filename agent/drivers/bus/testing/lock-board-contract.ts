import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostamatError } from '../../../../protocol/errors.ts';
import type { FaultCommand } from '../../../../simulator/index.ts';
import type { LockBoard, LockBoardEvent } from '../../lock-board.ts';

/**
 * One locker line as the contract suite sees it: two boards (addresses 1 and 2, 16 channels),
 * whatever drives them, and the hands of the physical world (a person at a door, a fault).
 */
export interface ContractWorld {
  /** boards[0] is address 1, boards[1] is address 2. */
  readonly boards: readonly LockBoard[];
  closeDoor(address: number, channel: number): Promise<void>;
  fault(address: number, command: FaultCommand): Promise<void>;
  /** Whether the relay of that channel is energised right now, as the board itself knows. */
  coilOn(address: number, channel: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Every implementation is built with these, so the suite's waits hold for all. */
export const CONTRACT_TIMING = {
  pulseMs: 300,
  pollMs: 50,
  openWithinMs: 1500,
  springDelayMs: 100,
} as const;

const WAIT_MS = 10_000;

/** Resolves with the first event matching `match`, or rejects after a bounded wait. */
export function nextEvent(
  board: LockBoard,
  match: (event: LockBoardEvent) => boolean,
  what: string,
): Promise<LockBoardEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${board.id}: no ${what} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const off = board.subscribe((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** Polls a condition of the physical world until it holds, bounded. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${WAIT_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const is = (type: LockBoardEvent['type'], channel?: number) => (e: LockBoardEvent) =>
  e.type === type && (channel === undefined || ('channel' in e && e.channel === channel));

/** The same LockBoard tests against every implementation (simulator, master over pty/TCP). */
export function lockBoardContract(name: string, makeWorld: () => Promise<ContractWorld>): void {
  describe(`LockBoard contract: ${name}`, () => {
    let world: ContractWorld;
    let b1: LockBoard;
    let b2: LockBoard;

    beforeEach(async () => {
      world = await makeWorld();
      [b1, b2] = world.boards as [LockBoard, LockBoard];
      for (const board of world.boards) {
        if (!board.isOnline()) await nextEvent(board, is('board-online'), 'board-online');
      }
    });
    afterEach(async () => {
      await world.close();
    });

    /** Unlock → the door springs open → a person shuts it: the full cycle, with events. */
    async function cycle(board: LockBoard, address: number, channel: number): Promise<void> {
      const opened = nextEvent(board, is('door-opened', channel), `door-opened ${channel}`);
      await board.unlock(channel);
      const event = await opened;
      expect(event).toMatchObject({ boardId: board.id, channel });
      expect(board.doorStates()[channel - 1]).toBe('open');
      // A person shuts the door after the pulse: while the coil is on, the latch would not hold.
      await until(async () => !(await world.coilOn(address, channel)), `coil ${channel} off`);
      const closed = nextEvent(board, is('door-closed', channel), `door-closed ${channel}`);
      await world.closeDoor(address, channel);
      await closed;
      expect(board.doorStates()[channel - 1]).toBe('closed');
    }

    it('names boards bus:address and knows their channels and doors', () => {
      expect(b1.id).toMatch(/:1$/);
      expect(b2.id).toMatch(/:2$/);
      expect(b1.channels).toBe(16);
      expect(b1.doorStates()).toEqual(new Array(16).fill('closed'));
      expect(b1.isOnline()).toBe(true);
    });

    it('unlock opens the door; closing it is reported; times are wall-clock', async () => {
      const before = Date.now();
      const opened = nextEvent(b1, is('door-opened', 3), 'door-opened');
      await cycle(b1, 1, 3);
      expect((await opened).at).toBeGreaterThanOrEqual(before - 1000);
      expect(b1.counters().framesSent).toBeGreaterThan(0);
    });

    it('a channel outside the board is refused', async () => {
      await expect(b1.unlock(17)).rejects.toSatisfy((e) => isPostamatError(e));
    });

    it('stuck lock: unlock-not-opened, distinct from opened; the other board keeps working', async () => {
      await world.fault(1, { fault: 'stuck-lock', channel: 5, on: true });
      const late = nextEvent(b1, is('unlock-not-opened', 5), 'unlock-not-opened');
      await b1.unlock(5);
      await cycle(b2, 2, 5);
      expect(await late).toMatchObject({ type: 'unlock-not-opened', channel: 5 });
      expect(b1.doorStates()[4]).toBe('closed');
    });

    it('no answer: that board goes offline and refuses unlocks; the other keeps working; then back', async () => {
      const offline = nextEvent(b2, is('board-offline'), 'board-offline');
      await world.fault(2, { fault: 'no-answer', on: true });
      await offline;
      expect(b2.isOnline()).toBe(false);
      await expect(b2.unlock(1)).rejects.toSatisfy((e) => isPostamatError(e, 'board-offline'));
      await cycle(b1, 1, 2);
      const back = nextEvent(b2, is('board-online'), 'board-online');
      await world.fault(2, { fault: 'no-answer', on: false });
      await back;
      await cycle(b2, 2, 2);
    });

    it('CRC corruption on one board: it drops out, the other keeps working', async () => {
      const offline = nextEvent(b2, is('board-offline'), 'board-offline');
      await world.fault(2, { fault: 'crc-corruption', on: true });
      await offline;
      await cycle(b1, 1, 4);
      const back = nextEvent(b2, is('board-online'), 'board-online');
      await world.fault(2, { fault: 'crc-corruption', on: false });
      await back;
    });

    it('slow answers: a slightly slow board still works, a very slow one does not stall the other', async () => {
      await world.fault(2, { fault: 'slow-answer', ms: 40 });
      await cycle(b2, 2, 6);
      await world.fault(2, { fault: 'slow-answer', ms: 3000 });
      await cycle(b1, 1, 6);
      await world.fault(2, { fault: 'slow-answer', ms: 0 });
    });

    it('broken sensor: stuck open is reported as open; a flapping one does not stop the others', async () => {
      const opened = nextEvent(b2, is('door-opened', 7), 'door-opened');
      await world.fault(2, { fault: 'broken-sensor', channel: 7, mode: 'always-open' });
      await opened;
      await world.fault(2, { fault: 'broken-sensor', channel: 8, mode: 'flapping' });
      await cycle(b1, 1, 7);
      await cycle(b2, 2, 9);
    });

    it('a board that comes back has every coil switched off', async () => {
      await b2.unlock(10);
      expect(await world.coilOn(2, 10)).toBe(true);
      const offline = nextEvent(b2, is('board-offline'), 'board-offline');
      await world.fault(2, { fault: 'no-answer', on: true });
      await offline;
      // The end of the pulse could not reach the board: its relay is still energised.
      expect(await world.coilOn(2, 10)).toBe(true);
      const back = nextEvent(b2, is('board-online'), 'board-online');
      await world.fault(2, { fault: 'no-answer', on: false });
      await back;
      await until(async () => !(await world.coilOn(2, 10)), 'coil 10 of board 2 off');
    });

    it('board reboot: it goes away and comes back online; the other keeps working meanwhile', async () => {
      const offline = nextEvent(b2, is('board-offline'), 'board-offline');
      const back = nextEvent(b2, is('board-online'), 'board-online');
      await world.fault(2, { fault: 'reboot', silenceMs: 2500 });
      await offline;
      await cycle(b1, 1, 8);
      await back;
      await cycle(b2, 2, 8);
    });
  });
}
