import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Command, systemClock } from '../../protocol/index.ts';
import { createMetrics } from '../metrics.ts';
import { testVault } from '../notifications/notification-test-support.ts';
import { notificationWorker } from '../notifications/notification-worker.ts';
import type { NotificationProvider } from '../notifications/providers/notification-provider.ts';
import { type SharedPgStores, sharedPgStores } from '../store/shared-pg-stores.ts';
import { seedNetwork } from '../store/test-stores.ts';
import { webhookWorker } from '../webhooks/webhook-worker.ts';
import { CommandPusher } from './command-pusher.ts';

/**
 * The cloud's background loops with three workers (three stores, three pools) on one
 * PostgreSQL, all passing at the same moments: nothing is sent twice, nothing is left behind.
 */
const silent = pino({ level: 'silent' });
const ORDERS = 12;

/** A real local HTTP receiver counting deliveries by their id header. */
async function receiver() {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = String(req.headers['x-postamat-delivery']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Runs every worker's pass `rounds` times, all workers at once each round. */
async function concurrently(rounds: number, passes: readonly (() => Promise<unknown>)[]) {
  for (let i = 0; i < rounds; i++) await Promise.all(passes.map((pass) => pass()));
}

describe('background loops (postgres, 3 workers on one database)', () => {
  let shared: SharedPgStores;
  beforeEach(async () => {
    shared = await sharedPgStores(3);
  });
  afterEach(async () => {
    await shared.dispose();
  });

  async function book(contact?: (i: number) => { phone: string }) {
    const first = shared.stores[0]!;
    const net = await seedNetwork(first, { M: ORDERS });
    const vault = testVault();
    for (let i = 0; i < ORDERS; i++) {
      await first.createOrder(net.tenant.id, {
        kind: 'service-round-trip',
        lockerId: 'L1',
        size: 'M',
        barcode: `BC${i}`,
        ...(contact === undefined
          ? {}
          : { contact: { ...contact(i), language: 'en', channels: ['counted'], vault } }),
      });
    }
    return { ...net, vault };
  }

  it('delivers every webhook once', async () => {
    const hook = await receiver();
    try {
      const tenant = (await seedNetwork(shared.stores[0]!, { M: ORDERS })).tenant;
      await shared.stores[0]!.setWebhookEndpoint(tenant.id, hook.url);
      for (let i = 0; i < ORDERS; i++) {
        await shared.stores[0]!.createOrder(tenant.id, {
          kind: 'delivery',
          lockerId: 'L1',
          size: 'M',
          barcode: `BC${i}`,
        });
      }
      const queued = await shared.stores[0]!.webhookBacklog();
      expect(queued).toBeGreaterThanOrEqual(ORDERS);
      const workers = shared.stores.map((store) =>
        webhookWorker({
          store,
          clock: systemClock,
          metrics: createMetrics(() => store.webhookBacklog()),
          logger: silent,
          batch: 5,
        }),
      );
      await concurrently(
        6,
        workers.map((w) => () => w.tick()),
      );
      expect(await shared.stores[1]!.webhookBacklog()).toBe(0);
      expect(hook.seen.size).toBe(queued);
      expect([...hook.seen.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await hook.close();
    }
  });

  it('sends every notification once', async () => {
    const { vault } = await book((i) => ({ phone: `+7900000${String(i).padStart(4, '0')}` }));
    const sent = new Map<string, number>();
    const counted: NotificationProvider = {
      channel: 'counted',
      addressesPhone: true,
      async send(message) {
        // Yield, so the three workers' sends really interleave.
        await new Promise((resolve) => setImmediate(resolve));
        sent.set(message.id, (sent.get(message.id) ?? 0) + 1);
        return { ok: true };
      },
    };
    const workers = shared.stores.map((store) =>
      notificationWorker({
        store,
        clock: systemClock,
        logger: silent,
        vault,
        providers: [counted],
        settings: { perPhonePerHour: 10, remindBeforeMs: 0, retentionMs: 86_400_000, batch: 4 },
      }),
    );
    await concurrently(
      5,
      workers.map((w) => () => w.tick()),
    );
    expect(sent.size).toBeGreaterThanOrEqual(ORDERS);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(await shared.stores[2]!.dueNotifications(100)).toEqual([]);
  });

  it('sends every command once, and only to a locker some worker saw online', async () => {
    const { operator } = await seedNetwork(shared.stores[0]!);
    const ids: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const command = await shared.stores[i % 3]!.createCommand({
        lockerId: 'L1',
        type: 'remote-open',
        body: { cellId: 'M1', reason: 'test', operator: 'op' },
        ttlMs: 60_000,
        actor: operator.id,
      });
      ids.push(command.id);
    }
    const sent: Command[] = [];
    const pushers = shared.stores.map(
      (store) =>
        new CommandPusher({
          pendingCommands: () => store.pendingCommands(),
          markCommandSent: (id) => store.markCommandSent(id),
          async sendCommand(command) {
            await new Promise((resolve) => setImmediate(resolve));
            sent.push(command);
          },
          isOnline: (id) => store.isLockerOnline(id),
          logger: silent,
        }),
    );
    const passes = shared.stores.map(
      (store, i) => () => store.exclusively('commands', () => pushers[i]!.pass()),
    );
    await concurrently(2, passes);
    expect(sent).toEqual([]);
    // Worker 2 received the locker's status; workers 0 and 1 learn it from the database.
    await shared.stores[2]!.recordLockerPresence('L1', true, Date.now());
    await concurrently(3, passes);
    expect(sent.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(await shared.stores[0]!.pendingCommands()).toEqual([]);
  });

  it('keeps the newest presence whichever worker wrote last', async () => {
    await seedNetwork(shared.stores[0]!);
    const [a, b, c] = shared.stores as [
      (typeof shared.stores)[0],
      (typeof shared.stores)[0],
      (typeof shared.stores)[0],
    ];
    // A last will received at 2000 by one worker, the earlier online (1000) written late by another.
    expect(await b!.recordLockerPresence('L1', false, 2_000)).toBe(true);
    expect(await a!.recordLockerPresence('L1', true, 1_000)).toBe(false);
    expect(await c!.isLockerOnline('L1')).toBe(false);
    // Many statuses at once from all three: the one received last wins.
    const writes = Array.from({ length: 30 }, (_, i) => ({ online: i % 2 === 0, at: 3_000 + i }));
    await Promise.all(
      [...writes]
        .reverse()
        .map((w, i) => shared.stores[i % 3]!.recordLockerPresence('L1', w.online, w.at)),
    );
    expect(await a!.isLockerOnline('L1')).toBe(writes.at(-1)!.online);
  });
});
