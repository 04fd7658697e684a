import type { Logger } from 'pino';
import type { Status } from '../../protocol/index.ts';
import type { LockerPresence } from '../mqtt/locker-presence.ts';
import type { LiveEventHub } from './event-hub.ts';

interface StatusStore {
  saveLockerStatus(status: Status, receivedAt: number): Promise<void>;
}

/**
 * Presence to the console: every status message is kept as the locker's last status (outbox
 * depth, boards, versions), and a change of online state goes to the live feed once.
 */
export function feedPresence(
  presence: LockerPresence,
  hub: LiveEventHub,
  store: StatusStore,
  logger: Logger,
): () => void {
  const online = new Map<string, boolean>();
  return presence.onChange((lockerId, entry) => {
    store.saveLockerStatus(entry.status, entry.receivedAt).catch((error: unknown) => {
      logger.warn({ event: 'presence.status-save-failed', lockerId, error: String(error) });
    });
    if (online.get(lockerId) === entry.online) return;
    online.set(lockerId, entry.online);
    void hub.publish({
      type: entry.online ? 'locker.online' : 'locker.offline',
      at: entry.receivedAt,
      lockerId,
      data: { online: entry.online, lastSeenAt: entry.receivedAt },
    });
  });
}
