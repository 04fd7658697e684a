import type { Logger } from 'pino';
import type { Clock } from '../../../protocol/clock.ts';
import { PostamatError } from '../../../protocol/errors.ts';

/** The locker's own switches, next to the lock boards: cabinet tamper, service door, mains. */
export type GpioSignal = 'tamper' | 'service-door' | 'mains-lost';

export interface GpioPinConfig {
  readonly signal: GpioSignal;
  /** Linux GPIO number. */
  readonly pin: number;
  /** The contact pulls the line low when the signal is active. */
  readonly activeLow?: boolean;
  /** Contact bounce filter in the kernel driver's watcher (onoff `debounceTimeout`). */
  readonly debounceMs?: number;
}

export interface GpioEvent {
  readonly signal: GpioSignal;
  readonly active: boolean;
  readonly at: number;
}

export interface SignalInputs {
  /** Current level, read at start and kept up to date by the watcher. */
  isActive(signal: GpioSignal): boolean | undefined;
  subscribe(listener: (event: GpioEvent) => void): () => void;
  close(): void;
}

/** The slice of onoff's Gpio we use: the seam where a test puts a stub instead of a pin. */
export interface DigitalInputPin {
  readSync(): 0 | 1;
  watch(callback: (error: Error | null | undefined, value: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export type PinFactory = (config: GpioPinConfig) => DigitalInputPin;

/** Real pins through onoff (sysfs GPIO); throws `port-unavailable` where there are none. */
export async function onoffPinFactory(): Promise<PinFactory> {
  const { Gpio } = await import('onoff');
  if (!Gpio.accessible) {
    throw new PostamatError(
      'port-unavailable',
      'GPIO is not accessible on this machine (no /sys/class/gpio?)',
    );
  }
  return (config) =>
    new Gpio(config.pin, 'in', 'both', {
      activeLow: config.activeLow ?? false,
      debounceTimeout: config.debounceMs ?? 20,
    });
}

export class GpioSignals implements SignalInputs {
  private readonly pins = new Map<GpioSignal, DigitalInputPin>();
  private readonly levels = new Map<GpioSignal, boolean>();
  private readonly listeners = new Set<(event: GpioEvent) => void>();

  constructor(
    configs: readonly GpioPinConfig[],
    makePin: PinFactory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    for (const config of configs) this.attach(config, makePin(config));
  }

  isActive(signal: GpioSignal): boolean | undefined {
    return this.levels.get(signal);
  }

  subscribe(listener: (event: GpioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const pin of this.pins.values()) {
      pin.unwatchAll();
      pin.unexport();
    }
    this.pins.clear();
    this.listeners.clear();
  }

  private attach(config: GpioPinConfig, pin: DigitalInputPin): void {
    this.pins.set(config.signal, pin);
    this.levels.set(config.signal, pin.readSync() === 1);
    pin.watch((error, value) => {
      if (error) {
        this.log.error({ event: 'gpio-error', signal: config.signal, error: String(error) });
        return;
      }
      const active = value === 1;
      if (this.levels.get(config.signal) === active) return;
      this.levels.set(config.signal, active);
      this.log.info({ event: 'gpio-change', signal: config.signal, active });
      const event = { signal: config.signal, active, at: this.clock.now() };
      for (const listener of this.listeners) listener(event);
    });
  }
}
