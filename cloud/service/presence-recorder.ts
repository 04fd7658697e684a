import type { Logger } from 'pino';
import type { LockerPresence, LockerPresenceEntry } from '../mqtt/locker-presence.ts';

interface StatusStore {
  setLockerStatus(lockerId: string, online: boolean, at: number): Promise<void>;
}

/**
 * Writes every presence change (live status, retained status, last will) to the store, so
 * GET /v1/lockers and the fleet view show online state and last seen. Writes of one locker are
 * chained, so an online followed quickly by an offline cannot land in the other order.
 * `also` runs first, synchronously, for the in-memory listeners (publishers).
 */
export function recordPresence(
  presence: LockerPresence,
  store: StatusStore,
  logger: Logger,
  also: (lockerId: string, entry: LockerPresenceEntry) => void,
): () => void {
  const chains = new Map<string, Promise<void>>();
  return presence.onChange((lockerId, entry) => {
    also(lockerId, entry);
    const write = () =>
      store.setLockerStatus(lockerId, entry.online, entry.receivedAt).catch((error: unknown) => {
        logger.warn({ event: 'presence.write-failed', lockerId, error: String(error) });
      });
    const next = (chains.get(lockerId) ?? Promise.resolve()).then(write);
    chains.set(lockerId, next);
    void next.then(() => {
      if (chains.get(lockerId) === next) chains.delete(lockerId);
    });
  });
}
