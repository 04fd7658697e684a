import { connect, type MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  isPostamatError,
  type Status,
  TOPIC_PREFIX,
  type TopicKind,
  topicFor,
} from '../../protocol/index.ts';
import { CommandRelay } from './command-relay.ts';
import { CloudClock } from './domain/cloud-clock.ts';
import { DEFAULT_BACKOFF, reconnectDelayMs, startDelayMs } from './domain/reconnect-backoff.ts';
import {
  bounded,
  type LockerSyncClientOptions,
  type LockerSyncCounters,
} from './locker-sync-options.ts';
import { DEFAULT_DRAIN, OutboxDrain } from './outbox-drain.ts';
import { SyncIntake } from './sync-intake.ts';

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
  /** Ack-timer ticks since the last ack while events were in flight. */
  private idleTicks = 0;
  private lastConnectedAt: number | null = null;
  private lastDisconnectedAt: number | null = null;
  private wasUp = false;
  private pumpScheduled = false;
  private unsubscribeAppend: (() => void) | undefined;
  private readonly commands: CommandRelay;

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
    this.commands = new CommandRelay(
      options.inbox,
      this.cloudClock,
      options.logger,
      () => this.publishStatus(),
      this.counters,
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribeAppend = this.options.outbox.onAppend(() => this.schedulePump());
    const delay = startDelayMs(this.options.random, this.options.startJitterMs ?? 0);
    if (delay === 0) this.connectOnce();
    else this.reconnectTimer = setTimeout(() => this.connectOnce(), delay);
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

  /** The link for the technician (the Agent's NetworkLink, implemented structurally). */
  linkState() {
    return {
      connected: this.connected(),
      lastConnectedAt: this.lastConnectedAt,
      lastDisconnectedAt: this.lastDisconnectedAt,
      connects: this.counters.connects,
      connectFailures: this.counters.connectFailures,
      ackTimeouts: this.counters.ackTimeouts,
      impossibleAcks: this.drain.counters.impossibleAcks,
      inFlight: this.drain.inFlight(),
    };
  }

  /**
   * Fault injection (the fleet simulator) and a stuck link: cuts the TCP connection without a
   * DISCONNECT, as a dead mobile link would (the broker publishes the will), then reconnects on
   * the usual backoff.
   */
  dropLink(): void {
    this.client?.stream.destroy();
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
      // Long enough to sit out a cloud answering a 10,000-locker connect storm: a locker that
      // gives up sooner comes back as one more CONNECT to the same queue (docs/scaling.md).
      connectTimeout: 30_000,
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
    this.lastConnectedAt = this.options.clock.now();
    this.wasUp = true;
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
    // A failed attempt is not a disconnect: only a link that was up goes down.
    if (this.wasUp) this.lastDisconnectedAt = this.options.clock.now();
    this.wasUp = false;
    this.drain.stop();
    clearInterval(this.ackTimer);
    clearInterval(this.statusTimer);
    this.commands.dropHeld();
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

  /**
   * Counts timer ticks rather than reading the clock: the locker's wall clock may be frozen,
   * wrong or stepped by NTP, and a timeout must still fire.
   */
  private armAckTimer(): void {
    const timeout = this.options.ackTimeoutMs ?? 15_000;
    const tick = Math.max(50, Math.floor(timeout / 4));
    clearInterval(this.ackTimer);
    this.idleTicks = 0;
    this.ackTimer = setInterval(() => {
      if (this.drain.inFlight() === 0) {
        this.idleTicks = 0;
        return;
      }
      this.idleTicks += 1;
      if (this.idleTicks * tick >= timeout) {
        this.counters.ackTimeouts += 1;
        this.idleTicks = 0;
        this.drain.rewind();
      }
    }, tick);
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
    // Only this locker's own topics under this prefix: a resumed broker session may still hold
    // subscriptions (and queued acks) from an earlier configuration, and an ack from another
    // topic tree would mark events delivered that this cloud never committed.
    if (kind !== 'acks' && kind !== 'sync' && kind !== 'commands') return;
    if (topic !== this.topic(kind)) {
      this.options.logger.warn({ event: 'sync.message.foreign-topic', topic });
      return;
    }
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
    const before = this.options.outbox.deliveredSeq();
    this.drain.onAck(ack);
    // Only progress counts: the cloud answers every status with an ack of what it has, so a
    // locker whose batch was lost (sent before a restarted cloud had subscribed) would otherwise
    // be kept from its resend by its own heartbeats.
    if (this.options.outbox.deliveredSeq() > before) this.idleTicks = 0;
    this.commands.release();
  }

  private onCommand(payload: Buffer): void {
    const command = decodePayload('commands', payload);
    if (command.lockerId !== this.options.lockerId) return;
    this.commands.receive(command);
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
export type { LockerSyncClientOptions, LockerSyncCounters } from './locker-sync-options.ts';
