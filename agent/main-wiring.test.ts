import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import sinon from 'sinon';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config.ts';
import type { DigitalInputPin, GpioPinConfig } from './drivers/gpio/gpio-signals.ts';
import { startAgent } from './main.ts';
import { eventsOf } from './testing/agent-fixture.ts';

/** startAgent in-process: the GPIO inputs and the cloud link reach the Agent as configured. */
const log = pino({ level: 'silent' });
const dirs: string[] = [];
const running: { stop: () => Promise<void> }[] = [];

afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(extra: Record<string, unknown>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'postamat-wiring-'));
  dirs.push(dataDir);
  return parseAgentConfig({
    lockerId: 'L-wiring',
    hashKey: 'wiring-test-hash-key',
    dataDir,
    boards: { simulated: true, count: 1, channels: 4 },
    timings: { tickMs: 0 },
    logLevel: 'silent',
    ...extra,
  });
}

// A GPIO pin cannot be real in a test: a sinon stub stands in for the hardware, as in
// drivers/gpio/gpio-signals.test.ts.
function stubPins(initial: Record<number, 0 | 1>) {
  const watchers = new Map<number, (error: Error | null | undefined, value: 0 | 1) => void>();
  const made: GpioPinConfig[] = [];
  const factory = (c: GpioPinConfig): DigitalInputPin => {
    made.push(c);
    return {
      readSync: sinon.stub<[], 0 | 1>().returns(initial[c.pin] ?? 0),
      watch: sinon.stub().callsFake((cb) => watchers.set(c.pin, cb)),
      unwatchAll: sinon.stub(),
      unexport: sinon.stub(),
    };
  };
  return { factory, made, level: (pin: number, v: 0 | 1) => watchers.get(pin)?.(null, v) };
}

describe('agent/main.ts wiring', () => {
  it('GPIO: tamper, mains and service door reach the Agent; a lost mains at start is reported', async () => {
    const pins = stubPins({ 17: 0, 22: 1, 27: 0 });
    const cfg = config({
      gpio: { tamper: { pin: 17 }, mains: { pin: 22, activeLow: true }, serviceDoor: { pin: 27 } },
    });
    const a = await startAgent(cfg, log, { pinFactory: pins.factory });
    running.push(a);
    expect(pins.made.map((c) => [c.signal, c.pin, c.activeLow ?? false])).toEqual([
      ['tamper', 17, false],
      ['mains-lost', 22, true],
      ['service-door', 27, false],
    ]);
    const alarms = () => a.store.doorOps.openAlarms().map((x) => x.kind);
    expect(alarms()).toEqual(['mains-power-lost']);
    pins.level(17, 1);
    pins.level(27, 1);
    pins.level(22, 0);
    expect(alarms()).toEqual(['mains-power-lost', 'tamper']);
    expect(eventsOf(a.store, 'input.tamper')).toEqual([{ active: true }]);
    expect(eventsOf(a.store, 'input.service-door')).toEqual([{ active: true }]);
    expect(eventsOf(a.store, 'input.mains-power')).toEqual([{ active: false }, { active: true }]);
  });

  it('a bad GPIO pin in the config is named with its value', () => {
    expect(() => config({ gpio: { tamper: { pin: -1 } } })).toThrow(/gpio\.tamper\.pin: .*-1/);
  });

  it('network: the sync client link shows in the diagnostics; offline by design without sync', async () => {
    const offline = await startAgent(config({}), log);
    running.push(offline);
    expect(offline.agent.networkStatus()).toEqual({
      configured: false,
      outboxDepth: expect.any(Number),
      deliveredSeq: 0,
      lastSeq: offline.store.outbox.lastSeq(),
      syncVersion: 0,
    });
    const cfg = config({
      sync: {
        url: 'mqtt://127.0.0.1:1883',
        secret: 'test-secret',
        topicPrefix: `test-${randomUUID()}`,
      },
    });
    const a = await startAgent(cfg, log);
    running.push(a);
    await expect
      .poll(() => a.agent.networkStatus().connected, { timeout: 20_000, interval: 100 })
      .toBe(true);
    const status = a.agent.networkStatus();
    expect(status).toMatchObject({ configured: true, connects: 1, lastDisconnectedAt: null });
    expect(status.lastConnectedAt).toEqual(expect.any(Number));
    expect(a.agent.diagnostics().network).toMatchObject({ configured: true, connected: true });
  });
});
