import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryPersistenceWithRetainedIndex } from './retained-index.ts';
import { rawClient } from './test-support/raw-client.ts';

interface RunningBroker {
  readonly url: string;
  close(): Promise<void>;
}

async function broker(persistence: unknown): Promise<RunningBroker> {
  const aedes = await Aedes.createBroker({ persistence });
  const server: Server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a fresh subscriber to `filters` receives as retained, as sorted "topic=payload" lines. */
async function retainedSeen(url: string, filters: string[]): Promise<string[]> {
  const client = await rawClient(url);
  const seen: string[] = [];
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) seen.push(`${topic}=${payload.toString()}`);
  });
  await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
  // Retained messages are sent right after the SUBACK; a ping round trip after it flushes them.
  await client.publishAsync('flush/ping', 'x', { qos: 1 });
  await client.endAsync();
  return seen.sort();
}

async function scenario(url: string): Promise<Record<string, string[]>> {
  const publisher: MqttClient = await rawClient(url);
  for (const id of ['L-1', 'L-2', 'L-3']) {
    await publisher.publishAsync(`postamat/v1/lockers/${id}/status`, `online ${id}`, {
      qos: 1,
      retain: true,
    });
  }
  // A newer status replaces the old one; an empty retained payload clears the topic.
  await publisher.publishAsync('postamat/v1/lockers/L-2/status', 'offline L-2', {
    qos: 1,
    retain: true,
  });
  await publisher.publishAsync('postamat/v1/lockers/L-3/status', '', { qos: 1, retain: true });
  await publisher.endAsync();
  return {
    exactOne: await retainedSeen(url, ['postamat/v1/lockers/L-1/status']),
    exactReplaced: await retainedSeen(url, ['postamat/v1/lockers/L-2/status']),
    exactCleared: await retainedSeen(url, ['postamat/v1/lockers/L-3/status']),
    exactNone: await retainedSeen(url, [
      'postamat/v1/lockers/L-9/status',
      'postamat/v1/lockers/L-1/acks',
    ]),
    exactSeveral: await retainedSeen(url, [
      'postamat/v1/lockers/L-1/status',
      'postamat/v1/lockers/L-2/status',
      'postamat/v1/lockers/L-1/commands',
    ]),
    plus: await retainedSeen(url, ['postamat/v1/lockers/+/status']),
    hash: await retainedSeen(url, ['postamat/#']),
    mixed: await retainedSeen(url, ['postamat/v1/lockers/L-1/status', 'postamat/v1/+/L-2/#']),
  };
}

describe('retained index: aedes memory persistence with exact topics looked up by key', () => {
  const open: RunningBroker[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('delivers exactly what the library persistence delivers, over a real broker', async () => {
    const indexed = await broker(memoryPersistenceWithRetainedIndex());
    const library = await broker(memoryPersistence());
    open.push(indexed, library);

    const got = await scenario(indexed.url);
    expect(got).toEqual(await scenario(library.url));
    // And what a user of the broker expects, stated outright.
    expect(got.exactOne).toEqual(['postamat/v1/lockers/L-1/status=online L-1']);
    expect(got.exactReplaced).toEqual(['postamat/v1/lockers/L-2/status=offline L-2']);
    expect(got.exactCleared).toEqual([]);
    expect(got.exactNone).toEqual([]);
    expect(got.exactSeveral).toEqual([
      'postamat/v1/lockers/L-1/status=online L-1',
      'postamat/v1/lockers/L-2/status=offline L-2',
    ]);
    expect(got.plus).toEqual(got.exactSeveral);
    expect(got.hash).toEqual(got.exactSeveral);
    expect(got.mixed).toEqual(got.exactSeveral);
  });
});
