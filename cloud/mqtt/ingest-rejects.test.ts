import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LockerEvent, topicFor } from '../../protocol/index.ts';
import { rawClient } from './test-support/raw-client.ts';
import { type BrokerMode, SyncWorld } from './test-support/sync-world.ts';
import { waitFor } from './test-support/wait-for.ts';

/**
 * Bad input on the wire, in both broker modes: refused, counted, nothing committed changes, and
 * other lockers keep going. The stores are the in-memory test seams.
 */
describe.each<BrokerMode>(['embedded', 'in-process', 'external'])(
  'ingest refuses bad input (%s broker)',
  (mode) => {
    let world: SyncWorld;

    beforeEach(async () => {
      world = new SyncWorld(mode);
      await world.start();
    });
    afterEach(async () => {
      await world.stop();
    });

    const event = (lockerId: string, seq: number): LockerEvent => ({
      lockerId,
      seq,
      at: 1_700_000_000_000,
      type: 'door.opened',
      body: {},
    });

    it('counts malformed, gapped, misattributed and oversized batches and commits none of them', async () => {
      const good = world.addLocker();
      const bad = world.addLocker();
      good.outbox.appendMany(2_000, 'door.opened');
      good.client.start();

      const intruder = await rawClient(world.brokerUrl(), credentialsFor(bad));
      const events = topicFor(bad.lockerId, 'events', world.prefix);
      const status = topicFor(bad.lockerId, 'status', world.prefix);
      await intruder.publishAsync(events, '{"not": json', { qos: 1 });
      await intruder.publishAsync(
        events,
        JSON.stringify({
          lockerId: bad.lockerId,
          events: [event(bad.lockerId, 1), event(bad.lockerId, 3)],
        }),
        { qos: 1 },
      );
      await intruder.publishAsync(
        events,
        JSON.stringify({ lockerId: good.lockerId, events: [event(good.lockerId, 1)] }),
        { qos: 1 },
      );
      await intruder.publishAsync(
        events,
        JSON.stringify({ lockerId: bad.lockerId, events: [event(bad.lockerId, 5)] }),
        { qos: 1 },
      );
      await waitFor(() => world.counters.gaps === 1, 'the gap counted');
      if (mode === 'external') {
        // Mosquitto passes anything on; the cloud's own checks are what stop it.
        await intruder.publishAsync(status, '{"online": "maybe"}', { qos: 1 });
        await intruder.publishAsync(events, Buffer.alloc(1024 * 1024 + 10, 0x20), { qos: 1 });
        await waitFor(() => world.counters.oversized === 1, 'the oversized batch counted');
      } else {
        // aedes refuses a bad retained status and an oversized payload before anyone sees them,
        // and drops the connection that sent them.
        intruder.publish(status, '{"online": "maybe"}', { qos: 1 });
        await waitFor(() => world.counters.malformed === 3, 'the bad status counted');
        const again = await rawClient(world.brokerUrl(), credentialsFor(bad));
        again.publish(events, Buffer.alloc(1024 * 1024 + 10, 0x20), { qos: 1 });
        await waitFor(() => world.counters.oversized === 1, 'the oversized batch counted');
        again.end(true);
      }
      await waitFor(() => world.counters.malformed === 3, 'three malformed');
      expect(world.counters.foreignTopic).toBe(1);
      expect(world.store.committed(bad.lockerId)).toEqual([]);
      // The good locker's drain was untouched by any of it, and the broker kept serving it.
      await waitFor(() => good.outbox.deliveredSeq() === 2_000, 'the good locker drained');
      expect(world.store.committed(good.lockerId).map((e) => e.seq)).toEqual(
        Array.from({ length: 2_000 }, (_, i) => i + 1),
      );
      intruder.end(true);
    });

    it('a batch that arrives twice or late changes nothing already committed', async () => {
      const locker = world.addLocker();
      locker.outbox.appendMany(10, 'door.opened');
      locker.client.start();
      await waitFor(() => locker.outbox.deliveredSeq() === 10, 'ten delivered');
      const before = world.store.committed(locker.lockerId).map((e) => ({ ...e }));
      const replay = await rawClient(
        world.brokerUrl(),
        credentialsFor(locker, `${locker.lockerId}`),
      );
      const stale = {
        lockerId: locker.lockerId,
        events: [3, 4, 5].map((s) => event(locker.lockerId, s)),
      };
      await replay.publishAsync(
        topicFor(locker.lockerId, 'events', world.prefix),
        JSON.stringify(stale),
        { qos: 1 },
      );
      await waitFor(() => world.counters.duplicateEvents >= 3, 'the duplicates seen');
      expect(world.store.committed(locker.lockerId)).toEqual(before);
      replay.end(true);
    });

    function credentialsFor(
      rig: { lockerId: string; secret: string },
      clientId = `${rig.lockerId}`,
    ) {
      return { clientId, username: rig.lockerId, password: rig.secret };
    }
  },
);
