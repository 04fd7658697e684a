import { isPostamatError } from '../../../protocol/errors.ts';
import type { BusRequest, BusResponse, RtuCodec } from './rtu-codec-port.ts';

export type Verdict = 'more' | 'answer' | 'crc';

interface Tally {
  noiseBytes: number;
  wrongAddress: number;
}

/**
 * Finds the answer to the current request in the bytes the line delivers, whatever surrounds
 * it: noise before it, the echo of our own request (half-duplex adapters that hear themselves),
 * a valid frame from another slave address. A frame of ours whose CRC is wrong ends the attempt
 * at once, so the master can retry without waiting for the timeout.
 */
export class FrameReceiver {
  private buffer = new Uint8Array(0);
  private request: BusRequest | undefined;
  private sent: Uint8Array = new Uint8Array(0);
  private fc = 0;
  private answer: BusResponse | undefined;

  constructor(
    private readonly codec: RtuCodec,
    private readonly tally: Tally,
  ) {}

  expect(request: BusRequest, sent: Uint8Array): void {
    this.discard();
    this.request = request;
    this.sent = sent;
    this.fc = this.codec.functionCode(request);
    this.answer = undefined;
  }

  /** Bytes between transactions are noise; they are counted when the next one starts. */
  push(bytes: Uint8Array): Verdict {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
    return this.request ? this.scan() : 'more';
  }

  take(): BusResponse | undefined {
    return this.answer;
  }

  stop(): void {
    this.request = undefined;
    this.discard();
  }

  private scan(): Verdict {
    const request = this.request!;
    for (;;) {
      if (this.buffer.length < 2) return 'more';
      if (((this.buffer[1] ?? 0) & 0x7f) !== this.fc) {
        this.drop(1, 'noise');
        continue;
      }
      const echo = this.echo();
      if (echo === 'partial') return 'more';
      if (echo === 'whole') {
        this.drop(this.sent.length, 'noise');
        continue;
      }
      const length = this.codec.frameLength(this.buffer);
      if (length === undefined || this.buffer.length < length) return 'more';
      const fromUs = this.buffer[0] === request.unit;
      const verdict = this.tryDecode(request, this.buffer.subarray(0, length));
      if (verdict === 'answer' && fromUs) {
        this.drop(length, 'used');
        return 'answer';
      }
      if (verdict === 'answer') {
        this.tally.wrongAddress++;
        this.drop(length, 'used');
        continue;
      }
      if (fromUs && verdict === 'crc') {
        this.drop(length, 'noise');
        return 'crc';
      }
      this.drop(1, 'noise');
    }
  }

  private tryDecode(request: BusRequest, frame: Uint8Array): 'answer' | 'crc' | 'bad' {
    try {
      const decoded = this.codec.decode(request, frame);
      if (frame[0] === request.unit) this.answer = decoded;
      return 'answer';
    } catch (error) {
      return isPostamatError(error, 'crc') ? 'crc' : 'bad';
    }
  }

  /** Reads echo their own request; for writes an echo and the answer are the same bytes. */
  private echo(): 'none' | 'partial' | 'whole' {
    if (this.request?.fn !== 'read-discrete-inputs') return 'none';
    const n = Math.min(this.buffer.length, this.sent.length);
    for (let i = 0; i < n; i++) if (this.buffer[i] !== this.sent[i]) return 'none';
    return n < this.sent.length ? 'partial' : 'whole';
  }

  private drop(count: number, why: 'noise' | 'used'): void {
    if (why === 'noise') this.tally.noiseBytes += count;
    this.buffer = this.buffer.slice(count);
  }

  private discard(): void {
    this.tally.noiseBytes += this.buffer.length;
    this.buffer = new Uint8Array(0);
  }
}
