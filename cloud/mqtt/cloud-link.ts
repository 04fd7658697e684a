import { randomUUID } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  type Ack,
  type Clock,
  type Command,
  decodePayload,
  encodePayload,
  parseTopic,
  type SyncMessage,
  TOPIC_PREFIX,
  type TopicKind,
  type TopicPayload,
  topicFor,
  wildcardTopic,
} from '../../protocol/index.ts';
import type { EventIngestStore } from '../ports.ts';
import { EarlyBatchHold } from './early-batch-hold.ts';
import { CLOUD_CLIENT_ID_PREFIX } from './embedded-broker.ts';
import { ingestEventsMessage } from './event-ingest.ts';
import { LockerPresence } from './locker-presence.ts';
import type { MqttCounters } from './mqtt-counters.ts';
import { PresenceLog } from './presence-log.ts';
import { answerSyncRequest, type SyncBuilder } from './sync-answer.ts';

/**
 * How the link reaches its broker: mqtt.js over TCP (any broker), or the embedded aedes
 * in-process (embedded-broker.ts), where every message would otherwise be encoded and parsed
 * twice more on loopback for nothing.
 */
export interface LinkTransport {
  /** Subscribes (QoS 1) to these filters, again after every reconnect. */
  subscribe(filters: readonly string[]): Promise<void>;
  /** Publishes at QoS 1; resolves once the broker has taken the message. */
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /** `retained`: a retained message replayed on subscribing, not a live one. */
  onMessage(handler: (topic: string, payload: Buffer, retained: boolean) => void): void;
  connected(): boolean;
  close(): Promise<void>;
}

export interface CloudLinkOptions {
  /** The broker: the embedded one's URL, or an external broker's. */
  readonly url: string;
  /** Given: the link goes through it instead of connecting to `url` (the embedded broker's). */
  readonly transport?: LinkTransport;
  /**
   * 'embedded': one cloud process, plain subscriptions, MQTT 3.1.1 (aedes speaks no v5).
   * 'external': MQTT 5 and a shared subscription, so several cloud workers split the lockers.
   */
  readonly mode: 'embedded' | 'external';
  readonly username?: string;
  readonly password?: string;
  /** The shared-subscription group of the cloud workers (external mode). */
  readonly shareGroup?: string;
  /** External: this worker's name, in its MQTT client id. */
  readonly workerId?: string;
  /** External: how long an early batch is held for its predecessor (early-batch-hold.ts). */
  readonly gapHoldMs?: number;
  readonly topicPrefix?: string;
  /** Extra TLS options for mqtts (e.g. the CA that signed the broker's certificate). */
  readonly tls?: Pick<IClientOptions, 'ca' | 'rejectUnauthorized'>;
  readonly store: EventIngestStore;
  readonly buildSync?: SyncBuilder;
  readonly clock: Clock;
  readonly counters: MqttCounters;
  readonly logger: Logger;
}

/**
 * The cloud service's own MQTT client: ingests every locker's events into the store and acks what
 * is committed, tracks presence from status, answers sync requests, and publishes sync messages
 * and commands. The same code runs against the embedded aedes and an external broker.
 */
export class CloudLink {
  readonly presence = new LockerPresence();
  private readonly prefix: string;
  /** Per-locker chain: a locker's messages are handled one after another, in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** External: what to answer to a batch that arrived before its predecessor. */
  private readonly hold: EarlyBatchHold | undefined;
  private readonly presenceLog: PresenceLog;

  private constructor(
    private readonly transport: LinkTransport,
    private readonly options: CloudLinkOptions,
  ) {
    this.prefix = options.topicPrefix ?? TOPIC_PREFIX;
    this.hold = options.mode === 'external' ? earlyBatchHold(options) : undefined;
    // A rate of log lines: wall time of this process, whatever clock the business runs on.
    this.presenceLog = new PresenceLog(options.logger, () => performance.now());
  }

