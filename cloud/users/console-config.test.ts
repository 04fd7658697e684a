import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloud } from '../app.ts';
import { parseCloudConfig } from '../config.ts';

const quiet = pino({ level: 'silent' });

describe('console config and the first admin', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const configFor = (dir: string, env: Record<string, string> = {}) =>
    parseCloudConfig('console:\n  passwordCostLog2: 12\n', {
      POSTAMAT_DATA_DIR: dir,
      POSTAMAT_CONSOLE_ADMIN_EMAIL: 'Root@Network.example',
      POSTAMAT_CONSOLE_ADMIN_PASSWORD: '1234567890',
      POSTAMAT_CONSOLE_SECURE_COOKIE: 'true',
      POSTAMAT_CONSOLE_IDLE_MINUTES: '10',
      ...env,
    });

  it('creates the admin from the environment once, for a new operator; it signs in with a Secure cookie', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postamat-console-'));
    dirs.push(dir);
    const config = configFor(dir);
    expect(config.console).toMatchObject({ secureCookie: true, sessionIdleMinutes: 10 });
    for (let start = 0; start < 2; start++) {
      const cloud = await createCloud(config, { logger: quiet });
      const res = await cloud.api.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: 'root@network.example', password: '1234567890' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
      expect(res.json().idleExpiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
      expect(await cloud.store.listOperators()).toHaveLength(1);
      expect(await cloud.store.listUsers(undefined)).toHaveLength(1);
      await cloud.stop();
    }
  });

  it('names the bad field: a short password, several operators and no operator id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postamat-console-'));
    dirs.push(dir);
    expect(() => configFor(dir, { POSTAMAT_CONSOLE_ADMIN_PASSWORD: 'short' })).toThrow(
      /console\.admin\.password: at least 10 characters/,
    );
    const first = await createCloud(
      configFor(dir, { POSTAMAT_CONSOLE_ADMIN_EMAIL: 'a@n.example' }),
      { logger: quiet },
    );
    await first.store.createOperator('Second');
    await first.stop();
    await expect(createCloud(configFor(dir), { logger: quiet })).rejects.toMatchObject({
      code: 'bad-config',
      details: { field: 'console.admin.operatorId' },
    });
  });
});
