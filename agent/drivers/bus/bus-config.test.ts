import { describe, expect, it } from 'vitest';
import { type BusLineConfig, lockBusOptions } from './bus-config.ts';

const line: BusLineConfig = {
  id: 'col1',
  port: '/dev/ttyUSB0',
  serial: { baudRate: 19200 },
  boards: [{ address: 1 }, { address: 2, family: 'flash-relay', channels: 8, invertInputs: true }],
};

describe('bus line configuration', () => {
  it('fills in families, channels and the line settings', () => {
    const options = lockBusOptions(line);
    expect(options.id).toBe('col1');
    expect(options.serial).toEqual({ baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(
      options.boards.map((b) => [
        b.address,
        b.profile.family,
        b.profile.channels,
        b.profile.invertInputs,
      ]),
    ).toEqual([
      [1, 'generic-relay', 16, false],
      [2, 'flash-relay', 8, true],
    ]);
    expect(options.boards[1]!.profile.serial.baudRate).toBe(19200);
  });

  it.each([
    [{ ...line, tcp: { host: 'gw', port: 4196 } }, /exactly one of port or tcp/],
    [{ ...line, port: undefined }, /exactly one of port or tcp/],
    [{ ...line, boards: [] }, /boards = \[\] needs at least one board/],
    [{ ...line, boards: [{ address: 0 }] }, /boards\[0\]\.address = 0/],
    [
      { ...line, boards: [{ address: 3 }, { address: 3 }] },
      /boards\[1\]\.address = 3 is used twice/,
    ],
    [{ ...line, boards: [{ address: 3, family: 'acme' }] }, /board family "acme" is unknown/],
    [{ ...line, serial: { baudRate: 12345 } }, /serial\.baudRate = 12345/],
  ] as [BusLineConfig, RegExp][])('refuses %j', (bad, message) => {
    expect(() => lockBusOptions(bad)).toThrow(message);
  });
});
