import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { applyEnvOverrides, type EnvOverrides, PostamatError } from '../protocol/index.ts';
import {
  notificationConfigSchema,
  notificationEnvOverrides,
} from './notifications/notification-config.ts';
import { PAYMENT_ENV_OVERRIDES, paymentConfigSchema } from './payments/payment-config.ts';
import { CONSOLE_ENV, consoleConfigSchema } from './users/console-config.ts';

const mqttUrl = z.string().regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://');

/** The wire to the lockers: the embedded aedes broker (default) or an external broker. */
const mqttSchema = z
  .strictObject({
    mode: z.enum(['embedded', 'external']).default('embedded'),
    /** Embedded: where the broker listens. 1884, not 1883, so a local Mosquitto can coexist. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(1884),
    /** Embedded: serve mqtts with these PEM files. */
    tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    /** External: the broker to connect to. */
    url: mqttUrl.optional(),
    /** External mqtts: the CA that signed the broker's certificate. */
    caFile: z.string().min(1).optional(),
    /** The cloud's own MQTT user; embedded: a random password per start when absent. */
    username: z.string().min(1).default('postamat-cloud'),
    password: z.string().min(1).optional(),
    /** External: the shared-subscription group the cloud workers split the lockers in. */
    shareGroup: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('postamat-cloud'),
    topicPrefix: z.string().min(1).optional(),
    /** External: this worker's name in logs and its MQTT client id (default: a random one). */
    workerId: z.coerce
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only, at most 40')
      .optional(),
    /**
     * External: how long a batch that arrived before its predecessor (handled by another worker
     * at that moment) is held and retried before the locker is asked to resend. 0: ask at once.
     */
    gapHoldMs: z.number().int().min(0).max(5000).default(1500),
    /** How often the publishers look for changed lockers and pending commands without a nudge. */
    pollMs: z.number().int().min(10).max(60_000).default(1000),
  })
  .refine((m) => m.mode !== 'external' || m.url !== undefined, {
    message: 'external mode needs mqtt.url',
    path: ['url'],
  });

/** The cloud's one config schema, validated once at start. */
export const cloudConfigSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  /** postgres://… selects PostgreSQL; absent means SQLite at <dataDir>/cloud.sqlite. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  /** PostgreSQL: the schema to keep the tables in (default `public`); one per test run. */
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _ only')
    .optional(),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  adminKey: z.string().min(16, 'admin key must be at least 16 characters').optional(),
  /**
   * The broker URL written into provisioned agents' config files. Absent: the embedded broker's
   * own address (mqtt.host:port as bound), or mqtt.url in external mode.
   */
  publicMqttUrl: mqttUrl.optional(),
  mqtt: mqttSchema.prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  webhookIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  /** Absent: no notifications are sent (see cloud/notifications/README.md). */
  notifications: notificationConfigSchema.optional(),
  /** Console sign-in and its first admin (cloud/users/console-config.ts). */
  console: consoleConfigSchema.prefault({}),
  /** Absent: no SBP, and receipts stay queued unsent (cloud/README.md, "Payments"). */
  payments: paymentConfigSchema.optional(),
});
export type CloudConfig = z.infer<typeof cloudConfigSchema>;

/** Environment overrides, documented here: variable → config path. */
export const ENV_OVERRIDES: EnvOverrides = {
  POSTAMAT_DATA_DIR: ['dataDir'],
  DATABASE_URL: ['databaseUrl'],
  POSTAMAT_DATABASE_SCHEMA: ['databaseSchema'],
  POSTAMAT_HTTP_HOST: ['http', 'host'],
  POSTAMAT_HTTP_PORT: ['http', 'port'],
  POSTAMAT_ADMIN_KEY: ['adminKey'],
  POSTAMAT_PUBLIC_MQTT_URL: ['publicMqttUrl'],
  POSTAMAT_LOG_LEVEL: ['logLevel'],
  POSTAMAT_MQTT_MODE: ['mqtt', 'mode'],
  POSTAMAT_MQTT_HOST: ['mqtt', 'host'],
  POSTAMAT_MQTT_PORT: ['mqtt', 'port'],
  POSTAMAT_MQTT_URL: ['mqtt', 'url'],
  POSTAMAT_MQTT_USERNAME: ['mqtt', 'username'],
  POSTAMAT_MQTT_PASSWORD: ['mqtt', 'password'],
  POSTAMAT_MQTT_SHARE_GROUP: ['mqtt', 'shareGroup'],
  POSTAMAT_MQTT_TLS_CERT: ['mqtt', 'tls', 'certFile'],
  POSTAMAT_MQTT_TLS_KEY: ['mqtt', 'tls', 'keyFile'],
  POSTAMAT_MQTT_CA: ['mqtt', 'caFile'],
  POSTAMAT_MQTT_TOPIC_PREFIX: ['mqtt', 'topicPrefix'],
  POSTAMAT_WORKER_ID: ['mqtt', 'workerId'],
  POSTAMAT_MQTT_GAP_HOLD_MS: ['mqtt', 'gapHoldMs'],
  POSTAMAT_WEBHOOK_INTERVAL_MS: ['webhookIntervalMs'],
  ...CONSOLE_ENV,
  ...PAYMENT_ENV_OVERRIDES,
};

/** Parses a file's text (JSON or YAML) and the environment into a config, listing every bad field. */
export function parseCloudConfig(
  fileText: string | undefined,
  env: NodeJS.ProcessEnv,
): CloudConfig {
  const raw: unknown = fileText === undefined || fileText.trim() === '' ? {} : parseYaml(fileText);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PostamatError('bad-config', 'config file must hold an object', {});
  }
  const merged = applyEnvOverrides(raw as Record<string, unknown>, ENV_OVERRIDES, env);
  // Notifications exist once a personal-data key is given, in the file or as POSTAMAT_PD_KEY.
  const notify = notificationEnvOverrides(env);
  if (merged.notifications !== undefined || notify.encryptionKey !== undefined) {
    merged.notifications = { ...(merged.notifications as object | undefined), ...notify };
  }
  const result = cloudConfigSchema.safeParse(merged);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PostamatError('bad-config', `bad config:\n  ${issues.join('\n  ')}`, { issues });
  }
  return result.data;
}

export function loadCloudConfig(file: string | undefined, env: NodeJS.ProcessEnv): CloudConfig {
  return parseCloudConfig(file === undefined ? undefined : readFileSync(file, 'utf8'), env);
}
