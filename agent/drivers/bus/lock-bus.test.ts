import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import type { ModbusRequest } from '../../../protocol/modbus/index.ts';
import type { LockBoardEvent } from '../lock-board.ts';
import { boardProfile, type ProfileOverrides } from './board-profile.ts';
import { LockBus } from './lock-bus.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { createMemoryPair } from './serial-binding.ts';
import { normalAnswer, scriptedSlave } from './testing/scripted-slave.ts';

/** A few boards on one scripted line: door levels and a power switch per address. */
function line(addresses: number[]) {
  const inputs = new Map(addresses.map((a) => [a, new Array<boolean>(16).fill(false)]));
  const alive = new Map(addresses.map((a) => [a, true]));
  const log: { at: number; request: ModbusRequest }[] = [];
  const pair = createMemoryPair();
  scriptedSlave(pair.device, (request) => {
    log.push({ at: Date.now(), request });
    if (!alive.get(request.unit)) return 'silent';
    return { answer: normalAnswer(request, inputs.get(request.unit)) };
  });
  const writes = (unit: number) =>
    log.filter((e) => e.request.unit === unit && e.request.fc !== 0x02).map((e) => e.request);
  return { pair, inputs, alive, log, writes };
}

async function openBus(world: ReturnType<typeof line>, overrides: ProfileOverrides = {}) {
  const events: LockBoardEvent[] = [];
  const bus = await LockBus.open({
    id: 'bus1',
    binding: async () => world.pair.master,
    codec: protocolRtuCodec,
    serial: DEFAULT_SERIAL,
    boards: [...world.inputs.keys()].map((address) => ({
      address,
      profile: boardProfile('generic-relay', overrides),
    })),
    openWithinMs: 5000,
    health: { failuresToOffline: 3, firstProbeMs: 1000, maxProbeMs: 8000 },
    spinGap: false,
  });
  for (const board of bus.boards()) board.subscribe((e) => events.push(e));
  return {
    bus,
    events,
    board: (address: number) => bus.boards().find((b) => b.address === address)!,
  };
}

async function run(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
}

async function settle<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 100_000 && !done; i++) await vi.advanceTimersByTimeAsync(1);
  return promise;
}

beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => vi.useRealTimers());

