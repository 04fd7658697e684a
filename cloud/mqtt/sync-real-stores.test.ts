import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../protocol/index.ts';
import { TEST_ENGINES, type TestStore } from '../store/test-stores.ts';
import { RealStoreRig } from './test-support/real-store-rig.ts';
import type { BrokerMode } from './test-support/sync-world.ts';
import { waitFor } from './test-support/wait-for.ts';

/**
 * End to end on the real stores: the agent's SQLite store, outbox, command inbox and sync target;
 * the cloud store on SQLite and on PostgreSQL; both broker modes. The locker's clock is frozen
 * hours away from the cloud's.
 */
const MODES: Exclude<BrokerMode, 'in-process'>[] = ['embedded', 'external'];
const CASES = MODES.flatMap((mode) => TEST_ENGINES.map((e) => [mode, e.engine, e.open] as const));

describe.each(CASES)('sync end to end (%s broker, %s cloud store)', (mode, _engine, open) => {
  let cloud: TestStore | undefined;
  let rig: RealStoreRig | undefined;

  afterEach(async () => {
    await rig?.stop();
    await cloud?.dispose();
    rig = undefined;
    cloud = undefined;
  });

  async function startRig(): Promise<RealStoreRig> {
    cloud = await open();
    rig = new RealStoreRig(mode, cloud.store);
    await rig.start();
    return rig;
  }

  it('drains through a partition: every event committed once, in order, while the locker kept working', async () => {
    const r = await startRig();
    r.emit(3_000);
    r.client.start();
    await waitFor(async () => (await r.cloud.committedSeq(r.lockerId)) > 0, 'the drain under way');
    await r.partition();
    await waitFor(() => !r.client.connected(), 'the locker to notice');
    r.emit(200, 'kiosk.offline-touch'); // residents served while the network is down
    await r.heal();
    r.emit(50);
    const last = r.lastSeq();
    // 3,250 of ours, plus whatever the agent itself reported (its start, for one).
    expect(last).toBeGreaterThanOrEqual(3_250);
    await waitFor(() => r.agentStore.outbox.deliveredSeq() === last, 'all delivered', 60_000);
    expect(await r.cloud.committedSeq(r.lockerId)).toBe(last);
  }, 90_000);

  it('judges commands in cloud time on a locker clock hours off: expired does nothing, a duplicate applies once', async () => {
    const r = await startRig();
    r.client.start();
    await waitFor(() => r.client.cloudClock.known(), 'cloud time learned');
    const now = Date.now();
    const setService = (id: string, issuedAt: number, expiresAt: number): Command => ({
      id,
      lockerId: r.lockerId,
      issuedAt,
      expiresAt,
      type: 'set-cell-service',
      body: { cellId: 'C1', inService: false, reason: 'door sticks' },
    });
    await r.link.sendCommand(setService('late', now - 3_600_000, now - 60_000));
    await r.link.sendCommand(setService('fresh', now, now + 600_000));
    await r.link.sendCommand(setService('fresh', now, now + 600_000));
    await waitFor(async () => (await r.cloud.committedSeq(r.lockerId)) >= 3, 'results committed');
    await waitFor(() => r.client.counters.commandsHandled === 3, 'all three copies judged');
    await waitFor(() => r.agentStore.outbox.depth() === 0, 'results delivered');
    // The real inbox reports a duplicate to nobody: it was reported when first applied.
    expect(outcomesOf(r)).toEqual(['expired', 'applied']);
  });

  it('a live status brings the locker up to the cloud sync version', async () => {
    const r = await startRig();
    // The cloud changes what the locker must know while the locker is away.
    await r.cloud.setCellService(r.lockerId, 'S1', false);
    const cloudVersion = (await r.cloud.buildSyncMessage(r.lockerId)).version;
    r.client.start();
    await waitFor(
      () => r.agent.sync.syncVersion() === cloudVersion,
      'the locker at the cloud version',
    );
  });
});

/** The command results as the agent emitted them, in seq order. */
function outcomesOf(r: RealStoreRig): unknown[] {
  const db = r.agentStore.db;
  return db
    .prepare<[], { body: string }>(
      "SELECT body FROM outbox WHERE type = 'command.result' ORDER BY seq",
    )
    .all()
    .map((row) => (JSON.parse(row.body) as { outcome: unknown }).outcome);
}
