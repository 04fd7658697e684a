import type { Logger } from 'pino';
import type { Clock } from '../../../protocol/clock.ts';
import { PostamatError } from '../../../protocol/errors.ts';
import type { BoardCounters, DoorState, LockBoard, LockBoardEvent } from '../lock-board.ts';
import { BoardHealth, type HealthOptions } from './board-health.ts';
import { type BoardProfile, checkChannel, flashValue } from './board-profile.ts';
import { DoorDebounce } from './door-debounce.ts';
import type { RtuMaster } from './rtu-master.ts';
import { UnlockWatch } from './unlock-watch.ts';

export interface BoardSettings {
  readonly busId: string;
  readonly address: number;
  readonly profile: BoardProfile;
  /** An unlocked door not seen open within this time raises `unlock-not-opened`. */
  readonly openWithinMs: number;
  readonly stableSamples: number;
  readonly health: HealthOptions;
  /** Owe a switch-off of every coil from the start (false for read-only diagnostics). */
  readonly coilsOffAtStart: boolean;
}

export interface BoardWiring {
  /** The bus's current master (it is replaced when a lost line is reopened). */
  readonly master: () => RtuMaster | undefined;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * One relay board on a Modbus RTU line, as the agent sees it. Its LockBus polls it; unlocks go
 * through the same master at urgent priority.
 */
export class ModbusLockBoard implements LockBoard {
  readonly id: string;
  readonly channels: number;
  private readonly health: BoardHealth;
  private readonly doors: DoorDebounce;
  private readonly watch: UnlockWatch;
  private readonly listeners = new Set<(event: LockBoardEvent) => void>();
  /** Pulses under way: channel → the timer that will end it. */
  private readonly pulses = new Map<number, ReturnType<typeof setTimeout>>();
  /** Some coil may be on while we could not reach the board: switch all off once it answers. */
  private coilsOffOwed: boolean;
  private closed = false;

  constructor(
    private readonly settings: BoardSettings,
    private readonly wiring: BoardWiring,
  ) {
    this.id = `${settings.busId}:${settings.address}`;
    this.coilsOffOwed = settings.coilsOffAtStart;
    this.channels = settings.profile.channels;
    this.health = new BoardHealth(settings.health);
    this.doors = new DoorDebounce(this.channels, settings.stableSamples);
    this.watch = new UnlockWatch(settings.openWithinMs);
  }

  get address(): number {
    return this.settings.address;
  }

  async unlock(channel: number): Promise<void> {
    checkChannel(this.settings.profile, channel);
    if (this.closed || this.health.current() === 'offline') {
      throw new PostamatError('board-offline', `board ${this.id} is offline`, { boardId: this.id });
    }
    const { profile, address: unit } = this.settings;
    const master = this.requireMaster();
    if (profile.flash) {
      const value = flashValue(profile.flash, profile.pulseMs);
      const address = profile.flash.registerBase + channel - 1;
      await master.transact(
        { fn: 'write-single-register', unit, address, value },
        { priority: 'urgent' },
      );
    } else {
      await this.writeCoil(master, channel, true);
      this.schedulePulseEnd(channel);
    }
    if (this.doors.doorStates()[channel - 1] !== 'open')
      this.watch.unlocked(channel, this.wiring.clock.now());
  }

  doorStates(): readonly DoorState[] {
    if (this.health.current() !== 'online')
      return new Array<DoorState>(this.channels).fill('unknown');
    return [...this.doors.doorStates()];
  }

  isOnline(): boolean {
    return this.health.current() === 'online';
  }

  counters(): BoardCounters {
    return this.wiring.master()?.countersFor(this.settings.address).snapshot() ?? zeroCounters;
  }