describe('LockBus', () => {
  it('switches every coil off at start, board by board, then reports boards online', async () => {
    const world = line([1, 2]);
    const { events, bus } = await settle(openBus(world));
    expect(world.writes(1)).toEqual(
      Array.from({ length: 16 }, (_, i) => ({ unit: 1, fc: 5, address: i, value: false })),
    );
    expect(world.writes(2)).toHaveLength(16);
    await run(300);
    expect(events.filter((e) => e.type === 'board-online').map((e) => e.boardId)).toEqual([
      'bus1:1',
      'bus1:2',
    ]);
    expect(bus.boards().every((b) => b.isOnline())).toBe(true);
    await settle(bus.close());
  });

  it('unlock = coil ON, confirmed, then OFF after pulseMs', async () => {
    const world = line([1]);
    const { board, bus } = await settle(openBus(world, { pulseMs: 500 }));
    await run(300);
    const before = world.writes(1).length;
    await settle(board(1).unlock(3));
    const on = world.log.find((e) => e.request.fc === 5 && e.request.value === true)!;
    expect(on.request).toEqual({ unit: 1, fc: 5, address: 2, value: true });
    await run(600);
    const after = world.writes(1).slice(before);
    expect(after).toEqual([
      { unit: 1, fc: 5, address: 2, value: true },
      { unit: 1, fc: 5, address: 2, value: false },
    ]);
    const off = world.log.find(
      (e) => e.request.fc === 5 && e.request.value === false && e.at > on.at,
    )!;
    expect(off.at - on.at).toBeGreaterThanOrEqual(500);
    expect(off.at - on.at).toBeLessThan(700);
    await settle(bus.close());
  });

  it('a flash board gets one register write instead of ON … OFF', async () => {
    const world = line([1]);
    const events: LockBoardEvent[] = [];
    const bus = await settle(
      LockBus.open({
        id: 'bus1',
        binding: async () => world.pair.master,
        codec: protocolRtuCodec,
        serial: DEFAULT_SERIAL,
        boards: [{ address: 1, profile: boardProfile('flash-relay') }],
        spinGap: false,
      }),
    );
    bus.boards()[0]!.subscribe((e) => events.push(e));
    await run(300);
    const before = world.writes(1).length;
    await settle(bus.boards()[0]!.unlock(4));
    await run(1000);
    expect(world.writes(1).slice(before)).toEqual([{ unit: 1, fc: 6, address: 4, value: 0x0605 }]);
    await settle(bus.close());
  });

  it('reports debounced door events with the time the door moved', async () => {
    const world = line([1]);
    const { events, board, bus } = await settle(openBus(world));
    await run(500);
    const opened = Date.now();
    world.inputs.get(1)![4] = true;
    await run(1000);
    world.inputs.get(1)![4] = false;
    await run(1000);
    const doors = events.filter((e) => e.type === 'door-opened' || e.type === 'door-closed');
    expect(doors.map((e) => e.type)).toEqual(['door-opened', 'door-closed']);
    expect(doors[0]).toMatchObject({ boardId: 'bus1:1', channel: 5 });
    expect(doors[0]!.at - opened).toBeLessThanOrEqual(250);
    expect(board(1).doorStates()[4]).toBe('closed');
    await settle(bus.close());
  });

  it('inverted inputs: 0 = open', async () => {
    const world = line([1]);
    const { board, bus } = await settle(openBus(world, { invertInputs: true }));
    await run(500);
    expect(
      board(1)
        .doorStates()
        .every((s) => s === 'open'),
    ).toBe(true);
    await settle(bus.close());
  });

  it('raises unlock-not-opened when the unlocked door stays shut, and not when it opens', async () => {
    const world = line([1]);
    const { events, board, bus } = await settle(openBus(world));
    await run(500);
    await settle(board(1).unlock(1));
    await settle(board(1).unlock(2));
    world.inputs.get(1)![1] = true;
    await run(6000);
    const late = events.filter((e) => e.type === 'unlock-not-opened');
    expect(late).toEqual([expect.objectContaining({ boardId: 'bus1:1', channel: 1 })]);
    expect(events.some((e) => e.type === 'door-opened' && e.channel === 2)).toBe(true);
    await settle(bus.close());
  });

  it('a silent board goes offline, is probed with backoff, and the others keep being polled', async () => {
    const world = line([1, 2]);
    const { events, board, bus } = await settle(openBus(world));
    await run(500);
    world.alive.set(2, false);
    await run(3000);
    expect(events.filter((e) => e.type === 'board-offline').map((e) => e.boardId)).toEqual([
      'bus1:2',
    ]);
    expect(board(2).isOnline()).toBe(false);
    await expect(board(2).unlock(1)).rejects.toSatisfy((e) => isPostamatError(e, 'board-offline'));
    const t0 = Date.now();
    await run(10_000);
    const polls = (unit: number) =>
      world.log.filter((e) => e.request.unit === unit && e.at >= t0).length;
    expect(polls(1)).toBeGreaterThan(40);
    expect(polls(2)).toBeLessThanOrEqual(6); // probes at ~1, 2, 4, 8 s apart: not every cycle
    world.inputs.get(1)![0] = true;
    await run(500);
    expect(events.some((e) => e.type === 'door-opened' && e.boardId === 'bus1:1')).toBe(true);
    await settle(bus.close());
  });

  it('a board that answers again is back online with every coil switched off', async () => {
    const world = line([1, 2]);
    const { events, board, bus } = await settle(openBus(world));
    await run(500);
    world.alive.set(2, false);
    await run(3000);
    const before = world.writes(2).length;
    world.alive.set(2, true);
    await run(10_000);
    expect(board(2).isOnline()).toBe(true);
    expect(events.filter((e) => e.boardId === 'bus1:2').map((e) => e.type)).toEqual([
      'board-online',
      'board-offline',
      'board-online',
    ]);
    const offs = world
      .writes(2)
      .slice(before)
      .filter((r) => r.fc === 5 && r.value === false);
    expect(offs.length).toBeGreaterThanOrEqual(16);
    await settle(bus.close());
  });

  it('a listener that throws does not stop the polling', async () => {
    const world = line([1]);
    const { events, board, bus } = await settle(openBus(world));
    board(1).subscribe(() => {
      throw new Error('agent bug');
    });
    await run(500);
    world.inputs.get(1)![2] = true;
    await run(500);
    world.inputs.get(1)![2] = false;
    await run(500);
    expect(events.filter((e) => e.type.startsWith('door-')).map((e) => e.type)).toEqual([
      'door-opened',
      'door-closed',
    ]);
    await settle(bus.close());
  });

  it('counts per board', async () => {
    const world = line([1, 2]);
    const { board, bus } = await settle(openBus(world));
    await run(1000);
    const c = board(1).counters();
    expect(c.framesSent).toBeGreaterThan(16);
    expect(c.framesReceived).toBe(c.framesSent);
    expect(board(2).counters().framesSent).toBeGreaterThan(16);
    await settle(bus.close());
  });
});

describe('LockBus with a board that refuses the read', () => {
  it('an exception answer keeps the board online (it talks), counted, and unlocks still work', async () => {
    const pair = createMemoryPair();
    scriptedSlave(pair.device, (request) =>
      request.fc === 0x02
        ? { answer: { unit: request.unit, fc: request.fc, exception: 2 } }
        : { answer: normalAnswer(request) },
    );
    const bus = await settle(
      LockBus.open({
        id: 'bus1',
        binding: async () => pair.master,
        codec: protocolRtuCodec,
        serial: DEFAULT_SERIAL,
        boards: [{ address: 1, profile: boardProfile('generic-relay') }],
        spinGap: false,
      }),
    );
    const events: string[] = [];
    bus.boards()[0]!.subscribe((e) => events.push(e.type));
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toEqual(['board-online']);
    expect(bus.boards()[0]!.counters().exceptions).toBeGreaterThan(2);
    await settle(bus.boards()[0]!.unlock(1));
    await settle(bus.close());
  });
});
