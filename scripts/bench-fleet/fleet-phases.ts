import { join } from 'node:path';
import type { Engine } from '../../cloud/service/testing/cloud-engines.ts';
import type { FleetStats } from '../../simulator/fleet/fleet-group.ts';
import { FleetProcesses } from '../../simulator/fleet/fleet-processes.ts';
import { provisionFleet } from '../../simulator/fleet/fleet-provision.ts';
import { ADMIN_KEY, type BrokerKind, CloudUnderTest } from './cloud-under-test.ts';
import { percentile, seconds } from './measure.ts';
import { remoteOpens } from './remote-opens.ts';

export interface PhaseInput {
  readonly bundle: string;
  readonly dir: string;
  readonly broker: BrokerKind;
  readonly engine: Engine;
  readonly lockers: number;
  readonly perProcess: number;
  readonly rate: number;
  readonly opens: number;
  readonly burst: number;
  readonly restartSignal: NodeJS.Signals;
  readonly cpuProfDir?: string;
  readonly heapSnapshotDir?: string;
  /** V8/node flags for the cloud process (e.g. --max-semi-space-size=…), as a unit would set. */
  readonly cloudNodeFlags: readonly string[];
  readonly row: (what: string, value: string, versus: string) => void;
}

const drained = (s: FleetStats) => s.delivered === s.written;

/** BENCH SUPPORT — one configuration, every figure, in the order a city's day would meet them. */
export async function runFleetPhases(input: PhaseInput): Promise<void> {
  const { lockers: N, row } = input;
  const cloud = await CloudUnderTest.start(
    input.bundle,
    input.dir,
    input.broker,
    input.engine,
    input.cpuProfDir,
    input.heapSnapshotDir,
    input.cloudNodeFlags,
  );
  let fleet: FleetProcesses | undefined;
  try {
    let t = performance.now();
    const { configs, operatorKey } = await provisionFleet({
      api: cloud.httpUrl,
      adminKey: ADMIN_KEY,
      count: N,
      idPrefix: `B${input.broker[0]}${input.engine[0]}`,
      concurrency: 32,
    });
    row('provision through the API', seconds(performance.now() - t), `${N} lockers`);
    cloud.mosquitto?.addLockers(
      configs.map((c) => ({ id: c.lockerId, secret: c.sync?.secret ?? '' })),
    );
    fleet = await FleetProcesses.start({
      configs,
      configsFile: join(cloud.dataDir, 'fleet.json'),
      perProcess: input.perProcess,
    });
    // The baseline is read the same way as the idle figure: after a full collection.
    await cloud.collectGarbage();
    const rssBefore = cloud.rss();
    const heapBefore = (await cloud.memory()).heapUsed;

    t = performance.now();
    const cpuBefore = cloud.cpuSeconds();
    fleet.connectAll();
    const storm = await fleet.until((s) => s.connected === N, 'all connected', 900_000);
    row(
      'connect all lockers',
      seconds(performance.now() - t),
      `target < 30 s (${storm.connectFailures} failed attempts, cloud CPU ${(cloud.cpuSeconds() - cpuBefore).toFixed(1)} s)`,
    );
    await fleet.until(drained, 'first statuses and layout events drained', 900_000);
    // On purpose, not a wait for an event: the storm's peak is read once its last answers are out.
    await settle(5_000);
    const rssStorm = cloud.rss();
    // A compaction during the storm does not count: idle is what the cloud does after it.
    const compactionsAfterStorm = (await cloud.memory()).compactions;
    row(
      'cloud RSS per locker after the storm',
      `${((rssStorm - rssBefore) / N / 1024).toFixed(1)} KB`,
      `RSS ${mb(rssBefore)} → ${mb(rssStorm)}, garbage not yet collected: what the node must have`,
    );
    // The cloud gives a storm's memory back itself once it has calmed down (HeapCompactor,
    // looking every 30 s): idle is read after it has.
    const calm = performance.now();
    const compacted = await within(
      async () => (await cloud.memory()).compactions > compactionsAfterStorm,
      // The compactor looks every 30 s and compacts at most once in 2 min (one during the storm
      // holds the next back).
      240_000,
    );
    await settle(2_000);
    const rssIdle = cloud.rss();
    row(
      'cloud RSS per idle locker',
      `${((rssIdle - rssBefore) / N / 1024).toFixed(1)} KB`,
      `target < 20 KB (RSS ${mb(rssBefore)} → ${mb(rssIdle)}, ${compacted ? `the cloud compacted its heap ${seconds(performance.now() - calm)} after the storm` : 'no compaction in the 240 s after the storm'})`,
    );
    // DIAGNOSTIC: what is live — five memory-reducing GCs asked for through the inspector.
    for (let i = 0; i < 5; i++) await cloud.collectGarbage();
    const rssLive = cloud.rss();
    row(
      'cloud RSS per idle locker after 5 forced full GCs',
      `${((rssLive - rssBefore) / N / 1024).toFixed(1)} KB`,
      `RSS ${mb(rssBefore)} → ${mb(rssLive)}`,
    );
    const idle = await cloud.memory();
    row(
      'cloud V8 heap per idle locker',
      `${((idle.heapUsed - heapBefore) / N / 1024).toFixed(1)} KB`,
      `heap in use ${mb(heapBefore)} → ${mb(idle.heapUsed)} (committed ${mb(idle.heapTotal)}, outside the heap ${mb(idle.external)}), part of the RSS above`,
    );
    row(
      'cloud V8 heap spaces when idle',
      idle.spaces
        .filter((s) => s.total >= 1024 * 1024)
        .map((s) => `${s.space.replace('_space', '')} ${mb(s.total)}/${mb(s.used)}`)
        .join(', '),
      'committed/in use',
    );
    cloud.heapSnapshot();

    const before = await fleet.fresh();
    t = performance.now();
    const burst = await fleet.burst(input.burst);
    const after = await fleet.until(
      (s) => s.delivered >= burst.written,
      'the burst committed',
      600_000,
    );
    const events = after.written - before.written;
    row(
      'events/s committed (burst)',
      (events / ((performance.now() - t) / 1000)).toFixed(0),
      `${events} events from ${N} lockers`,
    );

    fleet.setRate(input.rate);
    // On purpose: remote opens are timed under steady background traffic, not its ramp-up.
    await settle(3_000);
    const opens = await remoteOpens({
      api: cloud.httpUrl,
      operatorKey,
      lockerIds: configs.map((c) => c.lockerId),
      count: input.opens,
      concurrency: 4,
    });
    const background = await fleet.fresh();
    row(
      `remote open p50 / p99 (${opens.length}, ${input.rate} ev/s)`,
      `${percentile(opens, 50).toFixed(0)} / ${percentile(opens, 99).toFixed(0)} ms`,
      'target p99 < 500 ms',
    );
    fleet.setRate(0);
    await fleet.until(drained, 'background traffic drained', 300_000);
    row('background traffic committed', String(background.trafficEvents), 'events');

    row(
      'heap compactions so far',
      String((await cloud.memory()).compactions),
      'provision, storm, burst, remote opens (postamat_heap_compactions_total)',
    );
    await restartPhase(input, cloud, fleet);

    const finalStats = await fleet.fresh();
    const log = await cloud.eventLog();
    row(
      'cloud event log rows / distinct',
      `${log.rows} / ${log.distinct}`,
      `written ${finalStats.written} (exactly once: all equal)`,
    );
  } finally {
    await fleet?.stop();
    await cloud.stop();
  }
}

