import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSite } from '../cloud/store/site-test-support.ts';
import { sqliteTestStore, type TestStore } from '../cloud/store/test-stores.ts';
import { systemClock } from '../protocol/index.ts';
import { SimBoard, SimulatedLockBoard } from '../simulator/index.ts';
import { Agent } from './agent.ts';
import type { AgentEvent } from './services/agent-events.ts';
import { TestPaymentProvider } from './services/payment-provider.ts';
import { Store } from './store/store.ts';

/**
 * End to end through the simulator: the cloud store plans a courier's route through a closed
 * site (lockers S1, S2, S3; S1 stands at the gate and drives it from relay channel 8), pushes
 * it to three agents on simulated boards, and the agents' events flow back into the cloud.
 */
interface Locker {
  readonly id: string;
  readonly agent: Agent;
  readonly store: Store;
  readonly sim: SimBoard;
  readonly board: SimulatedLockBoard;
  readonly dir: string;
}

let cloud: TestStore;
let seed: Awaited<ReturnType<typeof seedSite>>;
let gateId: string;
const lockers = new Map<string, Locker>();

function openLocker(id: string, hashKey: string): Locker {
  const dir = mkdtempSync(join(tmpdir(), `postamat-site-${id}-`));
  const sim = new SimBoard({ address: 1, channels: 8, springDelayMs: 10 });
  const board = new SimulatedLockBoard({
    board: sim,
    busId: 'rs485',
    debounceMs: 5,
    pulseMs: 10,
    openTimeoutMs: 2000,
  });
  const store = Store.open(join(dir, 'agent.db'), id, systemClock);
  const agent = new Agent({
    lockerId: id,
    hashKey,
    store,
    boards: [board],
    clock: systemClock,
    log: pino({ level: 'silent' }),
    payments: new TestPaymentProvider(),
    doorTimings: { openTimeoutMs: 2000, maxAttempts: 2, leftOpenMs: 60_000 },
    tickMs: 20,
    gates: id === 'S1' ? [{ accessPointId: gateId, boardId: 'rs485:1', channel: 8 }] : [],
    collectAtOnce: 1,
  });
  agent.start();
  return { id, agent, store, sim, board, dir };
}

const L = (id: string) => lockers.get(id) as Locker;

/** The cloud pushes what the locker needs (a snapshot: simplest, and always valid). */
async function sync(id: string): Promise<void> {
  L(id).agent.sync.applySync(await cloud.store.buildSyncMessage(id));
}

/** The locker reports its outbox; the cloud ingests it (what MQTT carries in production). */
async function report(id: string): Promise<void> {
  const { store } = L(id);
  const events = store.outbox.pending(await cloud.store.committedSeq(id), 1000);
  if (events.length > 0) await cloud.store.ingest(id, events, Date.now());
}

