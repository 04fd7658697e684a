import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import { encodeResponse, type ModbusRequest } from '../../../protocol/modbus/index.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { RtuMaster } from './rtu-master.ts';
import { DEFAULT_SERIAL, silentGapMs } from './rtu-timing.ts';
import { createMemoryPair } from './serial-binding.ts';
import { normalAnswer, type Script, scriptedSlave } from './testing/scripted-slave.ts';

const read = { fn: 'read-discrete-inputs', unit: 1, address: 0, quantity: 16 } as const;
const coilOn = { fn: 'write-single-coil', unit: 1, address: 2, on: true } as const;
const doors = [true, false, true];

function setup(script: Script) {
  const pair = createMemoryPair();
  const times: number[] = [];
  const slave = scriptedSlave(pair.device, (request, i) => {
    times.push(Date.now());
    return script(request, i);
  });
  const master = new RtuMaster(pair.master, {
    serial: DEFAULT_SERIAL,
    codec: protocolRtuCodec,
    now: () => Date.now(),
    spinGap: false,
  });
  return { master, slave, times, device: pair.device };
}

/** Lets fake time run until the promise settles (bounded). */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 100_000 && !done; i++) await vi.advanceTimersByTimeAsync(1);
  return promise;
}

const answer = (request: ModbusRequest) => ({ answer: normalAnswer(request, doors) });
const bytesOf = (request: ModbusRequest) => encodeResponse(normalAnswer(request, doors));
const corrupt = (frame: Uint8Array) => frame.map((b, i) => (i === frame.length - 1 ? b ^ 0xff : b));

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RtuMaster', () => {
  it('reads inputs and writes a coil, counting frames', async () => {
    const { master } = setup(answer);
    const bits = await settle(master.transact(read));
    expect(bits).toEqual({ kind: 'bits', bits: [true, false, true, ...new Array(13).fill(false)] });
    expect(await settle(master.transact(coilOn))).toEqual({ kind: 'written' });
    expect(master.countersFor(1).snapshot()).toMatchObject({ framesSent: 2, framesReceived: 2 });
  });

  it('keeps t3.5 of silence between an answer and the next request', async () => {
    const { master, times } = setup(answer);
    await settle(
      Promise.all([master.transact(read), master.transact(read), master.transact(read)]),
    );
    expect(times).toHaveLength(3);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(silentGapMs(DEFAULT_SERIAL));
    }
  });

  it('finds the answer behind noise, and in byte-sized pieces', async () => {
    const { master } = setup((request) => ({
      raw: [
        Uint8Array.of(0x00, 0xff, 0x13),
        ...Array.from(bytesOf(request), (b) => Uint8Array.of(b)),
      ],
    }));
    expect((await settle(master.transact(read))).kind).toBe('bits');
    expect(master.lineCounters().noiseBytes).toBe(3);
  });

  it('skips a valid frame from another slave address and counts it', async () => {
    const { master } = setup((request) => ({
      raw: [bytesOf({ ...request, unit: 7 }), bytesOf(request)],
    }));
    expect((await settle(master.transact(read))).kind).toBe('bits');
    expect(master.lineCounters().wrongAddress).toBe(1);
    expect(master.countersFor(1).snapshot().framesReceived).toBe(1);
  });

  it('skips the echo of its own request (adapters that hear themselves)', async () => {
    const { master } = setup((request) => ({
      raw: [protocolRtuCodec.encode(read), bytesOf(request)],
    }));
    expect((await settle(master.transact(read))).kind).toBe('bits');
  });

  it('retries at once after a bad CRC, and counts it', async () => {
    const { master, slave } = setup((request, i) =>
      i === 0 ? { raw: [corrupt(bytesOf(request))] } : answer(request),
    );
    expect((await settle(master.transact(read))).kind).toBe('bits');
    expect(slave.requests).toHaveLength(2);
    expect(master.countersFor(1).snapshot()).toMatchObject({
      crcErrors: 1,
      retries: 1,
      timeouts: 0,
    });
  });

  it('gives up after 1 + 2 tries of silence with a timeout error', async () => {
    const { master, slave } = setup(() => 'silent');
    const error = await settle(master.transact(read)).catch((e: unknown) => e);
    expect(isPostamatError(error, 'timeout')).toBe(true);
    expect(slave.requests).toHaveLength(3);
    expect(master.countersFor(1).snapshot()).toMatchObject({
      framesSent: 3,
      timeouts: 3,
      retries: 2,
    });
  });

  it('a partial frame that never completes is a timeout, and its bytes are noise', async () => {
    const { master } = setup((request) => ({ raw: [bytesOf(request).subarray(0, 4)] }));
    const error = await settle(master.transact(read, { retries: 0 })).catch((e: unknown) => e);
    expect(isPostamatError(error, 'timeout')).toBe(true);
    expect(master.lineCounters().noiseBytes).toBe(4);
  });

  it('an exception answer rejects at once, counted, not retried', async () => {
    const { master, slave } = setup((request) => ({
      answer: { unit: request.unit, fc: request.fc, exception: 2 },
    }));
    const error = await settle(master.transact(read)).catch((e: unknown) => e);
    expect(isPostamatError(error, 'exception')).toBe(true);
    expect((error as { details: { exceptionCode: number } }).details.exceptionCode).toBe(2);
    expect(slave.requests).toHaveLength(1);
    expect(master.countersFor(1).snapshot()).toMatchObject({ exceptions: 1, retries: 0 });
  });

  it('urgent work jumps ahead of queued polling, never into a transaction in flight', async () => {
    const { master, slave } = setup(answer);
    const polls = [1, 2, 3].map((unit) => master.transact({ ...read, unit }));
    const unlock = master.transact({ ...coilOn, unit: 9 }, { priority: 'urgent' });
    await settle(Promise.all([...polls, unlock]));
    expect(slave.requests.map((r) => r.unit)).toEqual([1, 9, 2, 3]);
  });

  it('a lost line fails the transaction in flight and everything queued', async () => {
    const { master, device } = setup(() => 'silent');
    const first = master.transact(read).catch((e: unknown) => e);
    const second = master.transact(read).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    await device.close();
    expect(isPostamatError(await settle(first), 'port-unavailable')).toBe(true);
    expect(isPostamatError(await second, 'port-unavailable')).toBe(true);
    expect(master.isLost()).toBe(true);
    expect(master.lineCounters().lineLost).toBe(1);
  });
});
