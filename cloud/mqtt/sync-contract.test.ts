import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Command, encodePayload, topicFor } from '../../protocol/index.ts';
import { rawClient } from './test-support/raw-client.ts';
import { type BrokerMode, SyncWorld } from './test-support/sync-world.ts';
import { waitFor } from './test-support/wait-for.ts';

/**
 * One suite, two brokers: the embedded aedes (port 0) and the external Mosquitto at
 * 127.0.0.1:1883. Real TCP, real MQTT clients; the stores are the in-memory test seams.
 */
describe.each<BrokerMode>(['embedded', 'in-process', 'external'])(
  'sync over MQTT (%s broker)',
  (mode) => {
    let world: SyncWorld;

    beforeEach(async () => {
      world = new SyncWorld(mode);
      await world.start();
    });
    afterEach(async () => {
      await world.stop();
    });

    function committedSeqs(lockerId: string): number[] {
      return world.store.committed(lockerId).map((e) => e.seq);
    }
    const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

    it('delivers events once, in order, and marks them delivered only on the ack', async () => {
      const locker = world.addLocker();
      for (let i = 0; i < 25; i += 1) locker.outbox.append('door.opened', { i });
      locker.client.start();
      await waitFor(() => locker.outbox.deliveredSeq() === 25, 'all 25 delivered');
      expect(committedSeqs(locker.lockerId)).toEqual(oneToN(25));
      // New events while connected trigger a drain without anyone asking.
      locker.outbox.append('door.closed');
      await waitFor(() => locker.outbox.deliveredSeq() === 26, 'the appended event delivered');
      expect(world.store.committed(locker.lockerId)[25]?.type).toBe('door.closed');
    });

    it('partition mid-drain: every event arrives once, in order, while the locker keeps working', async () => {
      const locker = world.addLocker({ drain: { batchSize: 100, maxInFlightEvents: 300 } });
      locker.outbox.appendMany(20_000, 'parcel.deposited');
      locker.client.start();
      await waitFor(() => committedSeqs(locker.lockerId).length >= 300, 'the drain under way');
      await world.partition();
      await waitFor(() => !locker.client.connected(), 'the locker to notice the partition');
      const committedAtCut = committedSeqs(locker.lockerId).length;
      expect(committedAtCut).toBeLessThan(20_000);
      // Residents keep being served: appends commit at once and never wait for the network.
      for (let i = 0; i < 500; i += 1) locker.outbox.append('parcel.collected', { i });
      expect(locker.outbox.lastSeq()).toBe(20_500);
      await world.heal();
      for (let i = 0; i < 100; i += 1) locker.outbox.append('parcel.collected', { late: i });
      await waitFor(() => locker.outbox.deliveredSeq() === 20_600, 'everything delivered', 60_000);
      expect(committedSeqs(locker.lockerId)).toEqual(oneToN(20_600));
      expect(locker.client.counters.connects).toBeGreaterThanOrEqual(2);
    }, 90_000);

    it('a week offline: 100,000 queued events arrive once, in order, and sync data stays current', async () => {
      const locker = world.addLocker();
      // Data pushed ahead before the week offline.
      locker.target.applySync({
        lockerId: locker.lockerId,
        kind: 'snapshot',
        version: 3,
        issuedAt: 1,
      });
      world.buildSync = (lockerId, since) => ({
        lockerId,
        kind: 'delta',
        baseVersion: since,
        version: since + 1,
        issuedAt: Date.now(),
      });
      locker.outbox.appendMany(100_000, 'door.opened');
      locker.client.start();
      await waitFor(() => locker.outbox.deliveredSeq() === 100_000, '100,000 delivered', 120_000);
      const seqs = committedSeqs(locker.lockerId);
      expect(seqs.length).toBe(100_000);
      expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
      await waitFor(() => locker.target.syncVersion() === 4, 'the delta since version 3');
    }, 150_000);

    it('a command past its expiry in cloud time does nothing, even on a locker whose clock is 2 h slow', async () => {
      const slow = { now: () => Date.now() - 2 * 3_600_000 };
      const locker = world.addLocker({ clock: slow });
      locker.client.start();
      await waitFor(() => locker.client.cloudClock.known(), 'cloud time learned');
      const now = Date.now();
      await world.link!.sendCommand(
        remoteOpen(locker.lockerId, 'late-open', now - 3 * 3_600_000, now - 60_000),
      );
      await world.link!.sendCommand(remoteOpen(locker.lockerId, 'fresh-open', now, now + 60_000));
      await waitFor(() => locker.inbox.results.length === 2, 'both commands judged');
      expect(locker.inbox.results.map((r) => [r.commandId, r.outcome])).toEqual([
        ['late-open', 'expired'],
        ['fresh-open', 'applied'],
      ]);
      expect(locker.inbox.applied.map((c) => c.id)).toEqual(['fresh-open']);
      // The refusal is reported to the cloud like any event.
      await waitFor(() => world.store.committed(locker.lockerId).length === 2, 'results reported');
    });

    it('a fresh command is applied on a locker whose clock is 2 h fast', async () => {
      const fast = { now: () => Date.now() + 2 * 3_600_000 };
      const locker = world.addLocker({ clock: fast });
      locker.client.start();
      await waitFor(() => locker.client.cloudClock.known(), 'subscribed and cloud time learned');
      const now = Date.now();
      await world.link!.sendCommand(remoteOpen(locker.lockerId, 'open-1', now, now + 60_000));
      await waitFor(() => locker.inbox.results.length === 1, 'the command judged');
      expect(locker.inbox.results[0]?.outcome).toBe('applied');
    });

    it('a duplicated command is applied once', async () => {
      const locker = world.addLocker();
      locker.client.start();
      await waitFor(() => locker.client.cloudClock.known(), 'subscribed and cloud time learned');
      const now = Date.now();
      const command = remoteOpen(locker.lockerId, 'open-twice', now, now + 60_000);
      await world.link!.sendCommand(command);
      await world.link!.sendCommand(command);
      await waitFor(() => locker.inbox.results.length === 2, 'both copies judged');
      expect(locker.inbox.applied.map((c) => c.id)).toEqual(['open-twice']);
      expect(locker.inbox.results.map((r) => r.outcome)).toEqual(['applied', 'duplicate']);
    });

    it('answers a sync request with a delta, and a locker on another base asks again', async () => {
      const locker = world.addLocker();
      let cloudVersion = 5;
      world.buildSync = (lockerId, since) =>
        since === 0
          ? { lockerId, kind: 'snapshot', version: cloudVersion, issuedAt: Date.now() }
          : {
              lockerId,
              kind: 'delta',
              baseVersion: since,
              version: cloudVersion,
              issuedAt: Date.now(),
            };
      locker.client.start();
      await waitFor(() => locker.target.syncVersion() === 5, 'the first snapshot');
      // The cloud moves on; a delta built on a version the locker never had is refused and re-asked.
      cloudVersion = 9;
      await world.link!.sendSync({
        lockerId: locker.lockerId,
        kind: 'delta',
        baseVersion: 7,
        version: 8,
        issuedAt: Date.now(),
      });
      await waitFor(() => locker.target.syncVersion() === 9, 'the delta from version 5');
      expect(locker.target.appliedMessages.map((m) => [m.kind, m.version])).toEqual([
        ['snapshot', 5],
        ['delta', 9],
      ]);
    });

    it('tracks presence: online with version, outbox depth and boards, offline on goodbye', async () => {
      const locker = world.addLocker({
        statusIntervalMs: 100,
        describe: () => ({
          version: '1.2.3',
          boards: [{ bus: 'rs485-0', address: 1, online: true }],
        }),
      });
      locker.client.start();
      await waitFor(() => world.link!.presence.get(locker.lockerId)?.online === true, 'online');
      const first = world.link!.presence.get(locker.lockerId)!.status;
      expect(first).toMatchObject({ version: '1.2.3', outboxDepth: 0, syncVersion: 0 });
      expect(first.boards).toEqual([{ bus: 'rs485-0', address: 1, online: true }]);
      await waitFor(
        () => world.counters.statusUpdates >= 3,
        'the status refreshed on its interval',
      );
      await locker.client.stop();
      await waitFor(() => world.link!.presence.get(locker.lockerId)?.online === false, 'offline');
    });

    it('the last will marks a locker offline when its connection dies without a goodbye', async () => {
      const locker = world.addLocker();
      const status = topicFor(locker.lockerId, 'status', world.prefix);
      const offline = encodePayload('status', {
        lockerId: locker.lockerId,
        online: false,
        at: Date.now(),
      });
      const online = encodePayload('status', {
        lockerId: locker.lockerId,
        online: true,
        at: Date.now(),
      });
      const client = await rawClient(world.brokerUrl(), {
        clientId: locker.lockerId,
        username: locker.lockerId,
        password: locker.secret,
        will: { topic: status, payload: Buffer.from(offline), qos: 1, retain: true },
      });
      await client.publishAsync(status, online, { qos: 1, retain: true });
      await waitFor(() => world.link!.presence.get(locker.lockerId)?.online === true, 'online');
      client.stream.destroy(); // power cut: no DISCONNECT packet
      await waitFor(
        () => world.link!.presence.get(locker.lockerId)?.online === false,
        'offline by will',
      );
      client.end(true);
    });
  },
);

function remoteOpen(lockerId: string, id: string, issuedAt: number, expiresAt: number): Command {
  return {
    id,
    lockerId,
    issuedAt,
    expiresAt,
    type: 'remote-open',
    body: { cellId: 'A1', reason: 'customer on the phone', operator: 'op-7' },
  };
}
