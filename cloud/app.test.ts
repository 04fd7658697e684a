import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_REDACT } from './api/server.ts';
import { createCloud } from './app.ts';
import { parseCloudConfig } from './config.ts';
import { provisionTestLocker } from './store/test-stores.ts';

const ADMIN = 'admin-key-for-the-app-test';

interface Answer {
  readonly operatorId: string;
  readonly tenantId: string;
  readonly apiKey: string;
  readonly codes: readonly { code: string }[];
}

describe('createCloud', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over real HTTP and keeps keys and codes out of the logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postamat-app-'));
    dirs.push(dir);
    let logs = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs += String(chunk);
        done();
      },
    });
    const config = parseCloudConfig(undefined, {
      POSTAMAT_DATA_DIR: dir,
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
    });
    const cloud = await createCloud(config, {
      logger: pino({ level: 'info', redact: LOG_REDACT }, sink),
    });
    try {
      const base = await cloud.start();
      const call = async (method: string, path: string, key: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Answer };
      };
      const op = (await call('POST', '/v1/admin/operators', ADMIN, { name: 'Op' })).body;
      const tenant = (await call('POST', '/v1/admin/tenants', ADMIN, { name: 'T', kind: 'shop' }))
        .body;
      await provisionTestLocker(cloud.store, op.operatorId, 'L1', 55.7, 37.6, { S: 1 });
      await call('POST', `/v1/operator/tenants/${tenant.tenantId}/access`, op.apiKey);
      const created = await call('POST', '/v1/orders', tenant.apiKey, {
        kind: 'delivery',
        lockerId: 'L1',
        size: 'S',
        barcode: 'B',
      });
      expect(created.status).toBe(201);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const code = created.body.codes[0]?.code ?? 'missing';
      expect(logs).toContain('"statusCode":201');
      for (const secret of [ADMIN, op.apiKey, tenant.apiKey, code])
        expect(logs).not.toContain(secret);
    } finally {
      await cloud.stop();
    }
  });

  it('reports unhealthy when the broker check fails, and the ingest port counts events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postamat-app-'));
    dirs.push(dir);
    const config = parseCloudConfig(undefined, { POSTAMAT_DATA_DIR: dir });
    const cloud = await createCloud(config, {
      logger: pino({ level: 'silent' }),
      brokerHealthy: () => {
        throw new Error('broker down');
      },
    });
    try {
      const health = await cloud.api.inject({ url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'failing', store: 'ok', broker: 'failing' });
      const event = { lockerId: 'L1', seq: 1, at: 1_000, type: 'door.opened', body: {} };
      await cloud.ingest.ingest('L1', [event], 3_000);
      const metrics = (await cloud.api.inject({ url: '/metrics' })).body;
      expect(metrics).toMatch(/postamat_events_ingested_total 1/);
      expect(metrics).toMatch(/postamat_ingest_lag_seconds 2/);
    } finally {
      await cloud.stop();
    }
  });
});
