import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import sinon from 'sinon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../cloud/mqtt/test-support/wait-for.ts';
import { systemClock } from '../../protocol/index.ts';
import { LockerSyncClient } from './locker-sync-client.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from './test-support/in-memory-agent-ports.ts';

/**
 * Lockers that boot together must not all knock at once: the first connect waits its share of
 * the start jitter. A plain TCP server stands in for the broker; all that matters here is WHEN
 * the locker's TCP connection arrives. Fake timers move the jitter, the network stays real.
 */
describe('LockerSyncClient start jitter', () => {
  let server: Server;
  let port: number;
  /** Remote ports of the connections the server accepted, in order. */
  let accepted: number[];
  let sockets: Socket[];
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(async () => {
    accepted = [];
    sockets = [];
    server = createServer((socket) => {
      accepted.push(socket.remotePort ?? -1);
      sockets.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const locker = (startJitterMs: number) => {
    const outbox = new InMemoryOutbox('L-jitter', systemClock);
    return new LockerSyncClient({
      url: `mqtt://127.0.0.1:${port}`,
      lockerId: 'L-jitter',
      secret: 's',
      outbox,
      inbox: new InMemoryCommandInbox(outbox),
      syncTarget: new InMemorySyncTarget(),
      clock: systemClock,
      random: () => 0.5,
      startJitterMs,
      logger: pino({ level: 'silent' }),
    });
  };

  /**
   * A connection made now, after anything the locker sent: the accept queue is first come, first
   * served, so once the server has this one it has every earlier one.
   */
  const probe = async (): Promise<number> => {
    // mqtt.js opens its socket a turn or two after connect(): let that happen first.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    const socket = createConnection(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const local = socket.localPort ?? -2;
    await waitFor(() => accepted.includes(local), 'the probe accepted');
    socket.destroy();
    return local;
  };

  it('connects only once its share of the jitter has passed', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const client = locker(10_000);
    client.start();
    // random() = 0.5 of a 10 s window: 5 s.
    clock.tick(4_999);
    const first = await probe();
    expect(accepted).toEqual([first]);
    clock.tick(1);
    clock.restore();
    clock = undefined;
    await waitFor(() => accepted.length === 2, 'the locker connected');
    expect(accepted[0]).toBe(first);
    await client.stop();
  });

  it('never connects when stopped while waiting', async () => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const client = locker(10_000);
    client.start();
    clock.tick(1_000);
    await client.stop();
    // Every timer that is left, and whatever those start (mqtt.js defers part of a connect).
    await clock.tickAsync(60_000);
    await clock.runAllAsync();
    const only = await probe();
    expect(accepted).toEqual([only]);
  });

  it('with no jitter connects at once', async () => {
    const client = locker(0);
    client.start();
    // No timer in the way: the connection is on its way before start() returns.
    const after = await probe();
    expect(accepted).toHaveLength(2);
    expect(accepted[1]).toBe(after);
    await client.stop();
  });
});
