import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRequest, type ModbusRequest, withCrc } from '../protocol/modbus/index.ts';
import { type DiscardReason, RtuRequestFramer } from './rtu-framer.ts';

function framer() {
  const frames: Uint8Array[] = [];
  const discarded: DiscardReason[] = [];
  const f = new RtuRequestFramer(
    (frame) => frames.push(frame),
    (_, reason) => discarded.push(reason),
  );
  return { f, frames, discarded };
}

const request: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc.record({
    unit: fc.integer({ min: 1, max: 247 }),
    fc: fc.constantFrom(1 as const, 2 as const),
    address: fc.integer({ min: 0, max: 100 }),
    quantity: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    unit: fc.integer({ min: 1, max: 247 }),
    fc: fc.constant(5 as const),
    address: fc.integer({ min: 0, max: 100 }),
    value: fc.boolean(),
  }),
  fc.record({
    unit: fc.integer({ min: 1, max: 247 }),
    fc: fc.constant(16 as const),
    address: fc.integer({ min: 0, max: 100 }),
    values: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 10 }),
  }),
);

describe('RtuRequestFramer', () => {
  it('cuts back-to-back frames delivered one byte at a time', () => {
    const { f, frames } = framer();
    const a = encodeRequest({ unit: 1, fc: 2, address: 0, quantity: 16 });
    const b = encodeRequest({ unit: 2, fc: 16, address: 3, values: [1, 2, 3] });
    for (const byte of [...a, ...b]) f.push(Uint8Array.of(byte));
    expect(frames).toEqual([a, b]);
    expect(f.pending).toBe(0);
  });

  it('keeps a CRC-valid frame it cannot size for the gap, then hands it over', () => {
    const { f, frames } = framer();
    const unknown = withCrc(Uint8Array.of(1, 0x2b, 0x0e, 0x01, 0x00));
    f.push(unknown);
    expect(frames).toEqual([]);
    f.flush();
    expect(frames).toEqual([unknown]);
  });

  it('finds a good frame behind any junk, at once or at the latest after the gap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), request, fc.boolean(), (junk, r, split) => {
        const { f, frames } = framer();
        const frame = encodeRequest(r);
        if (split) {
          f.push(junk);
          f.push(frame);
        } else {
          f.push(Uint8Array.from([...junk, ...frame]));
        }
        expect(frames.at(-1)).toEqual(frame);
        f.flush();
        expect(f.pending).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random bytes and always empties on flush', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (chunks) => {
        const { f } = framer();
        for (const chunk of chunks) f.push(chunk);
        f.flush();
        expect(f.pending).toBe(0);
      }),
    );
  });
});
