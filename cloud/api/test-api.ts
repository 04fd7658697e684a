import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { LiveEventHub } from '../live/event-hub.ts';
import { createMetrics } from '../metrics.ts';
import { batchedRead } from '../service/batched-reads.ts';
import {
  FakeClock,
  provisionTestLocker,
  sqliteTestStore,
  type TestStore,
} from '../store/test-stores.ts';
import { type ConsoleSettings, DEFAULT_CONSOLE_SETTINGS } from '../users/console-settings.ts';
import type { ApiDeps } from './deps.ts';
import { buildApi } from './server.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** Console defaults with a cheaper scrypt: the real cost is tested in cloud/users/password.test.ts. */
export const TEST_CONSOLE: ConsoleSettings = {
  ...DEFAULT_CONSOLE_SETTINGS,
  passwordCost: { N: 2 ** 12, r: 8, p: 1 },
};

export interface TestApi {
  readonly app: FastifyInstance;
  readonly t: TestStore;
  readonly clock: FakeClock;
  /** The console's live feed the API streams from. */
  readonly live: LiveEventHub;
  dispose(): Promise<void>;
}

/** A real API over a real SQLite store in a temp dir, driven with fastify.inject. */
export async function testApi(
  open: typeof sqliteTestStore = sqliteTestStore,
  extra: Partial<Pick<ApiDeps, 'notifications' | 'console'>> & { logger?: FastifyBaseLogger } = {},
): Promise<TestApi> {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const t = await open(clock);
  const metrics = createMetrics(() => t.store.webhookBacklog());
  // As the cloud wires it (app.ts): operators looked up in batches.
  const live = new LiveEventHub(batchedRead((ids) => t.store.lockerOperators(ids)));
  const app = await buildApi(
    {
      store: t.store,
      clock,
      metrics,
      adminKey: ADMIN_KEY,
      publicMqttUrl: 'mqtt://127.0.0.1:1883',
      brokerHealthy: () => true,
      notifications: extra.notifications,
      console: extra.console ?? TEST_CONSOLE,
      live,
    },
    extra.logger,
  );
  return {
    app,
    t,
    clock,
    live,
    async dispose() {
      await app.close();
      await t.dispose();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Operator with locker L1 (2 M cells) and L2 nearby (1 M), both open to tenant A; tenant B too. */
export async function seedApi(api: TestApi) {
  const post = async (url: string, key: string, payload: object) => {
    const res = await api.app.inject({ method: 'POST', url, headers: bearer(key), payload });
    return res.json();
  };
  const op = await post('/v1/admin/operators', ADMIN_KEY, { name: 'Op' });
  const a = await post('/v1/admin/tenants', ADMIN_KEY, { name: 'A', kind: 'marketplace' });
  const b = await post('/v1/admin/tenants', ADMIN_KEY, { name: 'B', kind: 'shop' });
  await provisionTestLocker(api.t.store, op.operatorId, 'L1', 55.75, 37.61, { M: 2 });
  await provisionTestLocker(api.t.store, op.operatorId, 'L2', 55.752, 37.612, { M: 1 });
  for (const tenant of [a, b]) {
    await api.app.inject({
      method: 'POST',
      url: `/v1/operator/tenants/${tenant.tenantId}/access`,
      headers: bearer(op.apiKey),
    });
  }
  return {
    operatorKey: op.apiKey as string,
    tenantA: a.apiKey as string,
    tenantB: b.apiKey as string,
    operatorId: op.operatorId as string,
    tenantAId: a.tenantId as string,
    tenantBId: b.tenantId as string,
  };
}
