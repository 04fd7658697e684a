import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../errors.ts';
import { crc16, hasValidCrc, withCrc } from './crc16.ts';
import { expectedFrameLength } from './frame-length.ts';
import { decodeRequest, encodeRequest } from './request-codec.ts';
import { decodeResponse, encodeResponse } from './response-codec.ts';
import { fromHex, REQUEST_VECTORS, RESPONSE_VECTORS } from './test-vectors.ts';

// modbus-serial's CRC is an independent implementation: the vectors must agree with it too.
const modbusSerialCrc = createRequire(import.meta.url)('modbus-serial/utils/crc16.js') as (
  buffer: Uint8Array,
) => number;

function bitwiseCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPostamatError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('CRC-16/MODBUS', () => {
  it('is 0x4B37 for "123456789" (the catalogue check value)', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });

  it.each([...REQUEST_VECTORS, ...RESPONSE_VECTORS])('agrees with two others: $name', (v) => {
    const frame = fromHex(v.hex);
    const body = frame.subarray(0, frame.length - 2);
    const expected = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
    expect(crc16(body)).toBe(expected);
    expect(bitwiseCrc(body)).toBe(expected);
    expect(modbusSerialCrc(Buffer.from(body))).toBe(expected);
    expect(withCrc(body)).toEqual(frame);
    expect(hasValidCrc(frame)).toBe(true);
  });
});

describe('requests', () => {
  it.each(REQUEST_VECTORS)('encodes and decodes $name', (v) => {
    expect(encodeRequest(v.frame)).toEqual(fromHex(v.hex));
    expect(decodeRequest(fromHex(v.hex))).toEqual(v.frame);
  });

  it.each(REQUEST_VECTORS)('knows the length from the first bytes: $name', (v) => {
    const frame = fromHex(v.hex);
    let known = 0;
    for (let n = 0; n <= frame.length; n++) {
      const length = expectedFrameLength(frame.subarray(0, n), 'request');
      if (length !== undefined) {
        expect(length).toBe(frame.length);
        known++;
      }
    }
    expect(known).toBeGreaterThan(0);
  });
});

describe('responses', () => {
  it.each(RESPONSE_VECTORS)('encodes and decodes $name', (v) => {
    expect(encodeResponse(v.frame)).toEqual(fromHex(v.hex));
    expect(decodeResponse(fromHex(v.hex))).toEqual(v.frame);
  });

  it.each(RESPONSE_VECTORS)('knows the length from the first bytes: $name', (v) => {
    const frame = fromHex(v.hex);
    for (let n = 3; n <= frame.length; n++) {
      expect(expectedFrameLength(frame.subarray(0, n), 'response')).toBe(frame.length);
    }
    expect(expectedFrameLength(frame.subarray(0, 1), 'response')).toBeUndefined();
  });

  it('pads read bits to whole bytes', () => {
    const frame = encodeResponse({ unit: 1, fc: 2, bits: [true, false, true] });
    expect(frame.subarray(0, 4)).toEqual(Uint8Array.of(1, 2, 1, 0b101));
    const decoded = decodeResponse(frame);
    expect('bits' in decoded && decoded.bits.slice(0, 3)).toEqual([true, false, true]);
  });
});

describe('bad input gets a code', () => {
  // Bodies get a correct CRC appended unless the case is about the CRC or the length itself.
  it.each([
    ['truncated', '01 05 00', 'raw'],
    ['crc', '01 05 00 00 ff 00 8c 3b', 'raw'],
    ['illegal-function', '01 07', 'crc'],
    ['truncated', '01 05 00 00 ff', 'crc'],
    ['bad-frame', '01 05 00 00 ff 00 00', 'crc'],
    ['bad-frame', '01 05 00 00 12 34', 'crc'],
    ['bad-frame', '01 03 00 00 00 00', 'crc'],
    ['bad-frame', '01 03 00 00 00 7e', 'crc'],
    ['bad-frame', '01 01 ff ff 00 02', 'crc'],
    ['truncated', '01 10 00 00 00 02 04 00 01', 'crc'],
    ['bad-frame', '01 10 00 00 00 02 02 00 01', 'crc'],
    ['bad-frame', '01 0f 00 00 00 09 01 ff', 'crc'],
  ])('request %s: %s (%s)', (code, hex, mode) => {
    const frame = mode === 'crc' ? withCrc(fromHex(hex)) : fromHex(hex);
    expect(codeOf(() => decodeRequest(frame))).toBe(code);
  });

  it.each([
    ['truncated', '01 83', 'raw'],
    ['crc', '01 83 02 c0 f2', 'raw'],
    ['illegal-function', '01 07 00', 'crc'],
    ['truncated', '01 03 04 00 01', 'crc'],
    ['bad-frame', '01 03 03 00 01 02', 'crc'],
    ['bad-frame', '01 01 00', 'crc'],
    ['bad-frame', '01 83 02 00', 'crc'],
    ['bad-frame', '01 05 00 01 00 01', 'crc'],
  ])('response %s: %s (%s)', (code, hex, mode) => {
    const frame = mode === 'crc' ? withCrc(fromHex(hex)) : fromHex(hex);
    expect(codeOf(() => decodeResponse(frame))).toBe(code);
  });

  it('names the unit and function of a well-formed but invalid request', () => {
    try {
      decodeRequest(withCrc(fromHex('05 03 00 00 00 00')));
      expect.unreachable();
    } catch (error) {
      expect(isPostamatError(error, 'bad-frame') && error.details).toMatchObject({
        unit: 5,
        fc: 3,
      });
    }
  });

  it.each([
    ['bad-frame', () => encodeRequest({ unit: 248, fc: 3, address: 0, quantity: 1 })],
    ['bad-frame', () => encodeRequest({ unit: 1, fc: 3, address: 0, quantity: 126 })],
    ['bad-frame', () => encodeRequest({ unit: 1, fc: 1, address: 65535, quantity: 2 })],
    ['bad-frame', () => encodeRequest({ unit: 1, fc: 6, address: 0, value: 65536 })],
    ['bad-frame', () => encodeRequest({ unit: 1, fc: 16, address: 0, values: [] })],
    ['bad-frame', () => encodeResponse({ unit: 1, fc: 3, exception: 0 })],
  ])('encode refuses %s', (code, run) => {
    expect(codeOf(run)).toBe(code);
  });

  it('refuses a frame length it cannot know', () => {
    expect(codeOf(() => expectedFrameLength(fromHex('01 2b'), 'request'))).toBe('illegal-function');
  });
});