  static async connect(options: CloudLinkOptions): Promise<CloudLink> {
    const transport = options.transport ?? (await mqttTransport(options));
    const link = new CloudLink(transport, options);
    transport.onMessage((topic, payload, retained) => link.onMessage(topic, payload, retained));
    const prefix = options.topicPrefix ?? TOPIC_PREFIX;
    const share = (filter: string) =>
      options.mode === 'external'
        ? `$share/${options.shareGroup ?? 'postamat-cloud'}/${filter}`
        : filter;
    await transport.subscribe([
      share(wildcardTopic('events', prefix)),
      share(wildcardTopic('status', prefix)),
    ]);
    return link;
  }

  sendCommand(command: Command): Promise<void> {
    return this.publish(command.lockerId, 'commands', command);
  }

  sendSync(message: SyncMessage): Promise<void> {
    return this.publish(message.lockerId, 'sync', message);
  }

  /** Whether the client is connected to the broker now (the cloud's /health check). */
  connected(): boolean {
    return this.transport.connected();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.chains.values());
    await this.transport.close();
    this.presenceLog.flush();
  }

  private async publish<K extends TopicKind>(
    lockerId: string,
    kind: K,
    payload: TopicPayload<K>,
  ): Promise<void> {
    await this.transport.publish(
      topicFor(lockerId, kind, this.prefix),
      encodePayload(kind, payload),
    );
  }

  private onMessage(topic: string, payload: Buffer, retained: boolean): void {
    let parsed: ReturnType<typeof parseTopic>;
    try {
      parsed = parseTopic(topic, this.prefix);
    } catch {
      this.options.counters.foreignTopic += 1;
      this.options.logger.warn({ event: 'mqtt.cloud.bad-topic', topic });
      return;
    }
    const work =
      parsed.kind === 'events'
        ? () => this.onEvents(parsed.lockerId, topic, payload)
        : () => this.onStatus(parsed.lockerId, payload, retained);
    const previous = this.chains.get(parsed.lockerId) ?? Promise.resolve();
    // A handler that throws (store closed during shutdown, a presence listener's bug) is counted
    // and logged here: a rejection left on this chain would crash the process.
    const next = previous.then(work, work).catch((error: unknown) => {
      this.options.counters.ingestErrors += 1;
      this.options.logger.error({
        event: 'mqtt.cloud.handler-failed',
        lockerId: parsed.lockerId,
        error: String(error),
      });
    });
    this.chains.set(parsed.lockerId, next);
    void next.finally(() => {
      if (this.chains.get(parsed.lockerId) === next) this.chains.delete(parsed.lockerId);
    });
  }

  private async onEvents(lockerId: string, topic: string, payload: Buffer): Promise<void> {
    const { store, clock, counters, logger } = this.options;
    const deps = { store, clock, counters, logger, topicPrefix: this.prefix };
    // Embedded: one consumer gets a locker's batches in order, so a gap is a real gap.
    const ack =
      this.hold === undefined
        ? await ingestEventsMessage(deps, topic, payload)
        : await this.hold.ingest(lockerId, () =>
            ingestEventsMessage({ ...deps, reportGap: false }, topic, payload),
          );
    // The ack goes out without waiting for its PUBACK: the next batch of this locker need not
    // wait a round trip, and MQTT keeps the acks in order on the one connection.
    if (ack !== undefined) this.sendAckInBackground(ack);
  }

  /**
   * Never rejects: during close() mqtt.js fails pending publishes with "client disconnecting",
   * and an unhandled rejection would take the cloud process down. The locker loses nothing — it
   * re-sends what was not acked on its next connection.
   */
  private sendAckInBackground(ack: Ack): void {
    this.sendAck(ack).catch((error: unknown) => {
      this.options.counters.ackFailures += 1;
      this.options.logger.warn({
        event: 'mqtt.ack.failed',
        lockerId: ack.lockerId,
        error: String(error),
      });
    });
  }

  private async onStatus(lockerId: string, payload: Buffer, retained: boolean): Promise<void> {
    const { counters, logger, clock } = this.options;
    // An empty retained payload is how a status is cleared; nothing to record.
    if (payload.byteLength === 0) return;
    let status: ReturnType<typeof decodePayload<'status'>>;
    try {
      status = decodePayload('status', payload);
    } catch (error) {
      counters.malformed += 1;
      logger.warn({ event: 'mqtt.status.malformed', lockerId, problem: String(error) });
      return;
    }
    if (status.lockerId !== lockerId) {
      counters.foreignTopic += 1;
      logger.warn({ event: 'mqtt.status.foreign', lockerId, claimed: status.lockerId });
      return;
    }
    counters.statusUpdates += 1;
    const was = this.presence.get(lockerId)?.online;
    this.presence.record(status, clock.now());
    // A line per change of presence (a summary past 100 in 10 s: PresenceLog); heartbeats and
    // retained replays (10,000 at every cloud start) only at debug: at info they were a
    // synchronous write per status, ~3% of a storm.
    if (was !== status.online && !retained) this.presenceLog.change(lockerId, status.online);
    else logger.debug({ event: 'mqtt.locker.presence', lockerId, online: status.online, retained });
    // A retained status is history replayed to this client; only a live one is the locker
    // speaking now, and then it wants its clock reference, its committed seq and its sync data.
    if (retained || !status.online) return;
    await this.answerOnline(lockerId, status.syncVersion);
  }

  private async answerOnline(lockerId: string, syncVersion: number | undefined): Promise<void> {
    const { store, clock, buildSync, counters, logger } = this.options;
    try {
      await this.sendAck({
        lockerId,
        committedSeq: await store.committedSeq(lockerId),
        at: clock.now(),
      });
    } catch (error) {
      counters.ingestErrors += 1;
      logger.error({ event: 'mqtt.status.ack-failed', lockerId, error: String(error) });
    }
    if (buildSync === undefined || syncVersion === undefined) return;
    try {
      const message = await answerSyncRequest(buildSync, lockerId, syncVersion);
      if (message === undefined) return;
      await this.sendSync(message);
      counters.syncAnswers += 1;
    } catch (error) {
      counters.syncAnswerErrors += 1;
      logger.error({ event: 'mqtt.sync.answer-failed', lockerId, error: String(error) });
    }
  }

  private async sendAck(ack: Ack): Promise<void> {
    await this.publish(ack.lockerId, 'acks', ack);
    this.options.counters.acksSent += 1;
  }
}

