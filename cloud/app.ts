import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from '../protocol/index.ts';
import { buildApi, LOG_REDACT } from './api/server.ts';
import type { CloudConfig } from './config.ts';
import { LiveEventHub } from './live/event-hub.ts';
import { liveIngest } from './live/live-ingest.ts';
import { type CloudMetrics, createMetrics, meteredIngest } from './metrics.ts';
import {
  createNotifications,
  type NotificationConfig,
} from './notifications/notification-config.ts';
import { createPayments, type Payments } from './payments/payment-config.ts';
import { exportPaymentCounters } from './payments/payment-metrics.ts';
import type { FiscalProvider } from './payments/providers/fiscal-provider.ts';
import type { EventIngestStore } from './ports.ts';
import { batchedRead } from './service/batched-reads.ts';
import type { StoreLocation } from './store/connect.ts';
import { groupedIngest } from './store/ingest-groups.ts';
import { type CloudStore, openStore } from './store/store.ts';
import { bootstrapConsoleAdmin, consoleSettings } from './users/console-config.ts';
import { type WebhookPost, webhookWorker } from './webhooks/webhook-worker.ts';

export interface CloudOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The MQTT side's health, checked by GET /health; "healthy" until the broker is wired in. */
  readonly brokerHealthy?: () => Promise<boolean> | boolean;
  readonly webhookPost?: WebhookPost;
  /** Called after every successful write through the API (the MQTT publishers' nudge). */
  readonly onApiWrite?: () => void;
  /** Notifications (cloud/notifications/notification-config.ts); absent: none are sent. */
  readonly notifications?: NotificationConfig | undefined;
  /** Tests: receipts go to this provider instead of the configured one. */
  readonly fiscalProvider?: FiscalProvider;
}

export interface Cloud {
  readonly store: CloudStore;
  /** The ingest port with metrics: what the MQTT side should call. */
  readonly ingest: EventIngestStore;
  readonly api: FastifyInstance;
  readonly metrics: CloudMetrics;
  readonly logger: Logger;
  /** The console's live feed: ingest publishes to it; the service adds presence. */
  readonly live: LiveEventHub;
  /** Payments (config `payments`); absent when not configured. */
  readonly payments: Payments | undefined;
  /** Starts the webhook worker and listens; resolves to the bound address. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export function storeLocation(config: CloudConfig): StoreLocation {
  return config.databaseUrl === undefined
    ? { engine: 'sqlite', file: join(config.dataDir, 'cloud.sqlite') }
    : {
        engine: 'postgres',
        url: config.databaseUrl,
        ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
      };
}

/** The cloud without MQTT: store, HTTP API and webhook worker, wired from one config. */
export async function createCloud(config: CloudConfig, options: CloudOptions = {}): Promise<Cloud> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: config.logLevel, redact: LOG_REDACT });
  const store = await openStore(storeLocation(config), clock);
  try {
    await bootstrapConsoleAdmin(store, config.console, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const metrics = createMetrics(() => store.webhookBacklog());
  // Batched: a connect storm publishes ten thousand lockers coming online at once.
  const live = new LiveEventHub(batchedRead((ids) => store.lockerOperators(ids)));
  const notifications =
    options.notifications === undefined
      ? undefined
      : createNotifications(options.notifications, { store, clock, logger });
  const payments =
    config.payments === undefined
      ? undefined
      : createPayments(config.payments, {
          store,
          clock,
          logger,
          vault: notifications?.vault,
          onSettled: () => options.onApiWrite?.(),
          fiscal: options.fiscalProvider,
        });
  if (payments !== undefined) exportPaymentCounters(metrics.registry, payments.counters);
  const api = await buildApi(
    {
      store,
      clock,
      metrics,
      adminKey: config.adminKey,
      publicMqttUrl: config.publicMqttUrl ?? `mqtt://${config.mqtt.host}:${config.mqtt.port}`,
      mqttTopicPrefix: config.mqtt.topicPrefix,
      brokerHealthy: options.brokerHealthy ?? (() => true),
      onWrite: () => {
        options.onApiWrite?.();
        notifications?.worker.nudge();
      },
      notifications: notifications?.api,
      console: consoleSettings(config.console),
      live,
      payments: payments?.api,
    },
    logger,
  );
  const worker = webhookWorker({
    store,
    clock,
    metrics,
    logger: logger.child({ part: 'webhooks' }),
    ...(options.webhookPost === undefined ? {} : { post: options.webhookPost }),
  });
  // Batches that arrive while the store is busy are committed together (ingest-groups.ts).
  const metered = meteredIngest(groupedIngest(store), metrics);
  return {
    store,
    ingest: liveIngest(
      {
        committedSeq: (lockerId) => metered.committedSeq(lockerId),
        // A payment event may need the provider (a QR, a refund): the payment worker looks now.
        async ingest(lockerId, events, receivedAt) {
          const result = await metered.ingest(lockerId, events, receivedAt);
          if (result.applied > 0) payments?.nudge();
          return result;
        },
      },
      store,
      live,
    ),
    api,
    metrics,
    logger,
    live,
    payments,
    async start() {
      worker.start(config.webhookIntervalMs);
      if (notifications !== undefined) {
        notifications.worker.start(options.notifications?.intervalMs ?? 5000);
      }
      const address = await api.listen({ host: config.http.host, port: config.http.port });
      payments?.simulatedSbp?.setCallbackUrl(`${address}/v1/payments/sbp/callback`);
      payments?.start();
      logger.info({ event: 'cloud.started', address, engine: store.engine }, 'cloud started');
      return address;
    },
    async stop() {
      worker.stop();
      await notifications?.worker.stop();
      await payments?.stop();
      await api.close();
      await store.close();
    },
  };
}
