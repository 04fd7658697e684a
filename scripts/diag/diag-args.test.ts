import { describe, expect, it } from 'vitest';
import { parseDiagArgs, UsageError } from './diag-args.ts';

describe('diag arguments', () => {
  it('reads the documented example', () => {
    const args = parseDiagArgs(
      '--port /dev/ttyUSB0 --baud 9600 --board 1 --channels 16 open 3'.split(' '),
    );
    expect(args).toMatchObject({
      line: { kind: 'serial', path: '/dev/ttyUSB0' },
      serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
      board: 1,
      channels: 16,
      command: { name: 'open', channel: 3 },
      openWithinMs: 10_000,
    });
  });

  it('reads --tcp HOST:PORT', () => {
    expect(parseDiagArgs(['--tcp', '10.0.0.7:4196', 'scan']).line).toEqual({
      kind: 'tcp',
      host: '10.0.0.7',
      port: 4196,
    });
  });

  it.each([
    [[], /--port/],
    [['--port', '/dev/x', '--tcp', 'h:1', 'doors'], /not both/],
    [['--tcp', 'nohost', 'doors'], /HOST:PORT/],
    [['--port', '/dev/x'], /give a command/],
    [['--port', '/dev/x', 'dance'], /unknown command "dance"/],
    [['--port', '/dev/x', 'open'], /needs a channel/],
    [['--port', '/dev/x', '--board', '300', 'doors'], /--board = "300"/],
    [['--port', '/dev/x', '--baud', 'fast', 'doors'], /--baud = "fast"/],
    [['--port', '/dev/x', '--parity', 'mark', 'doors'], /--parity = "mark"/],
  ])('%j is refused with a message naming the problem', (argv, message) => {
    expect(() => parseDiagArgs(argv)).toThrow(UsageError);
    expect(() => parseDiagArgs(argv)).toThrow(message);
  });
});
