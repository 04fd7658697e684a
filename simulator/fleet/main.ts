import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetProcesses } from './fleet-processes.ts';
import { provisionFleet } from './fleet-provision.ts';

/**
 * `npm run fleet -- --lockers N --rate R --api http://cloud:8080 --admin-key K [--url mqtt://…]`
 *
 * Provisions N lockers through the running cloud's operator API, starts them in processes of
 * at most --per-process lockers, drives R events/s of day traffic and, with --drop-every S,
 * cuts a --drop-share of the connections every S seconds. Prints the fleet's sums every 5 s;
 * Ctrl-C stops every locker cleanly.
 */
const USAGE =
  'usage: fleet --lockers N --api URL (--admin-key K | --operator-key K) [--rate R] [--url mqtt://…] [--mqtt5] [--per-process 5000] [--status-every S] [--drop-every S] [--drop-share F] [--prefix ID]';

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number ≥ 0 (${value})`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lockers: { type: 'string' },
      rate: { type: 'string' },
      api: { type: 'string' },
      url: { type: 'string' },
      mqtt5: { type: 'boolean', default: false },
      'admin-key': { type: 'string' },
      'operator-key': { type: 'string' },
      'per-process': { type: 'string' },
      'status-every': { type: 'string' },
      'drop-every': { type: 'string' },
      'drop-share': { type: 'string' },
      prefix: { type: 'string' },
    },
  });
  const lockers = number(values.lockers, 'lockers', 0);
  if (lockers < 1 || values.api === undefined) throw new Error(USAGE);
  const started = Date.now();
  const { configs } = await provisionFleet({
    api: values.api,
    ...(values['admin-key'] === undefined ? {} : { adminKey: values['admin-key'] }),
    ...(values['operator-key'] === undefined ? {} : { operatorKey: values['operator-key'] }),
    count: lockers,
    idPrefix: values.prefix ?? `FL${Date.now().toString(36)}`,
    onProgress: (done) => log({ provisioned: done }),
  });
  log({ provisioned: lockers, ms: Date.now() - started });
  const dir = mkdtempSync(join(tmpdir(), 'postamat-fleet-'));
  const fleet = await FleetProcesses.start({
    configs,
    configsFile: join(dir, 'configs.json'),
    perProcess: number(values['per-process'], 'per-process', 5_000),
    ...(values.url === undefined ? {} : { url: values.url }),
    ...(values.mqtt5 ? { protocolVersion: 5 as const } : {}),
    statusIntervalMs: number(values['status-every'], 'status-every', 300) * 1000,
  });
  fleet.connectAll();
  fleet.setRate(number(values.rate, 'rate', 10));
  const timers = [setInterval(() => log({ ...fleet.stats() }), 5_000)];
  const dropEvery = number(values['drop-every'], 'drop-every', 0);
  if (dropEvery > 0) {
    const share = number(values['drop-share'], 'drop-share', 0.1);
    timers.push(setInterval(() => fleet.drop(share), dropEvery * 1000));
  }
  const stop = async () => {
    for (const timer of timers) clearInterval(timer);
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...fields })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fleet: ${(error as Error).message}\n`);
  process.exit(2);
});
