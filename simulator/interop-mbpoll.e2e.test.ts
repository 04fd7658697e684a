import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRequest, encodeRequest } from '../protocol/modbus/index.ts';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { type SimulatorProcess, startSimulatorProcess } from './standalone-process.ts';
import { mbpoll } from './testing/mbpoll.ts';

// An independent master (mbpoll, on libmodbus) against the standalone simulator over a real
// pseudo-terminal pair, made both ways. mbpoll's -v dump of what it sent doubles as a capture
// that checks our codec's encoding.
describe.each(['socat', 'python3'] as const)('mbpoll over a pty pair made with %s', (via) => {
  let pair: PtyPair;
  let sim: SimulatorProcess;
  let rtu: (args: string[], values?: string[]) => ReturnType<typeof mbpoll>;

  beforeAll(async () => {
    pair = await openPtyPair({ via });
    sim = await startSimulatorProcess([
      ...['--port', pair.paths[1], '--baud', '9600', '--board', '1:16', '--board', '2:8'],
      ...['--spring-ms', '50'],
    ]);
    rtu = (args, values = []) =>
      mbpoll([
        '-m',
        'rtu',
        '-b',
        '9600',
        '-P',
        'none',
        '-o',
        '2',
        ...args,
        pair.paths[0],
        ...values,
      ]);
  });

  afterAll(async () => {
    await sim?.stop();
    await pair?.close();
  });

  it('reads 16 discrete inputs with the frame the spec gives', async () => {
    const result = await rtu(['-a', '1', '-t', '1', '-r', '1', '-c', '16']);
    expect(result.code, result.output).toBe(0);
    expect([...result.values.values()]).toEqual(Array(16).fill(0));
    expect(result.sent).toEqual([Uint8Array.of(0x01, 0x02, 0x00, 0x00, 0x00, 0x10, 0x79, 0xc6)]);
  });

  it('writes a coil, the door springs open, and mbpoll reads it open', async () => {
    const opened = sim.control.waitForEvent((e) => e.type === 'door' && e.open && e.channel === 3);
    const write = await rtu(['-a', '1', '-t', '0', '-r', '3'], ['1']);
    expect(write.code, write.output).toBe(0);
    expect(write.sent.map(decodeRequest)).toEqual([{ unit: 1, fc: 5, address: 2, value: true }]);
    await opened;
    const inputs = await rtu(['-a', '1', '-t', '1', '-r', '1', '-c', '16']);
    expect(inputs.values.get(3)).toBe(1);
    expect([...inputs.values.values()].filter((v) => v === 1)).toHaveLength(1);
    const coils = await rtu(['-a', '1', '-t', '0', '-r', '1', '-c', '4']);
    expect([...coils.values.values()]).toEqual([0, 0, 1, 0]);
    await sim.control.closeDoor(1, 3);
    expect(await sim.control.openings()).toMatchObject([{ address: 1, channel: 3 }]);
  });

  it('writes holding registers (FC16) and reads them back (FC03)', async () => {
    const write = await mbpoll([
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '2',
      '-t',
      '4',
      '-r',
      '1',
      pair.paths[0],
      '7',
      '8',
    ]);
    expect(write.code, write.output).toBe(0);
    expect(write.sent.map(decodeRequest)).toEqual([
      { unit: 2, fc: 16, address: 0, values: [7, 8] },
    ]);
    const read = await rtu(['-a', '2', '-t', '4', '-r', '1', '-c', '2']);
    expect([...read.values.values()]).toEqual([7, 8]);
    expect(read.sent).toEqual([encodeRequest({ unit: 2, fc: 3, address: 0, quantity: 2 })]);
  });

  it('gets "illegal data address" past the last channel, and silence from a faulted board', async () => {
    const past = await rtu(['-a', '2', '-t', '1', '-r', '9', '-c', '1']);
    expect(past.code).not.toBe(0);
    expect(past.output).toMatch(/Illegal data address/);
    await sim.control.fault(1, { fault: 'no-answer', on: true });
    const silent = await rtu(['-a', '1', '-t', '1', '-r', '1', '-c', '1', '-o', '0.3']);
    expect(silent.output).toMatch(/timed out/i);
    await sim.control.fault(1, { fault: 'no-answer', on: false });
    const other = await rtu(['-a', '2', '-t', '3', '-r', '1', '-c', '2']);
    expect([...other.values.values()]).toEqual([8, 0]);
  });
});
