import type { Logger } from 'pino';
import { PostamatError } from '../../../protocol/errors.ts';
import { boardProfile, type ProfileOverrides } from './board-profile.ts';
import type { LockBusOptions } from './lock-bus.ts';
import { LockBuses } from './lock-buses.ts';
import { protocolRtuCodec } from './protocol-rtu-codec.ts';
import { DEFAULT_SERIAL, type SerialSettings } from './rtu-timing.ts';
import { serialPortBinding } from './serial-port-binding.ts';
import { tcpBinding } from './tcp-binding.ts';

/** One line of a locker's configuration, as the agent's config file states it. */
export interface BusLineConfig {
  /** Names the line in board ids (`${id}:${address}`). */
  readonly id: string;
  /** A serial device (USB RS-485 adapter) … */
  readonly port?: string;
  /** … or an RS-485-to-Ethernet gateway speaking RTU over TCP. */
  readonly tcp?: { readonly host: string; readonly port: number };
  readonly serial?: Partial<SerialSettings>;
  readonly pollMs?: number;
  readonly openWithinMs?: number;
  readonly boards: readonly BoardConfig[];
}

export type BoardConfig = ProfileOverrides & {
  readonly address: number;
  /** A key of BOARD_FAMILIES; default 'generic-relay'. */
  readonly family?: string;
};

/** Checks one line and turns it into LockBus options; errors name the field and the value. */
export function lockBusOptions(line: BusLineConfig, log?: Logger): LockBusOptions {
  const bad = (field: string, value: unknown, why: string) =>
    new PostamatError(
      'bad-config',
      `bus "${line.id}": ${field} = ${JSON.stringify(value)} ${why}`,
      {
        field,
        value,
      },
    );
  if ((line.port === undefined) === (line.tcp === undefined)) {
    throw bad('port/tcp', line.port ?? line.tcp ?? null, 'must be exactly one of port or tcp');
  }
  if (line.boards.length === 0) throw bad('boards', [], 'needs at least one board');
  const serial: SerialSettings = { ...DEFAULT_SERIAL, ...line.serial };
  const seen = new Set<number>();
  const boards = line.boards.map(({ address, family, ...overrides }, i) => {
    if (!Number.isInteger(address) || address < 1 || address > 247) {
      throw bad(`boards[${i}].address`, address, 'is not a slave address 1..247');
    }
    if (seen.has(address)) throw bad(`boards[${i}].address`, address, 'is used twice on this line');
    seen.add(address);
    return { address, profile: boardProfile(family ?? 'generic-relay', { ...overrides, serial }) };
  });
  const binding =
    line.port !== undefined
      ? serialPortBinding(line.port, serial)
      : tcpBinding(line.tcp!.host, line.tcp!.port);
  return {
    id: line.id,
    binding,
    codec: protocolRtuCodec,
    serial,
    boards,
    ...(line.pollMs === undefined ? {} : { pollIntervalMs: line.pollMs }),
    ...(line.openWithinMs === undefined ? {} : { openWithinMs: line.openWithinMs }),
    ...(log === undefined ? {} : { log }),
  };
}

/** Every line of the locker, each polling on its own; a missing adapter is retried, not fatal. */
export function openModbusBoards(
  lines: readonly BusLineConfig[],
  log?: Logger,
): Promise<LockBuses> {
  return LockBuses.open(lines.map((line) => lockBusOptions(line, log)));
}
