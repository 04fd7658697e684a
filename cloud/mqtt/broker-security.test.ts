import { createConnection } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockerSyncClient } from '../../agent/sync/locker-sync-client.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from '../../agent/sync/test-support/in-memory-agent-ports.ts';
import { topicFor } from '../../protocol/index.ts';
import { CloudLink } from './cloud-link.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { createMqttCounters } from './mqtt-counters.ts';
import {
  InMemoryEventIngestStore,
  InMemoryLockerCredentialStore,
} from './test-support/in-memory-cloud-ports.ts';
import { closed, rawClient } from './test-support/raw-client.ts';
import { SyncWorld } from './test-support/sync-world.ts';
import { makeThrowawayCert } from './test-support/throwaway-cert.ts';
import { waitFor } from './test-support/wait-for.ts';

const login = (lockerId: string, secret: string, clientId = lockerId) => ({
  clientId,
  username: lockerId,
  password: secret,
});

/** The QoS codes in a SUBACK; mqtt.js rejects when any is a failure, with the packet attached. */
async function grantedCodes(promise: Promise<unknown>): Promise<number[]> {
  try {
    const granted = (await promise) as { qos: number }[];
    return granted.map((g) => g.qos);
  } catch (error) {
    return (error as { packet: { granted: number[] } }).packet.granted;
  }
}

/**
 * What the embedded broker enforces itself. With an external broker the same rules belong in its
 * own configuration (see cloud/mqtt/README.md for a Mosquitto ACL); the cloud cannot enforce them.
 */
