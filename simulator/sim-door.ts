import type { SensorFault } from './board-faults.ts';
import type { SimTimers } from './sim-timers.ts';

export interface DoorTiming {
  /** From the latch releasing to the door standing open (spring). */
  readonly springDelayMs: number;
  /** Period of a flapping sensor. */
  readonly flapMs: number;
  /** Boards that time the pulse themselves switch the coil off after this; undefined = never. */
  readonly coilAutoOffMs: number | undefined;
}

export type DoorChange =
  | { readonly type: 'coil'; readonly on: boolean }
  | {
      readonly type: 'door';
      readonly open: boolean;
      readonly cause: 'unlock' | 'forced' | 'person';
    }
  | { readonly type: 'sensor'; readonly value: boolean };

/**
 * One channel: a latch lock driven by a coil, a spring-loaded door, and the door's sensor.
 * The latch releases on the coil's rising edge, so the door springs open even when the pulse is
 * shorter than the spring; while the coil stays on, a closed door does not latch and springs again.
 */
export class SimDoor {
  private coilOn = false;
  private doorOpen = false;
  private stuck = false;
  private sensor: SensorFault = 'ok';
  private flapHigh = false;
  private cancelSpring: (() => void) | undefined;
  private cancelAutoOff: (() => void) | undefined;
  private cancelFlap: (() => void) | undefined;

  constructor(
    private readonly timing: DoorTiming,
    private readonly timers: SimTimers,
    private readonly notify: (change: DoorChange) => void,
  ) {}

  get coil(): boolean {
    return this.coilOn;
  }

  get open(): boolean {
    return this.doorOpen;
  }

  /** What the board's discrete input reads: 1 = open, unless the sensor is broken. */
  reading(): boolean {
    if (this.sensor === 'always-open') return true;
    if (this.sensor === 'always-closed') return false;
    if (this.sensor === 'flapping') return this.flapHigh;
    return this.doorOpen;
  }

  setCoil(on: boolean): void {
    if (on === this.coilOn) return;
    this.coilOn = on;
    this.notify({ type: 'coil', on });
    this.cancelAutoOff?.();
    this.cancelAutoOff = undefined;
    if (!on) return;
    this.scheduleSpring();
    if (this.timing.coilAutoOffMs !== undefined) {
      this.cancelAutoOff = this.timers.after(this.timing.coilAutoOffMs, () => this.setCoil(false));
    }
  }

  /** A person pushes the door shut. */
  close(): void {
    if (!this.doorOpen) return;
    this.sensed(() => {
      this.doorOpen = false;
    });
    this.notify({ type: 'door', open: false, cause: 'person' });
    if (this.coilOn) this.scheduleSpring();
  }

  /** The door is opened without an unlock (a key, a crowbar). */
  forceOpen(): void {
    this.openNow('forced');
  }

  setStuck(on: boolean): void {
    this.stuck = on;
    if (on) this.stopSpring();
  }

  setSensor(mode: SensorFault): void {
    this.cancelFlap?.();
    this.cancelFlap = undefined;
    this.sensed(() => {
      this.sensor = mode;
      this.flapHigh = !this.doorOpen;
    });
    if (mode === 'flapping') this.flap();
  }

  dispose(): void {
    this.stopSpring();
    this.cancelAutoOff?.();
    this.cancelFlap?.();
  }

  private flap(): void {
    this.cancelFlap = this.timers.after(this.timing.flapMs, () => {
      this.sensed(() => {
        this.flapHigh = !this.flapHigh;
      });
      this.flap();
    });
  }

  private scheduleSpring(): void {
    if (this.stuck || this.doorOpen || this.cancelSpring) return;
    this.cancelSpring = this.timers.after(this.timing.springDelayMs, () => {
      this.cancelSpring = undefined;
      if (!this.stuck) this.openNow('unlock');
    });
  }

  private stopSpring(): void {
    this.cancelSpring?.();
    this.cancelSpring = undefined;
  }

  private openNow(cause: 'unlock' | 'forced'): void {
    if (this.doorOpen) return;
    this.stopSpring();
    this.sensed(() => {
      this.doorOpen = true;
    });
    this.notify({ type: 'door', open: true, cause });
  }

  /** Runs a change and reports the sensor's new reading if it moved. */
  private sensed(change: () => void): void {
    const before = this.reading();
    change();
    const after = this.reading();
    if (after !== before) this.notify({ type: 'sensor', value: after });
  }
}
