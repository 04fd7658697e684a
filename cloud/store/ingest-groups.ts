import type { EventIngestStore, IngestResult } from '../ports.ts';
import type { IngestCall } from './ingest-store.ts';

export interface GroupableIngestStore extends EventIngestStore {
  ingestMany(calls: readonly IngestCall[]): Promise<IngestResult[]>;
}

export interface IngestGroupOptions {
  /** At most this many lockers' batches in one transaction. */
  readonly maxGroup?: number;
  /** Groups in flight at once (each holds one store connection while it runs). */
  readonly concurrency?: number;
}

interface Pending extends IngestCall {
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * The ingest port with group commit: batches that arrive while the store is busy wait and go in
 * together, one transaction for many lockers (`ingestMany`). Nothing waits when the store is
 * idle — a batch arriving alone is written at once — so grouping costs no latency and grows
 * with load: 1,000 single-event batches a second from 10,000 lockers became a few dozen
 * transactions (docs/scaling.md).
 *
 * Per locker, batches keep their order: a locker's second batch never joins a group while its
 * first is queued or being written. A group that fails is retried batch by batch, so one bad
 * batch fails alone, as it would without grouping.
 */
export function groupedIngest(
  store: GroupableIngestStore,
  options: IngestGroupOptions = {},
): EventIngestStore {
  const maxGroup = options.maxGroup ?? 200;
  const concurrency = options.concurrency ?? 2;
  let queue: Pending[] = [];
  const writing = new Set<string>();
  let running = 0;

  const next = (): void => {
    while (running < concurrency && queue.length > 0) {
      const group: Pending[] = [];
      const waiting: Pending[] = [];
      const inGroup = new Set<string>();
      for (const pending of queue) {
        const free =
          group.length < maxGroup &&
          !inGroup.has(pending.lockerId) &&
          !writing.has(pending.lockerId);
        // A locker passed over once keeps its later batches behind it.
        if (free) {
          group.push(pending);
          inGroup.add(pending.lockerId);
        } else {
          waiting.push(pending);
          inGroup.add(pending.lockerId);
        }
      }
      queue = waiting;
      if (group.length === 0) return;
      running += 1;
      for (const p of group) writing.add(p.lockerId);
      void write(group).finally(() => {
        running -= 1;
        for (const p of group) writing.delete(p.lockerId);
        next();
      });
    }
  };

  const write = async (group: Pending[]): Promise<void> => {
    try {
      const results = await store.ingestMany(group);
      for (const [i, p] of group.entries()) p.resolve(results[i] as IngestResult);
    } catch (error) {
      // Safe to repeat: what a group did commit is skipped by seq when its batches come again.
      if (group.length === 1) return group[0]?.reject(error);
      for (const p of group) {
        await store.ingest(p.lockerId, p.events, p.receivedAt).then(p.resolve, p.reject);
      }
    }
  };

  return {
    committedSeq: (lockerId) => store.committedSeq(lockerId),
    ingest(lockerId, events, receivedAt) {
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ lockerId, events, receivedAt, resolve, reject });
        next();
      });
    },
  };
}
