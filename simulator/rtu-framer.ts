import { isPostamatError } from '../protocol/errors.ts';
import { expectedFrameLength, hasValidCrc } from '../protocol/modbus/index.ts';

/** The largest RTU frame: address, 253 bytes of PDU, CRC. */
const MAX_FRAME = 256;

export type DiscardReason = 'crc' | 'noise' | 'partial';

/**
 * Cuts a stream of bytes from the wire into request frames. The length comes from the frame's
 * first bytes; bytes that cannot start a valid frame (bad CRC, noise) are skipped one at a
 * time until a frame lines up. `flush()` is called after a silent gap: what is left is either a
 * CRC-valid frame we cannot size (unknown function: the slave answers "illegal function") or junk.
 */
export class RtuRequestFramer {
  private buffer = new Uint8Array(0);

  constructor(
    private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onDiscard: (bytes: Uint8Array, reason: DiscardReason) => void,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    this.extract();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const rest = this.buffer;
    this.buffer = new Uint8Array(0);
    if (rest.length >= 4 && hasValidCrc(rest)) this.onFrame(rest);
    else this.onDiscard(rest, 'partial');
  }

  private extract(): void {
    for (;;) {
      const found = this.find();
      if (found.skip > 0) {
        this.onDiscard(this.buffer.slice(0, found.skip), found.headBadCrc ? 'crc' : 'noise');
        this.buffer = this.buffer.slice(found.skip);
      }
      if (found.length === undefined) return;
      const frame = this.buffer.slice(0, found.length);
      this.buffer = this.buffer.slice(found.length);
      this.onFrame(frame);
    }
  }

  /**
   * The first offset where either a complete CRC-valid frame starts (`length` set) or a frame
   * is still arriving (`length` undefined: wait). Everything before it is junk to skip.
   */
  private find(): { skip: number; length: number | undefined; headBadCrc: boolean } {
    let headBadCrc = false;
    // A frame with a function code we cannot size is kept whole for flush(), unless a valid
    // frame turns up behind it or it outgrows the largest RTU frame.
    const headUnsizable = this.sizeAt(0) === 'unsizable' && this.buffer.length <= MAX_FRAME;
    for (let at = 0; at < this.buffer.length; at++) {
      const size = this.sizeAt(at);
      if (size === 'unsizable') continue;
      if (size === undefined || at + size > this.buffer.length) {
        return (
          this.tailFrame(at + 1) ?? { skip: headUnsizable ? 0 : at, length: undefined, headBadCrc }
        );
      }
      if (hasValidCrc(this.buffer.subarray(at, at + size))) {
        return { skip: at, length: size, headBadCrc };
      }
      if (at === 0) headBadCrc = true;
    }
    // Nothing lines up yet; keep the last byte, it may start the next frame.
    const skip = headUnsizable ? 0 : Math.max(0, this.buffer.length - 1);
    return { skip, length: undefined, headBadCrc };
  }

  /**
   * Junk that claims a long length would hold back a good frame until the silent gap; a
   * CRC-valid frame that ends exactly where the bytes end is taken at once instead.
   */
  private tailFrame(from: number): { skip: number; length: number; headBadCrc: false } | undefined {
    for (let at = from; at <= this.buffer.length - 4; at++) {
      const size = this.sizeAt(at);
      if (typeof size !== 'number' || at + size !== this.buffer.length) continue;
      if (hasValidCrc(this.buffer.subarray(at)))
        return { skip: at, length: size, headBadCrc: false };
    }
    return undefined;
  }

  private sizeAt(at: number): number | undefined | 'unsizable' {
    try {
      return expectedFrameLength(this.buffer.subarray(at), 'request');
    } catch (error) {
      if (isPostamatError(error)) return 'unsizable';
      throw error;
    }
  }
}
