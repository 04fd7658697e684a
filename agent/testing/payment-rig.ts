import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { SyncMessage } from '../../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../../simulator/index.ts';
import { Agent } from '../agent.ts';
import { DEFAULT_SERIAL } from '../drivers/bus/rtu-timing.ts';
import { serialPortBinding } from '../drivers/bus/serial-port-binding.ts';
import { EcrTerminal } from '../drivers/payment-terminal/ecr-terminal.ts';
import type { SimulatedTerminal } from '../drivers/payment-terminal/testing/simulated-terminal.ts';
import { terminalOnPty } from '../drivers/payment-terminal/testing/terminal-on-pty.ts';
import type { AgentEvent } from '../services/agent-events.ts';
import { TestPaymentProvider } from '../services/payment-provider.ts';
import { Store } from '../store/store.ts';
import { baseSync, HASH_KEY, LOCKER, parcelSync } from './agent-fixture.ts';

/**
 * TEST SUPPORT — one locker for payment flows: the Agent on a real SQLite file, the simulator's
 * lock board (real timers), and the simulated card terminal on a real pty reached through the
 * production ECR driver. The clock runs in real time plus `skip` (to make a rental overdue).
 */
export interface PaymentRig {
  readonly agent: Agent;
  readonly store: Store;
  readonly sim: SimBoard;
  readonly terminal: SimulatedTerminal;
  readonly net: { connected: boolean };
  readonly clock: { skip: number; now(): number };
  /** The first event (since the last `fresh()`) that matches. */
  waitFor(pred: (e: AgentEvent) => boolean, timeoutMs?: number): Promise<AgentEvent>;
  /** Forgets the events seen so far. */
  fresh(): void;
  /** A delivered COD parcel in a cell (deposited by a courier, door shut), code `code`. */
  delivered(orderId: string, code: string, amountDueKopecks: number): Promise<void>;
  close(): Promise<void>;
}

export async function makePaymentRig(opts: { receiptKeyPem?: string } = {}): Promise<PaymentRig> {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-pay-'));
  const sim = new SimBoard({ address: 1, channels: 8, springDelayMs: 10 });
  const board = new SimulatedLockBoard({ board: sim, busId: 'rs485', debounceMs: 5, pulseMs: 10 });
  const clock = { skip: 0, now: () => Date.now() + clock.skip };
  const store = Store.open(join(dir, 'agent.db'), LOCKER, clock);
  const pty = await terminalOnPty();
  const ecr = new EcrTerminal({
    binding: serialPortBinding(pty.agentPath, DEFAULT_SERIAL),
    saleTimeoutMs: 500,
    answerTimeoutMs: 500,
  });
  const net = { connected: true };
  const agent = new Agent({
    lockerId: LOCKER,
    hashKey: HASH_KEY,
    store,
    boards: [board],
    clock,
    log: pino({ level: 'silent' }),
    payments: new TestPaymentProvider(),
    doorTimings: { openTimeoutMs: 300, maxAttempts: 2, leftOpenMs: 60_000 },
    tickMs: 20,
    network: {
      linkState: () => ({
        connected: net.connected,
        lastConnectedAt: null,
        lastDisconnectedAt: null,
        connects: 0,
        connectFailures: 0,
        ackTimeouts: 0,
        inFlight: 0,
      }),
    },
    paymentChannels: { terminal: ecr, sbp: true, sbpTimeoutMs: 60_000 },
    ...(opts.receiptKeyPem ? { receiptKeyPem: opts.receiptKeyPem } : {}),
  });
  const seen: AgentEvent[] = [];
  agent.subscribe((e) => seen.push(e));
  agent.sync.applySync(baseSync());
  agent.start();
  const waitFor = (pred: (e: AgentEvent) => boolean, timeoutMs = 10_000) => {
    const hit = seen.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise<AgentEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event not seen in time')), timeoutMs);
      const off = agent.subscribe((e) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  };
  return {
    agent,
    store,
    sim,
    terminal: pty.terminal,
    net,
    clock,
    waitFor,
    fresh: () => {
      seen.length = 0;
    },
    async delivered(orderId, code, amountDueKopecks) {
      const msg: SyncMessage = parcelSync(
        agent.sync.syncVersion() + 1,
        orderId,
        [`BC-${orderId}`],
        { code },
      );
      const parcels = msg.parcels?.map((p) => ({ ...p, amountDueKopecks }));
      agent.sync.applySync({ ...msg, ...(parcels ? { parcels } : {}) });
      const login = agent.courierLogin({ badge: 'B-100', pin: '1234' });
      if (!login.ok) throw new Error(login.code);
      const scan = agent.scanParcel(login.session.id, `BC-${orderId}`);
      if (!scan.ok) throw new Error(scan.code);
      const channel = Number(scan.cellId.slice(1));
      await waitFor((e) => e.type === 'door' && e.cellId === scan.cellId && e.door === 'open');
      sim.closeDoor(channel);
      await waitFor((e) => e.type === 'step' && e.stepId === `${orderId}/1`);
      seen.length = 0;
    },
    async close() {
      agent.stop();
      await ecr.close();
      await pty.close();
      await board.close();
      sim.dispose();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
