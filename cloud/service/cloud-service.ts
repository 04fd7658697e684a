import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from '../../protocol/index.ts';
import { LOG_REDACT } from '../api/server.ts';
import { type Cloud, type CloudOptions, createCloud } from '../app.ts';
import type { CloudConfig } from '../config.ts';
import { feedPresence } from '../live/presence-feed.ts';
import { CloudLink } from '../mqtt/cloud-link.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../mqtt/embedded-broker.ts';
import { createMqttCounters, type MqttCounters } from '../mqtt/mqtt-counters.ts';
import type { LockerCredentialStore } from '../ports.ts';
import { batchedLockerReads } from './batched-reads.ts';
import { CommandPusher } from './command-pusher.ts';
import { credentialDayWatcher } from './credential-day.ts';
import { exportMqttCounters } from './mqtt-metrics.ts';
import { type NudgedLoop, nudgedLoop } from './nudged-loop.ts';
import { withPortHint } from './port-in-use.ts';
import { recordPresence } from './presence-recorder.ts';
import { SyncPusher } from './sync-pusher.ts';

/** How soon commands waiting for a locker go once it is online (an API write nudges in 20 ms). */
const ARRIVAL_COMMAND_PASS_MS = 250;

export interface CloudServiceOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly webhookPost?: CloudOptions['webhookPost'];
}

export interface CloudService {
  readonly cloud: Cloud;
  /** The bound HTTP address, e.g. http://127.0.0.1:8080. */
  readonly httpUrl: string;
  /** The broker URL the cloud's own client uses (embedded: the bound port). */
  readonly brokerUrl: string;
  /** The URL written into provisioned agents' config files. */
  readonly publicMqttUrl: string;
  /** Undefined in external-broker mode. */
  readonly broker: EmbeddedBroker | undefined;
  readonly link: CloudLink;
  readonly counters: MqttCounters;
  readonly syncPusher: SyncPusher;
  readonly commandPusher: CommandPusher;
  /** Whether the cloud's MQTT client is connected to the broker now (GET /health's check). */
  brokerConnected(): boolean;
  /** Asks the publishers to look for changed lockers and pending commands now. */
  nudge(): void;
  /** Stops accepting, then closes the publishers, the link, the broker and the store. */
  stop(): Promise<void>;
}

