import { isPostamatError } from '../protocol/errors.ts';
import {
  decodeRequest,
  EXCEPTION,
  encodeResponse,
  isException,
  type ModbusRequest,
} from '../protocol/modbus/index.ts';
import { serveRequest } from './board-modbus.ts';
import { type DiscardReason, RtuRequestFramer } from './rtu-framer.ts';
import type { SimBoard } from './sim-board.ts';
import { type SimTimers, systemTimers } from './sim-timers.ts';
import { SlaveCounters } from './slave-counters.ts';

export interface SerialTiming {
  readonly baud: number;
  /** Bits on the wire per character: start + 8 data + parity + stop; default 10 (8N1). */
  readonly bitsPerChar: number;
}

export interface RtuSlaveOptions {
  readonly boards: readonly SimBoard[];
  /** Puts a response frame on the wire. */
  readonly write: (frame: Uint8Array) => void;
  readonly timers?: SimTimers;
  readonly timing?: SerialTiming;
  /** Hold each answer back by its real wire time (request + 3.5-character gap + response). */
  readonly emulateBaud?: boolean;
}

/** Wire time of `bytes` characters, in ms. */
export function wireTimeMs(bytes: number, timing: SerialTiming): number {
  return (bytes * timing.bitsPerChar * 1000) / timing.baud;
}

/**
 * The 3.5-character silence that ends a frame (1.75 ms above 19200 baud, as the spec says), but
 * never under 5 ms: Node timers are millisecond-grained and a pseudo-terminal may split a frame.
 */
export function silentGapMs(timing: SerialTiming): number {
  const spec = timing.baud > 19200 ? 1.75 : wireTimeMs(3.5, timing);
  return Math.max(5, Math.ceil(spec));
}

/**
 * A Modbus RTU slave serving several simulated boards on one bus: it answers only their
 * addresses, applies broadcasts (unit 0) without answering, and survives noise and partial frames.
 */
export class RtuSlave {
  readonly stats = new SlaveCounters();
  private readonly boards = new Map<number, SimBoard>();
  private readonly framer: RtuRequestFramer;
  private readonly timers: SimTimers;
  private readonly timing: SerialTiming;
  private readonly pendingAnswers = new Set<() => void>();
  private cancelGap: (() => void) | undefined;

  constructor(private readonly options: RtuSlaveOptions) {
    for (const board of options.boards) this.boards.set(board.address, board);
    this.timers = options.timers ?? systemTimers;
    this.timing = options.timing ?? { baud: 9600, bitsPerChar: 10 };
    this.framer = new RtuRequestFramer(
      (frame) => this.onFrame(frame),
      (bytes, reason) => this.onDiscard(bytes, reason),
    );
  }

  /** Feeds bytes as they arrive from the wire. */
  receive(chunk: Uint8Array): void {
    this.stats.bytesReceived += chunk.length;
    this.framer.push(chunk);
    this.cancelGap?.();
    this.cancelGap = undefined;
    if (this.framer.pending > 0) {
      this.cancelGap = this.timers.after(silentGapMs(this.timing), () => {
        this.cancelGap = undefined;
        this.framer.flush();
      });
    }
  }

  close(): void {
    this.cancelGap?.();
    for (const cancel of this.pendingAnswers) cancel();
    this.pendingAnswers.clear();
  }

  private onDiscard(bytes: Uint8Array, reason: DiscardReason): void {
    if (reason === 'crc') this.stats.crcErrors++;
    else if (reason === 'partial') this.stats.partialFrames++;
    this.stats.discardedBytes += bytes.length;
  }

  private onFrame(frame: Uint8Array): void {
    this.stats.framesReceived++;
    const unit = frame[0]!;
    if (unit === 0) {
      this.broadcast(frame);
      return;
    }
    const board = this.boards.get(unit);
    if (!board) {
      this.stats.framesForOthers++;
      return;
    }
    const perBoard = this.stats.board(unit);
    perBoard.requests++;
    if (!board.answering()) {
      perBoard.unanswered++;
      return;
    }
    const response = this.respond(board, frame);
    if (isException(response)) perBoard.exceptions++;
    const bytes = encodeResponse(response);
    if (board.corruptsCrc()) {
      bytes[bytes.length - 1]! ^= 0xff;
      perBoard.corrupted++;
    }
    this.send(bytes, this.answerDelayMs(board, frame.length, bytes.length));
  }

  private respond(board: SimBoard, frame: Uint8Array) {
    try {
      return serveRequest(board, decodeRequest(frame));
    } catch (error) {
      if (!isPostamatError(error)) throw error;
      const exception =
        error.code === 'illegal-function' ? EXCEPTION.illegalFunction : EXCEPTION.illegalDataValue;
      return { unit: board.address, fc: frame[1]! & 0x7f, exception };
    }
  }

  private broadcast(frame: Uint8Array): void {
    this.stats.broadcasts++;
    let request: ModbusRequest;
    try {
      request = decodeRequest(frame);
    } catch (error) {
      if (isPostamatError(error)) return;
      throw error;
    }
    // Only writes make sense to everyone; nobody answers a broadcast.
    if (request.fc !== 5 && request.fc !== 6 && request.fc !== 15 && request.fc !== 16) return;
    for (const board of this.boards.values()) {
      if (board.answering()) serveRequest(board, { ...request, unit: board.address });
    }
  }

  private answerDelayMs(board: SimBoard, requestBytes: number, responseBytes: number): number {
    const wire = this.options.emulateBaud
      ? wireTimeMs(requestBytes + 3.5 + responseBytes, this.timing)
      : 0;
    // Rounded up: Node timers are whole milliseconds, and early answers would flatter the master.
    return Math.ceil(board.slowAnswerMs() + wire);
  }

  private send(bytes: Uint8Array, delayMs: number): void {
    const put = () => {
      this.stats.framesSent++;
      this.options.write(bytes);
    };
    if (delayMs <= 0) {
      put();
      return;
    }
    const cancel = this.timers.after(delayMs, () => {
      this.pendingAnswers.delete(cancel);
      put();
    });
    this.pendingAnswers.add(cancel);
  }
}
