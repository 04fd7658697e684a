import type { Logger } from 'pino';
import { Agent } from '../../agent/agent.ts';
import type { AgentConfig } from '../../agent/config.ts';
import { seedCells } from '../../agent/seed-cells.ts';
import { TestPaymentProvider } from '../../agent/services/payment-provider.ts';
import type { Store } from '../../agent/store/store.ts';
import type { BackoffPolicy } from '../../agent/sync/domain/reconnect-backoff.ts';
import { LockerSyncClient } from '../../agent/sync/locker-sync-client.ts';
import { type Clock, systemClock } from '../../protocol/index.ts';
import { SimBoard } from '../sim-board.ts';
import { simulatePerson } from '../sim-person.ts';
import { SimulatedLockBoard } from '../simulated-lock-board.ts';
import { openFleetStore } from './store-template.ts';

/** What one simulated locker needs: the config file the cloud issued at provisioning. */
export interface FleetLockerOptions {
  readonly config: AgentConfig;
  /** Overrides the issued sync.url (the installer's edit: e.g. another broker address). */
  readonly url?: string;
  /** MQTT protocol version; 5 against an external MQTT 5 broker. */
  readonly protocolVersion?: 4 | 5;
  /** The agent's tick (door timeouts, expiry); a real locker ticks every 250 ms. */
  readonly tickMs: number;
  /** How often the connected locker refreshes its retained status (the heartbeat). */
  readonly statusIntervalMs: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Reconnect backoff; the agent's default (1 s doubling to 15 s, full jitter) when absent. */
  readonly backoff?: BackoffPolicy;
}

/**
 * One locker of the fleet: the REAL agent core (Agent on its own SQLite store, in memory rather
 * than on a file so thousands fit in a process) with the simulator's in-process boards and a
 * person who shuts a door after it sprang open, and the REAL sync client with the locker's own
 * MQTT connection, credentials and outbox.
 */
export class FleetLocker {
  readonly lockerId: string;
  readonly store: Store;
  readonly agent: Agent;
  readonly client: LockerSyncClient;
  readonly boards: SimulatedLockBoard[];
  private readonly sims: SimBoard[];
  private readonly stopPersons: (() => void)[];

  constructor(options: FleetLockerOptions) {
    const { config, logger } = options;
    const clock = options.clock ?? systemClock;
    const sync = config.sync;
    if (sync === undefined) throw new Error(`locker ${config.lockerId}: issued config has no sync`);
    this.lockerId = config.lockerId;
    this.store = openFleetStore(config.lockerId, clock);
    seedCells(this.store, config);
    this.sims = boardAddresses(config).map(
      (address) =>
        new SimBoard({ address, channels: channelsOn(config, address), springDelayMs: 20 }),
    );
    this.stopPersons = this.sims.map((sim) => simulatePerson(sim, 50));
    this.boards = this.sims.map(
      (board) => new SimulatedLockBoard({ board, busId: 'sim', debounceMs: 5, pulseMs: 30 }),
    );
    this.agent = new Agent({
      lockerId: config.lockerId,
      hashKey: config.hashKey,
      store: this.store,
      boards: this.boards,
      clock,
      log: logger,
      payments: new TestPaymentProvider(),
      tickMs: options.tickMs,
    });
    this.client = new LockerSyncClient({
      url: options.url ?? sync.url,
      lockerId: config.lockerId,
      secret: sync.secret,
      ...(sync.topicPrefix === undefined ? {} : { topicPrefix: sync.topicPrefix }),
      ...(options.protocolVersion === undefined
        ? {}
        : { protocolVersion: options.protocolVersion }),
      outbox: this.agent.outbox,
      inbox: this.agent.commands,
      syncTarget: this.agent.sync,
      clock,
      random: Math.random,
      statusIntervalMs: options.statusIntervalMs,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      // As the agent's config has it (parsed, so the default is filled in).
      startJitterMs: sync.startJitterMs,
      logger,
      describe: () => ({
        version: 'fleet',
        boards: this.boards.map((b) => ({
          bus: 'sim',
          address: Number(b.id.split(':')[1] ?? 1),
          online: b.isOnline(),
        })),
      }),
    });
  }

  start(): void {
    this.agent.start();
    this.client.start();
  }

  /** Undelivered events in the outbox. */
  depth(): number {
    return this.store.outbox.depth();
  }

  lastSeq(): number {
    return this.store.outbox.lastSeq();
  }

  async stop(): Promise<void> {
    await this.client.stop();
    this.agent.stop();
    for (const stop of this.stopPersons) stop();
    await Promise.all(this.boards.map((b) => b.close()));
    this.store.close();
  }
}

/** The fleet's cells are all on the simulator's bus `sim`: board ids `sim:<address>`. */
function boardAddresses(config: AgentConfig): number[] {
  const addresses = config.cells.map((c) => Number(c.board.split(':')[1] ?? 1));
  return [...new Set(addresses)].sort((a, b) => a - b);
}

function channelsOn(config: AgentConfig, address: number): number {
  const channels = config.cells.filter((c) => c.board === `sim:${address}`).map((c) => c.channel);
  return Math.max(1, ...channels);
}
