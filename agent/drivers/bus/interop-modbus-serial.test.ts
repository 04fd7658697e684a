import { once } from 'node:events';
import { ServerSerial } from 'modbus-serial';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../../simulator/pty-pair.ts';
import type { LockBoardEvent } from '../lock-board.ts';
import { boardProfile } from './board-profile.ts';
import { LockBus } from './lock-bus.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { serialPortBinding } from './serial-port-binding.ts';

/**
 * Our master against an RTU slave we did not write (modbus-serial's ServerSerial) over a real
 * pseudo-terminal: proof that master and simulator are not merely right about each other.
 */
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function independentSlave(
  pty: PtyPair,
  inputs: boolean[],
  coils: { addr: number; value: boolean }[],
) {
  const server = new ServerSerial(
    {
      getDiscreteInput: (addr: number) => inputs[addr] ?? false,
      getCoil: () => false,
      setCoil: (addr: number, value: boolean) => {
        coils.push({ addr, value });
      },
      getInputRegister: () => 0,
      getHoldingRegister: () => 0,
      setRegister: () => {},
    },
    { path: pty.paths[1], baudRate: 9600, unitID: 3 },
  );
  await once(server, 'initialized');
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

function waitFor(bus: LockBus, match: (e: LockBoardEvent) => boolean): Promise<LockBoardEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching event within 10 s')), 10_000);
    const off = bus.boards()[0]!.subscribe((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

describe('interoperability: our master ↔ modbus-serial ServerSerial over a pty', () => {
  it('reads doors, reports a change, and pulses a lock ON then OFF', async () => {
    const pty = await openPtyPair();
    cleanup.push(() => pty.close());
    const inputs = new Array<boolean>(16).fill(false);
    inputs[1] = true;
    const coils: { addr: number; value: boolean }[] = [];
    await independentSlave(pty, inputs, coils);
    const bus = await LockBus.open({
      id: 'x',
      binding: serialPortBinding(pty.paths[0], DEFAULT_SERIAL),
      codec: protocolRtuCodec,
      serial: DEFAULT_SERIAL,
      boards: [{ address: 3, profile: boardProfile('generic-relay', { pulseMs: 200 }) }],
      pollIntervalMs: 50,
      switchOffAtStart: false,
      log: pino({ level: 'silent' }),
    });
    cleanup.push(() => bus.close());
    const board = bus.boards()[0]!;
    if (!board.isOnline()) await waitFor(bus, (e) => e.type === 'board-online');
    expect(board.doorStates().slice(0, 3)).toEqual(['closed', 'open', 'closed']);
    const opened = waitFor(bus, (e) => e.type === 'door-opened' && e.channel === 5);
    inputs[4] = true;
    await opened;
    await board.unlock(7);
    for (let i = 0; i < 500 && coils.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(coils).toEqual([
      { addr: 6, value: true },
      { addr: 6, value: false },
    ]);
    expect(board.counters().crcErrors).toBe(0);
  });
});
