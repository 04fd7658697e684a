// `npm run bench:agent`: the agent's store next to bare better-sqlite3 in the same run, the
// agent's cold start next to a bare Node start, and its resident memory after 10,000 orders.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { openDatabase } from '../agent/store/database.ts';
import { OutboxStore } from '../agent/store/outbox-store.ts';
import { HASH_KEY, LOCKER } from '../agent/testing/agent-fixture.ts';
import { bundleAgentMain } from '../agent/testing/agent-process.ts';
import { scanToUnlockFrame } from './bench-agent-scan.ts';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 2000);
const BATCHED = Number(process.env.BENCH_BATCHED ?? 50_000);
const BATCH = 100;
const root = new URL('..', import.meta.url).pathname;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);

function tempDir(base = tmpdir()): string {
  return mkdtempSync(join(base, 'postamat-bench-'));
}

/** Bare floor: one INSERT per event, same pragmas, same table shape. Returns a chunk runner. */
function bareWriter(
  dir: string,
  batch: number,
): { run: (from: number, n: number) => void; close: () => void } {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE outbox (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL) STRICT',
  );
  const insert = db.prepare('INSERT INTO outbox (seq, at, type, body) VALUES (?, ?, ?, ?)');
  const tx = db.transaction((from: number) => {
    for (let i = from; i < from + batch; i++) {
      insert.run(i + 1, Date.now(), 'door.closed', JSON.stringify({ cellId: 'C1', opId: i }));
    }
  });
  return {
    run: (from, n) => {
      for (let i = from; i < from + n; i += batch) tx(i);
    },
    close: () => db.close(),
  };
}

/** The agent's path: OutboxStore.transaction + append (gap-free seq). */
function agentWriter(
  dir: string,
  batch: number,
): { run: (from: number, n: number) => void; close: () => void } {
  const { db } = openDatabase(join(dir, 'agent.db'));
  const outbox = new OutboxStore(db, LOCKER);
  return {
    run: (from, n) => {
      for (let i = from; i < from + n; i += batch) {
        outbox.transaction(() => {
          for (let j = i; j < i + batch; j++)
            outbox.append('door.closed', { cellId: 'C1', opId: j }, Date.now());
        });
      }
    },
    close: () => db.close(),
  };
}

/**
 * Both writers in the same run, interleaved in 20 alternating chunks so that a neighbour's burst
 * of disk or CPU load falls on both alike; each side's rate is its events over its own time.
 */
function rate(label: string, n: number, batch: number): { bare: number; agent: number } {
  const dirs = [tempDir(), tempDir()] as const;
  const sides = { bare: bareWriter(dirs[0], batch), agent: agentWriter(dirs[1], batch) };
  const ms = { bare: 0, agent: 0 };
  const rounds = 20;
  const chunk = Math.max(batch, Math.floor(n / rounds / batch) * batch);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['bare', 'agent'] as const) : (['agent', 'bare'] as const);
    for (const side of order) {
      const t = performance.now();
      sides[side].run(r * chunk, chunk);
      ms[side] += performance.now() - t;
    }
  }
  sides.bare.close();
  sides.agent.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const total = chunk * rounds;
  const best = { bare: (total / ms.bare) * 1000, agent: (total / ms.agent) * 1000 };
  const overhead = ((best.bare / best.agent - 1) * 100).toFixed(1);
  console.log(
    `${label.padEnd(28)} bare ${best.bare.toFixed(0).padStart(8)}/s   agent ${best.agent.toFixed(0).padStart(8)}/s   agent adds ${overhead}%`,
  );
  return best;
}

async function coldStart(): Promise<{ agentMs: number; nodeMs: number }> {
  const bundle = bundleAgentMain();
  const dir = tempDir();
  const config = join(dir, 'agent.json');
  writeFileSync(
    config,
    JSON.stringify({
      lockerId: LOCKER,
      hashKey: HASH_KEY.padEnd(16, '-'),
      dataDir: join(dir, 'data'),
      boards: { simulated: true, channels: 16 },
      control: 'stdio',
      logLevel: 'warn',
    }),
  );
  const once = () =>
    new Promise<number>((resolve) => {
      const t = performance.now();
      const child = spawn(process.execPath, [bundle, '--config', config], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      child.stdout.once('data', () => {
        resolve(performance.now() - t);
        child.kill('SIGKILL');
      });
    });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const agent: number[] = [];
  for (let i = 0; i < 7; i++) agent.push(await once());
  const node: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    node.push(performance.now() - t);
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundle, { force: true });
  return { agentMs: median(agent), nodeMs: median(node) };
}

/** RSS of a plain Node process (bundled, no tsx) that ran 10,000 orders through the agent. */
function rssAfterOrders(
  nodeFlags: string[],
  env: Record<string, string> = {},
): {
  rssMb: number;
  baselineMb: number;
  seconds: number;
} {
  const outfile = join(root, '.tmp', `bench-agent-rss-${process.pid}.mjs`);
  buildSync({
    entryPoints: [join(root, 'scripts/bench-agent-rss.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  const out = execFileSync(process.execPath, ['--expose-gc', ...nodeFlags, outfile], {
    env: { ...process.env, ...env, BENCH_ORDERS: String(ORDERS) },
    encoding: 'utf8',
  });
  rmSync(outfile, { force: true });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    rssMb: number;
    baselineMb: number;
    seconds: number;
  };
}

async function main(): Promise<void> {
  console.log(`agent core benchmark (synchronous=FULL, WAL; ${tmpdir()})\n`);
  const mem = rssAfterOrders([]);
  // Tuned for a board: a small young generation (V8 reserves tens of MB by default) and two
  // malloc arenas (glibc's default scales with cores and fragments).
  const small = rssAfterOrders(['--max-semi-space-size=1'], { MALLOC_ARENA_MAX: '2' });
  const one = rate(`events, 1 per transaction`, SINGLE, 1);
  const many = rate(`events, ${BATCH} per transaction`, BATCHED, BATCH);
  const cold = await coldStart();
  console.log(
    `cold start to ready          agent ${cold.agentMs.toFixed(0)} ms (bare node ${cold.nodeMs.toFixed(0)} ms)`,
  );
  console.log(
    `RSS after ${ORDERS} orders      ${mem.rssMb.toFixed(1)} MB (process before the agent: ${mem.baselineMb.toFixed(1)} MB; ${(ORDERS / mem.seconds).toFixed(0)} orders/s end to end on tmpfs)`,
  );
  console.log(
    `RSS after ${ORDERS} orders      ${small.rssMb.toFixed(1)} MB with --max-semi-space-size=1 MALLOC_ARENA_MAX=2 (before the agent: ${small.baselineMb.toFixed(1)} MB)`,
  );
  const scan = await scanToUnlockFrame();
  const overhead = (r: { bare: number; agent: number }) => (r.bare / r.agent - 1) * 100;
  console.log(
    `\ntargets: overhead < 10% (${overhead(one).toFixed(1)}%, ${overhead(many).toFixed(1)}%), cold start < 1500 ms, RSS < 80 MB, scan → unlock frame < 150 ms (p95 ${scan.p95Ms.toFixed(1)} ms)`,
  );
}

await main();
