import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostamatError } from '../../protocol/index.ts';
import { parseCloudConfig } from '../config.ts';
import { waitFor } from '../mqtt/test-support/wait-for.ts';
import { openStore } from '../store/store.ts';
import { provisionTestLocker } from '../store/test-stores.ts';
import { startCloudService } from './cloud-service.ts';
import { bundleCloudMain, CloudProcess } from './testing/cloud-process.ts';
import { freePort } from './testing/free-port.ts';

const silent = pino({ level: 'silent' });
let dir: string;
let occupied: Server;
let busyPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-service-'));
  occupied = createServer();
  await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
  busyPort = (occupied.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => occupied.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function config(env: Record<string, string>) {
  return parseCloudConfig(undefined, {
    POSTAMAT_DATA_DIR: join(dir, Math.random().toString(36).slice(2)),
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_MQTT_PORT: '0',
    ...env,
  });
}

async function refusal(env: Record<string, string>): Promise<string> {
  try {
    const service = await startCloudService(config(env), { logger: silent });
    await service.stop();
  } catch (error) {
    expect(isPostamatError(error, 'port-unavailable')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('the service started on a busy port');
}

describe('startCloudService', () => {
  it('names the setting to change when a port is in use, and leaves nothing bound', async () => {
    expect(await refusal({ POSTAMAT_MQTT_PORT: String(busyPort) })).toBe(
      `MQTT port ${busyPort} is in use: set POSTAMAT_MQTT_PORT or mqtt.port`,
    );
    // The broker was already up when HTTP failed: it must be closed again, port and all.
    const mqttPort = await freePort();
    expect(
      await refusal({ POSTAMAT_HTTP_PORT: String(busyPort), POSTAMAT_MQTT_PORT: String(mqttPort) }),
    ).toBe(`HTTP port ${busyPort} is in use: set POSTAMAT_HTTP_PORT or http.port`);
    const again = await startCloudService(config({ POSTAMAT_MQTT_PORT: String(mqttPort) }), {
      logger: silent,
    });
    await again.stop();
  });

  it('cloud/main.ts exits 1 with that one line', async () => {
    const bundle = await bundleCloudMain();
    try {
      const start = CloudProcess.start(bundle, {
        POSTAMAT_DATA_DIR: join(dir, 'main'),
        POSTAMAT_HTTP_PORT: '0',
        POSTAMAT_MQTT_PORT: String(busyPort),
      });
      await expect(start).rejects.toThrow(
        `exited with 1: cloud failed to start: [port-unavailable] MQTT port ${busyPort} is in use: set POSTAMAT_MQTT_PORT or mqtt.port`,
      );
    } finally {
      rmSync(bundle, { force: true });
    }
  });

  it('starts with every locker offline, and /health fails when the broker link is down', async () => {
    const cfg = config({});
    const before = await openStore({ engine: 'sqlite', file: join(cfg.dataDir, 'cloud.sqlite') });
    await provisionTestLocker(before, 'op-1', 'L1', 55.7, 37.6, { S: 1 });
    await before.setLockerStatus('L1', true, 1_000);
    await before.close();

    const service = await startCloudService(cfg, { logger: silent });
    try {
      const lockers = await service.cloud.store.fleetStatus('op-1');
      expect(lockers).toMatchObject({
        online: 0,
        offline: [{ lockerId: 'L1', lastSeenAt: 1_000 }],
      });
      expect((await fetch(`${service.httpUrl}/health`)).status).toBe(200);
      await service.broker?.close();
      await waitFor(async () => (await fetch(`${service.httpUrl}/health`)).status === 503, '503');
      expect(await (await fetch(`${service.httpUrl}/health`)).json()).toEqual({
        status: 'failing',
        store: 'ok',
        broker: 'failing',
      });
    } finally {
      await service.stop();
    }
  }, 60_000);
});
