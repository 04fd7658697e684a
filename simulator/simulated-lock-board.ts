import type {
  BoardCounters,
  DoorState,
  LockBoard,
  LockBoardEvent,
} from '../agent/drivers/lock-board.ts';
import { PostamatError } from '../protocol/errors.ts';
import type { SimBoard, SimBoardEvent } from './sim-board.ts';
import { Listeners, type SimTimers, systemTimers } from './sim-timers.ts';

export interface SimulatedLockBoardOptions {
  readonly board: SimBoard;
  /** The id is `${busId}:${address}`, as the bus master names its boards; default 'sim'. */
  readonly busId?: string;
  /** How long the coil stays on for an unlock; default 500. */
  readonly pulseMs?: number;
  /** A sensor reading must hold this long to count; default 100 (longer than a flap). */
  readonly debounceMs?: number;
  /** `unlock-not-opened` when the door is not seen open this long after an unlock; default 5000. */
  readonly openTimeoutMs?: number;
  readonly timers?: SimTimers;
}

/**
 * The LockBoard the agent sees, backed by a simulated board in-process, without bytes. It
 * behaves as the bus master does: debounced door events, offline while the board is silent or
 * garbles its answers, coils switched off when it comes back.
 */
export class SimulatedLockBoard implements LockBoard {
  readonly id: string;
  readonly channels: number;
  private readonly board: SimBoard;
  private readonly timers: SimTimers;
  private readonly pulseMs: number;
  private readonly debounceMs: number;
  private readonly openTimeoutMs: number;
  private readonly listeners = new Listeners<LockBoardEvent>();
  private readonly states: DoorState[];
  private readonly debounce = new Map<number, () => void>();
  private readonly openWatch = new Map<number, () => void>();
  private readonly pulses = new Set<() => void>();
  private readonly stats = { framesSent: 0, framesReceived: 0, timeouts: 0, exceptions: 0 };
  private online: boolean;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(options: SimulatedLockBoardOptions) {
    this.board = options.board;
    this.id = `${options.busId ?? 'sim'}:${this.board.address}`;
    this.channels = this.board.channels;
    this.timers = options.timers ?? options.board.timers ?? systemTimers;
    this.pulseMs = options.pulseMs ?? 500;
    this.debounceMs = options.debounceMs ?? 100;
    this.openTimeoutMs = options.openTimeoutMs ?? 5000;
    this.online = this.reachable();
    this.states = Array.from({ length: this.channels }, (_, i) =>
      this.online ? this.sensed(i + 1) : 'unknown',
    );
    this.unsubscribe = this.board.subscribe((event) => this.onBoardEvent(event));
  }

  async unlock(channel: number): Promise<void> {
    if (this.closed || !this.online) {
      throw new PostamatError('board-offline', `board ${this.id} is offline`, { boardId: this.id });
    }
    if (!Number.isInteger(channel) || channel < 1 || channel > this.channels) {
      this.stats.exceptions++;
      throw new PostamatError('exception', `board ${this.id} has no channel ${channel}`, {
        boardId: this.id,
        channel,
      });
    }
    await this.answerDelay();
    // A slow board may have gone silent while the command was on its way.
    if (this.closed || !this.online) {
      this.stats.timeouts++;
      throw new PostamatError('timeout', `board ${this.id} did not confirm the unlock`, {
        boardId: this.id,
        channel,
      });
    }
    this.write(channel, true);
    const cancel = this.timers.after(this.pulseMs, () => {
      this.pulses.delete(cancel);
      if (this.online) this.write(channel, false);
    });
    this.pulses.add(cancel);
    this.watchOpening(channel);
  }

  doorStates(): readonly DoorState[] {
    return [...this.states];
  }

  isOnline(): boolean {
    return this.online;
  }

  counters(): BoardCounters {
    return { ...this.stats, crcErrors: 0, retries: 0 };
  }

  subscribe(listener: (event: LockBoardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const cancel of [...this.debounce.values(), ...this.openWatch.values(), ...this.pulses]) {
      cancel();
    }
    this.debounce.clear();
    this.openWatch.clear();
    this.pulses.clear();
  }

  private reachable(): boolean {
    return this.board.answering() && !this.board.corruptsCrc();
  }

  private sensed(channel: number): DoorState {
    return this.board.door(channel).reading() ? 'open' : 'closed';
  }

  private write(channel: number, on: boolean): void {
    this.stats.framesSent++;
    this.board.setCoil(channel, on);
    this.stats.framesReceived++;
  }

  private answerDelay(): Promise<void> {
    const ms = this.board.slowAnswerMs();
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.timers.after(ms, resolve));
  }

  private watchOpening(channel: number): void {
    this.openWatch.get(channel)?.();
    this.openWatch.delete(channel);
    if (this.states[channel - 1] === 'open') return;
    const cancel = this.timers.after(this.openTimeoutMs, () => {
      this.openWatch.delete(channel);
      this.emit({ type: 'unlock-not-opened', boardId: this.id, channel, at: this.timers.now() });
    });
    this.openWatch.set(channel, cancel);
  }

  private onBoardEvent(event: SimBoardEvent): void {
    if (event.type === 'sensor' && this.online) this.settle(event.channel);
    if (event.type === 'answering' || event.type === 'fault') this.checkReachable();
  }

  private checkReachable(): void {
    const reachable = this.reachable();
    if (reachable === this.online) return;
    this.online = reachable;
    const at = this.timers.now();
    if (!reachable) {
      this.emit({ type: 'board-offline', boardId: this.id, at });
      return;
    }
    // As the bus master does when a board comes back: no lock stays energised.
    for (let channel = 1; channel <= this.channels; channel++) this.write(channel, false);
    this.emit({ type: 'board-online', boardId: this.id, at });
    for (let channel = 1; channel <= this.channels; channel++) this.settle(channel);
  }

  /** Reports the channel's reading once it has held still for the debounce time. */
  private settle(channel: number): void {
    this.debounce.get(channel)?.();
    const cancel = this.timers.after(this.debounceMs, () => {
      this.debounce.delete(channel);
      if (!this.online) return;
      const state = this.sensed(channel);
      if (state === this.states[channel - 1]) return;
      this.states[channel - 1] = state;
      const at = this.timers.now();
      if (state === 'open') {
        this.openWatch.get(channel)?.();
        this.openWatch.delete(channel);
      }
      const type = state === 'open' ? 'door-opened' : 'door-closed';
      this.emit({ type, boardId: this.id, channel, at });
    });
    this.debounce.set(channel, cancel);
  }

  private emit(event: LockBoardEvent): void {
    if (!this.closed) this.listeners.emit(event);
  }
}
