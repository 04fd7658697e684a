import { PostamatError } from '../errors.ts';
import { hex } from './frame-bytes.ts';
import { FC, isFunctionCode } from './frames.ts';

export type FrameDirection = 'request' | 'response';

/**
 * How long the frame that starts at `bytes[0]` is, CRC included, judged from its first bytes:
 * a number, or `undefined` while more bytes are needed to tell. Throws `illegal-function` for a
 * function code whose length cannot be known; a receiver then falls back on the 3.5-character gap.
 */
export function expectedFrameLength(
  bytes: Uint8Array,
  direction: FrameDirection,
): number | undefined {
  if (bytes.length < 2) return undefined;
  const code = bytes[1]!;
  if (direction === 'response' && code & 0x80) return 5;
  if (!isFunctionCode(code)) {
    throw new PostamatError('illegal-function', `cannot size a frame with function code ${code}`, {
      frame: hex(bytes.subarray(0, 8)),
      fc: code,
    });
  }
  return direction === 'request' ? requestLength(bytes, code) : responseLength(bytes, code);
}

function requestLength(bytes: Uint8Array, code: number): number | undefined {
  if (code !== FC.writeMultipleCoils && code !== FC.writeMultipleRegisters) return 8;
  return bytes.length < 7 ? undefined : 9 + bytes[6]!;
}

function responseLength(bytes: Uint8Array, code: number): number | undefined {
  if (code > FC.readInputRegisters) return 8;
  return bytes.length < 3 ? undefined : 5 + bytes[2]!;
}
