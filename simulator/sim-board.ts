import type { FaultCommand } from './board-faults.ts';
import { type DoorChange, SimDoor } from './sim-door.ts';
import { Listeners, type SimTimers, systemTimers } from './sim-timers.ts';

export interface SimBoardOptions {
  /** Modbus slave address, 1..247. */
  readonly address: number;
  readonly channels: number;
  /** Coil of channel 1 (0-based protocol address); default 0. */
  readonly coilBase?: number;
  /** Discrete input of channel 1; default 0. */
  readonly inputBase?: number;
  /** Number of plain holding registers (FC 03/06/16); default 16. */
  readonly holdingRegisters?: number;
  readonly springDelayMs?: number;
  readonly flapMs?: number;
  /** For boards that time the pulse themselves. */
  readonly coilAutoOffMs?: number;
  readonly timers?: SimTimers;
}

export interface DoorOpening {
  readonly address: number;
  readonly channel: number;
  readonly at: number;
  readonly cause: 'unlock' | 'forced';
}

export type SimBoardEvent =
  | { readonly type: 'coil'; readonly channel: number; readonly on: boolean; readonly at: number }
  | {
      readonly type: 'door';
      readonly channel: number;
      readonly open: boolean;
      readonly cause: 'unlock' | 'forced' | 'person';
      readonly at: number;
    }
  /** The discrete input (what a master would read) changed. */
  | {
      readonly type: 'sensor';
      readonly channel: number;
      readonly value: boolean;
      readonly at: number;
    }
  | { readonly type: 'answering'; readonly answering: boolean; readonly at: number }
  /** A fault was switched; see `answering()`, `corruptsCrc()`, `slowAnswerMs()`. */
  | { readonly type: 'fault'; readonly command: FaultCommand; readonly at: number };

/**
 * One lock board: coils, door inputs, holding registers, and faults. Channels count from 1.
 * Physical behaviour lives here; the Modbus view of it is in board-modbus.ts.
 */
export class SimBoard {
  readonly address: number;
  readonly channels: number;
  readonly coilBase: number;
  readonly inputBase: number;
  readonly holding: Uint16Array;
  readonly timers: SimTimers;
  private readonly doors: SimDoor[];
  private readonly listeners = new Listeners<SimBoardEvent>();
  private readonly openingLog: DoorOpening[] = [];
  private silent = false;
  private rebootingUntil: (() => void) | undefined;
  private crcCorruption = false;
  private slowMs = 0;
  rebootCount = 0;

  constructor(options: SimBoardOptions) {
    this.address = options.address;
    this.channels = options.channels;
    this.coilBase = options.coilBase ?? 0;
    this.inputBase = options.inputBase ?? 0;
    this.holding = new Uint16Array(options.holdingRegisters ?? 16);
    this.timers = options.timers ?? systemTimers;
    const timing = {
      springDelayMs: options.springDelayMs ?? 300,
      flapMs: options.flapMs ?? 70,
      coilAutoOffMs: options.coilAutoOffMs,
    };
    this.doors = Array.from(
      { length: this.channels },
      (_, i) => new SimDoor(timing, this.timers, (change) => this.onDoorChange(i + 1, change)),
    );
  }

  subscribe(listener: (event: SimBoardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** False while the board is silenced or rebooting: it hears frames but does not answer. */
  answering(): boolean {
    return !this.silent && this.rebootingUntil === undefined;
  }

  corruptsCrc(): boolean {
    return this.crcCorruption;
  }

  slowAnswerMs(): number {
    return this.slowMs;
  }

  door(channel: number): SimDoor {
    const door = this.doors[channel - 1];
    if (!door) throw new RangeError(`board ${this.address} has no channel ${channel}`);
    return door;
  }

  setCoil(channel: number, on: boolean): void {
    this.door(channel).setCoil(on);
  }

  /** A person shuts the door of `channel`. */
  closeDoor(channel: number): void {
    this.door(channel).close();
  }

  forceOpen(channel: number): void {
    this.door(channel).forceOpen();
  }

  isDoorOpen(channel: number): boolean {
    return this.door(channel).open;
  }

  /** Every door opening since start, oldest first. */
  openings(): readonly DoorOpening[] {
    return this.openingLog;
  }

  applyFault(command: FaultCommand): void {
    switch (command.fault) {
      case 'no-answer':
        this.setAnswering(() => {
          this.silent = command.on;
        });
        break;
      case 'crc-corruption':
        this.crcCorruption = command.on;
        break;
      case 'slow-answer':
        this.slowMs = command.ms;
        break;
      case 'stuck-lock':
        this.door(command.channel).setStuck(command.on);
        break;
      case 'broken-sensor':
        this.door(command.channel).setSensor(command.mode);
        break;
      case 'reboot':
        this.reboot(command.silenceMs ?? 1000);
        break;
    }
    this.listeners.emit({ type: 'fault', command, at: this.now() });
  }

  dispose(): void {
    for (const door of this.doors) door.dispose();
    this.rebootingUntil?.();
  }

  private reboot(silenceMs: number): void {
    this.rebootCount++;
    for (const door of this.doors) door.setCoil(false);
    this.holding.fill(0);
    this.rebootingUntil?.();
    this.setAnswering(() => {
      this.rebootingUntil = this.timers.after(silenceMs, () =>
        this.setAnswering(() => {
          this.rebootingUntil = undefined;
        }),
      );
    });
  }

  private setAnswering(change: () => void): void {
    const before = this.answering();
    change();
    const answering = this.answering();
    if (answering !== before) this.listeners.emit({ type: 'answering', answering, at: this.now() });
  }

  private onDoorChange(channel: number, change: DoorChange): void {
    const at = this.now();
    if (change.type === 'door' && change.open && change.cause !== 'person') {
      this.openingLog.push({ address: this.address, channel, at, cause: change.cause });
    }
    this.listeners.emit({ ...change, channel, at });
  }

  private now(): number {
    return this.timers.now();
  }
}
