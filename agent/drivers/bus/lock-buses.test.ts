import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PostamatError } from '../../../protocol/errors.ts';
import type { LockBoardEvent } from '../lock-board.ts';
import { boardProfile } from './board-profile.ts';
import { LockBus, type LockBusOptions } from './lock-bus.ts';
import { LockBuses } from './lock-buses.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { createMemoryPair, type SerialBinding } from './serial-binding.ts';
import { normalAnswer, scriptedSlave } from './testing/scripted-slave.ts';

/** A line whose adapter can be unplugged and plugged back: each open gives a fresh pair. */
function pluggableLine(inputs: boolean[]) {
  const state = { plugged: true, opens: 0, device: undefined as SerialBinding | undefined };
  const coils: { address: number; value: boolean }[] = [];
  const factory = async () => {
    state.opens++;
    if (!state.plugged) throw new PostamatError('port-unavailable', 'unplugged');
    const pair = createMemoryPair();
    state.device = pair.device;
    scriptedSlave(pair.device, (request) => {
      if (request.fc === 5) coils.push({ address: request.address, value: request.value });
      return { answer: normalAnswer(request, inputs) };
    });
    return pair.master;
  };
  return { state, factory, coils };
}

function options(id: string, binding: LockBusOptions['binding']): LockBusOptions {
  return {
    id,
    binding,
    codec: protocolRtuCodec,
    serial: DEFAULT_SERIAL,
    boards: [{ address: 1, profile: boardProfile('generic-relay', { channels: 4 }) }],
    health: { failuresToOffline: 2, firstProbeMs: 500, maxProbeMs: 2000 },
    spinGap: false,
  };
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

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('bus lines', () => {
  it('a lost line is reopened and its boards come back', async () => {
    const line = pluggableLine([false, false, false, false]);
    const bus = await settle(LockBus.open({ ...options('a', line.factory), reopenMs: 1000 }));
    const events: string[] = [];
    bus.boards()[0]!.subscribe((e: LockBoardEvent) => events.push(e.type));
    await vi.advanceTimersByTimeAsync(500);
    line.state.plugged = false;
    await line.state.device!.close();
    await vi.advanceTimersByTimeAsync(3000);
    expect(bus.boards()[0]!.isOnline()).toBe(false);
    line.state.plugged = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(bus.boards()[0]!.isOnline()).toBe(true);
    expect(events).toEqual(['board-online', 'board-offline', 'board-online']);
    expect(line.state.opens).toBeGreaterThan(2);
    expect(bus.lineCounters().lineLost).toBe(1);
    await settle(bus.close());
  });

  it('one missing line does not keep the other lines boards from working', async () => {
    const good = pluggableLine([true, false, false, false]);
    const missing = pluggableLine([]);
    missing.state.plugged = false;
    const buses = await settle(
      LockBuses.open([options('a', good.factory), options('b', missing.factory)]),
    );
    await vi.advanceTimersByTimeAsync(3000);
    expect(buses.board('a:1')!.isOnline()).toBe(true);
    expect(buses.board('a:1')!.doorStates()[0]).toBe('open');
    expect(buses.board('b:1')!.isOnline()).toBe(false);
    await settle(buses.board('a:1')!.unlock(2));
    await settle(buses.close());
  });

  it('refuses two lines with the same id', async () => {
    const line = pluggableLine([]);
    await expect(
      LockBuses.open([options('a', line.factory), options('a', line.factory)]),
    ).rejects.toThrow(/used twice/);
  });

  it('without tolerateMissingLine, open() rejects with port-unavailable', async () => {
    const line = pluggableLine([]);
    line.state.plugged = false;
    await expect(LockBus.open(options('a', line.factory))).rejects.toThrow(/unplugged/);
  });

  it('closing mid-pulse switches the coil off rather than leaving the lock energised', async () => {
    const line = pluggableLine([false, false, false, false]);
    const bus = await settle(LockBus.open(options('a', line.factory)));
    await vi.advanceTimersByTimeAsync(300);
    await settle(bus.boards()[0]!.unlock(3));
    await settle(bus.close());
    expect(line.coils.filter((c) => c.address === 2)).toEqual([
      { address: 2, value: false },
      { address: 2, value: true },
      { address: 2, value: false },
    ]);
  });
});
