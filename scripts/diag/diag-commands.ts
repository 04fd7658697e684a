import { pino } from 'pino';
import { boardProfile } from '../../agent/drivers/bus/board-profile.ts';
import { LockBus } from '../../agent/drivers/bus/lock-bus.ts';
import type { ModbusLockBoard } from '../../agent/drivers/bus/modbus-lock-board.ts';
import { protocolRtuCodec } from '../../agent/drivers/bus/protocol-rtu-codec.ts';
import { RtuMaster } from '../../agent/drivers/bus/rtu-master.ts';
import { frameTimeMs } from '../../agent/drivers/bus/rtu-timing.ts';
import type { SerialBindingFactory } from '../../agent/drivers/bus/serial-binding.ts';
import { serialPortBinding } from '../../agent/drivers/bus/serial-port-binding.ts';
import { tcpBinding } from '../../agent/drivers/bus/tcp-binding.ts';
import type { LockBoardEvent } from '../../agent/drivers/lock-board.ts';
import type { DiagArgs } from './diag-args.ts';

/** The board (or every address, for scan) did not answer: exit 4 with a hint. */
export class NoAnswer extends Error {}

export type Out = (line: string) => void;

/** Runs one command; resolves with the exit code. */
export async function runDiag(args: DiagArgs, out: Out, stop: AbortSignal): Promise<number> {
  const command = args.command;
  switch (command.name) {
    case 'scan':
      return scan(args, out);
    case 'doors':
      return withBoard(args, async (board) => doors(board, out));
    case 'open':
      return withBoard(args, async (board) => open(board, command, args, out));
    case 'watch':
      return withBoard(args, async (board) => watch(board, args, out, stop));
  }
}

export function lineName(args: DiagArgs): string {
  const s = args.serial;
  const framing = `${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}`;
  const where =
    args.line.kind === 'serial' ? args.line.path : `${args.line.host}:${args.line.port}`;
  return `${where} at ${s.baudRate} ${framing}`;
}

function binding(args: DiagArgs): SerialBindingFactory {
  return args.line.kind === 'serial'
    ? serialPortBinding(args.line.path, args.serial)
    : tcpBinding(args.line.host, args.line.port);
}

async function withBoard(
  args: DiagArgs,
  use: (board: ModbusLockBoard) => Promise<number>,
): Promise<number> {
  const bus = await LockBus.open({
    id: 'diag',
    binding: binding(args),
    codec: protocolRtuCodec,
    serial: args.serial,
    boards: [
      { address: args.board, profile: boardProfile(args.family, { channels: args.channels }) },
    ],
    pollIntervalMs: args.pollMs,
    openWithinMs: args.openWithinMs,
    health: { failuresToOffline: 1, firstProbeMs: 1000, maxProbeMs: 5000 },
    switchOffAtStart: false,
    log: pino({ level: 'silent' }),
  });
  try {
    const board = bus.boards()[0]!;
    if ((await firstVerdict(board)) === 'board-offline') {
      throw new NoAnswer(
        `no answer from board ${args.board} on ${lineName(args)} (wrong baud rate or address? try scan)`,
      );
    }
    return await use(board);
  } finally {
    await bus.close();
  }
}

function firstVerdict(board: ModbusLockBoard): Promise<'board-online' | 'board-offline'> {
  return new Promise((resolve) => {
    const off = board.subscribe((event) => {
      if (event.type === 'board-online' || event.type === 'board-offline') {
        off();
        resolve(event.type);
      }
    });
  });
}

function doors(board: ModbusLockBoard, out: Out): number {
  const states = board.doorStates();
  out(
    `board ${board.id.split(':')[1]}: ${states.filter((s) => s === 'open').length} of ${states.length} doors open`,
  );
  for (const [i, state] of states.entries()) {
    out(`  door ${String(i + 1).padStart(2)}  ${state === 'open' ? 'OPEN' : state}`);
  }
  return 0;
}

async function open(
  board: ModbusLockBoard,
  command: { channel: number },
  args: DiagArgs,
  out: Out,
): Promise<number> {
  const { channel } = command;
  const alreadyOpen = board.doorStates()[channel - 1] === 'open';
  const seen = waitFor(board, channel);
  const started = performance.now();
  await board.unlock(channel);
  out(
    `door ${channel}: unlock confirmed by the board in ${(performance.now() - started).toFixed(1)} ms`,
  );
  if (alreadyOpen) {
    // Nothing to watch: the sensor already says open, so it cannot tell whether the lock moved.
    out(`door ${channel} was already open; its sensor cannot confirm the lock`);
    return 0;
  }
  const verdict = await seen;
  if (verdict.type === 'door-opened') {
    out(
      `door ${channel} OPENED ${((performance.now() - started) / 1000).toFixed(2)} s after the unlock`,
    );
    return 0;
  }
  out(
    `door ${channel} did NOT open within ${args.openWithinMs / 1000} s (stuck lock, or broken sensor?)`,
  );
  return 5;
}

function waitFor(board: ModbusLockBoard, channel: number): Promise<LockBoardEvent> {
  return new Promise((resolve) => {
    const off = board.subscribe((event) => {
      const mine = 'channel' in event && event.channel === channel;
      if (mine && (event.type === 'door-opened' || event.type === 'unlock-not-opened')) {
        off();
        resolve(event);
      }
    });
  });
}

async function watch(
  board: ModbusLockBoard,
  args: DiagArgs,
  out: Out,
  stop: AbortSignal,
): Promise<number> {
  out(`watching board ${args.board} on ${lineName(args)}; Ctrl-C to stop`);
  const off = board.subscribe((event) => out(describe(event)));
  await new Promise<void>((resolve) => {
    if (stop.aborted) return resolve();
    stop.addEventListener('abort', () => resolve(), { once: true });
    if (args.forMs !== undefined) setTimeout(resolve, args.forMs).unref();
  });
  off();
  return 0;
}

export function describe(event: LockBoardEvent): string {
  const time = new Date(event.at).toISOString();
  switch (event.type) {
    case 'door-opened':
      return `${time}  door ${event.channel} opened`;
    case 'door-closed':
      return `${time}  door ${event.channel} closed`;
    case 'unlock-not-opened':
      return `${time}  door ${event.channel} unlocked but not opened`;
    case 'board-online':
      return `${time}  board answers again`;
    case 'board-offline':
      return `${time}  board stopped answering`;
  }
}

async function scan(args: DiagArgs, out: Out): Promise<number> {
  const master = new RtuMaster(await binding(args)(), {
    serial: args.serial,
    codec: protocolRtuCodec,
  });
  const timeoutMs = Math.ceil(frameTimeMs(args.serial, 14) + 50);
  const found: number[] = [];
  try {
    for (let unit = args.scanFrom; unit <= args.scanTo; unit++) {
      const request = { fn: 'read-discrete-inputs', unit, address: 0, quantity: 1 } as const;
      const answered = await master.transact(request, { retries: 0, timeoutMs }).then(
        () => true,
        (error: { code?: string }) => error.code === 'exception',
      );
      if (answered) {
        found.push(unit);
        out(`slave ${unit} answers`);
      }
    }
  } finally {
    await master.close();
  }
  if (found.length === 0) {
    throw new NoAnswer(
      `no slave in ${args.scanFrom}..${args.scanTo} answered on ${lineName(args)} (wrong baud rate, or A/B wires swapped?)`,
    );
  }
  out(`${found.length} answering: ${found.join(', ')}`);
  return 0;
}