async function restartPhase(
  input: PhaseInput,
  cloud: CloudUnderTest,
  fleet: FleetProcesses,
): Promise<void> {
  const N = input.lockers;
  const before = await fleet.fresh();
  const t = performance.now();
  const down = cloud.restart(input.restartSignal);
  // People keep using the lockers while the cloud is away: one deposit each.
  const burst = await fleet.burst(1);
  await down;
  const startMs = performance.now() - t;
  // Reports made before the lockers noticed the kill still say "all connected": on the embedded
  // broker every locker has to connect again, so its connect count must show it.
  const connected = await fleet.until(
    (s) => s.connected === N && (input.broker !== 'embedded' || s.connects >= before.connects + N),
    'all reconnected',
    900_000,
  );
  const reconnectMs = performance.now() - t;
  // The new process's CPU from its start: its start-up and the whole reconnect storm.
  const cpu = cloud.cpuSeconds();
  await fleet.until((s) => s.delivered >= burst.written, 'all drained after the restart', 600_000);
  const drainMs = performance.now() - t;
  input.row(
    `${input.restartSignal} + start: all connected`,
    seconds(reconnectMs),
    `target < 30 s (cloud up after ${seconds(startMs)}, ${connected.connects - before.connects} connects, ${connected.connectFailures - before.connectFailures} failed attempts, cloud CPU ${cpu.toFixed(1)} s)`,
  );
  input.row(`${input.restartSignal} + start: all drained`, seconds(drainMs), `${N} lockers`);
}

/** Polls each second; false if the condition did not come true in time. */
async function within(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) return false;
    await settle(1_000);
  }
  return true;
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