/** The link over TCP: mqtt.js, reconnecting, MQTT 5 with an external broker. */
async function mqttTransport(options: CloudLinkOptions): Promise<LinkTransport> {
  const external = options.mode === 'external';
  const client: MqttClient = await connectAsync(options.url, {
    clientId: `${CLOUD_CLIENT_ID_PREFIX}${options.workerId === undefined ? '' : `${options.workerId}-`}${randomUUID()}`,
    protocolVersion: external ? 5 : 4,
    clean: true,
    reconnectPeriod: 1_000,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...options.tls,
  });
  client.on('error', (error) =>
    options.logger.warn({ event: 'mqtt.cloud.client-error', error: error.message }),
  );
  let filters: readonly string[] = [];
  const subscribe = async () => {
    await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
  };
  // A reconnect with clean: true lost the subscriptions; make them again.
  client.on('connect', (connack) => {
    if (!connack.sessionPresent && filters.length > 0) void subscribe().catch(() => {});
  });
  return {
    async subscribe(wanted) {
      filters = wanted;
      await subscribe();
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    onMessage(handler) {
      client.on('message', (topic, payload, packet) => handler(topic, payload, packet.retain));
    },
    connected: () => client.connected,
    close: async () => void (await client.endAsync()),
  };
}

function earlyBatchHold(options: CloudLinkOptions): EarlyBatchHold {
  const { counters, logger, clock } = options;
  return new EarlyBatchHold({
    holdMs: options.gapHoldMs ?? 1500,
    // About the locker's ack timeout: a resend lost on the way is asked again after it.
    quietMs: 2_000,
    clock,
    onHeld: () => {
      counters.heldEarly += 1;
    },
    onResendAsked: (ack) => {
      counters.gaps += 1;
      logger.warn({
        event: 'mqtt.events.gap',
        lockerId: ack.lockerId,
        committedSeq: ack.committedSeq,
      });
    },
    onResendQuiet: () => {
      counters.gapsQuiet += 1;
    },
  });
}
