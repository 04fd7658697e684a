import type { Logger } from 'pino';
import type { LockerPresence, LockerPresenceEntry } from '../mqtt/locker-presence.ts';
import type { ReceivedStatus } from '../store/presence-store.ts';

interface StatusStore {
  recordStatuses(batch: readonly ReceivedStatus[]): Promise<void>;
}

export interface PresenceRecorderOptions {
  /** How long statuses gather before one transaction writes them. */
  readonly delayMs?: number;
  /** At most this many lockers per transaction; a bigger backlog takes several. */
  readonly maxBatch?: number;
}

export interface PresenceRecorder {
  /** Writes what is pending and stops listening. */
  stop(): Promise<void>;
}

/**
 * Writes every presence change (live status, retained status, last will) to the store: online
 * state and last seen for GET /v1/lockers and the fleet view, the last status for the console.
 * Statuses gather for `delayMs` and are written in one transaction, the newest per locker (an
 * online followed by an offline in one window writes the offline; the store refuses anything
 * older than what it holds, whichever worker wrote that). One commit per status was most of the
 * store's work in a 10,000-locker connect storm (docs/scaling.md).
 * `also` runs first, synchronously, for the in-memory listeners (publishers).
 */
export function recordPresence(
  presence: LockerPresence,
  store: StatusStore,
  logger: Logger,
  also: (lockerId: string, entry: LockerPresenceEntry) => void,
  options: PresenceRecorderOptions = {},
): PresenceRecorder {
  const delayMs = options.delayMs ?? 50;
  const maxBatch = options.maxBatch ?? 1_000;
  let pending = new Map<string, ReceivedStatus>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    timer = undefined;
    // Writes run one after another, so a locker's newer status is never overtaken by an older one.
    writing = writing.then(async () => {
      while (pending.size > 0) {
        const all = [...pending.values()];
        const batch = all.slice(0, maxBatch);
        pending = new Map(all.slice(maxBatch).map((r) => [r.status.lockerId, r]));
        await store.recordStatuses(batch).catch((error: unknown) => {
          logger.warn({
            event: 'presence.write-failed',
            lockers: batch.length,
            error: String(error),
          });
        });
      }
    });
    return writing;
  };

  const unsubscribe = presence.onChange((lockerId, entry) => {
    also(lockerId, entry);
    pending.set(lockerId, { status: entry.status, receivedAt: entry.receivedAt });
    timer ??= setTimeout(flush, delayMs);
  });
  return {
    async stop() {
      unsubscribe();
      clearTimeout(timer);
      await flush();
    },
  };
}
