import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { PostamatError } from '../protocol/errors.ts';
import type { FaultCommand } from './board-faults.ts';
import type { DoorOpening, SimBoardEvent } from './sim-board.ts';
import type { SlaveCountersSnapshot } from './slave-counters.ts';

export type SimEvent = SimBoardEvent & { readonly address: number };

export interface BoardState {
  readonly address: number;
  readonly answering: boolean;
  readonly coils: boolean[];
  /** Where the doors physically are. */
  readonly doors: boolean[];
  /** What the discrete inputs read (differs from `doors` with a broken sensor). */
  readonly inputs: boolean[];
}

/**
 * Drives a standalone simulator through its control port: doors, faults, state, the openings
 * log, counters, and a stream of board events to wait on (no polling, no sleeps).
 */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();
  private readonly eventListeners = new Set<(event: SimEvent) => void>();

  private constructor(private readonly socket: Socket) {
    createInterface({ input: socket }).on('line', (line) => this.onLine(line));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<ControlClient> {
    const socket = connect(port, host);
    await once(socket, 'connect');
    const client = new ControlClient(socket);
    await client.command('subscribe');
    return client;
  }

  /** Sends one command; resolves with its result, rejects with the simulator's error code. */
  command<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.write(`${JSON.stringify({ ...args, cmd, id })}\n`);
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => {
        if (reply.ok) return resolve(reply.result as T);
        const error = reply.error as { code: 'bad-payload'; message: string };
        reject(new PostamatError(error.code, error.message));
      });
    });
  }

  closeDoor(board: number, channel: number): Promise<unknown> {
    return this.command('close-door', { board, channel });
  }

  forceOpen(board: number, channel: number): Promise<unknown> {
    return this.command('force-open', { board, channel });
  }

  fault(board: number, fault: FaultCommand): Promise<unknown> {
    return this.command('fault', { ...fault, board });
  }

  state(board: number): Promise<BoardState> {
    return this.command('state', { board });
  }

  openings(): Promise<DoorOpening[]> {
    return this.command('openings');
  }

  counters(): Promise<SlaveCountersSnapshot> {
    return this.command('counters');
  }

  /** Resolves with the first board event (from now on) that `match` accepts. */
  waitForEvent(match: (event: SimEvent) => boolean, timeoutMs = 10_000): Promise<SimEvent> {
    return new Promise((resolve, reject) => {
      const listener = (event: SimEvent) => {
        if (!match(event)) return;
        clearTimeout(timer);
        this.eventListeners.delete(listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.eventListeners.delete(listener);
        reject(new PostamatError('timeout', `no matching simulator event in ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventListeners.add(listener);
    });
  }

  onEvent(listener: (event: SimEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private onLine(line: string): void {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (message.event) {
      for (const listener of [...this.eventListeners]) listener(message.event as SimEvent);
      return;
    }
    const settle = this.pending.get(message.id as number);
    this.pending.delete(message.id as number);
    settle?.(message);
  }
}
