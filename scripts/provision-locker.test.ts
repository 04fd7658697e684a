import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../agent/config.ts';
import { type Cloud, createCloud } from '../cloud/app.ts';
import { parseCloudConfig } from '../cloud/config.ts';

const ADMIN = 'admin-key-for-the-provision-test';
const root = new URL('..', import.meta.url).pathname;

describe('provision-locker', () => {
  let dir: string;
  let cloud: Cloud;
  let api: string;
  let operatorKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'provision-'));
    const config = parseCloudConfig(undefined, {
      POSTAMAT_DATA_DIR: dir,
      POSTAMAT_HTTP_PORT: '0',
      POSTAMAT_ADMIN_KEY: ADMIN,
      POSTAMAT_PUBLIC_MQTT_URL: 'mqtts://mqtt.example.test:8883',
    });
    cloud = await createCloud(config, { logger: pino({ level: 'silent' }) });
    api = await cloud.start();
    const res = await fetch(`${api}/v1/admin/operators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Operator' }),
    });
    operatorKey = ((await res.json()) as { apiKey: string }).apiKey;
    writeFileSync(
      join(dir, 'cells.json'),
      JSON.stringify([
        { cellId: '1', bus: 'bus0', board: 1, channel: 1, size: 'S' },
        { cellId: '2', bus: 'bus0', board: 1, channel: 2, size: 'M', features: ['refrigerated'] },
        { cellId: '3', bus: 'bus1', board: 2, channel: 1, size: 'XL' },
      ]),
    );
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous on purpose: the cloud answers from this same process.
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/provision-locker.ts', ...args],
        { cwd: root, encoding: 'utf8' },
        (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  it('creates the locker and writes a private agent config that the agent accepts', async () => {
    const out = join(dir, 'agent.json');
    const result = await run(
      '--api',
      api,
      '--key',
      operatorKey,
      '--locker',
      'msk-0042',
      '--address',
      'Москва, Тверская ул., 7',
      '--lat',
      '55.7579',
      '--lon',
      '37.6111',
      '--cells',
      join(dir, 'cells.json'),
      '--device',
      'bus0=/dev/ttyUSB3',
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const config = parseAgentConfig(JSON.parse(readFileSync(out, 'utf8')));
    expect(config.lockerId).toBe('msk-0042');
    expect(result.stdout).not.toContain(config.hashKey);
    expect(result.stdout).not.toContain(config.sync?.secret);
    expect(config.sync?.url).toBe('mqtts://mqtt.example.test:8883');
    expect(config.cells.map((c) => `${c.cellId}@${c.board}/${c.channel}`)).toEqual([
      '1@bus0:1/1',
      '2@bus0:1/2',
      '3@bus1:2/1',
    ]);
    expect(JSON.stringify(config.boards)).toContain('/dev/ttyUSB3');
  });

  it('says why the cloud refused, and writes nothing', async () => {
    const out = join(dir, 'refused.json');
    const result = await run(
      '--api',
      api,
      '--key',
      'pk_wrong.key',
      '--locker',
      'msk-0043',
      '--address',
      'x',
      '--lat',
      '55',
      '--lon',
      '37',
      '--cells',
      join(dir, 'cells.json'),
      '--out',
      out,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^provision: the cloud refused the locker \(401\)/);
    expect(() => statSync(out)).toThrow();
  });

  it('names every missing option', async () => {
    const result = await run('--api', api);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'provision: missing --key, --locker, --address, --lat, --lon, --cells, --out',
    );
  });
});
