import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../cloud/mqtt/test-support/wait-for.ts';
import { systemClock } from '../../protocol/index.ts';
import { LockerSyncClient } from './locker-sync-client.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from './test-support/in-memory-agent-ports.ts';

/**
 * A listener whose accept queue is full, as a broker's is in a connect storm: it listens with a
 * backlog of 0, fills the one slot with its own connection and never accepts, so the kernel
 * drops every further SYN. (Node's own servers always accept, hence python3.)
 */
const FULL_LISTENER = `
import socket, sys, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
filler = socket.create_connection(s.getsockname())
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;

let listener: ChildProcess | undefined;
afterEach(() => {
  listener?.kill();
  listener = undefined;
});

async function fullListener(): Promise<number> {
  listener = spawn('python3', ['-c', FULL_LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: listener!.stdout! }).once('line', resolve),
  );
  return Number(line);
}

function lockerFor(port: number, handshakeTimeoutMs?: number) {
  const outbox = new InMemoryOutbox('L-handshake', systemClock);
  return new LockerSyncClient({
    url: `mqtt://127.0.0.1:${port}`,
    lockerId: 'L-handshake',
    secret: 'unused',
    outbox,
    inbox: new InMemoryCommandInbox(outbox),
    syncTarget: new InMemorySyncTarget(),
    clock: systemClock,
    random: Math.random,
    backoff: { baseMs: 50, capMs: 100 },
    ...(handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs }),
    logger: pino({ level: 'silent' }),
  });
}

describe('LockerSyncClient TCP handshake timeout', () => {
  it('gives up a handshake the broker never finishes and retries on its own backoff', async () => {
    const port = await fullListener();
    const client = lockerFor(port, 300);
    try {
      client.start();
      // Without the limit the first attempt would sit in the kernel's SYN retries (1, 3, 7 s…)
      // until mqtt.js's 30 s CONNECT timeout.
      await waitFor(
        () => client.counters.handshakeTimeouts >= 3,
        'three abandoned handshakes',
        5_000,
      );
      expect(client.counters.connectFailures).toBeGreaterThanOrEqual(2);
      expect(client.counters.connects).toBe(0);
      expect(client.connected()).toBe(false);
    } finally {
      await client.stop();
    }
  });

  it('by default waits 5 s, through the kernel retries at 1 s and 3 s', async () => {
    const port = await fullListener();
    const client = lockerFor(port);
    try {
      client.start();
      const started = Date.now();
      await waitFor(
        () => client.counters.handshakeTimeouts >= 1,
        'the first abandoned handshake',
        8_000,
      );
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(4_900);
      expect(waited).toBeLessThan(7_000);
    } finally {
      await client.stop();
    }
  }, 15_000);
});
