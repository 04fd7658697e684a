import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { LOG_REDACT } from '../api/server.ts';
import { createCloud } from '../app.ts';
import { parseCloudConfig } from '../config.ts';
import { provisionTestLocker } from '../store/test-stores.ts';
import { notificationConfigSchema } from './notification-config.ts';
import { TEST_PD_KEY, testVault } from './notification-test-support.ts';

const ADMIN = 'admin-key-for-the-notifications-test';
const PHONE = '+79998887766';
// biome-ignore lint/suspicious/noExplicitAny: answers of the API under test, read by field
type Json = any;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Polls `check` until it holds; bounded, so a broken worker fails the test instead of hanging. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('the cloud sends a rental’s codes through its running worker; the logs hold no phone or code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-notify-'));
  dirs.push(dir);
  let logs = '';
  const config = parseCloudConfig(undefined, {
    POSTAMAT_DATA_DIR: dir,
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_ADMIN_KEY: ADMIN,
  });
  const notifications = notificationConfigSchema.parse({
    keyId: 'test1',
    encryptionKey: TEST_PD_KEY,
    intervalMs: 200,
  });
  const cloud = await createCloud(config, {
    logger: pino(
      { level: 'debug', redact: LOG_REDACT },
      {
        write: (line: string) => {
          logs += line;
        },
      },
    ),
    notifications,
  });
  try {
    const base = await cloud.start();
    const call = async (path: string, key: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
    };
    const op = (await call('/v1/admin/operators', ADMIN, { name: 'Op' })).body;
    const tenant = (await call('/v1/admin/tenants', ADMIN, { name: 'T', kind: 'shop' })).body;
    await provisionTestLocker(cloud.store, op.operatorId, 'L1', 55.7, 37.6, { S: 1 });
    await call(`/v1/operator/tenants/${tenant.tenantId}/access`, op.apiKey, {});
    const created = await call('/v1/orders', tenant.apiKey, {
      kind: 'rental',
      lockerId: 'L1',
      size: 'S',
      barcode: 'B',
      recipient: { phone: PHONE, language: 'en' },
    });
    expect(created.status).toBe(201);
    const orderId = created.body.order.id as string;
    const sent = await eventually(async () => {
      const order = (await call(`/v1/orders/${orderId}`, tenant.apiKey)).body;
      return order.notifications.find((x: { status: string }) => x.status === 'sent');
    });
    expect(sent).toMatchObject({ event: 'code-issued', channel: 'recording' });
    const [message] = await cloud.store.recordedMessages(null, 10, orderId);
    const vault = testVault();
    expect(vault.open(message?.phoneSealed ?? '')).toBe(PHONE);
    const codes = created.body.codes.map((c: { code: string }) => c.code as string);
    for (const code of codes) expect(vault.open(message?.textSealed ?? '')).toContain(code);
    expect(logs).toContain('notification.attempt');
    for (const secret of [PHONE, PHONE.slice(1), TEST_PD_KEY, ...codes]) {
      expect(logs).not.toContain(secret);
    }
  } finally {
    await cloud.stop();
  }
});
