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
 * A locker's broker session outlives its configuration: resumed (clean: false), it still holds
 * subscriptions and queued messages of an earlier topic tree. An ack from there must not mark
 * events delivered that this cloud never committed.
 */
describe('LockerSyncClient on a resumed session (Mosquitto)', () => {
  it('ignores an ack queued on another topic tree', async () => {
    const run = randomBytes(4).toString('hex');
    const lockerId = `L-foreign-${run}`;
    const oldPrefix = `postamat-old-${run}/lockers`;
    const newPrefix = `postamat-new-${run}/lockers`;
    const session = await rawClient(MOSQUITTO, { clientId: lockerId, clean: false });
    await session.subscribeAsync(topicFor(lockerId, 'acks', oldPrefix), { qos: 1 });
    await session.endAsync();
    const cloud = await rawClient(MOSQUITTO, { clientId: `cloud-${run}` });
    const ack = (committedSeq: number) =>
      encodePayload('acks', { lockerId, committedSeq, at: Date.now() });
    await cloud.publishAsync(topicFor(lockerId, 'acks', oldPrefix), ack(3), { qos: 1 });

    const outbox = new InMemoryOutbox(lockerId, systemClock);
    for (let i = 0; i < 3; i++) outbox.append('door.opened');
    const client = new LockerSyncClient({
      url: MOSQUITTO,
      lockerId,
      secret: 'unused-by-anonymous-mosquitto',
      topicPrefix: newPrefix,
      outbox,
      inbox: new InMemoryCommandInbox(outbox),
      syncTarget: new InMemorySyncTarget(),
      clock: systemClock,
      random: Math.random,
      logger: pino({ level: 'silent' }),
    });
    try {
      client.start();
      await waitFor(() => client.counters.connects > 0, 'the locker connected');
      // The real cloud's ack on the locker's own topic; the queued old one came before it.
      await waitFor(async () => {
        await cloud.publishAsync(topicFor(lockerId, 'acks', newPrefix), ack(1), { qos: 1 });
        return outbox.deliveredSeq() >= 1;
      }, 'the own ack applied');
      expect(outbox.deliveredSeq()).toBe(1);
    } finally {
      await client.stop();
      await cloud.endAsync();
      // Leave no persistent session behind on the shared broker.
      await (await rawClient(MOSQUITTO, { clientId: lockerId, clean: true })).endAsync();
    }
  });
});
