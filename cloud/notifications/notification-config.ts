import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../protocol/index.ts';
import type { CloudStore } from '../store/store.ts';
import { type NotificationWorker, notificationWorker } from './notification-worker.ts';
import { type PersonalDataVault, personalDataVault } from './personal-data-vault.ts';
import type { NotificationProvider } from './providers/notification-provider.ts';
import { recordingProvider } from './providers/recording-provider.ts';
import { smsGatewayConfigSchema, smsGatewayProvider } from './providers/sms-gateway-provider.ts';
import { webhookProvider } from './providers/webhook-provider.ts';

/**
 * The `notifications` block of the cloud config. The key comes from the config file or the
 * environment (POSTAMAT_PD_KEY), never from the database it protects.
 */
export const notificationConfigSchema = z
  .strictObject({
    keyId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .default('k1'),
    /** 32 bytes, base64: `openssl rand -base64 32`. */
    encryptionKey: z.string().min(40).max(64),
    channels: z
      .array(z.enum(['sms', 'webhook', 'recording']))
      .min(1)
      .default(['recording']),
    perPhonePerHour: z.number().int().min(1).max(1000).default(5),
    remindBeforeHours: z.number().min(0.1).max(240).default(24),
    retentionDays: z.number().min(0).max(3650).default(30),
    intervalMs: z.number().int().min(100).max(600_000).default(5000),
    sms: smsGatewayConfigSchema.optional(),
  })
  .refine((c) => !c.channels.includes('sms') || c.sms !== undefined, {
    message: 'the sms channel needs notifications.sms (url, bodyTemplate, …)',
    path: ['sms'],
  });
export type NotificationConfig = z.infer<typeof notificationConfigSchema>;

/** Environment overrides for the block, merged over the file's values before validation. */
export function notificationEnvOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.POSTAMAT_PD_KEY !== undefined) out.encryptionKey = env.POSTAMAT_PD_KEY;
  if (env.POSTAMAT_PD_KEY_ID !== undefined) out.keyId = env.POSTAMAT_PD_KEY_ID;
  if (env.POSTAMAT_NOTIFY_CHANNELS !== undefined) {
    out.channels = env.POSTAMAT_NOTIFY_CHANNELS.split(',').map((c) => c.trim());
  }
  if (env.POSTAMAT_NOTIFY_PER_PHONE_PER_HOUR !== undefined) {
    out.perPhonePerHour = Number(env.POSTAMAT_NOTIFY_PER_PHONE_PER_HOUR);
  }
  if (env.POSTAMAT_PD_RETENTION_DAYS !== undefined) {
    out.retentionDays = Number(env.POSTAMAT_PD_RETENTION_DAYS);
  }
  return out;
}

export interface Notifications {
  readonly vault: PersonalDataVault;
  /** For buildApi's `notifications` dependency. */
  readonly api: { readonly vault: PersonalDataVault; readonly channels: readonly string[] };
  readonly worker: NotificationWorker;
}

/** Vault, providers and worker from the config block: what the cloud service wires in. */
export function createNotifications(
  config: NotificationConfig,
  deps: { readonly store: CloudStore; readonly clock: Clock; readonly logger: Logger },
  extraProviders: readonly NotificationProvider[] = [],
): Notifications {
  const vault = personalDataVault(config.keyId, config.encryptionKey);
  const { store, clock } = deps;
  const providers: NotificationProvider[] = [...extraProviders];
  for (const channel of config.channels) {
    if (providers.some((p) => p.channel === channel)) continue;
    if (channel === 'recording') providers.push(recordingProvider(store.recordMessage, vault));
    if (channel === 'webhook')
      providers.push(webhookProvider(store.tenantEndpoint, () => clock.now()));
    if (channel === 'sms' && config.sms !== undefined)
      providers.push(smsGatewayProvider(config.sms));
  }
  const HOUR = 3_600_000;
  const worker = notificationWorker({
    store,
    clock,
    logger: deps.logger.child({ part: 'notifications' }),
    vault,
    providers,
    settings: {
      perPhonePerHour: config.perPhonePerHour,
      remindBeforeMs: config.remindBeforeHours * HOUR,
      retentionMs: config.retentionDays * 24 * HOUR,
    },
  });
  return { vault, api: { vault, channels: config.channels }, worker };
}
