import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  applyEnvOverrides,
  CELL_FEATURES,
  CELL_SIZES,
  type EnvOverrides,
  LOCKER_ID_PATTERN,
  PostamatError,
} from '../protocol/index.ts';
import { DEFAULT_START_JITTER_MS } from './sync/domain/reconnect-backoff.ts';

const cellSchema = z.strictObject({
  cellId: z.string().min(1),
  /** Board id as `${busId}:${address}`. */
  board: z.string().min(1),
  channel: z.number().int().min(1),
  size: z.enum(CELL_SIZES),
  features: z.array(z.enum(CELL_FEATURES)).default([]),
});

const boardsSchema = z.union([
  /** In-process simulated boards from simulator/: `count` boards of `channels` each. */
  z.strictObject({
    simulated: z.literal(true),
    count: z.number().int().min(1).max(32).default(1),
    channels: z.number().int().min(1).max(512).default(16),
    springDelayMs: z.number().int().nonnegative().default(300),
    /** Demo only: a simulated person shuts a door this long after it sprang open. */
    personCloseMs: z.number().int().positive().optional(),
  }),
  /** Real lock boards: Modbus RTU lines on a serial device or an RTU-over-TCP gateway. */
  z.strictObject({
    buses: z
      .array(
        z
          .strictObject({
            id: z.string().regex(/^[A-Za-z0-9_-]+$/),
            device: z.string().min(1).optional(),
            tcp: z
              .strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) })
              .optional(),
            baudRate: z.number().int().positive().default(9600),
            parity: z.enum(['none', 'even', 'odd']).default('none'),
            boards: z
              .array(
                z.strictObject({
                  address: z.number().int().min(1).max(247),
                  family: z.string().default('generic-relay'),
                  channels: z.number().int().min(1).max(256).optional(),
                }),
              )
              .min(1),
          })
          .refine(
            (l) => (l.device === undefined) !== (l.tcp === undefined),
            'give exactly one of device or tcp',
          ),
      )
      .min(1),
  }),
  /** Test only: boards served over TCP by agent/testing/board-bridge.ts. */
  z.strictObject({
    remoteTest: z
      .array(z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }))
      .min(1),
  }),
]);

const gpioInputSchema = z.strictObject({
  /** Linux GPIO number. */
  pin: z.number().int().min(0).max(1023),
  activeLow: z.boolean().optional(),
  debounceMs: z.number().int().min(0).max(1000).optional(),
});

/** Environment variables arrive as text: "true"/"false" are read as booleans. */
const flag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'must be true or false' }),
);

/** Payments at the locker (#14): which channels, and the key receipt contacts are sealed to. */
const paymentsSchema = z.strictObject({
  /** The card terminal on a serial/USB port of the board (ECR frames), or `none`. */
  pos: z
    .union([
      z.literal('none'),
      z.strictObject({
        port: z.string().min(1),
        baud: z.number().int().positive().default(9600),
        /** How long a person may take to present a card and the bank to answer. */
        saleTimeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
      }),
    ])
    .default('none'),
  /** SBP QR payments through the cloud's provider (need the network). */
  sbp: flag.default(false),
  sbpTimeoutMs: z.number().int().min(10_000).max(3_600_000).default(300_000),
  /** The cloud's RSA public key (PEM) receipt contacts are sealed to; absent: no receipt offer. */
  receiptKeyPem: z
    .string()
    .refine((pem) => {
      try {
        return createPublicKey(pem).asymmetricKeyType === 'rsa';
      } catch {
        return false;
      }
    }, 'must be an RSA public key in PEM')
    .optional(),
});

