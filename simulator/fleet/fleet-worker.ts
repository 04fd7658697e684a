import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pino from 'pino';
import type { AgentConfig } from '../../agent/config.ts';
import { FleetGroup } from './fleet-group.ts';
import { type FleetCommand, type FleetReport, parseFleetCommand } from './fleet-wire.ts';

/**
 * One process of the fleet (spawned by fleet-processes.ts): up to a few thousand lockers, each
 * with its own MQTT connection, driven by JSON-line commands on stdin; reports its sums on
 * stdout every half second. A process holds at most ~5,000 lockers: one socket each, and the
 * machine's per-process file limit is 20,000.
 */
const logger = pino({ level: process.env.FLEET_LOG_LEVEL ?? 'error' }, pino.destination(2));
let group: FleetGroup | undefined;
let statsTimer: NodeJS.Timeout | undefined;

function report(message: FleetReport): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function handle(command: FleetCommand): Promise<void> {
  switch (command.cmd) {
    case 'init': {
      const started = performance.now();
      const all = JSON.parse(readFileSync(command.configsFile, 'utf8')) as AgentConfig[];
      group = new FleetGroup(all.slice(command.from, command.to), {
        ...(command.url === undefined ? {} : { url: command.url }),
        ...(command.protocolVersion === undefined
          ? {}
          : { protocolVersion: command.protocolVersion }),
        tickMs: command.tickMs,
        statusIntervalMs: command.statusIntervalMs,
        logger,
      });
      report({ event: 'ready', lockers: group.lockers.length, ms: performance.now() - started });
      statsTimer = setInterval(() => group && report({ event: 'stats', ...group.stats() }), 500);
      return;
    }
    case 'start':
      return group?.start();
    case 'rate':
      return group?.traffic.setRate(command.rate);
    case 'burst':
      group?.traffic.burst(command.perLocker);
      // At once, after the burst's events are in the outboxes: the parent waits for this one.
      if (group !== undefined) report({ event: 'stats', ...group.stats() });
      return;
    case 'drop':
      report({ event: 'dropped', count: group?.drop(command.share) ?? 0 });
      return;
    case 'stop':
      clearInterval(statsTimer);
      await group?.stop();
      report({ event: 'stopped' });
      process.exit(0);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  handle(parseFleetCommand(line)).catch((error: unknown) => {
    logger.error({ event: 'fleet.worker.failed', error: String(error) });
    process.exit(1);
  });
});
// The parent gone means nobody reads the reports: stop rather than run on orphaned.
process.stdin.on('end', () => process.exit(0));
