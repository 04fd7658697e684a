import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorProcess, startSimulatorProcess } from '../simulator/standalone-process.ts';
import { keyedHasher } from './services/hasher.ts';
import { AgentProcess, bundleAgentMain } from './testing/agent-process.ts';

/**
 * The whole chain, each part real: the agent process (agent/main.ts) → its Modbus RTU bus master
 * → RTU over TCP → the standalone simulator process; a person closes doors through the
 * simulator's control port.
 */
const KEY = 'main-test-hash-key';
const h = keyedHasher(KEY);
let dir: string;
let bundle: string;
let sim: SimulatorProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postamat-main-'));
  bundle = bundleAgentMain();
  sim = await startSimulatorProcess(['--tcp', '0', '--board', '1:8', '--spring-ms', '20']);
});

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(bundle, { force: true });
});

function config(extra: Record<string, unknown>): string {
  const file = join(dir, `c-${Math.random()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      lockerId: 'L-main',
      hashKey: KEY,
      dataDir: join(dir, 'data'),
      control: 'stdio',
      logLevel: 'warn',
      ...extra,
    }),
  );
  return file;
}

describe('agent/main.ts', () => {
  it('refuses a bad config with every bad field and exit status 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        lockerId: 'bad id',
        hashKey: 'short',
        boards: { simulated: true, channels: 0 },
      }),
    );
    const r = spawnSync(process.execPath, [bundle, '--config', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/lockerId[\s\S]*hashKey[\s\S]*dataDir[\s\S]*boards/);
  });

  it('delivers a parcel through the bus master and the standalone simulator', async () => {
    const file = config({
      boards: {
        buses: [
          {
            id: 'bus1',
            tcp: { host: '127.0.0.1', port: sim.tcpPort },
            boards: [{ address: 1, channels: 8 }],
          },
        ],
      },
      timings: { tickMs: 50 },
    });
    const agent = await AgentProcess.start(bundle, file);
    try {
      await agent.call('applySync', {
        lockerId: 'L-main',
        kind: 'snapshot',
        version: 1,
        issuedAt: 0,
        layout: Array.from({ length: 8 }, (_, i) => ({
          cellId: `C${i + 1}`,
          bus: 'bus1',
          board: 1,
          channel: i + 1,
          size: 'M',
          features: [],
        })),
        credentials: [
          {
            credentialId: 'c1',
            role: 'courier',
            holderId: 'k1',
            tenantId: 'T1',
            kind: 'daily-code',
            secretHash: h('courier-daily-code', '2468'),
            revoked: false,
            validFrom: 0,
            validUntil: Date.now() + 86_400_000,
          },
        ],
        parcels: [
          {
            orderId: 'O1',
            tenantId: 'T1',
            barcodeHash: h('barcode', 'PKG-1'),
            size: 'S',
            refrigerated: false,
            storageHours: 72,
            validFrom: 0,
            validUntil: Date.now() + 86_400_000,
          },
        ],
      });
      const login = await agent.call<{ ok: boolean; session: { id: string } }>('courierLogin', {
        pin: '2468',
      });
      const scan = await agent.call<{ ok: boolean; cellId: string }>(
        'scanParcel',
        login.session.id,
        'PKG-1',
      );
      expect(scan).toMatchObject({ ok: true, cellId: 'C1' });
      await sim.control.waitForEvent((e) => e.type === 'door' && e.open && e.channel === 1);
      // The person shuts the door once the lock's pulse is over (else it springs open again).
      await sim.control.waitForEvent((e) => e.type === 'coil' && !e.on && e.channel === 1);
      // Let the bus master see the door open before the person shuts it.
      for (
        let i = 0;
        i < 100 && (await agent.call<{ state: string }[]>('cells'))[0]?.state !== 'open';
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await sim.control.closeDoor(1, 1);
      for (
        let i = 0;
        i < 100 && (await agent.call('orderStatus', 'O1')) !== 'ready-for-pickup';
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await agent.call('orderStatus', 'O1')).toBe('ready-for-pickup');
      expect((await sim.control.openings()).filter((o) => o.channel === 1)).toHaveLength(1);
    } finally {
      await agent.kill('SIGTERM');
    }
  }, 60_000);
});
