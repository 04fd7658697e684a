import { describe, expect, it } from 'vitest';
import {
  bitsPerChar,
  charTimeMs,
  DEFAULT_SERIAL,
  defaultResponseTimeoutMs,
  frameTimeMs,
  silentGapMs,
  transactionFloorMs,
} from './rtu-timing.ts';

describe('RTU wire timing', () => {
  it.each([
    { baudRate: 9600, parity: 'none', stopBits: 1, bits: 10, gap: 3.5 * (10_000 / 9600) },
    { baudRate: 9600, parity: 'even', stopBits: 1, bits: 11, gap: 3.5 * (11_000 / 9600) },
    { baudRate: 19200, parity: 'none', stopBits: 2, bits: 11, gap: 3.5 * (11_000 / 19200) },
    { baudRate: 38400, parity: 'none', stopBits: 1, bits: 10, gap: 1.75 },
    { baudRate: 115200, parity: 'odd', stopBits: 1, bits: 11, gap: 1.75 },
  ] as const)('$baudRate baud, parity $parity, $stopBits stop: t3.5 = $gap ms', (row) => {
    const serial = { ...DEFAULT_SERIAL, ...row };
    expect(bitsPerChar(serial)).toBe(row.bits);
    expect(silentGapMs(serial)).toBeCloseTo(row.gap, 6);
  });

  it('an 8-byte request at 9600 8N1 takes 8.33 ms on the wire', () => {
    expect(charTimeMs(DEFAULT_SERIAL)).toBeCloseTo(1.0417, 3);
    expect(frameTimeMs(DEFAULT_SERIAL, 8)).toBeCloseTo(8.333, 2);
  });

  it('default timeout is both frames on the wire plus 100 ms', () => {
    expect(defaultResponseTimeoutMs(DEFAULT_SERIAL, 8, 7)).toBe(
      Math.ceil(15 * (10_000 / 9600) + 100),
    );
  });

  it('transaction floor is both frames plus one silence', () => {
    const floor = transactionFloorMs({ ...DEFAULT_SERIAL, baudRate: 115200 }, 8, 8);
    expect(floor).toBeCloseTo((16 * 10_000) / 115200 + 1.75, 6);
  });
});
