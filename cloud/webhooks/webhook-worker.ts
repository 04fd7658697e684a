import type { Logger } from 'pino';
import type { Clock } from '../../protocol/index.ts';
import type { CloudMetrics } from '../metrics.ts';
import type { CloudStore } from '../store/store.ts';
import { nextAttemptAt } from './backoff.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

/** Sends one HTTP POST; the default uses fetch, tests may pass a real local server's URL. */
export type WebhookPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<{ status: number }>;

export const fetchPost: WebhookPost = async (url, headers, body) => {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  return { status: response.status };
};

export interface WebhookWorkerDeps {
  readonly store: CloudStore;
  readonly clock: Clock;
  readonly metrics: CloudMetrics;
  readonly logger: Logger;
  readonly post?: WebhookPost;
  readonly batch?: number;
}

/** Delivers due webhooks: signed, retried with backoff for a day, every attempt logged. */
export function webhookWorker(deps: WebhookWorkerDeps) {
  const post = deps.post ?? fetchPost;
  const batch = deps.batch ?? 20;

  async function deliver(d: Awaited<ReturnType<CloudStore['dueDeliveries']>>[number]) {
    const timestamp = deps.clock.now();
    const headers = {
      'content-type': 'application/json',
      'x-postamat-delivery': d.id,
      [SIGNATURE_HEADER]: signatureHeader(d.secret, timestamp, d.body),
    };
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = (await post(d.url, headers, d.body)).status;
    } catch (e) {
      error = e instanceof Error ? e.message.slice(0, 200) : 'send failed';
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const next = ok ? null : nextAttemptAt(d.createdAt, d.attempts + 1, deps.clock.now());
    if (!ok && error === null) error = `HTTP ${statusCode}`;
    await deps.store.recordAttempt(d.id, { ok, statusCode, error, nextAttemptAt: next });
    const outcome = ok ? 'delivered' : next === null ? 'gave-up' : 'retry';
    deps.metrics.webhookAttempts.inc({ outcome });
    deps.logger.info(
      { event: 'webhook.attempt', deliveryId: d.id, outcome, statusCode },
      'webhook',
    );
  }

  /** One pass over due deliveries; returns how many were attempted. */
  async function tick(): Promise<number> {
    // One worker's pass at a time on a shared database: no delivery is picked twice.
    return deps.store.exclusively('webhooks', async () => {
      const due = await deps.store.dueDeliveries(batch);
      await Promise.all(due.map(deliver));
      return due.length;
    });
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  async function loop(intervalMs: number) {
    if (stopped) return;
    const sent = await tick().catch((e: unknown) => {
      deps.logger.error({ event: 'webhook.tick-failed', err: e }, 'webhook tick failed');
      return 0;
    });
    if (!stopped) timer = setTimeout(() => void loop(intervalMs), sent === batch ? 0 : intervalMs);
  }

  return {
    tick,
    start(intervalMs = 1000) {
      stopped = false;
      void loop(intervalMs);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
