import { type Logger, pino } from 'pino';
import { type Clock, systemClock } from '../../../protocol/clock.ts';
import { DEFAULT_HEALTH, type HealthOptions } from './board-health.ts';
import type { BoardProfile } from './board-profile.ts';
import type { LineCounters, MutableCounters } from './bus-counters.ts';
import { ModbusLockBoard } from './modbus-lock-board.ts';
import type { RtuCodec } from './rtu-codec-port.ts';
import { RtuMaster } from './rtu-master.ts';
import type { SerialSettings } from './rtu-timing.ts';
import type { SerialBindingFactory } from './serial-binding.ts';

export interface LockBusOptions {
  /** Names the line in board ids (`${id}:${address}`), e.g. "bus1". */
  readonly id: string;
  readonly binding: SerialBindingFactory;
  readonly codec: RtuCodec;
  readonly serial: SerialSettings;
  readonly boards: readonly { readonly address: number; readonly profile: BoardProfile }[];
  /** Door inputs of every board are read this often (default 200 ms). */
  readonly pollIntervalMs?: number;
  /** Default 10 s. */
  readonly openWithinMs?: number;
  /** Equal readings in a row before a door changes state (default 2). */
  readonly stableSamples?: number;
  readonly health?: HealthOptions;
  readonly retries?: number;
  /** Wait before reopening a lost line (default 1 s). */
  readonly reopenMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Start without the line and keep trying to open it (default false: open() rejects). */
  readonly tolerateMissingLine?: boolean;
  /** Switch every coil off before polling starts (default true; the diagnostics CLI skips it). */
  readonly switchOffAtStart?: boolean;
  /** See MasterOptions.spinGap; tests under fake time pass false. */
  readonly spinGap?: boolean;
}

/**
 * One RS-485 line (or gateway connection) and the boards on it. A locker with several lines
 * has several LockBus objects; they share nothing, so a dead line stops only its own boards.
 */
export class LockBus {
  private master: RtuMaster | undefined;
  private readonly counters = new Map<number, MutableCounters>();
  private readonly line = { noiseBytes: 0, wrongAddress: 0, lineLost: 0 };
  private readonly boardList: ModbusLockBoard[];
  private readonly log: Logger;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastOpenAttempt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private cycleDone: Promise<void> = Promise.resolve();

  private constructor(private readonly options: LockBusOptions) {
    this.log = options.log ?? pino({ level: 'silent' });
    const clock = options.clock ?? systemClock;
    const wiring = { master: () => this.master, clock, log: this.log };
    this.boardList = options.boards.map(
      (board) =>
        new ModbusLockBoard(
          {
            busId: options.id,
            address: board.address,
            profile: board.profile,
            openWithinMs: options.openWithinMs ?? 10_000,
            stableSamples: options.stableSamples ?? 2,
            health: options.health ?? DEFAULT_HEALTH,
            coilsOffAtStart: options.switchOffAtStart !== false,
          },
          wiring,
        ),
    );
  }

  /**
   * Opens the line, switches every coil off board by board (best effort), and starts polling.
   * Rejects if the line cannot be opened, unless `tolerateMissingLine`: then the boards report
   * offline and the line is tried again every reopenMs (an agent must boot without its adapter).
   */
  static async open(options: LockBusOptions): Promise<LockBus> {
    const bus = new LockBus(options);
    try {
      await bus.openLine();
    } catch (error) {
      if (!options.tolerateMissingLine) throw error;
      bus.log.error({ event: 'bus-open-failed', bus: options.id, error: String(error) });
    }
    if (bus.master && options.switchOffAtStart !== false) {
      for (const board of bus.boardList) await board.switchAllOff(bus.master);
    }
    bus.schedule(0);
    return bus;
  }

  boards(): readonly ModbusLockBoard[] {
    return this.boardList;
  }

  lineCounters(): LineCounters {
    return { ...this.line };
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.cycleDone;
    const master = this.master && !this.master.isLost() ? this.master : undefined;
    for (const board of this.boardList) await board.close(master);
    await this.master?.close();
  }

  private async openLine(): Promise<void> {
    this.lastOpenAttempt = performance.now();
    const binding = await this.options.binding();
    this.master = new RtuMaster(binding, {
      serial: this.options.serial,
      codec: this.options.codec,
      counters: this.counters,
      line: this.line,
      ...(this.options.retries === undefined ? {} : { retries: this.options.retries }),
      ...(this.options.spinGap === undefined ? {} : { spinGap: this.options.spinGap }),
    });
    this.log.info({ event: 'bus-open', bus: this.options.id });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.cycleDone = this.cycle();
    }, delayMs);
  }

  /** One round over the boards; each poll is queued only when the previous one is done, so an
   * unlock waits for at most one transaction. */
  private async cycle(): Promise<void> {
    const started = performance.now();
    try {
      const master = await this.usableMaster();
      for (const board of this.boardList) {
        if (this.stopped) return;
        const at = performance.now();
        if (board.due(at)) await board.poll(master, at);
      }
    } catch (error) {
      this.log.error({ event: 'poll-cycle-failed', bus: this.options.id, error: String(error) });
    } finally {
      // INVARIANT: while the bus is open, there is always a next cycle.
      const interval = this.options.pollIntervalMs ?? 200;
      this.schedule(Math.max(0, interval - (performance.now() - started)));
    }
  }

  /** The master, reopening a lost line at most once per reopenMs. */
  private async usableMaster(): Promise<RtuMaster | undefined> {
    if (this.master && !this.master.isLost()) return this.master;
    if (performance.now() - this.lastOpenAttempt < (this.options.reopenMs ?? 1000))
      return undefined;
    try {
      await this.master?.close();
      await this.openLine();
      return this.master;
    } catch (error) {
      this.log.warn({ event: 'bus-reopen-failed', bus: this.options.id, error: String(error) });
      return undefined;
    }
  }
}
