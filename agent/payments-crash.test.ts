import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncMessage } from '../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../simulator/index.ts';
import { terminalOnPty } from './drivers/payment-terminal/testing/terminal-on-pty.ts';
import { keyedHasher } from './services/hasher.ts';
import { LAYOUT, LOCKER } from './testing/agent-fixture.ts';
import { AgentProcess, bundleAgentMain } from './testing/agent-process.ts';
import { serveBoard } from './testing/board-bridge.ts';

/**
 * The real agent process, SIGKILLed after the card terminal approved a COD payment and before
 * the agent heard the approval (so before any unlock). The terminal (simulated, on a real pty)
 * and the lock board (the simulator, over the test bridge) live in this process and survive:
 * their own logs prove one charge and one opening after the restart.
 */
const HASH_KEY = 'pay-crash-test-hash-key';
const h = keyedHasher(HASH_KEY);
const LATER = Date.now() + 86_400_000;

/** The layout, a courier, and one COD parcel of 1200 ₽ with pickup code 123456. */
const SYNC: SyncMessage = {
  lockerId: LOCKER,
  kind: 'snapshot',
  version: 1,
  issuedAt: 0,
  layout: LAYOUT,
  credentials: [
    {
      credentialId: 'cr-1',
      role: 'courier',
      holderId: 'courier-1',
      tenantId: 'T1',
      kind: 'badge-pin',
      secretHash: h('courier-badge', 'B-100', '1234'),
      revoked: false,
      validFrom: 0,
      validUntil: LATER,
    },
  ],
  parcels: [
    {
      orderId: 'O1',
      tenantId: 'T1',
      barcodeHash: h('barcode', 'BC-1'),
      size: 'S',
      refrigerated: false,
      storageHours: 72,
      amountDueKopecks: 120_000,
      validFrom: 0,
      validUntil: LATER,
    },
  ],
  codes: [
    {
      orderId: 'O1',
      stepId: 'O1-pickup',
      purpose: 'pickup',
      codeHash: h('pickup-code', '123456'),
      validFrom: 0,
      validUntil: LATER,
    },
  ],
};

let dir: string;
let bundle: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-paycrash-'));
  bundle = bundleAgentMain();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(bundle, { force: true });
});

async function until<T>(
  agent: AgentProcess,
  method: string,
  args: unknown[],
  want: (v: T) => boolean,
) {
  for (let i = 0; i < 500; i++) {
    const v = await agent.call<T>(method, ...args);
    if (want(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${method} never as wanted`);
}

describe('SIGKILL between approval and unlock', () => {
  it('after the restart: exactly one charge and one opening for the paid pickup', async () => {
    const sim = new SimBoard({ address: 1, channels: 8, springDelayMs: 10 });
    const board = new SimulatedLockBoard({
      board: sim,
      busId: 'rs485',
      debounceMs: 5,
      pulseMs: 20,
    });
    // The person shuts each door that sprang open, once its lock coil has let go.
    const coilOn = new Set<number>();
    const wantsClosed = new Set<number>();
    sim.subscribe((e) => {
      if (e.type === 'coil') {
        if (e.on) coilOn.add(e.channel);
        else coilOn.delete(e.channel);
        if (!e.on && wantsClosed.delete(e.channel)) setTimeout(() => sim.closeDoor(e.channel), 20);
      }
      if (e.type === 'door' && e.open) {
        if (coilOn.has(e.channel)) wantsClosed.add(e.channel);
        else setTimeout(() => sim.closeDoor(e.channel), 20);
      }
    });
    const { server, port } = await serveBoard(board);
    const pos = await terminalOnPty();
    pos.terminal.offlineCapable = true; // no cloud configured: the terminal approves on its own
    const configFile = join(dir, 'agent.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        lockerId: LOCKER,
        hashKey: HASH_KEY,
        dataDir: join(dir, 'data'),
        boards: { remoteTest: [{ host: '127.0.0.1', port }] },
        control: 'stdio',
        logLevel: 'error',
        timings: { tickMs: 50 },
        payments: { pos: { port: pos.agentPath, baud: 9600, saleTimeoutMs: 5_000 }, sbp: false },
      }),
    );
    let agent = await AgentProcess.start(bundle, configFile);
    try {
      await agent.call('applySync', SYNC);
      const login = await agent.call<{ session: { id: string } }>('courierLogin', {
        badge: 'B-100',
        pin: '1234',
      });
      await agent.call('scanParcel', login.session.id, 'BC-1');
      await until<string>(agent, 'orderStatus', ['O1'], (s) => s === 'ready-for-pickup');
      expect(await agent.call('enterCode', '123456')).toMatchObject({
        action: 'pay',
        amountKopecks: 120_000,
      });

      // The terminal approves and its answer never reaches the agent: killed right there.
      pos.terminal.mode = 'drop';
      const approved = new Promise((resolve) => pos.terminal.once('approved', resolve));
      const paying = agent.call('payCod', '123456', 'pos').catch((e: Error) => e.message);
      await approved;
      await agent.kill('SIGKILL');
      expect(await paying).toBe('agent exited');
      expect(sim.openings().filter((o) => o.channel === 1)).toHaveLength(1); // the deposit only

      pos.terminal.reconnect();
      pos.terminal.mode = 'approve';
      agent = await AgentProcess.start(bundle, configFile);
      await until<string>(agent, 'orderStatus', ['O1'], (s) => s === 'completed');
      // A second restart finds nothing left to do: no second opening, no second charge.
      await agent.kill('SIGKILL');
      agent = await AgentProcess.start(bundle, configFile);
      await agent.call('recoverPayments');
      expect(await agent.call('enterCode', '123456')).toMatchObject({
        ok: false,
        code: 'code-used',
      });
      await agent.kill('SIGTERM');

      expect(sim.openings().filter((o) => o.channel === 1)).toHaveLength(2);
      expect(pos.terminal.entries()).toEqual([
        expect.objectContaining({ amountKopecks: 120_000, state: 'approved' }),
      ]);
      const db = new Database(join(dir, 'data', 'agent.db'), { readonly: true });
      const types = (
        db.prepare("SELECT type FROM outbox WHERE type LIKE 'payment.%' ORDER BY seq").all() as {
          type: string;
        }[]
      ).map((r) => r.type);
      const collects = db
        .prepare("SELECT COUNT(*) AS n FROM door_ops WHERE step_id = 'O1/2'")
        .get() as { n: number };
      db.close();
      expect(types).toEqual(['payment.started', 'payment.approved']);
      expect(collects.n).toBe(1);
    } finally {
      await agent.kill('SIGKILL');
      await pos.close();
      server.close();
      await board.close();
      sim.dispose();
    }
  }, 120_000);
});
