import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  type Clock,
  type Command,
  decodePayload,
  encodePayload,
  isPostamatError,
  type Status,
  TOPIC_PREFIX,
  type TopicKind,
  topicFor,
} from '../../protocol/index.ts';
import { CloudClock } from './domain/cloud-clock.ts';
import {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  type RandomSource,
  reconnectDelayMs,
} from './domain/reconnect-backoff.ts';
import { DEFAULT_DRAIN, type DrainOptions, OutboxDrain } from './outbox-drain.ts';
import type { CommandInbox, Outbox, SyncTarget } from './ports.ts';
import { SyncIntake } from './sync-intake.ts';

export interface LockerSyncClientOptions {
  readonly url: string;
  readonly lockerId: string;
  readonly secret: string;
  readonly topicPrefix?: string;
  /** 4 (MQTT 3.1.1, what aedes speaks) or 5. */
  readonly protocolVersion?: 4 | 5;
  readonly tls?: Pick<IClientOptions, 'ca' | 'rejectUnauthorized'>;
  readonly outbox: Outbox;
  readonly inbox: CommandInbox;
  readonly syncTarget: SyncTarget;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly backoff?: BackoffPolicy;
  readonly drain?: DrainOptions;
  /** No ack progress for this long while events are in flight: resend from the last ack. */
  readonly ackTimeoutMs?: number;
  /** How often a connected locker refreshes its retained status (outbox depth, boards). */
  readonly statusIntervalMs?: number;
  /** Software version and board states for the retained status. */
  readonly describe?: () => Pick<Status, 'version' | 'boards'>;
  readonly logger: Logger;
}

export interface LockerSyncCounters {
  connects: number;
  connectFailures: number;
  commandsHandled: number;
  commandsRefusedBadPayload: number;
  ackTimeouts: number;
}

/**
 * The locker's MQTT client. Reconnects on its own schedule (exponential backoff, full jitter),
 * drains the outbox after every connect, hands commands to the inbox in cloud time, and applies
 * sync messages. Nothing here blocks the caller: the touchscreen writes to the store and this
 * client picks the events up from the outbox.
 */
export class LockerSyncClient {
  readonly counters: LockerSyncCounters = {
    connects: 0,
    connectFailures: 0,
    commandsHandled: 0,
    commandsRefusedBadPayload: 0,
    ackTimeouts: 0,
  };
  readonly drain: OutboxDrain;
  readonly cloudClock: CloudClock;
  private readonly sync: SyncIntake;
  private readonly prefix: string;
  private readonly startedAt: number;
  private client: MqttClient | undefined;
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  private pumpScheduled = false;
  private unsubscribeAppend: (() => void) | undefined;
  /** Commands wait here until this connection has learned cloud time. */
  private heldCommands: Command[] = [];
  private commandChain: Promise<void> = Promise.resolve();

