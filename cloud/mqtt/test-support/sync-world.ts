import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import {
  LockerSyncClient,
  type LockerSyncClientOptions,
} from '../../../agent/sync/locker-sync-client.ts';
import {
  InMemoryCommandInbox,
  InMemoryOutbox,
  InMemorySyncTarget,
} from '../../../agent/sync/test-support/in-memory-agent-ports.ts';
import type { Clock } from '../../../protocol/index.ts';
import { CloudLink } from '../cloud-link.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../embedded-broker.ts';
import { createMqttCounters } from '../mqtt-counters.ts';
import type { SyncBuilder } from '../sync-answer.ts';
import {
  InMemoryEventIngestStore,
  InMemoryLockerCredentialStore,
} from './in-memory-cloud-ports.ts';
import { TcpProxy } from './tcp-proxy.ts';

/**
 * TEST SUPPORT. A cloud and its lockers over a real broker, in either mode:
 * - embedded: aedes on port 0 with per-locker auth; a partition stops and restarts the broker.
 * - in-process: the same, with the cloud's link attached to aedes in-process (as the cloud
 *   service runs it); the link is attached again to the restarted broker.
 * - external: the Mosquitto at 127.0.0.1:1883 with a random topic prefix and share group (other
 *   test runs use the same broker); lockers reach it through a TcpProxy that a partition cuts.
 * Stores are the in-memory seams until the real SQLite stores land on main.
 */
export type BrokerMode = 'embedded' | 'in-process' | 'external';

export const EXTERNAL_BROKER = { host: '127.0.0.1', port: 1883 };

export interface LockerRig {
  readonly lockerId: string;
  readonly secret: string;
  readonly outbox: InMemoryOutbox;
  readonly inbox: InMemoryCommandInbox;
  readonly target: InMemorySyncTarget;
  readonly client: LockerSyncClient;
}

export class SyncWorld {
  readonly logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  readonly counters = createMqttCounters();
  readonly store = new InMemoryEventIngestStore();
  readonly credentials = new InMemoryLockerCredentialStore();
  readonly internal = { username: 'cloud-internal', password: randomBytes(16).toString('hex') };
  readonly prefix: string;
  readonly runId = randomBytes(4).toString('hex');
  broker: EmbeddedBroker | undefined;
  link: CloudLink | undefined;
  private proxy: TcpProxy | undefined;
  private readonly lockers: LockerRig[] = [];
  buildSync: SyncBuilder | undefined;

  constructor(readonly mode: BrokerMode) {
    this.prefix =
      mode === 'external' ? `postamat-test-${this.runId}/lockers` : 'postamat/v1/lockers';
  }

  async start(): Promise<void> {
    if (this.mode !== 'external') {
      this.broker = await this.startBroker(0);
    } else {
      this.proxy = new TcpProxy(EXTERNAL_BROKER.host, EXTERNAL_BROKER.port);
      await this.proxy.start();
    }
    this.link = await this.connectLink();
  }

  /** Where lockers connect. */
  lockerUrl(): string {
    if (this.broker !== undefined) return this.broker.url;
    return `mqtt://127.0.0.1:${this.proxy!.port}`;
  }

  /** Where a raw test client connects with the cloud's eyes or as an intruder. */
  brokerUrl(): string {
    return this.broker?.url ?? `mqtt://${EXTERNAL_BROKER.host}:${EXTERNAL_BROKER.port}`;
  }

  addLocker(overrides: Partial<LockerSyncClientOptions> & { clock?: Clock } = {}): LockerRig {
    const lockerId = `L${this.runId}-${this.lockers.length + 1}`;
    const secret = randomBytes(16).toString('hex');
    this.credentials.add(lockerId, secret);
    const clock = overrides.clock ?? { now: () => Date.now() };
    const outbox = new InMemoryOutbox(lockerId, clock);
    const inbox = new InMemoryCommandInbox(outbox);
    const target = new InMemorySyncTarget();
    const client = new LockerSyncClient({
      url: this.lockerUrl(),
      lockerId,
      secret,
      topicPrefix: this.prefix,
      outbox,
      inbox,
      syncTarget: target,
      clock,
      random: Math.random,
      backoff: { baseMs: 50, capMs: 1_000 },
      ackTimeoutMs: 1_500,
      logger: this.logger.child({ lockerId }),
      ...overrides,
    });
    const rig = { lockerId, secret, outbox, inbox, target, client };
    this.lockers.push(rig);
    return rig;
  }

  /** The locker loses the broker: embedded stops it; external cuts the locker's link. */
  async partition(): Promise<void> {
    if (this.broker !== undefined) {
      await this.broker.close();
    } else {
      await this.proxy!.cut();
    }
  }

  async heal(): Promise<void> {
    if (this.broker !== undefined) {
      this.broker = await this.startBroker(this.broker.port);
      // In-process the link lived in the broker that stopped: attach it to the new one.
      if (this.mode === 'in-process') {
        await this.link?.close();
        this.link = await this.connectLink();
      }
    } else {
      await this.proxy!.restore();
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.lockers.map((rig) => rig.client.stop()));
    await this.link?.close().catch(() => {});
    await this.broker?.close().catch(() => {});
    await this.proxy?.cut();
  }

  private startBroker(port: number): Promise<EmbeddedBroker> {
    return startEmbeddedBroker({
      port,
      credentials: this.credentials,
      internal: this.internal,
      counters: this.counters,
      logger: this.logger,
    });
  }

  private connectLink(): Promise<CloudLink> {
    return CloudLink.connect({
      url: this.brokerUrl(),
      mode: this.mode === 'external' ? 'external' : 'embedded',
      ...(this.mode === 'external'
        ? { shareGroup: `postamat-cloud-${this.runId}` }
        : this.internal),
      ...(this.mode === 'in-process' && this.broker !== undefined
        ? { transport: this.broker.localTransport() }
        : {}),
      topicPrefix: this.prefix,
      store: this.store,
      clock: { now: () => Date.now() },
      counters: this.counters,
      logger: this.logger,
      buildSync: (lockerId, since) => this.buildSync?.(lockerId, since),
    });
  }
}