describe('embedded broker: per-locker credentials and topics', () => {
  let world: SyncWorld;

  beforeEach(async () => {
    world = new SyncWorld('embedded');
    await world.start();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('refuses a wrong secret, another locker id with a stolen secret, and a borrowed client id', async () => {
    const a = world.addLocker();
    const b = world.addLocker();
    await expect(rawClient(world.brokerUrl(), login(a.lockerId, 'guess'))).rejects.toThrow();
    await expect(rawClient(world.brokerUrl(), login(a.lockerId, b.secret))).rejects.toThrow();
    // B's own credentials, but A's client id: that would take over A's session and its commands.
    await expect(
      rawClient(world.brokerUrl(), login(b.lockerId, b.secret, a.lockerId)),
    ).rejects.toThrow();
    expect(world.counters.authFailures).toBe(3);
  });

  it("a locker with its own credentials cannot read or write another locker's topics", async () => {
    const a = world.addLocker();
    const b = world.addLocker();
    a.client.start();
    await waitFor(() => a.client.cloudClock.known(), 'A connected');
    const thief = await rawClient(world.brokerUrl(), login(b.lockerId, b.secret));
    const granted = await grantedCodes(
      thief.subscribeAsync([
        topicFor(a.lockerId, 'commands'),
        topicFor(a.lockerId, 'acks'),
        topicFor(a.lockerId, 'sync'),
        'postamat/v1/lockers/+/commands',
        '#',
      ]),
    );
    expect(granted).toEqual([128, 128, 128, 128, 128]);
    let seen = 0;
    thief.on('message', () => (seen += 1));
    const now = Date.now();
    await world.link!.sendCommand({
      id: 'c1',
      lockerId: a.lockerId,
      issuedAt: now,
      expiresAt: now + 60_000,
      type: 'refresh-sync',
      body: {},
    });
    await waitFor(() => a.inbox.results.length === 1, "A's command reached A");
    expect(seen).toBe(0);

    // Writing A's events as B: the broker drops the connection and nothing is committed.
    const batch = {
      lockerId: a.lockerId,
      events: [{ lockerId: a.lockerId, seq: 1, at: 1, type: 'door.opened', body: {} }],
    };
    thief.publish(topicFor(a.lockerId, 'events'), JSON.stringify(batch), { qos: 1 });
    await closed(thief);
    expect(world.counters.publishDenied).toBe(1);
    expect(world.counters.subscribeDenied).toBe(5);
    // A's only committed event is its own command result.
    await waitFor(() => world.store.committed(a.lockerId).length === 1, "A's own result");
    expect(world.store.committed(a.lockerId)[0]?.type).toBe('command.result');
  });

  it('a revoked locker is disconnected and refused from then on', async () => {
    const a = world.addLocker();
    a.client.start();
    await waitFor(() => a.client.connected(), 'A connected');
    world.broker!.revoke(a.lockerId);
    await waitFor(() => !a.client.connected(), 'A disconnected');
    await waitFor(() => world.counters.revokedRefused >= 2, 'reconnects refused');
    expect(a.client.connected()).toBe(false);
    await expect(rawClient(world.brokerUrl(), login(a.lockerId, a.secret))).rejects.toThrow();
  });
});

describe('embedded broker over TLS', () => {
  it('serves mqtts with a certificate from files; the cloud and a locker sync through it', async () => {
    const cert = makeThrowawayCert();
    const logger = pino({ level: 'silent' });
    const counters = createMqttCounters();
    const credentials = new InMemoryLockerCredentialStore();
    const store = new InMemoryEventIngestStore();
    const internal = { username: 'cloud-internal', password: 'internal-secret' };
    const broker = await startEmbeddedBroker({
      port: 0,
      tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      credentials,
      internal,
      counters,
      logger,
    });
    const clock = { now: () => Date.now() };
    const link = await CloudLink.connect({
      url: broker.url,
      mode: 'embedded',
      ...internal,
      tls: { ca: cert.ca },
      store,
      clock,
      counters,
      logger,
    });
    const outbox = new InMemoryOutbox('L-tls', clock);
    const client = new LockerSyncClient({
      url: broker.url,
      lockerId: 'L-tls',
      secret: 's3cret-s3cret',
      tls: { ca: cert.ca },
      outbox,
      inbox: new InMemoryCommandInbox(outbox),
      syncTarget: new InMemorySyncTarget(),
      clock,
      random: Math.random,
      logger,
    });
    try {
      expect(broker.url.startsWith('mqtts://')).toBe(true);
      credentials.add('L-tls', 's3cret-s3cret');
      outbox.appendMany(50, 'door.opened');
      client.start();
      await waitFor(() => outbox.deliveredSeq() === 50, 'delivered over TLS');
      expect(store.committed('L-tls').map((e) => e.seq)).toHaveLength(50);
      // Without trusting the certificate the handshake fails.
      await expect(rawClient(broker.url, login('L-tls', 's3cret-s3cret'))).rejects.toThrow();
    } finally {
      await client.stop();
      await link.close();
      await broker.close();
      cert.remove();
    }
  });
});

describe('embedded broker while the cloud starts', () => {
  it('tells lockers "server unavailable" (not "bad password") until it is ready, then lets them in', async () => {
    const counters = createMqttCounters();
    const credentials = new InMemoryLockerCredentialStore();
    credentials.add('L-early', 's3cret-s3cret');
    let ready = false;
    const broker = await startEmbeddedBroker({
      port: 0,
      credentials,
      internal: { username: 'cloud-internal', password: 'internal-secret' },
      ready: () => ready,
      counters,
      logger: pino({ level: 'silent' }),
    });
    try {
      const refused = await rawClient(broker.url, login('L-early', 's3cret-s3cret')).then(
        () => undefined,
        (error: { code?: number }) => error,
      );
      expect(refused?.code).toBe(3);
      expect(counters.refusedStarting).toBe(1);
      expect(counters.authFailures).toBe(0);
      // A wrong secret is still a wrong secret once the cloud is up.
      ready = true;
      const client = await rawClient(broker.url, login('L-early', 's3cret-s3cret'));
      await client.endAsync();
      await expect(rawClient(broker.url, login('L-early', 'guess'))).rejects.toThrow();
      expect(counters.authFailures).toBe(1);
    } finally {
      await broker.close();
    }
  });
});

describe('embedded broker while the cloud stops', () => {
  it('refuses new connections from the moment it starts closing, then closes its clients', async () => {
    const credentials = new InMemoryLockerCredentialStore();
    credentials.add('L-stay', 's3cret-s3cret');
    const broker = await startEmbeddedBroker({
      port: 0,
      credentials,
      internal: { username: 'cloud-internal', password: 'internal-secret' },
      counters: createMqttCounters(),
      logger: pino({ level: 'silent' }),
    });
    const port = Number(new URL(broker.url).port);
    const connected = await rawClient(broker.url, login('L-stay', 's3cret-s3cret'));
    const gone = closed(connected);
    const closing = broker.close();
    // A locker that the closing broker just dropped comes straight back; it must be refused by
    // the kernel, not accepted by a broker on its way down and dropped again.
    const answer = await new Promise<string>((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => {
        socket.destroy();
        resolve('accepted');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(answer).toBe('ECONNREFUSED');
    await closing;
    await gone;
  });
});