/** The one cloud process: store + HTTP API + webhooks + MQTT broker/link + publishers. */
export async function startCloudService(
  config: CloudConfig,
  options: CloudServiceOptions = {},
): Promise<CloudService> {
  const clock = options.clock ?? systemClock;
  const rootLogger = options.logger ?? pino({ level: config.logLevel, redact: LOG_REDACT });
  // Several workers share one log stream in a deployment: each line says which wrote it.
  const logger =
    config.mqtt.workerId === undefined
      ? rootLogger
      : rootLogger.child({ worker: config.mqtt.workerId });
  const external = config.mqtt.mode === 'external';
  const counters = createMqttCounters();
  const internal = {
    username: config.mqtt.username,
    // Embedded: the cloud's link attaches in-process; a client with this password (a tool, a
    // test) sees every locker, and a fresh one per start will do.
    password: config.mqtt.password ?? randomBytes(24).toString('base64url'),
  };
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    // The broker starts first (its bound port goes into provisioned config files); until the
    // store is open and the cloud's client subscribed it refuses every locker.
    let credentials: LockerCredentialStore | undefined;
    const broker =
      config.mqtt.mode === 'embedded'
        ? await withPortHint(
            'MQTT',
            config.mqtt.port,
            { env: 'POSTAMAT_MQTT_PORT', path: 'mqtt.port' },
            () =>
              startEmbeddedBroker({
                port: config.mqtt.port,
                host: config.mqtt.host,
                ...(config.mqtt.tls === undefined ? {} : { tls: config.mqtt.tls }),
                ...(config.mqtt.topicPrefix === undefined
                  ? {}
                  : { topicPrefix: config.mqtt.topicPrefix }),
                credentials: {
                  verifyLockerSecret: async (id, secret) =>
                    credentials?.verifyLockerSecret(id, secret) ?? false,
                },
                ready: () => credentials !== undefined,
                internal,
                counters,
                logger: logger.child({ part: 'broker' }),
              }),
          )
        : undefined;
    if (broker !== undefined) cleanups.push(() => broker.close());
    const brokerUrl = broker?.url ?? (config.mqtt.url as string);
    const publicMqttUrl = config.publicMqttUrl ?? publicUrlOf(config, broker, brokerUrl);

    let link: CloudLink | undefined;
    let onApiWrite = () => {};
    const cloud = await createCloud(
      { ...config, publicMqttUrl },
      {
        clock,
        logger,
        brokerHealthy: () => link?.connected() === true,
        // Every successful write through the API may change what some locker must hold.
        onApiWrite: () => onApiWrite(),
        ...(options.webhookPost === undefined ? {} : { webhookPost: options.webhookPost }),
        notifications: config.notifications,
      },
    );
    cleanups.push(() => cloud.stop());
    // Embedded: every locker has to connect to this process anew, so none is online yet.
    if (broker !== undefined) await cloud.store.markAllOffline();

    // What every connecting locker needs read (its secret, committed seq, sync version or first
    // snapshot) is read for many lockers at once: a storm is then a few dozen reads per table.
    const reads = batchedLockerReads(cloud.store);
    const syncPusher = new SyncPusher({
      syncVersions: () => cloud.store.syncVersions(),
      buildSyncMessage: (id, since) => cloud.store.buildSyncMessage(id, since),
      buildSnapshot: reads.buildSnapshot,
      syncVersionOf: reads.syncVersionOf,
      sendSync: (message) => (link as CloudLink).sendSync(message),
      logger: logger.child({ part: 'sync-pusher' }),
    });
    link = await CloudLink.connect({
      url: brokerUrl,
      ...(broker === undefined ? {} : { transport: broker.localTransport() }),
      mode: config.mqtt.mode,
      username: internal.username,
      password: internal.password,
      shareGroup: config.mqtt.shareGroup,
      gapHoldMs: config.mqtt.gapHoldMs,
      ...(config.mqtt.workerId === undefined ? {} : { workerId: config.mqtt.workerId }),
      ...(config.mqtt.topicPrefix === undefined ? {} : { topicPrefix: config.mqtt.topicPrefix }),
      ...linkTls(config),
      store: {
        ingest: (lockerId, events, receivedAt) => cloud.ingest.ingest(lockerId, events, receivedAt),
        committedSeq: reads.committedSeq,
      },
      buildSync: syncPusher.builder,
      clock,
      counters,
      logger: logger.child({ part: 'mqtt' }),
    });
    const connectedLink = link;
    cleanups.push(() => connectedLink.close());
    // Lockers are let in only once the cloud's own client has subscribed: a batch a locker sent
    // before would reach no subscriber and wait out the locker's ack timeout (15 s) to be resent.
    credentials = reads;
    const commandPusher = new CommandPusher({
      pendingCommands: () => cloud.store.pendingCommands(),
      markCommandSent: (id) => cloud.store.markCommandSent(id),
      sendCommand: (command) => connectedLink.sendCommand(command),
      // External: this worker saw only some statuses; the store has every worker's (written
      // in batches, so a status this worker has just received counts before it is stored).
      isOnline: external
        ? async (id) =>
            connectedLink.presence.get(id)?.online === true || cloud.store.isLockerOnline(id)
        : (id) => connectedLink.presence.get(id)?.online === true,
      logger: logger.child({ part: 'commands' }),
    });
    const day = credentialDayWatcher(clock, () => cloud.store.bumpAllSyncVersions());
    // One pass of each loop at a time across all workers on the database (exclusive-pass.ts).
    const loops = startLoops(
      config,
      logger,
      () =>
        cloud.store.exclusively('sync-push', async () => {
          await day.check();
          await syncPusher.pass();
        }),
      () => cloud.store.exclusively('commands', () => commandPusher.pass()),
    );
    cleanups.push(async () => void (await Promise.all(loops.map((l) => l.stop()))));
    const nudge = () => {
      for (const loop of loops) loop.nudge();
    };
    const commandLoop = loops[1] as NudgedLoop;
    // A status older than the one stored (another worker's) is not written over it.
    const presenceRecorder = recordPresence(
      connectedLink.presence,
      cloud.store,
      logger,
      (id, entry) => {
        syncPusher.onPresence(id, entry);
        // A live status is answered with its sync message by the link itself; only commands
        // that waited for the locker need a pass. (A sync pass reads every locker's version:
        // one per arriving locker made a 10,000-locker connect storm quadratic.)
        // Commands that waited for an arriving locker go within a quarter second: in a connect
        // storm that is a few passes a second rather than one per 20 ms debounce.
        if (entry.online) commandLoop.nudge(ARRIVAL_COMMAND_PASS_MS);
      },
    );
    cleanups.push(() => presenceRecorder.stop());
    const stopFeed = feedPresence(connectedLink.presence, cloud.live);
    cleanups.push(async () => stopFeed());
    cloud.metrics.setLockersConnectedSource(() => connectedLink.presence.onlineCount());
    exportMqttCounters(cloud.metrics.registry, {
      '': counters,
      syncPush: syncPusher.counters,
      commands: commandPusher.counters,
    });
    // Every successful write through the API may have changed what some locker must hold.
    onApiWrite = nudge;

    const httpUrl = await withPortHint(
      'HTTP',
      config.http.port,
      { env: 'POSTAMAT_HTTP_PORT', path: 'http.port' },
      () => cloud.start(),
    );
    logger.info({ event: 'cloud.service.started', httpUrl, brokerUrl, publicMqttUrl });
    return {
      cloud,
      httpUrl,
      brokerUrl,
      publicMqttUrl,
      broker,
      link: connectedLink,
      counters,
      syncPusher,
      commandPusher,
      brokerConnected: () => connectedLink.connected(),
      nudge,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function startLoops(
  config: CloudConfig,
  logger: Logger,
  syncPass: () => Promise<void>,
  commandPass: () => Promise<void>,
): NudgedLoop[] {
  const timing = { pollMs: config.mqtt.pollMs, debounceMs: 20, logger };
  return [
    nudgedLoop('sync.push', syncPass, timing),
    nudgedLoop('command.push', commandPass, timing),
  ];
}

function publicUrlOf(
  config: CloudConfig,
  broker: EmbeddedBroker | undefined,
  brokerUrl: string,
): string {
  if (broker === undefined) return brokerUrl;
  const host =
    config.mqtt.host === '0.0.0.0' || config.mqtt.host === '::' ? '127.0.0.1' : config.mqtt.host;
  return `${config.mqtt.tls === undefined ? 'mqtt' : 'mqtts'}://${host}:${broker.port}`;
}

/**
 * TLS of the cloud's own client: the broker's CA from the config, full checks. Embedded: none,
 * the link is in-process.
 */
function linkTls(config: CloudConfig): { tls?: { ca?: Buffer } } {
  if (config.mqtt.mode === 'embedded') return {};
  return config.mqtt.caFile === undefined ? {} : { tls: { ca: readFileSync(config.mqtt.caFile) } };
}
