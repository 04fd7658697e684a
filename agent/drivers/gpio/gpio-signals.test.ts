import { pino } from 'pino';
import sinon from 'sinon';
import { describe, expect, it } from 'vitest';
import {
  type DigitalInputPin,
  type GpioEvent,
  type GpioPinConfig,
  GpioSignals,
} from './gpio-signals.ts';

// A GPIO pin cannot be real in a test: this is the one place a sinon stub stands in for hardware.
function stubPin(initial: 0 | 1) {
  let watcher: ((error: Error | null | undefined, value: 0 | 1) => void) | undefined;
  const pin = {
    readSync: sinon.stub<[], 0 | 1>().returns(initial),
    watch: sinon.stub().callsFake((cb: typeof watcher) => {
      watcher = cb;
    }),
    unwatchAll: sinon.stub(),
    unexport: sinon.stub(),
  } satisfies DigitalInputPin;
  return { pin, level: (value: 0 | 1, error?: Error) => watcher?.(error ?? null, value) };
}

const clock = { now: () => 1_700_000_000_000 };
const log = pino({ level: 'silent' });
const configs: GpioPinConfig[] = [
  { signal: 'tamper', pin: 17 },
  { signal: 'service-door', pin: 27, activeLow: true },
  { signal: 'mains-lost', pin: 22 },
];

function setup() {
  const stubs = new Map([
    [17, stubPin(0)],
    [27, stubPin(1)],
    [22, stubPin(0)],
  ]);
  const made: GpioPinConfig[] = [];
  const signals = new GpioSignals(
    configs,
    (config) => {
      made.push(config);
      return stubs.get(config.pin)!.pin;
    },
    clock,
    log,
  );
  const events: GpioEvent[] = [];
  signals.subscribe((e) => events.push(e));
  return { signals, stubs, events, made };
}

describe('GPIO signals', () => {
  it('reads every pin at start, passing activeLow to the pin', () => {
    const { signals, made } = setup();
    expect(signals.isActive('tamper')).toBe(false);
    expect(signals.isActive('service-door')).toBe(true);
    expect(signals.isActive('mains-lost')).toBe(false);
    expect(made.find((c) => c.pin === 27)?.activeLow).toBe(true);
  });

  it('reports a change with its time, once per change', () => {
    const { signals, stubs, events } = setup();
    stubs.get(22)!.level(1);
    stubs.get(22)!.level(1);
    stubs.get(17)!.level(1);
    stubs.get(17)!.level(0);
    expect(events).toEqual([
      { signal: 'mains-lost', active: true, at: clock.now() },
      { signal: 'tamper', active: true, at: clock.now() },
      { signal: 'tamper', active: false, at: clock.now() },
    ]);
    expect(signals.isActive('mains-lost')).toBe(true);
  });

  it('a watcher error changes nothing', () => {
    const { signals, stubs, events } = setup();
    stubs.get(17)!.level(1, new Error('EIO'));
    expect(events).toEqual([]);
    expect(signals.isActive('tamper')).toBe(false);
  });

  it('close releases every pin', () => {
    const { signals, stubs } = setup();
    signals.close();
    for (const { pin } of stubs.values()) {
      expect(pin.unwatchAll.calledOnce).toBe(true);
      expect(pin.unexport.calledOnce).toBe(true);
    }
  });
});
