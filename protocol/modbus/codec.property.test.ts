import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../errors.ts';
import { withCrc } from './crc16.ts';
import { expectedFrameLength } from './frame-length.ts';
import { LIMITS, type ModbusRequest, type ModbusResponse } from './frames.ts';
import { decodeRequest, encodeRequest } from './request-codec.ts';
import { decodeResponse, encodeResponse } from './response-codec.ts';

const unit = fc.integer({ min: 0, max: 247 });
const word = fc.integer({ min: 0, max: 0xffff });

/** An address and a quantity that together stay inside the 16-bit address space. */
function block(max: number) {
  return fc.integer({ min: 1, max }).chain((quantity) =>
    fc.record({
      quantity: fc.constant(quantity),
      address: fc.integer({ min: 0, max: 0x10000 - quantity }),
    }),
  );
}

const request: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc
    .record({ unit, fc: fc.constantFrom(1 as const, 2 as const), b: block(LIMITS.readBits) })
    .map(({ b, ...r }) => ({ ...r, ...b })),
  fc
    .record({ unit, fc: fc.constantFrom(3 as const, 4 as const), b: block(LIMITS.readRegisters) })
    .map(({ b, ...r }) => ({ ...r, ...b })),
  fc.record({ unit, fc: fc.constant(5 as const), address: word, value: fc.boolean() }),
  fc.record({ unit, fc: fc.constant(6 as const), address: word, value: word }),
  fc.record({
    unit,
    fc: fc.constant(15 as const),
    address: fc.integer({ min: 0, max: 0x10000 - LIMITS.writeCoils }),
    values: fc.array(fc.boolean(), { minLength: 1, maxLength: LIMITS.writeCoils }),
  }),
  fc.record({
    unit,
    fc: fc.constant(16 as const),
    address: fc.integer({ min: 0, max: 0x10000 - LIMITS.writeRegisters }),
    values: fc.array(word, { minLength: 1, maxLength: LIMITS.writeRegisters }),
  }),
);

const response: fc.Arbitrary<ModbusResponse> = fc.oneof(
  fc.record({
    unit,
    fc: fc.constantFrom(1 as const, 2 as const),
    // Whole bytes, because the frame carries no quantity and decoding pads to bytes.
    bits: fc
      .integer({ min: 1, max: LIMITS.readBits / 8 })
      .chain((bytes) => fc.array(fc.boolean(), { minLength: bytes * 8, maxLength: bytes * 8 })),
  }),
  fc.record({
    unit,
    fc: fc.constantFrom(3 as const, 4 as const),
    registers: fc.array(word, { minLength: 1, maxLength: LIMITS.readRegisters }),
  }),
  fc.record({ unit, fc: fc.constant(5 as const), address: word, value: fc.boolean() }),
  fc.record({ unit, fc: fc.constant(6 as const), address: word, value: word }),
  fc
    .record({ unit, fc: fc.constant(15 as const), b: block(LIMITS.writeCoils) })
    .map(({ b, ...r }) => ({ ...r, ...b })),
  fc
    .record({ unit, fc: fc.constant(16 as const), b: block(LIMITS.writeRegisters) })
    .map(({ b, ...r }) => ({ ...r, ...b })),
  fc.record({
    unit,
    fc: fc.integer({ min: 1, max: 0x7f }),
    exception: fc.integer({ min: 1, max: 0xff }),
  }),
);

/** Runs `decode`; anything thrown must be a PostamatError with a code. */
function onlyCodedErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!isPostamatError(error)) throw error;
    expect(['crc', 'truncated', 'illegal-function', 'bad-frame']).toContain(error.code);
  }
}

describe('codec properties', () => {
  it('decodeRequest(encodeRequest(x)) equals x, and the length is known from the prefix', () => {
    fc.assert(
      fc.property(request, (r) => {
        const frame = encodeRequest(r);
        expect(decodeRequest(frame)).toEqual(r);
        expect(expectedFrameLength(frame.subarray(0, 7), 'request')).toBe(frame.length);
      }),
    );
  });

  it('decodeResponse(encodeResponse(x)) equals x, and the length is known from the prefix', () => {
    fc.assert(
      fc.property(response, (r) => {
        const frame = encodeResponse(r);
        expect(decodeResponse(frame)).toEqual(r);
        expect(expectedFrameLength(frame.subarray(0, 3), 'response')).toBe(frame.length);
      }),
    );
  });

  it('random bytes never throw anything but a coded PostamatError', () => {
    const bytes = fc.uint8Array({ maxLength: 300 });
    fc.assert(
      fc.property(bytes, fc.boolean(), (raw, fixCrc) => {
        // With a valid CRC appended, the random bytes reach the function-code parsing too.
        const frame = fixCrc ? withCrc(raw) : raw;
        onlyCodedErrors(() => decodeRequest(frame));
        onlyCodedErrors(() => decodeResponse(frame));
        onlyCodedErrors(() => expectedFrameLength(frame, 'request'));
        onlyCodedErrors(() => expectedFrameLength(frame, 'response'));
      }),
      { numRuns: 2000 },
    );
  });

  it('truncated frames are refused with a code, never decoded', () => {
    fc.assert(
      fc.property(fc.oneof(request.map(encodeRequest), response.map(encodeResponse)), (frame) => {
        for (const cut of [0, 1, 2, 3, frame.length - 1]) {
          const part = frame.subarray(0, cut);
          expect(() => decodeRequest(part)).toThrow();
          onlyCodedErrors(() => decodeRequest(part));
          onlyCodedErrors(() => decodeResponse(part));
        }
      }),
    );
  });
});
