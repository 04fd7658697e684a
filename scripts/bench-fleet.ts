/**
 * `npm run bench:fleet -- --lockers 10000` — one cloud node carrying a city's lockers.
 *
 * For each configuration (embedded aedes or our own Mosquitto; SQLite or PostgreSQL): the real
 * cloud process, N lockers provisioned through its API and run by the fleet simulator (real agents
 * in processes of ≤ 5,000): time to connect all; cloud RSS per idle locker; events/s committed
 * (a burst from every locker, counted by the acks of committed seqs); p99 of a remote open
 * (operator API → command → result committed) with background traffic; time to reconnect and
 * drain after the cloud is killed and started again. Next to them, the raw broker with the same
 * number of plain mqtt.js connections publishing QoS 1 to one subscriber.
 *
 * Options: --lockers N, --configs embedded-sqlite,embedded-postgres,mosquitto-sqlite,
 * mosquitto-postgres, --rate 1000 (background events/s), --opens 100, --burst 5 (actions per
 * locker), --per-process 5000, --no-raw, --raw mosquitto (only that reference), --restart-signal
 * SIGKILL, --cpu-prof DIR, --heap-snapshot DIR, --cloud-node-flags="--max-semi-space-size=8"
 * (node flags for the cloud process). Environment: FLEET_LOG_LEVEL=warn prints the agents' warnings,
 * CLOUD_PROCESS_LOG=file keeps the cloud processes' log lines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Engine } from '../cloud/service/testing/cloud-engines.ts';
import { bundleCloudMain } from '../cloud/service/testing/cloud-process.ts';
import { freePort } from '../cloud/service/testing/free-port.ts';
import { runFleetPhases } from './bench-fleet/fleet-phases.ts';
import { collectGarbage } from './bench-fleet/inspector-gc.ts';
import { load, printRows, type Row, seconds } from './bench-fleet/measure.ts';
import { OwnMosquitto } from './bench-fleet/mosquitto.ts';
import { rawReference } from './bench-fleet/raw-reference.ts';

const { values } = parseArgs({
  options: {
    lockers: { type: 'string', default: '10000' },
    configs: {
      type: 'string',
      default: 'embedded-sqlite,embedded-postgres,mosquitto-sqlite,mosquitto-postgres',
    },
    rate: { type: 'string', default: '1000' },
    opens: { type: 'string', default: '100' },
    burst: { type: 'string', default: '5' },
    'per-process': { type: 'string', default: '5000' },
    'no-raw': { type: 'boolean', default: false },
    /** Which raw broker references to run: embedded (plain aedes), mosquitto, or both. */
    raw: { type: 'string', default: 'embedded,mosquitto' },
    'restart-signal': { type: 'string', default: 'SIGKILL' },
    /** Write the cloud's CPU profile here (node --cpu-prof); use --restart-signal SIGTERM. */
    'cpu-prof': { type: 'string' },
    /** Write a heap snapshot of the idle cloud here (after the connect storm). */
    'heap-snapshot': { type: 'string' },
    /** Node/V8 flags for the cloud process, space-separated (e.g. "--max-semi-space-size=8"). */
    'cloud-node-flags': { type: 'string', default: '' },
  },
});
const N = Number(values.lockers);
const perProcess = Number(values['per-process']);
const dir = mkdtempSync(join(tmpdir(), 'postamat-bench-fleet-'));
const rows: Row[] = [];
const row = (config: string, what: string, value: string, versus: string) => {
  const r = { config, what, value, versus, load: load() };
  rows.push(r);
  console.log(`  ${what}: ${value} (${versus}) load ${r.load}`);
};

async function rawRows(kind: 'embedded' | 'mosquitto'): Promise<void> {
  const name = kind === 'embedded' ? 'raw aedes' : 'raw mosquitto';
  console.log(`${name}: ${N} plain connections`);
  const broker = kind === 'embedded' ? await plainAedes() : await plainMosquitto();
  try {
    const raw = await rawReference({
      url: broker.url,
      clients: N,
      perProcess,
      perClient: 5,
      brokerPid: broker.pid,
      collectGarbage: broker.collectGarbage,
    });
    row(name, `connect ${N} locker-shaped clients`, seconds(raw.connectMs), 'reference');
    if (raw.rssPerClient !== undefined) {
      row(
        name,
        'broker RSS per idle client',
        `${(raw.rssPerClient / 1024).toFixed(1)} KB`,
        'reference (session, will, 3 subscriptions, retained status)',
      );
    }
    row(name, `QoS 1 msgs/s (${raw.messages})`, raw.messagesPerSecond.toFixed(0), 'reference');
  } finally {
    broker.stop();
  }
}

async function plainAedes() {
  // With the inspector: its idle memory is read after a full collection, as the cloud's is.
  const proc = spawn(
    process.execPath,
    [
      '--inspect=127.0.0.1:0',
      '--import',
      'tsx',
      join(import.meta.dirname, 'bench-fleet/raw-aedes.ts'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const port = await new Promise<number>((resolve) =>
    createInterface({ input: proc.stdout! }).once('line', (l) => resolve(JSON.parse(l).port)),
  );
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: proc.pid,
    collectGarbage: () => collectGarbage(stderr),
    stop: () => proc.kill(),
  };
}

async function plainMosquitto() {
  const sub = mkdtempSync(join(dir, 'raw-mosquitto-'));
  const broker = await OwnMosquitto.start(sub, await freePort(), 'anonymous');
  // Mosquitto frees as it goes: nothing to collect.
  return {
    url: broker.url,
    pid: broker.pid,
    collectGarbage: async () => {},
    stop: () => broker.stop(),
  };
}

async function main(): Promise<void> {
  console.log(`bench:fleet — ${N} lockers, load average ${load()} at start`);
  const bundle = await bundleCloudMain();
  const configs = (values.configs ?? '').split(',').filter((c) => c !== '');
  const rawDone = new Set<string>();
  try {
    for (const config of configs) {
      const [broker, engine] = config.split('-') as ['embedded' | 'mosquitto', Engine];
      const rawWanted = !values['no-raw'] && (values.raw ?? '').split(',').includes(broker);
      if (rawWanted && !rawDone.has(broker)) {
        rawDone.add(broker);
        await rawRows(broker).catch((error: unknown) =>
          row(`raw ${broker}`, 'FAILED', String(error).slice(0, 200), ''),
        );
      }
      console.log(`${config}:`);
      await runFleetPhases({
        bundle,
        dir,
        broker,
        engine,
        lockers: N,
        perProcess,
        rate: Number(values.rate),
        opens: Number(values.opens),
        burst: Number(values.burst),
        restartSignal: values['restart-signal'] as NodeJS.Signals,
        cloudNodeFlags: (values['cloud-node-flags'] ?? '').split(' ').filter((f) => f !== ''),
        ...(values['cpu-prof'] === undefined ? {} : { cpuProfDir: values['cpu-prof'] }),
        ...(values['heap-snapshot'] === undefined
          ? {}
          : { heapSnapshotDir: values['heap-snapshot'] }),
        row: (what, value, versus) => row(config, what, value, versus),
      }).catch((error: unknown) => row(config, 'FAILED', String(error).slice(0, 200), ''));
    }
  } finally {
    rmSync(bundle, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  printRows(rows);
}

await main();