  constructor(private readonly options: LockerSyncClientOptions) {
    this.prefix = options.topicPrefix ?? TOPIC_PREFIX;
    this.startedAt = options.clock.now();
    this.cloudClock = new CloudClock(options.clock);
    this.drain = new OutboxDrain(
      options.outbox,
      options.lockerId,
      options.drain ?? DEFAULT_DRAIN,
      (seq, bytes) => options.logger.error({ event: 'sync.outbox.oversized-event', seq, bytes }),
    );
    this.sync = new SyncIntake(options.syncTarget, options.logger, () => this.publishStatus());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribeAppend = this.options.outbox.onAppend(() => this.schedulePump());
    this.connectOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribeAppend?.();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.ackTimer);
    clearInterval(this.statusTimer);
    this.drain.stop();
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    if (client.connected) {
      // A clean goodbye: the will is not sent on a normal disconnect, so say offline ourselves.
      const goodbye = client.publishAsync(
        this.topic('status'),
        encodePayload('status', this.status(false)),
        { qos: 1, retain: true },
      );
      await bounded(goodbye, 2_000);
    }
    // A client still connecting may never call back from end(); stopping must not hang on it.
    await bounded(client.endAsync(true), 2_000);
  }

  connected(): boolean {
    return this.client?.connected === true;
  }

  /** Publishes the retained online status; a live status is also the locker's sync request. */
  publishStatus(): void {
    const client = this.client;
    if (client?.connected !== true) return;
    client.publish(this.topic('status'), encodePayload('status', this.status(true)), {
      qos: 1,
      retain: true,
    });
  }

  private connectOnce(): void {
    const { options } = this;
    const client = connect(options.url, {
      clientId: options.lockerId,
      username: options.lockerId,
      password: options.secret,
      protocolVersion: options.protocolVersion ?? 4,
      // The broker keeps subscriptions and queued commands while the locker is away.
      clean: false,
      ...(options.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: 7 * 86_400 } }
        : {}),
      // Reconnects are ours (full jitter); mqtt.js's fixed period would make 10,000 lockers march.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      will: {
        topic: this.topic('status'),
        payload: Buffer.from(encodePayload('status', this.status(false))),
        qos: 1,
        retain: true,
      },
      ...options.tls,
    });
    this.client = client;
    client.on('connect', () => void this.onConnect(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (error) =>
      options.logger.warn({ event: 'sync.mqtt.error', error: error.message }),
    );
    client.on('close', () => this.onClose(client));
  }

  private async onConnect(client: MqttClient): Promise<void> {
    this.counters.connects += 1;
    this.attempt = 0;
    this.cloudClock.reset();
    this.options.logger.info({ event: 'sync.mqtt.connected', lockerId: this.options.lockerId });
    try {
      await client.subscribeAsync({
        [this.topic('acks')]: { qos: 1 },
        [this.topic('sync')]: { qos: 1 },
        [this.topic('commands')]: { qos: 1 },
      });
    } catch (error) {
      this.options.logger.warn({ event: 'sync.mqtt.subscribe-failed', error: String(error) });
      client.end(true);
      return;
    }
    if (this.client !== client) return;
    // Messages queued in the session while the locker was away arrive before the SUBACK; their
    // cloud times are old. Only what arrives from here on can make cloud time known.
    this.cloudClock.reset();
    this.publishStatus();
    this.lastProgressAt = this.options.clock.now();
    this.drain.start((payload) => client.publish(this.topic('events'), payload, { qos: 1 }));
    this.armAckTimer();
    clearInterval(this.statusTimer);
    this.statusTimer = setInterval(
      () => this.publishStatus(),
      this.options.statusIntervalMs ?? 300_000,
    );
    this.statusTimer.unref();
  }

  private onClose(client: MqttClient): void {
    if (this.client !== client) return;
    this.drain.stop();
    clearInterval(this.ackTimer);
    clearInterval(this.statusTimer);
    this.heldCommands = [];
    this.client = undefined;
    client.removeAllListeners('close');
    client.end(true);
    if (this.stopped) return;
    if (this.counters.connects === 0 || this.attempt > 0) this.counters.connectFailures += 1;
    const delay = reconnectDelayMs(
      this.attempt,
      this.options.random,
      this.options.backoff ?? DEFAULT_BACKOFF,
    );
    this.attempt += 1;
    this.options.logger.info({
      event: 'sync.mqtt.reconnect-scheduled',
      delayMs: delay,
      attempt: this.attempt,
    });
    this.reconnectTimer = setTimeout(() => this.connectOnce(), delay);
  }

  private armAckTimer(): void {
    const timeout = this.options.ackTimeoutMs ?? 15_000;
    clearInterval(this.ackTimer);
    this.ackTimer = setInterval(
      () => {
        const waiting = this.drain.inFlight() > 0;
        if (waiting && this.options.clock.now() - this.lastProgressAt > timeout) {
          this.counters.ackTimeouts += 1;
          this.lastProgressAt = this.options.clock.now();
          this.drain.rewind();
        }
      },
      Math.max(50, timeout / 4),
    );
    this.ackTimer.unref();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.drain.pump();
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const kind = topic.slice(topic.lastIndexOf('/') + 1);
    try {
      if (kind === 'acks') this.onAck(payload);
      else if (kind === 'sync') this.sync.receive(decodePayload('sync', payload), this.cloudClock);
      else if (kind === 'commands') this.onCommand(payload);
    } catch (error) {
      if (kind === 'commands') this.counters.commandsRefusedBadPayload += 1;
      const problem = isPostamatError(error) ? error.message : String(error);
      this.options.logger.warn({ event: 'sync.message.refused', kind, problem });
    }
  }

  private onAck(payload: Buffer): void {
    const ack = decodePayload('acks', payload);
    if (ack.lockerId !== this.options.lockerId) return;
    if (ack.at !== undefined) this.cloudClock.observe(ack.at);
    this.lastProgressAt = this.options.clock.now();
    this.drain.onAck(ack);
    this.releaseCommands();
  }

  private onCommand(payload: Buffer): void {
    const command = decodePayload('commands', payload);
    if (command.lockerId !== this.options.lockerId) return;
    this.heldCommands.push(command);
    this.releaseCommands();
  }

  /** Commands go to the inbox one at a time, in arrival order, with the cloud-time receipt. */
  private releaseCommands(): void {
    if (!this.cloudClock.known()) return;
    const ready = this.heldCommands;
    this.heldCommands = [];
    for (const command of ready) {
      const receivedAt = this.cloudClock.now()!;
      this.commandChain = this.commandChain.then(() => this.handleCommand(command, receivedAt));
    }
  }

  private async handleCommand(command: Command, receivedAt: number): Promise<void> {
    try {
      const result = await this.options.inbox.handle(command, receivedAt);
      this.counters.commandsHandled += 1;
      this.options.logger.info({ event: 'sync.command', id: command.id, outcome: result.outcome });
      if (command.type === 'refresh-sync' && result.outcome === 'applied') this.publishStatus();
    } catch (error) {
      this.options.logger.error({
        event: 'sync.command.failed',
        id: command.id,
        error: String(error),
      });
    }
  }

  private status(online: boolean): Status {
    const { options } = this;
    const now = options.clock.now();
    return {
      lockerId: options.lockerId,
      online,
      at: now,
      ...(online
        ? {
            uptimeS: Math.max(0, Math.round((now - this.startedAt) / 1000)),
            outboxDepth: options.outbox.depth(),
            syncVersion: options.syncTarget.syncVersion(),
            ...options.describe?.(),
          }
        : {}),
    };
  }

  private topic(kind: TopicKind): string {
    return topicFor(this.options.lockerId, kind, this.prefix);
  }
}

/** Waits for a promise at most `ms`; its failure or lateness only means we stop waiting. */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([
    promise.then(
      () => {},
      () => {},
    ),
    late,
  ]);
  clearTimeout(timer);
}