  subscribe(listener: (event: LockBoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends pulses under way at once (through `master`, when the bus still has a line). */
  async close(master?: RtuMaster): Promise<void> {
    this.closed = true;
    const pulsing = [...this.pulses.keys()];
    for (const timer of this.pulses.values()) clearTimeout(timer);
    this.pulses.clear();
    this.listeners.clear();
    if (!master) return;
    for (const channel of pulsing) {
      // INVARIANT: closing never leaves a lock energised if the board can still hear us.
      await this.writeCoil(master, channel, false).catch((error: unknown) => {
        this.wiring.log.error({
          event: 'pulse-end-failed',
          board: this.id,
          channel,
          error: String(error),
        });
      });
    }
  }

  /** Whether the poller should ask this board now (offline boards only when a probe is due). */
  due(at: number): boolean {
    return !this.closed && this.health.due(at);
  }

  /** One poll of the door inputs: a normal read when online, a single-try probe when offline. */
  async poll(master: RtuMaster | undefined, at: number): Promise<void> {
    const { profile, address: unit } = this.settings;
    const offline = this.health.current() === 'offline';
    try {
      if (!master) throw new PostamatError('port-unavailable', `bus of board ${this.id} is down`);
      const answer = await master.transact(
        { fn: 'read-discrete-inputs', unit, address: profile.inputBase, quantity: this.channels },
        offline ? { retries: 0 } : {},
      );
      if (answer.kind !== 'bits') throw new PostamatError('bad-frame', 'read gave no bits');
      this.onAnswer(answer.bits);
    } catch (error) {
      this.onFailure(error, at);
    }
    if (master && this.coilsOffOwed && this.health.current() === 'online')
      await this.switchAllOff(master);
    this.expireWatches();
  }

  /** Best effort: stops at the first coil the board does not confirm, and owes the rest. */
  async switchAllOff(master: RtuMaster): Promise<boolean> {
    try {
      for (let channel = 1; channel <= this.channels; channel++) {
        await this.writeCoil(master, channel, false);
      }
      this.coilsOffOwed = false;
      return true;
    } catch (error) {
      this.wiring.log.warn({ event: 'coils-off-failed', board: this.id, error: String(error) });
      this.coilsOffOwed = true;
      return false;
    }
  }

  private onAnswer(bits: readonly boolean[]): void {
    const invert = this.settings.profile.invertInputs;
    const open = bits.slice(0, this.channels).map((bit) => bit !== invert);
    this.markAlive();
    for (const change of this.doors.sample(open, this.wiring.clock.now())) {
      if (change.state === 'open') this.watch.opened(change.channel);
      const type = change.state === 'open' ? 'door-opened' : 'door-closed';
      this.emit({ type, boardId: this.id, channel: change.channel, at: change.at });
    }
  }

  private markAlive(): void {
    if (this.health.succeeded() !== 'online') return;
    this.wiring.log.info({ event: 'board-online', board: this.id });
    this.emit({ type: 'board-online', boardId: this.id, at: this.wiring.clock.now() });
  }

  private onFailure(error: unknown, at: number): void {
    if (error instanceof PostamatError && error.code === 'exception') {
      // The board is alive but refuses the read (wrong inputBase in the profile?): keep it
      // online so unlocks still work, and let the counters and the log say why.
      this.markAlive();
      this.wiring.log.warn({ event: 'poll-refused', board: this.id, details: error.details });
      return;
    }
    if (this.health.failed(at) === 'offline') {
      this.coilsOffOwed = true;
      this.wiring.log.warn({ event: 'board-offline', board: this.id, error: String(error) });
      this.emit({ type: 'board-offline', boardId: this.id, at: this.wiring.clock.now() });
    }
  }

  private expireWatches(): void {
    for (const channel of this.watch.expire(this.wiring.clock.now())) {
      this.emit({
        type: 'unlock-not-opened',
        boardId: this.id,
        channel,
        at: this.wiring.clock.now(),
      });
    }
  }

  private schedulePulseEnd(channel: number): void {
    clearTimeout(this.pulses.get(channel));
    const timer = setTimeout(() => {
      this.pulses.delete(channel);
      const master = this.wiring.master();
      if (!master) {
        this.coilsOffOwed = true;
        return;
      }
      this.writeCoil(master, channel, false).catch((error: unknown) => {
        // INVARIANT: a coil we could not switch off is owed, and switched off on the next answer.
        this.coilsOffOwed = true;
        this.wiring.log.error({
          event: 'pulse-end-failed',
          board: this.id,
          channel,
          error: String(error),
        });
      });
    }, this.settings.profile.pulseMs);
    this.pulses.set(channel, timer);
  }

  private async writeCoil(master: RtuMaster, channel: number, on: boolean): Promise<void> {
    const address = this.settings.profile.coilBase + channel - 1;
    await master.transact(
      { fn: 'write-single-coil', unit: this.settings.address, address, on },
      { priority: 'urgent' },
    );
  }

  private requireMaster(): RtuMaster {
    const master = this.wiring.master();
    if (!master) throw new PostamatError('port-unavailable', `bus of board ${this.id} is down`);
    return master;
  }

  private emit(event: LockBoardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not stop the polling of the line.
        this.wiring.log.error({
          event: 'listener-failed',
          board: this.id,
          type: event.type,
          error: String(error),
        });
      }
    }
  }
}

const zeroCounters: BoardCounters = Object.freeze({
  framesSent: 0,
  framesReceived: 0,
  crcErrors: 0,
  timeouts: 0,
  retries: 0,
  exceptions: 0,
});
