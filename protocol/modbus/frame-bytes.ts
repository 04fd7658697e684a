import { PostamatError } from '../errors.ts';
import { hasValidCrc } from './crc16.ts';

/** Small helpers shared by the request and response codecs. */

export function u16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function putU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
}

export function packBits(bits: readonly boolean[]): Uint8Array {
  const packed = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) packed[i >>> 3]! |= 1 << (i & 7);
  });
  return packed;
}

export function unpackBits(bytes: Uint8Array, offset: number, count: number): boolean[] {
  const bits: boolean[] = [];
  for (let i = 0; i < count; i++) bits.push(((bytes[offset + (i >>> 3)]! >>> (i & 7)) & 1) === 1);
  return bits;
}

export function badFrame(message: string, details: Record<string, unknown> = {}): PostamatError {
  return new PostamatError('bad-frame', message, details);
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Checks length and CRC: what every decode does before it looks at the function code. */
export function checkEnvelope(frame: Uint8Array): void {
  if (frame.length < 4) {
    throw new PostamatError('truncated', `frame of ${frame.length} bytes is shorter than 4`, {
      frame: hex(frame),
    });
  }
  if (!hasValidCrc(frame)) {
    throw new PostamatError('crc', 'frame CRC does not match', { frame: hex(frame) });
  }
}

/** Throws `truncated` or `bad-frame` when the frame is not exactly `length` bytes. */
export function expectLength(frame: Uint8Array, length: number, what: string): void {
  if (frame.length < length) {
    throw new PostamatError('truncated', `${what}: ${frame.length} bytes, expected ${length}`, {
      frame: hex(frame),
    });
  }
  if (frame.length > length) {
    throw badFrame(`${what}: ${frame.length} bytes, expected ${length}`, { frame: hex(frame) });
  }
}

export function checkInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badFrame(`${field} must be an integer in ${min}..${max}, got ${value}`, {
      field,
      value,
    });
  }
}

/** The block `address .. address + quantity - 1` must stay inside the 16-bit address space. */
export function checkBlock(address: number, quantity: number, maxQuantity: number): void {
  checkInt('address', address, 0, 0xffff);
  checkInt('quantity', quantity, 1, maxQuantity);
  if (address + quantity > 0x10000) {
    throw badFrame(`address ${address} + quantity ${quantity} runs past 65535`, {
      field: 'quantity',
      value: quantity,
    });
  }
}
