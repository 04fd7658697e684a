import type { Logger } from 'pino';
import type { AgentConfig } from '../../agent/config.ts';
import type { BackoffPolicy } from '../../agent/sync/domain/reconnect-backoff.ts';
import { FleetLocker } from './fleet-locker.ts';
import { TrafficGenerator } from './fleet-traffic.ts';

export interface FleetGroupOptions {
  readonly url?: string;
  readonly protocolVersion?: 4 | 5;
  readonly tickMs?: number;
  readonly statusIntervalMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly logger: Logger;
}

/** What a group of lockers reports: summed over its lockers. */
export interface FleetStats {
  readonly lockers: number;
  readonly connected: number;
  /** Events written to the outboxes (the lockers' last seqs, summed). */
  readonly written: number;
  /** Events the cloud acked as committed (the outboxes' delivered seqs, summed). */
  readonly delivered: number;
  readonly connects: number;
  readonly connectFailures: number;
  readonly commandsHandled: number;
  readonly trafficEvents: number;
  /** Burst commands this process has carried out (so a waiter knows its burst is counted). */
  readonly bursts: number;
}

/**
 * Lockers of one process. Each is a whole agent with its own connection; the group only starts,
 * stops, drives traffic and injects faults, and sums what they report.
 */
export class FleetGroup {
  readonly lockers: FleetLocker[];
  readonly traffic: TrafficGenerator;

  constructor(configs: readonly AgentConfig[], options: FleetGroupOptions) {
    this.lockers = configs.map(
      (config) =>
        new FleetLocker({
          config,
          ...(options.url === undefined ? {} : { url: options.url }),
          ...(options.protocolVersion === undefined
            ? {}
            : { protocolVersion: options.protocolVersion }),
          tickMs: options.tickMs ?? 5_000,
          statusIntervalMs: options.statusIntervalMs ?? 300_000,
          ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
          logger: options.logger,
        }),
    );
    this.traffic = new TrafficGenerator(this.lockers);
  }

  /** All lockers at once: the connect storm of a city's lockers coming back. */
  start(): void {
    for (const locker of this.lockers) locker.start();
  }

  get(lockerId: string): FleetLocker | undefined {
    return this.lockers.find((l) => l.lockerId === lockerId);
  }

  /** Fault injection: cuts the connections of a share of the lockers (random), 0..1. */
  drop(share: number, random: () => number = Math.random): number {
    let dropped = 0;
    for (const locker of this.lockers) {
      if (random() >= share || !locker.client.connected()) continue;
      locker.client.dropLink();
      dropped += 1;
    }
    return dropped;
  }

  stats(): FleetStats {
    let connected = 0;
    let written = 0;
    let delivered = 0;
    let connects = 0;
    let connectFailures = 0;
    let commandsHandled = 0;
    for (const locker of this.lockers) {
      if (locker.client.connected()) connected += 1;
      written += locker.lastSeq();
      delivered += locker.store.outbox.deliveredSeq();
      connects += locker.client.counters.connects;
      connectFailures += locker.client.counters.connectFailures;
      commandsHandled += locker.client.counters.commandsHandled;
    }
    return {
      lockers: this.lockers.length,
      connected,
      written,
      delivered,
      connects,
      connectFailures,
      commandsHandled,
      trafficEvents: this.traffic.events,
      bursts: this.traffic.bursts,
    };
  }

  async stop(): Promise<void> {
    this.traffic.stop();
    await Promise.all(this.lockers.map((l) => l.stop()));
  }
}

/** Sums the stats of several groups (processes). */
export function sumStats(all: readonly FleetStats[]): FleetStats {
  const sum = (key: keyof FleetStats) => all.reduce((n, s) => n + s[key], 0);
  return {
    lockers: sum('lockers'),
    connected: sum('connected'),
    written: sum('written'),
    delivered: sum('delivered'),
    connects: sum('connects'),
    connectFailures: sum('connectFailures'),
    commandsHandled: sum('commandsHandled'),
    trafficEvents: sum('trafficEvents'),
    bursts: sum('bursts'),
  };
}
