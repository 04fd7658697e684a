import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../protocol/index.ts';
import { bearer, seedApi } from '../api/test-api.ts';
import { createMetrics } from '../metrics.ts';
import { openStore } from '../store/store.ts';
import { adminQuery, TEST_PG_URL, type TestStore } from '../store/test-stores.ts';
import { verifySignature } from '../webhooks/signature.ts';
import { webhookWorker } from '../webhooks/webhook-worker.ts';
import {
  createOrder,
  type NotifiedApi,
  notifiedApi,
  stepDone,
  testVault,
} from './notification-test-support.ts';
import { recordingProvider } from './providers/recording-provider.ts';
import { webhookProvider } from './providers/webhook-provider.ts';

/** Each engine opened where the test can read all it holds: the SQLite files, the PG schema. */
const ENGINES = [
  {
    engine: 'sqlite',
    open: async (clock?: Clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'postamat-pd-'));
      const store = await openStore({ engine: 'sqlite', file: join(dir, 'cloud.sqlite') }, clock);
      const dump = async () =>
        Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))).toString('latin1');
      const t: TestStore & { dump: () => Promise<string> } = {
        store,
        dump,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
      return t;
    },
  },
  {
    engine: 'postgres',
    open: async (clock?: Clock) => {
      const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
      await adminQuery(`create schema ${schema}`);
      const store = await openStore({ engine: 'postgres', url: TEST_PG_URL, schema }, clock);
      // What pg_dump would write: every row of every table of the schema.
      const dump = async () => {
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        try {
          const tables = await client.query(
            'select table_name from information_schema.tables where table_schema = $1',
            [schema],
          );
          const rows: string[] = [];
          for (const { table_name } of tables.rows as { table_name: string }[]) {
            const all = await client.query(
              `select row_to_json(t)::text as j from ${schema}."${table_name}" t`,
            );
            rows.push(...(all.rows as { j: string }[]).map((r) => r.j));
          }
          return rows.join('\n');
        } finally {
          await client.end();
        }
      };
      const t: TestStore & { dump: () => Promise<string> } = {
        store,
        dump,
        async dispose() {
          await store.close();
          await adminQuery(`drop schema ${schema} cascade`);
        },
      };
      return t;
    },
  },
] as const;

const PHONES = ['+79161234567', '+79037654321'];
/** A phone in any form a leak could take: international, digits only, national. */
const forms = (phone: string) => [phone, phone.slice(1), phone.slice(2)];

/**
 * The phones and codes found in `text`. A code counts only standing alone: six digits inside a
 * hex hash or a timestamp are not a leak, and would make the test fail by chance.
 */
function leaked(text: string, phones: readonly string[], codes: readonly string[]): string[] {
  const found = phones.filter((p) => text.includes(p));
  for (const code of codes) {
    if (new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text)) found.push(code);
  }
  return found;
}

async function receiver() {
  const bodies: { signature: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push({ signature: String(req.headers['x-postamat-signature']), body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(ENGINES)('personal data at rest and in logs ($engine)', ({ open }) => {
  let n: NotifiedApi | undefined;
  afterEach(async () => {
    await n?.api.dispose();
  });

  it('keeps no phone or code in clear in the database, the logs or the locker sync', async () => {
    const hook = await receiver();
    let dump: (() => Promise<string>) | undefined;
    const opener = async (clock?: Clock) => {
      const t = await open(clock);
      dump = t.dump;
      return t;
    };
    const vault = testVault();
    try {
      const providers = [
        recordingProvider(async (m) => n?.api.t.store.recordMessage(m), vault),
        webhookProvider(
          async (id) => n?.api.t.store.tenantEndpoint(id),
          () => Date.now(),
        ),
      ];
      n = await notifiedApi(opener, { providers });
      const api = n.api;
      const keys = await seedApi(api);
      // The tenant's endpoint first: every status change of these orders queues a delivery.
      const endpoint = await api.app.inject({
        method: 'PUT',
        url: '/v1/webhooks/endpoint',
        headers: bearer(keys.tenantA),
        payload: { url: hook.url },
      });
      const { secret } = endpoint.json();
      const codes: string[] = [];
      const create = (payload: object, idempotencyKey: string) =>
        api.app.inject({
          method: 'POST',
          url: '/v1/orders',
          headers: { ...bearer(keys.tenantA), 'idempotency-key': idempotencyKey },
          payload,
        });
      const r2rOrder = {
        kind: 'resident-to-resident',
        lockerId: 'L1',
        size: 'M',
        barcode: 'P-1',
        recipient: { phone: PHONES[0], language: 'ru' },
      };
      const r2r = await create(r2rOrder, 'r2r-1');
      const rental = await createOrder(api, keys.tenantA, {
        kind: 'rental',
        lockerId: 'L2',
        size: 'M',
        barcode: 'P-2',
        recipient: { phone: PHONES[1], language: 'en' },
      });
      for (const res of [r2r, rental]) {
        expect(res.statusCode).toBe(201);
        codes.push(...res.json().codes.map((c: { code: string }) => c.code));
      }
      // A retry with the same key gets the codes again: the kept answer opens with the key.
      const retried = await create(r2rOrder, 'r2r-1');
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.json().codes).toEqual(r2r.json().codes);
      await stepDone(api, 'L1', 1, r2r.json().order.id, 0);
      await stepDone(api, 'L2', 1, rental.json().order.id, 0);
      await n.worker.tick();
      const webhooks = webhookWorker({
        store: api.t.store,
        clock: api.clock,
        metrics: createMetrics(() => api.t.store.webhookBacklog()),
        logger: pino({ level: 'silent' }),
      });
      await webhooks.tick();
      // The delivery log and its replay still work, with nothing personal in them.
      const log0 = await api.app.inject({
        url: '/v1/webhooks/deliveries',
        headers: bearer(keys.tenantA),
      });
      const statusDeliveries = log0.json().deliveries as { id: string; event: string }[];
      expect(statusDeliveries.filter((d) => d.event === 'order.status').length).toBeGreaterThan(3);
      const replay = await api.app.inject({
        method: 'POST',
        url: `/v1/webhooks/deliveries/${statusDeliveries[0]?.id}/replay`,
        headers: bearer(keys.tenantA),
      });
      expect(replay.statusCode).toBeLessThan(300);
      expect(await webhooks.tick()).toBe(1);
      const statuses = hook.bodies.filter((b) => b.body.includes('"order.status"'));
      expect(statuses.map((b) => JSON.parse(b.body).data.status)).toContain('booked');

      // The signed message reached the tenant; it names no phone.
      const pushes = hook.bodies.filter((b) => b.body.includes('"order.notification"'));
      expect(pushes).toHaveLength(2);
      for (const p of pushes) {
        expect(verifySignature(secret, p.signature, p.body, Date.now())).toBe(true);
      }
      expect(pushes.map((p) => p.body).join()).not.toContain(PHONES[0]);

      const database = (await dump?.()) ?? '';
      expect(database.length).toBeGreaterThan(1000);
      expect(database).toContain('+7 *** ***-45-67');
      const log = n.lines.join('');
      expect(log).toContain('notification.attempt');
      const syncs = await Promise.all(['L1', 'L2'].map((id) => api.t.store.buildSyncMessage(id)));
      const sync = JSON.stringify(syncs);
      expect(sync).not.toContain('***');
      const received = hook.bodies.filter((b) => !b.body.includes('"order.notification"'));
      for (const where of [database, log, sync, JSON.stringify(received)]) {
        expect(leaked(where, PHONES.flatMap(forms), codes)).toEqual([]);
      }
    } finally {
      await hook.close();
    }
  });
});
