import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../../cloud/mqtt/test-support/raw-client.ts';
import { waitFor } from '../../cloud/mqtt/test-support/wait-for.ts';
import { encodePayload, systemClock, topicFor } from '../../protocol/index.ts';
import { LockerSyncClient } from './locker-sync-client.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from './test-support/in-memory-agent-ports.ts';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';

/**
 * A batch lost on the way (sent before a restarted cloud had subscribed) is resent after the ack
 * timeout, even while the cloud keeps answering the locker's statuses with acks that make no
 * progress: only progress holds the timer off. Found by the fleet simulator (simulator/fleet/).
 */
describe('LockerSyncClient ack timeout (Mosquitto)', () => {
  it('resends a lost batch although acks without progress keep arriving', async () => {
    const run = randomBytes(4).toString('hex');
    const lockerId = `L-ackto-${run}`;
    const prefix = `postamat-ackto-${run}/lockers`;
    const cloud = await rawClient(MOSQUITTO, { clientId: `cloud-${run}` });
    let batches = 0;
    cloud.on('message', () => {
      batches += 1;
    });
    await cloud.subscribeAsync(topicFor(lockerId, 'events', prefix), { qos: 1 });
    const outbox = new InMemoryOutbox(lockerId, systemClock);
    for (let i = 0; i < 3; i++) outbox.append('door.opened');
    const client = new LockerSyncClient({
      url: MOSQUITTO,
      lockerId,
      secret: 'unused-by-anonymous-mosquitto',
      topicPrefix: prefix,
      outbox,
      inbox: new InMemoryCommandInbox(outbox),
      syncTarget: new InMemorySyncTarget(),
      clock: systemClock,
      random: Math.random,
      ackTimeoutMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    // The cloud "has committed nothing" and says so every 100 ms, as status answers would.
    const nothing = encodePayload('acks', { lockerId, committedSeq: 0, at: Date.now() });
    const acks = setInterval(
      () => void cloud.publishAsync(topicFor(lockerId, 'acks', prefix), nothing, { qos: 1 }),
      100,
    );
    try {
      client.start();
      await waitFor(() => batches >= 1, 'the first batch (which the cloud drops)');
      await waitFor(() => batches >= 2, 'the batch sent again', 20_000);
      expect(client.counters.ackTimeouts).toBeGreaterThanOrEqual(1);
      expect(outbox.deliveredSeq()).toBe(0);
    } finally {
      clearInterval(acks);
      await client.stop();
      await cloud.endAsync();
      await (await rawClient(MOSQUITTO, { clientId: lockerId, clean: true })).endAsync();
    }
  }, 30_000);
});