function waitFor(id: string, pred: (e: AgentEvent) => boolean, timeoutMs = 10_000) {
  return new Promise<AgentEvent>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id}: event not seen in time`)), timeoutMs);
    const off = L(id).agent.subscribe((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** The door of a cell springs open after the unlock; the person shuts it once it is open. */
async function shutWhenOpen(id: string, cellId: string): Promise<void> {
  const { sim } = L(id);
  const channel = Number(cellId.slice(1));
  if (!sim.isDoorOpen(channel)) {
    await waitFor(id, (e) => e.type === 'door' && e.cellId === cellId && e.door === 'open');
  }
  const closed = waitFor(
    id,
    (e) => e.type === 'door' && e.cellId === cellId && e.door === 'closed',
  );
  sim.closeDoor(channel);
  await closed;
}

async function dailyCode(courierId: string): Promise<string> {
  return (await cloud.store.courierDailyCode(seed.tenantA, courierId, Date.now())).code;
}

beforeAll(async () => {
  cloud = await sqliteTestStore(systemClock);
  seed = await seedSite(cloud.store);
  const gate = await cloud.store.createAccessPoint(seed.operator.id, seed.siteId, {
    name: 'North gate',
    kind: 'gate',
    driver: 'locker-relay',
    lockerId: 'S1',
  });
  gateId = gate.id;
  for (const id of ['S1', 'S2', 'S3']) lockers.set(id, openLocker(id, seed.hashKeys[id] ?? ''));
});

afterAll(async () => {
  for (const l of lockers.values()) {
    l.agent.stop();
    await l.board.close();
    l.sim.dispose();
    l.store.close();
    rmSync(l.dir, { recursive: true, force: true });
  }
  await cloud.dispose();
});

describe('a courier in a closed site', () => {
  const deliveries: Record<string, string> = { S1: 'PKG-S1', S2: 'PKG-S2', S3: 'PKG-S3' };
  const returns: string[] = [];

  it('senders drop two returns at S2 and S3; the cloud learns it from the lockers', async () => {
    for (const [lockerId, barcode] of Object.entries(deliveries)) {
      await cloud.store.createOrder(seed.tenantA, {
        kind: 'delivery',
        lockerId,
        size: 'M',
        barcode,
      });
    }
    for (const lockerId of ['S2', 'S3']) {
      const r = await cloud.store.createOrder(seed.tenantA, {
        kind: 'return',
        lockerId,
        size: 'M',
        barcode: `RET-${lockerId}`,
      });
      returns.push(r.orderId);
      await sync(lockerId);
      const code = r.codes.find((c) => c.purpose === 'return')?.code ?? '';
      const dropped = L(lockerId).agent.enterCode(code);
      if (!dropped.ok) throw new Error(`${lockerId}: ${dropped.code}`);
      await shutWhenOpen(lockerId, dropped.cellIds[0] ?? '');
      await report(lockerId);
    }
    for (const id of returns) {
      expect((await cloud.store.getOrder(id))?.status).toBe('deposited');
    }
  });

  it('the manifest lists per locker what to deposit and what to collect', async () => {
    const m = await cloud.store.createManifest(seed.tenantA, {
      courierId: seed.courierId,
      stops: [{ lockerId: 'S1' }, { lockerId: 'S2' }, { lockerId: 'S3' }],
    });
    expect(m.stops.map((s) => [s.lockerId, s.deposit.length, s.collect.length])).toEqual([
      ['S1', 1, 0],
      ['S2', 1, 1],
      ['S3', 1, 1],
    ]);
    for (const id of ['S1', 'S2', 'S3']) await sync(id);
  });

  it('lets the courier through the gate; refuses a courier without work in the site', async () => {
    const gate = L('S1');
    const pulsed: number[] = [];
    const off = gate.sim.subscribe((e) => {
      if (e.type === 'coil' && e.on) pulsed.push(e.channel);
    });
    const entered = await gate.agent.gateEnter({
      accessPointId: gateId,
      code: await dailyCode(seed.courierId),
    });
    expect(entered).toMatchObject({ ok: true, holderId: seed.courierId });
    // unlock() resolved: the relay's coil is on.
    expect(pulsed).toEqual([8]);
    const idle = await gate.agent.gateEnter({
      accessPointId: gateId,
      code: await dailyCode(seed.idleCourierId),
    });
    expect(idle).toMatchObject({ ok: false, code: 'not-authorized' });
    expect(pulsed).toEqual([8]);
    off();
    await report('S1');
    const log = await cloud.store.sitePassages(seed.siteId);
    expect(log.map((p) => [p.courierId, p.outcome])).toEqual([
      [seed.courierId, 'allowed'],
      [seed.idleCourierId, 'refused'],
    ]);
  });

  it('loads every parcel with one login per locker; a parcel of another stop is named', async () => {
    const code = await dailyCode(seed.courierId);
    for (const [lockerId, barcode] of Object.entries(deliveries)) {
      const login = L(lockerId).agent.courierLogin({ pin: code });
      if (!login.ok) throw new Error(`${lockerId}: ${login.code}`);
      const other = lockerId === 'S1' ? 'PKG-S2' : 'PKG-S1';
      expect(L(lockerId).agent.scanParcel(login.session.id, other)).toMatchObject({
        ok: false,
        code: 'parcel-for-other-locker',
      });
      const scan = L(lockerId).agent.scanParcel(login.session.id, barcode);
      if (!scan.ok) throw new Error(`${lockerId}: ${scan.code}`);
      await shutWhenOpen(lockerId, scan.cellId);
      await report(lockerId);
    }
    const m = (await cloud.store.listManifests(seed.tenantA))[0];
    const now = await cloud.store.manifest(seed.tenantA, m?.id ?? '');
    expect(now.stops.flatMap((s) => s.deposit)).toEqual([]);
  });

  it('collects the two returns, one door at a time, each confirmed by its sensor', async () => {
    const code = await dailyCode(seed.courierId);
    for (const lockerId of ['S2', 'S3']) {
      const login = L(lockerId).agent.courierLogin({ pin: code });
      if (!login.ok) throw new Error(login.code);
      const started = L(lockerId).agent.courierCollectAll(login.session.id);
      if (!started.ok) throw new Error(started.code);
      const [cellId] = started.batch.progress().opened;
      await shutWhenOpen(lockerId, cellId ?? '');
      expect(await started.batch.done()).toMatchObject({
        done: true,
        confirmed: [cellId],
        failed: [],
      });
      await report(lockerId);
    }
    for (const id of returns) {
      expect((await cloud.store.getOrder(id))?.status).toBe('completed');
    }
  });

  it('a revoked courier is refused at the locker while it is offline', async () => {
    const code = await dailyCode(seed.courierId);
    await cloud.store.deactivateCourier(seed.tenantA, seed.courierId);
    await sync('S2');
    // From here S2 hears nothing from the cloud: it decides alone.
    expect(L('S2').agent.courierLogin({ pin: code })).toMatchObject({
      ok: false,
      code: 'not-authorized',
    });
  });
});
