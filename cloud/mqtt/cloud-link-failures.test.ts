import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePayload, systemClock, topicFor } from '../../protocol/index.ts';
import { CloudLink } from './cloud-link.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
import { createMqttCounters, type MqttCounters } from './mqtt-counters.ts';
import {
  InMemoryEventIngestStore,
  InMemoryLockerCredentialStore,
} from './test-support/in-memory-cloud-ports.ts';
import { rawClient } from './test-support/raw-client.ts';
import { waitFor } from './test-support/wait-for.ts';

const logger = pino({ level: 'silent' });
const internal = { username: 'cloud', password: 'cloud-password' };

/** A failing handler or a publish on a closing link is counted, never an unhandled rejection. */
describe('CloudLink failures', () => {
  let broker: EmbeddedBroker;
  let counters: MqttCounters;
  let link: CloudLink;

  beforeEach(async () => {
    counters = createMqttCounters();
    const credentials = new InMemoryLockerCredentialStore();
    credentials.add('L1', 'secret-1');
    broker = await startEmbeddedBroker({ port: 0, credentials, internal, counters, logger });
    link = await CloudLink.connect({
      url: broker.url,
      mode: 'embedded',
      ...internal,
      store: new InMemoryEventIngestStore(),
      clock: systemClock,
      counters,
      logger,
    });
  });
  afterEach(async () => {
    await link.close();
    await broker.close();
  });

  it('counts a presence listener that throws and keeps handling that locker', async () => {
    link.presence.onChange(() => {
      throw new Error('listener bug');
    });
    const locker = await rawClient(broker.url, {
      clientId: 'L1',
      username: 'L1',
      password: 'secret-1',
      protocolVersion: 4,
    });
    try {
      const status = { lockerId: 'L1', online: true, at: Date.now(), syncVersion: 0 };
      await locker.publishAsync(topicFor('L1', 'status'), encodePayload('status', status), {
        qos: 1,
      });
      await waitFor(() => counters.ingestErrors === 1, 'the failure counted');
      await locker.publishAsync(topicFor('L1', 'status'), encodePayload('status', status), {
        qos: 1,
      });
      await waitFor(() => counters.ingestErrors === 2, 'the next message handled too');
      expect(link.connected()).toBe(true);
    } finally {
      await locker.endAsync();
    }
  });

  it('reports the link down once the broker is gone', async () => {
    expect(link.connected()).toBe(true);
    await broker.close();
    await waitFor(() => !link.connected(), 'the link down');
  });
});
