import type { Logger } from 'pino';
import type { Clock } from '../../protocol/index.ts';
import { type NudgedLoop, nudgedLoop } from '../service/nudged-loop.ts';
import type { CloudStore } from '../store/store.ts';
import { nextAttemptAt } from '../webhooks/backoff.ts';
import { formatUntil, type MessageParams, renderMessage } from './domain/message-catalogue.ts';
import type { NotificationEvent } from './domain/notification-plan.ts';
import type { SealedCodes } from './notification-queue.ts';
import type { DueNotification } from './notification-store.ts';
import type { PersonalDataVault } from './personal-data-vault.ts';
import type { NotificationProvider } from './providers/notification-provider.ts';

const HOUR = 3_600_000;

export interface NotificationSettings {
  readonly perPhonePerHour: number;
  readonly remindBeforeMs: number;
  readonly retentionMs: number;
  readonly batch?: number;
}

export interface NotificationWorkerDeps {
  readonly store: CloudStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly vault: PersonalDataVault;
  readonly providers: readonly NotificationProvider[];
  readonly settings: NotificationSettings;
}

/** Which code a message carries: the one the person needs for what the message asks. */
function codesFor(event: NotificationEvent, codes: SealedCodes) {
  if (event === 'code-issued') return { first: codes.deposit, second: codes.rental };
  if (event === 'expired') return { first: undefined, second: undefined };
  return { first: codes.pickup ?? codes.rental, second: undefined };
}

/**
 * Sends queued notifications: reminders that came due are queued first, each message is
 * rendered in the person's language, a phone over its hourly limit waits, a failure is
 * retried with the webhooks' backoff, and personal data past retention is erased.
 */
export function notificationWorker(deps: NotificationWorkerDeps) {
  const { store, clock, logger, vault, settings } = deps;
  const providers = new Map(deps.providers.map((p) => [p.channel, p]));
  const phoneChannels = deps.providers.filter((p) => p.addressesPhone).map((p) => p.channel);
  const counters = { sent: 0, retried: 0, failed: 0, rateLimited: 0, erased: 0 };

  async function render(n: DueNotification): Promise<string> {
    const codes =
      n.codesSealed === null ? {} : (JSON.parse(vault.open(n.codesSealed)) as SealedCodes);
    const { first, second } = codesFor(n.event, codes);
    const where = await store.orderWhereabouts(n.orderId);
    const lockerId = first?.lockerId ?? [...where.lockers.keys()].pop();
    const params: MessageParams = {
      orderRef: n.orderId,
      lockerAddress: (lockerId === undefined ? undefined : where.lockers.get(lockerId)) ?? '—',
      code: first?.code,
      code2: second?.code,
      until: formatUntil(n.language, where.until),
    };
    return renderMessage(n.language, n.event, n.kind === 'rental', params);
  }

  /** The time the phone may get one more message, or null when it may now. */
  async function rateLimitedUntil(phoneHash: string): Promise<number | null> {
    const sent = await store.sentToPhone(phoneHash, phoneChannels, clock.now() - HOUR);
    if (sent.length < settings.perPhonePerHour) return null;
    return (sent[sent.length - settings.perPhonePerHour] ?? clock.now()) + HOUR;
  }

  async function deliver(n: DueNotification): Promise<void> {
    const log = { notificationId: n.id, orderId: n.orderId, channel: n.channel, kind: n.event };
    const provider = providers.get(n.channel);
    if (provider === undefined || (provider.addressesPhone && n.phoneSealed === null)) {
      const error = provider === undefined ? 'no such channel' : 'no phone';
      await store.recordNotificationAttempt(n.id, { ok: false, error, nextAttemptAt: null });
      counters.failed++;
      logger.warn({ event: 'notification.failed', ...log, error }, 'notification');
      return;
    }
    if (provider.addressesPhone && n.phoneHash !== null) {
      const until = await rateLimitedUntil(n.phoneHash);
      if (until !== null) {
        await store.postponeNotification(n.id, until, 'rate limited: phone hourly limit');
        counters.rateLimited++;
        logger.info({ event: 'notification.rate-limited', ...log, until }, 'notification');
        return;
      }
    }
    const phone =
      provider.addressesPhone && n.phoneSealed !== null ? vault.open(n.phoneSealed) : null;
    const text = await render(n);
    const { id, orderId, tenantId, event, language } = n;
    const result = await provider.send({ id, orderId, tenantId, event, language, phone, text });
    const next =
      result.ok || result.permanent === true
        ? null
        : nextAttemptAt(n.createdAt, n.attempts + 1, clock.now());
    const error = result.ok ? null : result.error;
    await store.recordNotificationAttempt(n.id, { ok: result.ok, error, nextAttemptAt: next });
    const outcome = result.ok ? 'sent' : next === null ? 'failed' : 'retry';
    counters[outcome === 'sent' ? 'sent' : outcome === 'retry' ? 'retried' : 'failed']++;
    logger.info({ event: 'notification.attempt', ...log, outcome, error }, 'notification');
  }

  /** One pass; returns how many messages were attempted or postponed. */
  async function tick(): Promise<number> {
    // One worker's pass at a time on a shared database: no message is picked twice.
    return store.exclusively('notifications', pass);
  }

  async function pass(): Promise<number> {
    await store.enqueueDueReminders(settings.remindBeforeMs);
    const due = await store.dueNotifications(settings.batch ?? 50);
    // One at a time: the hourly count per phone must see the message sent just before.
    for (const n of due) await deliver(n);
    const erased = await store.sweepPersonalData(settings.retentionMs);
    if (erased > 0) {
      counters.erased += erased;
      logger.info({ event: 'personal-data.erased', orders: erased }, 'personal data erased');
    }
    return due.length;
  }

  let loop: NudgedLoop | undefined;
  return {
    tick,
    counters,
    /** Polls every `pollMs`; `nudge()` (after an API write or an ingest) asks for a pass sooner. */
    start(pollMs: number) {
      loop ??= nudgedLoop('notifications', async () => void (await tick()), {
        pollMs,
        debounceMs: Math.min(200, pollMs),
        logger,
      });
    },
    nudge() {
      loop?.nudge();
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
    },
  };
}
export type NotificationWorker = ReturnType<typeof notificationWorker>;