/** The one schema of the agent's config, validated once at start. */
export const agentConfigSchema = z.strictObject({
  lockerId: z.string().regex(LOCKER_ID_PATTERN, 'locker id must be topic-safe'),
  hashKey: z.string().min(16, 'hash key must be at least 16 characters'),
  dataDir: z.string().min(1),
  boards: boardsSchema,
  /** Cells known before the first sync from the cloud; a sync layout replaces them. */
  cells: z.array(cellSchema).default([]),
  timings: z
    .strictObject({
      openTimeoutMs: z.number().int().positive().default(5_000),
      maxAttempts: z.number().int().min(1).max(5).default(2),
      leftOpenMs: z.number().int().positive().default(60_000),
      tickMs: z.number().int().min(0).default(250),
    })
    .default({ openTimeoutMs: 5_000, maxAttempts: 2, leftOpenMs: 60_000, tickMs: 250 }),
  keypad: z
    .strictObject({
      maxWrong: z.number().int().min(1).default(5),
      windowMs: z.number().int().positive().default(600_000),
      lockMs: z.number().int().positive().default(300_000),
    })
    .default({ maxWrong: 5, windowMs: 600_000, lockMs: 300_000 }),
  /** The MQTT link to the cloud; absent: the locker runs offline until configured. */
  sync: z
    .strictObject({
      url: z.string().min(1),
      secret: z.string().min(1),
      topicPrefix: z.string().optional(),
      /** mqtts with a certificate no system CA signed: the PEM file of the CA to trust. */
      caFile: z.string().min(1).optional(),
      /** The first connect after start waits a random [0, this) ms: lockers booting together spread out. */
      startJitterMs: z.number().int().min(0).max(60_000).default(DEFAULT_START_JITTER_MS),
    })
    .optional(),
  /** The touchscreen page, served to Chromium on the same board. */
  kiosk: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8081),
      idleMs: z.number().int().positive().default(60_000),
    })
    .optional(),
  /** The cabinet's own switches on GPIO (through onoff); absent: none wired. */
  gpio: z
    .strictObject({
      tamper: gpioInputSchema.optional(),
      /** Active when mains power is LOST (e.g. a UPS "on battery" contact). */
      mains: gpioInputSchema.optional(),
      serviceDoor: gpioInputSchema.optional(),
    })
    .optional(),
  /** `stdio`: JSON-lines calls of the Agent's methods on stdin, answers on stdout. */
  /** Access points of a closed site this locker drives from a relay channel of its bus. */
  gates: z
    .array(
      z.strictObject({
        accessPointId: z.string().min(1),
        board: z.string().min(1),
        channel: z.number().int().min(1),
      }),
    )
    .default([]),
  /** Cell doors a courier's batch collection unlocks at once (the lock power supply). */
  collectAtOnce: z.number().int().min(1).max(16).default(2),
  payments: paymentsSchema.optional(),
  control: z.enum(['none', 'stdio']).default('none'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** Parses a config; a bad one throws with every bad field and its value listed. */
export function parseAgentConfig(raw: unknown): AgentConfig {
  const parsed = agentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.') || '(root)';
    const value = issue.path.reduce<unknown>(
      (v, key) =>
        v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined,
      raw,
    );
    return `${path}: ${issue.message} (got ${JSON.stringify(value)})`;
  });
  throw new PostamatError('bad-config', `bad agent config:\n  ${lines.join('\n  ')}`, {
    issues: lines,
  });
}

/** Environment overrides of the agent's config file: variable → config path. */
export const AGENT_ENV_OVERRIDES: EnvOverrides = {
  POSTAMAT_LOCKER_ID: ['lockerId'],
  POSTAMAT_AGENT_DATA_DIR: ['dataDir'],
  POSTAMAT_AGENT_SYNC_URL: ['sync', 'url'],
  POSTAMAT_AGENT_SYNC_SECRET: ['sync', 'secret'],
  POSTAMAT_AGENT_KIOSK_HOST: ['kiosk', 'host'],
  POSTAMAT_AGENT_KIOSK_PORT: ['kiosk', 'port'],
  POSTAMAT_AGENT_LOG_LEVEL: ['logLevel'],
  POSTAMAT_AGENT_POS_PORT: ['payments', 'pos', 'port'],
  POSTAMAT_AGENT_POS_BAUD: ['payments', 'pos', 'baud'],
  POSTAMAT_AGENT_SBP: ['payments', 'sbp'],
  POSTAMAT_AGENT_RECEIPT_KEY_PEM: ['payments', 'receiptKeyPem'],
};

/** Reads a JSON or YAML config file, applies the environment, and validates it once. */
export function loadAgentConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AgentConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PostamatError(
      'bad-config',
      `cannot read config ${file}: ${(error as Error).message}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PostamatError('bad-config', `config ${file} must hold an object`);
  }
  return parseAgentConfig(
    applyEnvOverrides(raw as Record<string, unknown>, AGENT_ENV_OVERRIDES, env),
  );
}
