import type { EventEmitter } from 'node:events';
import {
  decodeResponse,
  encodeRequest,
  expectedFrameLength,
  type ModbusRequest,
  type ModbusResponse,
} from '../../protocol/modbus/index.ts';

interface ByteStream extends EventEmitter {
  write(data: Uint8Array): unknown;
}

/**
 * A deliberately tiny Modbus master for the simulator's own tests (the real one is the bus
 * master): one request at a time, the answer cut by its length, a bounded wait.
 */
export class RtuTestClient {
  private buffer = new Uint8Array(0);
  private waiting: ((frame: Uint8Array) => void) | undefined;

  constructor(private readonly stream: ByteStream) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  async request(request: ModbusRequest, timeoutMs = 10_000): Promise<ModbusResponse> {
    return decodeResponse(await this.raw(encodeRequest(request), timeoutMs));
  }

  /** Writes `frame` and resolves with the next complete response frame. */
  raw(frame: Uint8Array, timeoutMs = 10_000): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no answer in ${timeoutMs} ms to ${Buffer.from(frame).toString('hex')}`));
      }, timeoutMs);
      this.waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.stream.write(frame);
    });
  }

  private onData(chunk: Buffer): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const length = expectedFrameLength(this.buffer, 'response');
    if (length === undefined || this.buffer.length < length) return;
    const frame = this.buffer.slice(0, length);
    this.buffer = this.buffer.slice(length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(frame);
  }
}
