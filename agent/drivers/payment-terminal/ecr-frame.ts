/**
 * The framing of the locker ↔ POS terminal link, modelled on bank ECR protocols (Arcus/UPOS
 * style: STX, length, body, CRC), with a JSON body so it stays readable on a logic analyser:
 *
 *   0x02 | LEN (2 bytes, big endian) | LEN bytes of UTF-8 JSON | CRC-16/CCITT-FALSE (2 bytes, BE)
 *
 * The CRC covers the length and the body. Pure: no I/O; a real bank's protocol replaces this
 * file and ecr-messages.ts behind the same PaymentTerminal interface.
 */
export const STX = 0x02;
export const MAX_BODY = 4096;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), the checksum of most ECR links. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeFrame(message: unknown): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(message));
  if (body.length > MAX_BODY) throw new RangeError(`ECR body of ${body.length} bytes is too long`);
  const frame = new Uint8Array(body.length + 5);
  frame[0] = STX;
  frame[1] = body.length >> 8;
  frame[2] = body.length & 0xff;
  frame.set(body, 3);
  const crc = crc16(frame.subarray(1, 3 + body.length));
  frame[3 + body.length] = crc >> 8;
  frame[4 + body.length] = crc & 0xff;
  return frame;
}

export interface FrameCounters {
  frames: number;
  crcErrors: number;
  noiseBytes: number;
  badJson: number;
}

/**
 * Collects frames from bytes arriving in any chunks. Noise before an STX is skipped; a frame
 * with a bad CRC or a body that is not JSON is dropped and counted, and the search resumes at
 * the next byte, so one corrupted frame never wedges the link.
 */
export class FrameDecoder {
  readonly counters: FrameCounters = { frames: 0, crcErrors: 0, noiseBytes: 0, badJson: 0 };
  private buffer = new Uint8Array(0);

  push(bytes: Uint8Array): unknown[] {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
    const out: unknown[] = [];
    for (;;) {
      const start = this.buffer.indexOf(STX);
      if (start < 0) {
        this.skip(this.buffer.length);
        return out;
      }
      this.skip(start);
      if (this.buffer.length < 3) return out;
      const len = ((this.buffer[1] ?? 0) << 8) | (this.buffer[2] ?? 0);
      if (len > MAX_BODY) {
        this.skip(1);
        continue;
      }
      if (this.buffer.length < len + 5) return out;
      const crc = ((this.buffer[3 + len] ?? 0) << 8) | (this.buffer[4 + len] ?? 0);
      if (crc16(this.buffer.subarray(1, 3 + len)) !== crc) {
        this.counters.crcErrors++;
        this.skip(1);
        continue;
      }
      const body = new TextDecoder().decode(this.buffer.subarray(3, 3 + len));
      this.buffer = this.buffer.slice(len + 5);
      try {
        out.push(JSON.parse(body));
        this.counters.frames++;
      } catch {
        this.counters.badJson++;
      }
    }
  }

  private skip(n: number): void {
    if (n === 0) return;
    this.counters.noiseBytes += n;
    this.buffer = this.buffer.slice(n);
  }
}
