import { parseArgs } from 'node:util';
import { PostamatError } from '../protocol/errors.ts';
import { type BoardSpec, parseBoardSpec } from './sim-bus.ts';

export type Parity = 'none' | 'even' | 'odd';

export interface StandaloneOptions {
  readonly boards: readonly BoardSpec[];
  /** Serial device to serve, e.g. /dev/pts/7 or /dev/ttyUSB0. */
  readonly port: string | undefined;
  /** TCP port for RTU over TCP (0 = any free port). */
  readonly tcp: number | undefined;
  readonly baud: number;
  readonly parity: Parity;
  readonly stopBits: 1 | 2;
  readonly emulateBaud: boolean;
  readonly springDelayMs: number;
  readonly coilBase: number;
  readonly inputBase: number;
  readonly coilAutoOffMs: number | undefined;
  /** Control channel port on 127.0.0.1 (0 = any free port, printed in the ready line). */
  readonly controlPort: number;
  /** File that gets one JSON line per door opening, written before anything else happens. */
  readonly openingsLog: string | undefined;
  /** Exit when stdin ends: a parent that dies takes its simulator with it. */
  readonly exitOnStdinEnd: boolean;
}

export const USAGE = `usage: npm run simulator -- (--port DEVICE | --tcp PORT) --board ADDR:CHANNELS [--board ...]
  [--baud 9600] [--parity none|even|odd] [--stop-bits 1|2] [--emulate-baud]
  [--spring-ms 300] [--coil-base 0] [--input-base 0] [--coil-auto-off-ms MS]
  [--control-port 0] [--openings-log FILE] [--exit-on-stdin-end]`;

function bad(field: string, value: unknown, why: string): PostamatError {
  return new PostamatError('bad-config', `--${field} ${String(value)}: ${why}`, { field, value });
}

function integer(field: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw bad(field, text, `must be an integer >= ${min}`);
  return value;
}

export function parseStandaloneArgs(argv: readonly string[]): StandaloneOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      tcp: { type: 'string' },
      board: { type: 'string', multiple: true },
      baud: { type: 'string' },
      parity: { type: 'string' },
      'stop-bits': { type: 'string' },
      'emulate-baud': { type: 'boolean' },
      'spring-ms': { type: 'string' },
      'coil-base': { type: 'string' },
      'input-base': { type: 'string' },
      'coil-auto-off-ms': { type: 'string' },
      'control-port': { type: 'string' },
      'openings-log': { type: 'string' },
      'exit-on-stdin-end': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.board?.length) throw bad('board', undefined, 'give at least one ADDR:CHANNELS');
  if (values.port === undefined && values.tcp === undefined) {
    throw bad('port', undefined, 'give --port DEVICE or --tcp PORT (or both)');
  }
  const parity = values.parity ?? 'none';
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') {
    throw bad('parity', parity, 'must be none, even or odd');
  }
  const stopBits = integer('stop-bits', values['stop-bits'], 1, 1);
  if (stopBits !== 1 && stopBits !== 2) throw bad('stop-bits', stopBits, 'must be 1 or 2');
  const autoOff = values['coil-auto-off-ms'];
  return {
    boards: values.board.map(parseBoardSpec),
    port: values.port,
    tcp: values.tcp === undefined ? undefined : integer('tcp', values.tcp, 0),
    baud: integer('baud', values.baud, 9600, 50),
    parity,
    stopBits,
    emulateBaud: values['emulate-baud'] ?? false,
    springDelayMs: integer('spring-ms', values['spring-ms'], 300),
    coilBase: integer('coil-base', values['coil-base'], 0),
    inputBase: integer('input-base', values['input-base'], 0),
    coilAutoOffMs: autoOff === undefined ? undefined : integer('coil-auto-off-ms', autoOff, 0, 1),
    controlPort: integer('control-port', values['control-port'], 0),
    openingsLog: values['openings-log'],
    exitOnStdinEnd: values['exit-on-stdin-end'] ?? false,
  };
}

/** Start + 8 data + parity + stop bits. */
export function bitsPerChar(options: Pick<StandaloneOptions, 'parity' | 'stopBits'>): number {
  return 1 + 8 + (options.parity === 'none' ? 0 : 1) + options.stopBits;
}
