// Child of bench-agent.ts: runs BENCH_ORDERS orders through one agent and prints its RSS as JSON.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent } from '../agent/agent.ts';
import { TestPaymentProvider } from '../agent/services/payment-provider.ts';
import { Store } from '../agent/store/store.ts';
import { baseSync, HASH_KEY, hash, LOCKER, T0 } from '../agent/testing/agent-fixture.ts';
import { ScriptedLockBoard } from '../agent/testing/scripted-lock-board.ts';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);

function tempDir(base: string): string {
  return mkdtempSync(join(base, 'postamat-bench-'));
}

/** In this process: 10,000 orders synced, deposited and collected, then RSS. */
async function run(): Promise<{ rssMb: number; baselineMb: number; seconds: number }> {
  // tmpfs when present: this measures memory, not fsync.
  const dir = tempDir(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  global.gc?.();
  const baselineMb = process.memoryUsage().rss / 2 ** 20;
  const clock = { now: () => T0 };
  const store = Store.open(join(dir, 'agent.db'), LOCKER, clock);
  const board = new ScriptedLockBoard('rs485:1', 8, clock.now);
  const agent = new Agent({
    lockerId: LOCKER,
    hashKey: HASH_KEY,
    store,
    boards: [board],
    clock,
    log: pino({ level: 'silent' }),
    payments: new TestPaymentProvider(),
    tickMs: 0,
  });
  agent.sync.applySync(baseSync());
  agent.start();
  const login = agent.courierLogin({ badge: 'B-100', pin: '1234' });
  if (!login.ok) throw new Error(login.code);
  const t = performance.now();
  for (let k = 0; k < ORDERS; k++) {
    const v = agent.sync.syncVersion();
    agent.sync.applySync({
      lockerId: LOCKER,
      kind: 'delta',
      version: v + 1,
      baseVersion: v,
      issuedAt: T0,
      parcels: [
        {
          orderId: `O${k}`,
          tenantId: 'T1',
          barcodeHash: hash('barcode', `BC-${k}`),
          size: 'S',
          refrigerated: false,
          storageHours: 72,
          validFrom: 0,
          validUntil: T0 + 86_400_000,
        },
      ],
      codes: [
        {
          orderId: `O${k}`,
          stepId: 's',
          purpose: 'pickup',
          codeHash: hash('pickup-code', String(100000 + k)),
          validFrom: 0,
          validUntil: T0 + 86_400_000,
        },
      ],
    });
    const scan = agent.scanParcel(login.session.id, `BC-${k}`);
    if (!scan.ok) throw new Error(`${k}: ${scan.code}`);
    await new Promise((r) => setImmediate(r));
    const ch = Number(scan.cellId.slice(1));
    board.setDoor(ch, 'open');
    board.setDoor(ch, 'closed');
    const got = agent.enterCode(String(100000 + k));
    if (!got.ok) throw new Error(`${k}: ${got.code}`);
    await new Promise((r) => setImmediate(r));
    board.setDoor(ch, 'open');
    board.setDoor(ch, 'closed');
    // The test board's own logs are not the agent's memory.
    board.openings.length = 0;
    board.unlocks.length = 0;
  }
  const seconds = (performance.now() - t) / 1000;
  global.gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  if (process.env.BENCH_DEBUG) console.error(process.memoryUsage(), store.db.pragma('cache_size'));
  agent.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { rssMb, baselineMb, seconds };
}

console.log(JSON.stringify(await run()));
