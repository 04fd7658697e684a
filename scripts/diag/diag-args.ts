import { parseArgs } from 'node:util';
import type { Parity, SerialSettings } from '../../agent/drivers/bus/rtu-timing.ts';

export type DiagCommand =
  | { readonly name: 'doors' }
  | { readonly name: 'open'; readonly channel: number }
  | { readonly name: 'scan' }
  | { readonly name: 'watch' };

export type Line =
  | { readonly kind: 'serial'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export interface DiagArgs {
  readonly line: Line;
  readonly serial: SerialSettings;
  readonly board: number;
  readonly channels: number;
  readonly family: string;
  /** `open`: how long to wait for the door to be seen open. */
  readonly openWithinMs: number;
  /** `watch`: stop after this long (default: until Ctrl-C). */
  readonly forMs: number | undefined;
  readonly pollMs: number;
  /** `scan`: the slave addresses to try. */
  readonly scanFrom: number;
  readonly scanTo: number;
  readonly command: DiagCommand;
}

/** A usage mistake: the CLI prints it with the usage line and exits 2. */
export class UsageError extends Error {}

export const USAGE =
  'usage: diag (--port PATH | --tcp HOST:PORT) [--baud 9600] [--parity none|even|odd] [--stop-bits 1|2] ' +
  '[--board 1] [--channels 16] [--family generic-relay] [--open-within 10] [--poll-ms 200] [--for SECONDS] ' +
  '[--from 1 --to 247] ' +
  '(doors | open CHANNEL | scan | watch)';

export function parseDiagArgs(argv: readonly string[]): DiagArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      tcp: { type: 'string' },
      baud: { type: 'string', default: '9600' },
      parity: { type: 'string', default: 'none' },
      'stop-bits': { type: 'string', default: '1' },
      board: { type: 'string', default: '1' },
      channels: { type: 'string', default: '16' },
      family: { type: 'string', default: 'generic-relay' },
      'open-within': { type: 'string', default: '10' },
      'poll-ms': { type: 'string', default: '200' },
      for: { type: 'string' },
      from: { type: 'string', default: '1' },
      to: { type: 'string', default: '247' },
    },
  });
  const forSeconds =
    values.for === undefined ? undefined : number('--for', values.for, 0.1, 86_400);
  return {
    line: parseLine(values.port, values.tcp),
    serial: {
      baudRate: number('--baud', values.baud, 300, 921_600),
      dataBits: 8,
      parity: parity(values.parity),
      stopBits: values['stop-bits'] === '2' ? 2 : 1,
    },
    board: integer('--board', values.board, 1, 247),
    channels: integer('--channels', values.channels, 1, 2000),
    family: values.family,
    openWithinMs: number('--open-within', values['open-within'], 0.1, 600) * 1000,
    forMs: forSeconds === undefined ? undefined : forSeconds * 1000,
    pollMs: integer('--poll-ms', values['poll-ms'], 10, 60_000),
    scanFrom: integer('--from', values.from, 1, 247),
    scanTo: integer('--to', values.to, 1, 247),
    command: parseCommand(positionals),
  };
}

function parseLine(port: string | undefined, tcp: string | undefined): Line {
  if (port && tcp) throw new UsageError('give either --port or --tcp, not both');
  if (port) return { kind: 'serial', path: port };
  if (!tcp) throw new UsageError('give the line: --port /dev/ttyUSB0 or --tcp HOST:PORT');
  const match = /^(.+):(\d+)$/.exec(tcp);
  if (!match) throw new UsageError(`--tcp = "${tcp}" is not HOST:PORT`);
  return { kind: 'tcp', host: match[1]!, port: integer('--tcp port', match[2]!, 1, 65_535) };
}

function parseCommand(positionals: readonly string[]): DiagCommand {
  const [name, arg, extra] = positionals;
  if (extra !== undefined) throw new UsageError(`unexpected "${extra}"`);
  if (name === 'open') {
    if (arg === undefined) throw new UsageError('open needs a channel: open 3');
    return { name, channel: integer('channel', arg, 1, 2000) };
  }
  if (arg !== undefined) throw new UsageError(`unexpected "${arg}"`);
  if (name === 'doors' || name === 'scan' || name === 'watch') return { name };
  throw new UsageError(
    name ? `unknown command "${name}"` : 'give a command: doors, open N, scan or watch',
  );
}

function parity(text: string): Parity {
  if (text === 'none' || text === 'even' || text === 'odd') return text;
  throw new UsageError(`--parity = "${text}" is not none, even or odd`);
}

function number(field: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${field} = "${text}" is not a number in ${min}..${max}`);
  }
  return value;
}

function integer(field: string, text: string, min: number, max: number): number {
  const value = number(field, text, min, max);
  if (!Number.isInteger(value)) throw new UsageError(`${field} = "${text}" is not a whole number`);
  return value;
}
