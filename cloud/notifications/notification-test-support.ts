import pino, { type Logger } from 'pino';
import type { LockerEvent } from '../../protocol/index.ts';
import { LOG_REDACT } from '../api/server.ts';
import { bearer, type TestApi, testApi } from '../api/test-api.ts';
import { LOCKER_EVENT_TYPES as T } from '../domain/locker-event-types.ts';
import type { sqliteTestStore } from '../store/test-stores.ts';
import { type NotificationWorker, notificationWorker } from './notification-worker.ts';
import { type PersonalDataVault, personalDataVault } from './personal-data-vault.ts';
import type { NotificationProvider } from './providers/notification-provider.ts';
import { recordingProvider } from './providers/recording-provider.ts';

/** Test support: a fixed 32-byte key (tests only), a logger whose lines the test can read. */
export const TEST_PD_KEY = Buffer.alloc(32, 7).toString('base64');
export const testVault = (): PersonalDataVault => personalDataVault('test1', TEST_PD_KEY);

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', redact: LOG_REDACT },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines };
}

export interface NotifiedApi {
  readonly api: TestApi;
  readonly vault: PersonalDataVault;
  readonly worker: NotificationWorker;
  readonly lines: string[];
}

/** The API with notifications on, and a worker sending through `providers` (recording by default). */
export async function notifiedApi(
  open: typeof sqliteTestStore,
  options: { providers?: readonly NotificationProvider[]; perPhonePerHour?: number } = {},
): Promise<NotifiedApi> {
  const vault = testVault();
  const { logger, lines } = capturingLogger();
  const channels = (options.providers ?? []).map((p) => p.channel);
  const api = await testApi(open, {
    notifications: { vault, channels: channels.length === 0 ? ['recording'] : channels },
    logger,
  });
  const providers = options.providers ?? [recordingProvider(api.t.store.recordMessage, vault)];
  const worker = notificationWorker({
    store: api.t.store,
    clock: api.clock,
    logger,
    vault,
    providers,
    settings: {
      perPhonePerHour: options.perPhonePerHour ?? 5,
      remindBeforeMs: 24 * 3_600_000,
      retentionMs: 30 * 24 * 3_600_000,
    },
  });
  return { api, vault, worker, lines };
}

/** The locker reports a step of the order done, as an agent would. */
export async function stepDone(
  api: TestApi,
  lockerId: string,
  seq: number,
  orderId: string,
  idx: number,
): Promise<void> {
  const event: LockerEvent = {
    lockerId,
    seq,
    at: api.clock.now(),
    type: T.stepDone,
    body: { orderId, stepId: `${orderId}.${idx}` },
  };
  await api.t.store.ingest(lockerId, [event], api.clock.now());
}

export async function createOrder(api: TestApi, key: string, payload: object) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: bearer(key),
    payload,
  });
  return res;
}

/** The recorded messages in clear (tests only: what the person received). */
export async function receivedMessages(n: NotifiedApi, orderId?: string) {
  const rows = await n.api.t.store.recordedMessages(null, 100, orderId);
  return rows.reverse().map((r) => ({
    event: r.event,
    language: r.language,
    phone: r.phoneSealed === null ? null : n.vault.open(r.phoneSealed),
    text: r.textSealed === null ? null : n.vault.open(r.textSealed),
  }));
}
