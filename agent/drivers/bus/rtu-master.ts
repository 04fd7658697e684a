import { PostamatError } from '../../../protocol/errors.ts';
import { type LineCounters, MutableCounters } from './bus-counters.ts';
import { BusQueue, type Priority } from './bus-queue.ts';
import { FrameReceiver } from './frame-receiver.ts';
import type { BusRequest, BusResponse, RtuCodec } from './rtu-codec-port.ts';
import { defaultResponseTimeoutMs, type SerialSettings, silentGapMs } from './rtu-timing.ts';
import type { SerialBinding } from './serial-binding.ts';

export interface TransactOptions {
  readonly priority?: Priority;
  /** Default: the request's and answer's wire time + 100 ms. */
  readonly timeoutMs?: number;
  /** Default: the master's (2). */
  readonly retries?: number;
}

export interface MasterOptions {
  readonly serial: SerialSettings;
  readonly codec: RtuCodec;
  readonly retries?: number;
  /** Monotonic milliseconds; injected so tests can run under fake time. */
  readonly now?: () => number;
  /**
   * Spin the last <2 ms of the silence on setImmediate (default true). Fake timers cannot
   * advance a spin, so tests under fake time switch it off and wait on setTimeout only.
   */
  readonly spinGap?: boolean;
  /** Tallies that outlive one master (the bus reopens a lost line with a new one). */
  readonly counters?: Map<number, MutableCounters>;
  readonly line?: { noiseBytes: number; wrongAddress: number; lineLost: number };
}

type Outcome = 'answer' | 'crc' | 'timeout';

/**
 * Modbus RTU master on one line: one transaction at a time, the t3.5 silence kept between
 * frames, urgent requests (unlocks) ahead of polling, timeouts and retries, everything counted
 * per slave address.
 */
export class RtuMaster {
  private readonly queue = new BusQueue<Job>();
  private readonly counters: Map<number, MutableCounters>;
  private readonly line: { noiseBytes: number; wrongAddress: number; lineLost: number };
  private readonly receiver: FrameReceiver;
  private readonly now: () => number;
  private readonly gapMs: number;
  private lastActivity = Number.NEGATIVE_INFINITY;
  private running = false;
  private lost: Error | undefined;
  private settle: ((outcome: Outcome) => void) | undefined;

  constructor(
    private readonly binding: SerialBinding,
    private readonly options: MasterOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.counters = options.counters ?? new Map();
    this.line = options.line ?? { noiseBytes: 0, wrongAddress: 0, lineLost: 0 };
    this.gapMs = silentGapMs(options.serial);
    this.receiver = new FrameReceiver(options.codec, this.line);
    binding.onData((bytes) => this.onBytes(bytes));
    binding.onClose((error) => this.onLineLost(error));
  }

  transact(request: BusRequest, options: TransactOptions = {}): Promise<BusResponse> {
    if (this.lost) return Promise.reject(this.lineError());
    return new Promise((resolve, reject) => {
      this.queue.push(options.priority ?? 'poll', { request, options, resolve, reject });
      void this.pump();
    });
  }

  countersFor(unit: number): MutableCounters {
    let c = this.counters.get(unit);
    if (!c) {
      c = new MutableCounters();
      this.counters.set(unit, c);
    }
    return c;
  }

  lineCounters(): LineCounters {
    return { ...this.line };
  }

  isLost(): boolean {
    return this.lost !== undefined;
  }

  /** Requests waiting, for the poller: it does not queue a new round behind an unfinished one. */
  backlog(): number {
    return this.queue.size();
  }

  async close(): Promise<void> {
    this.lost ??= new Error('closed');
    this.failQueued();
    this.settle?.('timeout');
    await this.binding.close();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        if (this.lost) job.reject(this.lineError());
        else await this.run(job);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(job: Job): Promise<void> {
    const { request, options } = job;
    const counters = this.countersFor(request.unit);
    const retries = options.retries ?? this.options.retries ?? 2;
    const codec = this.options.codec;
    const timeoutMs =
      options.timeoutMs ??
      defaultResponseTimeoutMs(this.options.serial, 8, codec.answerBytes(request));
    const frame = codec.encode(request);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(request, frame, timeoutMs, counters);
      if (outcome === 'answer') return this.finish(job, counters);
      if (outcome === 'crc') counters.crcErrors++;
      else counters.timeouts++;
      if (this.lost) return job.reject(this.lineError());
      if (attempt >= retries) {
        const code = outcome === 'crc' ? 'crc' : 'timeout';
        return job.reject(
          new PostamatError(code, `slave ${request.unit}: ${outcome} after ${attempt + 1} tries`, {
            unit: request.unit,
            fn: request.fn,
          }),
        );
      }
      counters.retries++;
    }
  }

  private finish(job: Job, counters: MutableCounters): void {
    const response = this.receiver.take();
    counters.framesReceived++;
    if (response?.kind === 'exception') {
      counters.exceptions++;
      job.reject(
        new PostamatError(
          'exception',
          `slave ${job.request.unit}: exception ${response.exceptionCode}`,
          {
            unit: job.request.unit,
            exceptionCode: response.exceptionCode,
          },
        ),
      );
    } else if (response) job.resolve(response);
    else job.reject(new PostamatError('bad-frame', 'answer lost'));
  }

  private async attempt(
    request: BusRequest,
    frame: Uint8Array,
    timeoutMs: number,
    counters: MutableCounters,
  ): Promise<Outcome> {
    await this.keepSilence();
    this.receiver.expect(request, frame);
    const outcome = new Promise<Outcome>((resolve) => {
      this.settle = resolve;
    });
    try {
      counters.framesSent++;
      await this.binding.write(frame);
    } catch (error) {
      this.onLineLost(error instanceof Error ? error : new Error(String(error)));
    }
    this.lastActivity = this.now();
    const timer = setTimeout(() => this.settle?.('timeout'), timeoutMs);
    const result = await outcome;
    clearTimeout(timer);
    this.settle = undefined;
    this.receiver.stop();
    return result;
  }

  private onBytes(bytes: Uint8Array): void {
    this.lastActivity = this.now();
    const verdict = this.receiver.push(bytes);
    if (verdict !== 'more') this.settle?.(verdict);
  }

  /**
   * Waits out t3.5 since the line was last busy. setTimeout sleeps whole milliseconds and wakes
   * late, so it sleeps the whole milliseconds and the sub-millisecond rest is spun on
   * setImmediate: precise, and it costs CPU only for that rest.
   */
  private async keepSilence(): Promise<void> {
    for (;;) {
      const left = this.lastActivity + this.gapMs - this.now();
      if (left <= 0) return;
      if (this.options.spinGap === false) await new Promise((r) => setTimeout(r, Math.ceil(left)));
      else if (left >= 1) await new Promise((r) => setTimeout(r, Math.floor(left)));
      else await new Promise((r) => setImmediate(r));
    }
  }

  private onLineLost(error?: Error): void {
    if (this.lost) return;
    this.lost = error ?? new Error('line closed');
    this.line.lineLost++;
    this.settle?.('timeout');
    this.failQueued();
  }

  private failQueued(): void {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) job.reject(this.lineError());
  }

  private lineError(): PostamatError {
    return new PostamatError('port-unavailable', `bus line lost: ${this.lost?.message ?? ''}`);
  }
}

interface Job {
  readonly request: BusRequest;
  readonly options: TransactOptions;
  readonly resolve: (response: BusResponse) => void;
  readonly reject: (error: Error) => void;
}
