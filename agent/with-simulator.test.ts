import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../simulator/index.ts';
import { Agent } from './agent.ts';
import type { AgentEvent } from './services/agent-events.ts';
import { TestPaymentProvider } from './services/payment-provider.ts';
import { Store } from './store/store.ts';
import { baseSync, HASH_KEY, LOCKER, parcelSync } from './testing/agent-fixture.ts';

/** The agent against the project's simulator (real timers, short spring and debounce). */
let dir: string;
let sim: SimBoard;
let board: SimulatedLockBoard;
let store: Store;
let agent: Agent;
const seen: AgentEvent[] = [];

function waitFor(pred: (e: AgentEvent) => boolean, timeoutMs = 10_000): Promise<AgentEvent> {
  const hit = seen.find(pred);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('event not seen in time')), timeoutMs);
    const off = agent.subscribe((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-sim-'));
  sim = new SimBoard({ address: 1, channels: 8, springDelayMs: 10 });
  board = new SimulatedLockBoard({
    board: sim,
    busId: 'rs485',
    debounceMs: 5,
    pulseMs: 10,
    openTimeoutMs: 200,
  });
  store = Store.open(join(dir, 'agent.db'), LOCKER, systemClock);
  agent = new Agent({
    lockerId: LOCKER,
    hashKey: HASH_KEY,
    store,
    boards: [board],
    clock: systemClock,
    log: pino({ level: 'silent' }),
    payments: new TestPaymentProvider(),
    doorTimings: { openTimeoutMs: 200, maxAttempts: 2, leftOpenMs: 60_000 },
    tickMs: 20,
  });
  seen.length = 0;
  agent.subscribe((e) => seen.push(e));
  agent.sync.applySync(baseSync());
  agent.start();
});

afterEach(async () => {
  agent.stop();
  await board.close();
  sim.dispose();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('agent with the simulator', () => {
  it('delivery: the door springs open on unlock, the person shuts it, the step is done', async () => {
    agent.sync.applySync(parcelSync(2, 'O1', ['BC-1'], { code: '123456' }));
    const login = agent.courierLogin({ badge: 'B-100', pin: '1234' });
    if (!login.ok) throw new Error(login.code);
    expect(agent.scanParcel(login.session.id, 'BC-1')).toMatchObject({ ok: true, cellId: 'C1' });
    await waitFor((e) => e.type === 'door' && e.door === 'open');
    sim.closeDoor(1);
    await waitFor((e) => e.type === 'step' && e.stepId === 'O1/1');
    expect(agent.orderStatus('O1')).toBe('ready-for-pickup');
    expect(sim.openings()).toHaveLength(1);
  });

  it('a stuck lock: retried once, then out of service, alarm, another cell opens', async () => {
    sim.applyFault({ fault: 'stuck-lock', channel: 1, on: true });
    agent.sync.applySync(parcelSync(2, 'O1', ['BC-1']));
    const login = agent.courierLogin({ badge: 'B-100', pin: '1234' });
    if (!login.ok) throw new Error(login.code);
    agent.scanParcel(login.session.id, 'BC-1');
    const offered = await waitFor((e) => e.type === 'cell-offered');
    expect(offered).toMatchObject({ cellId: 'C2' });
    await waitFor((e) => e.type === 'door' && e.cellId === 'C2' && e.door === 'open');
    expect(agent.cells().find((c) => c.id === 'C1')?.state).toBe('out-of-service');
    expect(store.doorOps.openAlarms().map((a) => a.kind)).toContain('door-did-not-open');
  });

  it('a forced door raises an alarm; a silent board takes its cells offline', async () => {
    sim.forceOpen(5);
    await waitFor((e) => e.type === 'alarm' && e.kind === 'forced-open');
    sim.applyFault({ fault: 'no-answer', on: true });
    await waitFor((e) => e.type === 'alarm' && e.kind === 'board-offline');
  });
});
