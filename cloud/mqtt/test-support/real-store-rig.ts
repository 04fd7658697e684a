import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Agent } from '../../../agent/agent.ts';
import { TestPaymentProvider } from '../../../agent/services/payment-provider.ts';
import { Store } from '../../../agent/store/store.ts';
import { LockerSyncClient } from '../../../agent/sync/locker-sync-client.ts';
import { baseSync, T0 } from '../../../agent/testing/agent-fixture.ts';
import { ScriptedLockBoard } from '../../../agent/testing/scripted-lock-board.ts';
import type { CloudStore } from '../../store/store.ts';
import { provisionTestLocker, seedNetwork } from '../../store/test-stores.ts';
import { CloudLink } from '../cloud-link.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../embedded-broker.ts';
import { createMqttCounters } from '../mqtt-counters.ts';
import { type BrokerMode, EXTERNAL_BROKER } from './sync-world.ts';
import { TcpProxy } from './tcp-proxy.ts';

/**
 * TEST SUPPORT. The real thing on both ends: the agent (its SQLite store, outbox, command inbox
 * and sync target) with a scripted lock board, and the cloud store (SQLite or PostgreSQL) behind
 * the broker in either mode. The locker's clock is frozen at the fixture's T0, hours away from the
 * cloud's real clock: drift is part of every test here.
 */
export class RealStoreRig {
  readonly logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  readonly counters = createMqttCounters();
  readonly internal = { username: 'cloud-internal', password: `p-${Math.random()}` };
  readonly prefix: string;
  readonly lockerClock = { now: () => T0 };
  broker: EmbeddedBroker | undefined;
  link!: CloudLink;
  agent!: Agent;
  agentStore!: Store;
  client!: LockerSyncClient;
  lockerId = '';
  private proxy: TcpProxy | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'postamat-sync-e2e-'));
  private readonly runId = Math.random().toString(36).slice(2, 8);

  constructor(
    readonly mode: Exclude<BrokerMode, 'in-process'>,
    readonly cloud: CloudStore,
  ) {
    this.prefix =
      mode === 'embedded' ? 'postamat/v1/lockers' : `postamat-e2e-${this.runId}/lockers`;
  }

  async start(): Promise<void> {
    const { operator } = await seedNetwork(this.cloud);
    this.lockerId = `E2E-${this.runId}`;
    const { mqttSecret } = await provisionTestLocker(
      this.cloud,
      operator.id,
      this.lockerId,
      55.7,
      37.6,
      {
        S: 2,
        M: 2,
      },
    );
    if (this.mode === 'embedded') {
      this.broker = await this.startBroker(0);
    } else {
      this.proxy = new TcpProxy(EXTERNAL_BROKER.host, EXTERNAL_BROKER.port);
      await this.proxy.start();
    }
    this.link = await CloudLink.connect({
      url: this.broker?.url ?? `mqtt://${EXTERNAL_BROKER.host}:${EXTERNAL_BROKER.port}`,
      mode: this.mode,
      ...(this.mode === 'embedded' ? this.internal : { shareGroup: `e2e-${this.runId}` }),
      topicPrefix: this.prefix,
      store: this.cloud,
      buildSync: (lockerId, since) => this.cloud.buildSyncMessage(lockerId, since),
      clock: { now: () => Date.now() },
      counters: this.counters,
      logger: this.logger,
    });
    this.agentStore = Store.open(join(this.dir, 'agent.db'), this.lockerId, this.lockerClock);
    this.agent = new Agent({
      lockerId: this.lockerId,
      hashKey: 'test-hash-key',
      store: this.agentStore,
      boards: [new ScriptedLockBoard('rs485:1', 8, () => this.lockerClock.now())],
      clock: this.lockerClock,
      log: this.logger,
      payments: new TestPaymentProvider(),
      tickMs: 0,
    });
    // The layout the locker was installed with, before it ever reached the cloud.
    this.agent.sync.applySync({ ...baseSync(), lockerId: this.lockerId });
    this.agent.start();
    this.client = new LockerSyncClient({
      url: this.broker?.url ?? `mqtt://127.0.0.1:${this.proxy!.port}`,
      lockerId: this.lockerId,
      secret: mqttSecret,
      topicPrefix: this.prefix,
      outbox: this.agentStore.outbox,
      inbox: this.agent.commands,
      syncTarget: this.agent.sync,
      clock: this.lockerClock,
      random: Math.random,
      backoff: { baseMs: 50, capMs: 1_000 },
      ackTimeoutMs: 1_500,
      logger: this.logger,
    });
  }

  /** What a resident's flow does: a change and its events, committed together. */
  emit(count: number, type = 'kiosk.touched'): void {
    this.agentStore.transaction(() => {
      for (let i = 0; i < count; i += 1) this.agentStore.emit(type, { i });
    });
  }

  lastSeq(): number {
    return this.agentStore.outbox.lastSeq();
  }

  async partition(): Promise<void> {
    if (this.broker !== undefined) await this.broker.close();
    else await this.proxy!.cut();
  }

  async heal(): Promise<void> {
    if (this.broker !== undefined) this.broker = await this.startBroker(this.broker.port);
    else await this.proxy!.restore();
  }

  async stop(): Promise<void> {
    await this.client?.stop();
    this.agent?.stop();
    this.agentStore?.close();
    await this.link?.close().catch(() => {});
    await this.broker?.close().catch(() => {});
    await this.proxy?.cut();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startBroker(port: number): Promise<EmbeddedBroker> {
    return startEmbeddedBroker({
      port,
      credentials: this.cloud,
      internal: this.internal,
      counters: this.counters,
      logger: this.logger,
    });
  }
}
